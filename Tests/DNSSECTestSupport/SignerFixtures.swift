import DNSSEC
import DNSWire
import DNSZone
import Foundation
import QueryPipeline
import Synchronization
import Testing

/// The zone the signer tests use: ENTs from `_25._tcp` names, wildcards (data and CNAME),
/// delegations with and without DS (with glue), CNAME chains, mixed case.
enum SignerFixtures {
    static let origin = "example.test."

    static let zoneText = """
        $TTL 3600
        @ IN SOA ns1 hostmaster 2024010101 7200 3600 1209600 300
        @ NS ns1
        @ NS ns2.other.test.
        @ A 192.0.2.1
        @ MX 10 mail
        ns1 A 192.0.2.53
        mail A 192.0.2.25
        mail AAAA 2001:db8::25
        www CNAME @
        alias CNAME www
        tomissing CNAME nothing-here
        _25._tcp.mail TLSA 3 1 1 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
        _443._tcp.www.deep TXT "deep ent"
        *.wild A 192.0.2.99
        *.wild TXT "wild"
        *.cwild CNAME mail
        secure NS ns.secure
        secure DS 12345 13 2 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
        ns.secure A 192.0.2.77
        insecure NS ns.insecure
        ns.insecure A 192.0.2.78
        Mixed.Case TXT "case"

        """

    static func zone(_ text: String = zoneText) throws -> Zone {
        let parsed = ZoneFileParser.parse(text: text, origin: try DNSName(text: origin))
        #expect(parsed.isValid, "\(parsed.summary)")
        return try Zone.build(origin: try DNSName(text: origin), records: parsed.records).zone
    }

    /// CSK: one SEP key signs everything; otherwise a KSK and a ZSK.
    static func keys(_ algorithm: DNSSECAlgorithm, csk: Bool) throws -> [ZoneKey] {
        if csk { return [ZoneKey(signingKey: try SigningKey.generate(algorithm), ksk: true)] }
        return [
            ZoneKey(signingKey: try SigningKey.generate(algorithm), ksk: true),
            ZoneKey(signingKey: try SigningKey.generate(algorithm), ksk: false),
        ]
    }

    /// A query packet with EDNS (payload 1232) and, unless told otherwise, the DO bit.
    static func queryPacket(_ name: String, _ type: RRType, dnssecOK: Bool = true) throws -> [UInt8] {
        var writer = WireWriter(capacity: 512)
        for value: UInt16 in [0x1234, 0, 1, 0, 0, 1] { writer.writeUInt16(value) }
        writer.writeName(try DNSName(text: name), compress: false)
        writer.writeUInt16(type.rawValue)
        writer.writeUInt16(RRClass.in.rawValue)
        writer.writeUInt8(0)
        writer.writeUInt16(RRType.opt.rawValue)
        writer.writeUInt16(1232)
        writer.writeUInt32(dnssecOK ? 0x8000 : 0)
        writer.writeUInt16(0)
        return writer.bytes
    }

    /// What a server worker does: decode, answer, encode with signatures.
    static func respond(
        _ signer: ZoneSigner, _ name: String, _ type: RRType, encoder: inout ResponseEncoder, dnssecOK: Bool = true
    ) throws -> [UInt8] {
        let packet = try queryPacket(name, type, dnssecOK: dnssecOK)
        var query = Query()
        try packet.withUnsafeBytes { bytes throws in try query.decode(bytes) }
        var answer = Answer()
        signer.zone.answer(name: query.name, type: query.type, into: &answer)
        var writer = WireWriter()
        packet.withUnsafeBytes {
            _ = encoder.encode(answer, for: query, packet: $0, signer: query.dnssecOK ? signer : nil, into: &writer)
        }
        return writer.bytes
    }

    static func respond(_ signer: ZoneSigner, _ name: String, _ type: RRType) throws -> [UInt8] {
        var encoder = ResponseEncoder()
        return try respond(signer, name, type, encoder: &encoder)
    }

    static var peersDirectory: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Peers").path
    }
}

/// A clock the test moves by hand.
final class ManualClock: Sendable {
    let seconds: Atomic<Int64>

    init(_ start: Int64) { seconds = Atomic(start) }

    func advance(by delta: Int64) { seconds.add(delta, ordering: .relaxed) }

    var clock: SignerClock { SignerClock { [self] in seconds.load(ordering: .relaxed) } }
}
