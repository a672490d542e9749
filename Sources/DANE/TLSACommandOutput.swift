import DNSWire

/// What `sigil tlsa` prints, kept here so the tests check the very function the command runs.
public enum TLSACommandOutput {
    /// One presentation-format line per distinct record: `owner TTL IN TLSA u s m hex` with a
    /// host, or just `u s m hex` without one. The host is taken as absolute (the command has no
    /// zone origin), with or without its trailing dot.
    public static func lines(
        certificates: [String], parameters: AssociationParameters, host: String?, port: UInt16 = 25,
        proto: String = "tcp", ttl: UInt32 = TLSASpec.defaultTTL
    ) throws(DANEError) -> [String] {
        let service = TLSAService(host: host ?? ".", port: port, proto: proto)
        let spec = TLSASpec(service: service, certificates: certificates, parameters: [parameters])
        guard host != nil else { return try spec.associations().map(\.text) }
        return try spec.records(origin: .root, ttl: ttl).map(\.text)
    }
}
