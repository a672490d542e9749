import DNSWire

/// Where TLSA records live: the service's port and transport in front of its host name
/// (RFC 6698 §3), e.g. `_25._tcp.mail.example.com.` for SMTP.
public struct TLSAService: Hashable, Sendable {
    /// As typed in a config (`DNSName(typed:zone:)`): relative to the zone origin (`mail`, or `@`
    /// for the apex), or the full name with or without its trailing dot.
    public var host: String
    public var port: UInt16
    /// The transport label without its underscore: `tcp`, `udp` or `sctp`.
    public var proto: String

    public init(host: String, port: UInt16 = 25, proto: String = "tcp") {
        self.host = host
        self.port = port
        self.proto = proto
    }

    /// The owner name, `_PORT._PROTO.HOST`, with a short host completed by `origin`.
    public func owner(origin: DNSName) throws(DANEError) -> DNSName {
        let display = "_\(port)._\(proto).\(host)"
        guard !proto.isEmpty, proto.utf8.allSatisfy({ $0 != UInt8(ascii: ".") && $0 != UInt8(ascii: "\\") }) else {
            throw .invalidOwner(display, reason: "the protocol must be one plain label like \"tcp\"")
        }
        do {
            let hostName = try DNSName(typed: host, zone: origin)
            return try hostName.prepending(label: Array("_\(proto)".utf8)).prepending(label: Array("_\(port)".utf8))
        } catch {
            throw .invalidOwner(display, reason: "\(error)")
        }
    }
}
