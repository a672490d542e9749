import DNSWire

/// One configured set of TLSA records: a service, the certificate files that back it, and which
/// kinds of association to publish for each file.
///
/// Several files are published together so that a key rollover can announce the next
/// certificate before it is deployed (RFC 7671 §8.1: "current + next").
public struct TLSASpec: Hashable, Sendable {
    /// The TTL `sigil tlsa` prints and the one used when nothing else is configured, as
    /// `ldns-dane create` does.
    public static let defaultTTL: UInt32 = 3600

    public var service: TLSAService
    /// PEM (or DER) files; each holds a leaf alone or a leaf followed by its chain.
    public var certificates: [String]
    public var parameters: [AssociationParameters]

    public init(
        service: TLSAService, certificates: [String],
        parameters: [AssociationParameters] = [.endEntityKeySHA256]
    ) {
        self.service = service
        self.certificates = certificates
        self.parameters = parameters
    }

    /// The record data from every file and every parameter set, duplicates removed, in file
    /// then parameter order. Any unreadable file fails the whole set: publishing only part of a
    /// rollover pair could strand clients that already moved to the other certificate.
    public func associations() throws(DANEError) -> [TLSA] {
        var seen: Set<TLSA> = []
        var result: [TLSA] = []
        for file in certificates {
            let chain = try CertificateChain(contentsOfFile: file)
            for parameters in parameters {
                let tlsa = try chain.association(parameters)
                if seen.insert(tlsa).inserted { result.append(tlsa) }
            }
        }
        return result
    }

    /// The records at `_PORT._PROTO.HOST`, the host completed by `origin`.
    public func records(origin: DNSName, ttl: UInt32 = TLSASpec.defaultTTL) throws(DANEError) -> [ResourceRecord] {
        let owner = try service.owner(origin: origin)
        return try associations().map { ResourceRecord(name: owner, ttl: ttl, data: .tlsa($0)) }
    }
}
