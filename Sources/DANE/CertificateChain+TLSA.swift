import DNSSEC
import DNSWire

extension CertificateChain {
    /// The TLSA record data that `parameters` make from this chain: usage picks the leaf or its
    /// issuer, the selector the whole certificate or its SubjectPublicKeyInfo, and the matching
    /// type whether that DER is published as is or hashed (RFC 6698 §2.1).
    public func association(_ parameters: AssociationParameters) throws(DANEError) -> TLSA {
        let certificate = parameters.usage.usesIssuer ? try leafIssuer() : leaf
        let selected =
            switch parameters.selector {
            case .fullCertificate: certificate.der
            case .subjectPublicKeyInfo: certificate.subjectPublicKeyInfoDER
            }
        let data =
            switch parameters.matching {
            case .full: selected
            case .sha256: Digest.hash(.sha256, selected)
            case .sha512: Digest.hash(.sha512, selected)
            }
        return TLSA(
            usage: parameters.usage.rawValue, selector: parameters.selector.rawValue,
            matchingType: parameters.matching.rawValue, data: data)
    }
}
