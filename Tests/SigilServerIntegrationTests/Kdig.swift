import DNSWire
import Foundation
import SigilTestSupport

/// Queries through the real `kdig`, reading its JSON output (RFC 8427): every field kdig reports
/// — header bits, the question, each record's owner, type, class, TTL and RDATA as hex (OPT
/// included) — is put back into wire form and decoded as a `Message`, so the tests judge what the
/// server sent rather than kdig's rendering of it.
enum Kdig {
    struct Reply {
        var message: Message
        /// The response's size as kdig received it.
        var size: Int
        var stdout: String
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// One query; nil if kdig got no response.
    static func ask(
        _ name: String, _ type: String, server: String = "127.0.0.1", port: UInt16, tcp: Bool = false,
        options: [String] = []
    ) throws -> Reply? {
        var arguments = ["@\(server)", "-p", "\(port)", "+json", "+timeout=2", "+retry=0"]
        if tcp { arguments.append("+tcp") }
        arguments += options + [name, type]
        let output = try Subprocess.run("kdig", arguments)
        guard let data = output.stdout.data(using: .utf8),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            object["ID"] != nil
        else { return nil }
        let bytes = try wire(object)
        return Reply(
            message: try Message(decoding: bytes), size: object["msgLength"] as? Int ?? bytes.count,
            stdout: output.stdout)
    }

    /// The message kdig described, in uncompressed wire form.
    static func wire(_ object: [String: Any]) throws -> [UInt8] {
        func int(_ key: String, in item: [String: Any] = object) -> Int { item[key] as? Int ?? 0 }
        var writer = WireWriter()
        writer.writeUInt16(UInt16(int("ID")))
        var flags = UInt16(int("QR")) << 15 | UInt16(int("Opcode") & 0xF) << 11
        flags |= UInt16(int("AA")) << 10 | UInt16(int("TC")) << 9 | UInt16(int("RD")) << 8
        flags |= UInt16(int("RA")) << 7 | UInt16(int("AD")) << 5 | UInt16(int("CD")) << 4
        flags |= UInt16(int("RCODE") & 0xF)
        writer.writeUInt16(flags)
        let sections = ["answerRRs", "authorityRRs", "additionalRRs"].map { object[$0] as? [[String: Any]] ?? [] }
        let question = object["QNAME"] as? String
        writer.writeUInt16(question == nil ? 0 : 1)
        for section in sections { writer.writeUInt16(UInt16(section.count)) }
        if let question {
            writer.writeName(try DNSName(text: question), compress: false)
            writer.writeUInt16(UInt16(int("QTYPE")))
            writer.writeUInt16(UInt16(int("QCLASS")))
        }
        for section in sections {
            for record in section {
                writer.writeName(try DNSName(text: record["NAME"] as? String ?? "."), compress: false)
                writer.writeUInt16(UInt16(int("TYPE", in: record)))
                writer.writeUInt16(UInt16(int("CLASS", in: record)))
                writer.writeUInt32(UInt32(truncatingIfNeeded: int("TTL", in: record)))
                let hex = record["RDATAHEX"] as? String ?? ""
                guard let rdata = Base16.decode(hex) else { throw Failure(description: "bad RDATAHEX \(hex)") }
                writer.writeUInt16(UInt16(rdata.count))
                writer.writeBytes(rdata)
            }
        }
        return writer.bytes
    }
}
