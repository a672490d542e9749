/// DS digest types (RFC 4034, RFC 4509, RFC 6605) that Sigil can compute.
public enum DSDigestType: UInt8, Sendable, Hashable, CaseIterable {
    /// Deprecated for new DS records (RFC 8624) but still found in parent zones.
    case sha1 = 1
    case sha256 = 2
    case sha384 = 4

    public var digestAlgorithm: DigestAlgorithm {
        switch self {
        case .sha1: .sha1
        case .sha256: .sha256
        case .sha384: .sha384
        }
    }
}
