import DNSWire

/// Syntax checks of the TXT records a DANE domain publishes beside its TLSA records, and of TLSA
/// RDATA itself. Each returns nil when fine, else what is wrong.
package enum RecordSyntax {
    /// `_mta-sts` (RFC 8461 §3.1): `v=STSv1; id=1*32(ALPHA / DIGIT)` plus optional extensions.
    package static func mtaSTSRecord(_ text: String) -> String? {
        let fields = text.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard fields.first == "v=STSv1" else { return "must begin with v=STSv1" }
        guard let id = fields.first(where: { $0.hasPrefix("id=") })?.dropFirst(3) else { return "no id= field" }
        guard (1...32).contains(id.count), id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
            return "id must be 1 to 32 letters and digits: \(id)"
        }
        return nil
    }

    /// `_smtp._tls` (RFC 8460 §3): `v=TLSRPTv1; rua=URI[,URI]` with mailto: or https: URIs.
    package static func tlsrptRecord(_ text: String) -> String? {
        let fields = text.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard fields.first == "v=TLSRPTv1" else { return "must begin with v=TLSRPTv1" }
        guard let rua = fields.first(where: { $0.hasPrefix("rua=") })?.dropFirst(4), !rua.isEmpty else {
            return "no rua= field"
        }
        for uri in rua.split(separator: ",") {
            let uri = uri.trimmingCharacters(in: .whitespaces)
            if uri.hasPrefix("mailto:") {
                guard uri.dropFirst(7).contains("@") else { return "bad mailto URI: \(uri)" }
            } else if !uri.hasPrefix("https://") {
                return "rua URIs must be mailto: or https: (\(uri))"
            }
        }
        return nil
    }

    /// A TLSA record's parameters and data length (RFC 6698 §2.1, RFC 7218): nil when usable.
    package static func tlsaProblem(_ record: TLSA) -> String? {
        guard record.usage <= 3 else { return "usage \(record.usage) is not defined" }
        guard record.selector <= 1 else { return "selector \(record.selector) is not defined" }
        switch record.matchingType {
        case 0: return record.data.isEmpty ? "matching type 0 with no data" : nil
        case 1: return record.data.count == 32 ? nil : "SHA-256 data of \(record.data.count) bytes, not 32"
        case 2: return record.data.count == 64 ? nil : "SHA-512 data of \(record.data.count) bytes, not 64"
        default: return "matching type \(record.matchingType) is not defined"
        }
    }

    /// The text of a TXT RRset's record that starts with `prefix` (its strings joined).
    package static func txt(_ records: [ResourceRecord], prefix: String) -> [String] {
        records.compactMap { record in
            guard case .txt(let txt) = record.data else { return nil }
            let text = txt.strings.map { String(decoding: $0, as: UTF8.self) }.joined()
            return text.hasPrefix(prefix) ? text : nil
        }
    }
}
