/// What the online signer does with a zone: the denial mode, signature validity, the NSEC3
/// parameters, and how much memory its signature cache may hold.
public struct SignerConfiguration: Sendable, Hashable {
    public var denial: DenialMode
    /// How long a new signature is valid, in seconds (default 14 days).
    public var validity: UInt32
    /// How far back inception is set, in seconds, to absorb validators' clock skew (default 1 h).
    public var inceptionOffset: UInt32
    /// NSEC3 iterations and salt. RFC 9276 §3.1: 0 iterations and an empty salt; other values are
    /// accepted for interoperability tests but not recommended.
    public var nsec3Iterations: UInt16
    public var nsec3Salt: [UInt8]
    /// Upper bound, in bytes, on the signatures the cache keeps; above it entries are evicted.
    public var cacheMemoryLimit: Int
    /// The TTL of DNSKEY, CDS and CDNSKEY when no key file gave one.
    public var keyTTL: UInt32

    public init(
        denial: DenialMode = .nsec3, validity: UInt32 = 14 * 86_400, inceptionOffset: UInt32 = 3600,
        nsec3Iterations: UInt16 = 0, nsec3Salt: [UInt8] = [], cacheMemoryLimit: Int = 64 << 20, keyTTL: UInt32 = 3600
    ) {
        self.denial = denial
        self.validity = validity
        self.inceptionOffset = inceptionOffset
        self.nsec3Iterations = nsec3Iterations
        self.nsec3Salt = nsec3Salt
        self.cacheMemoryLimit = cacheMemoryLimit
        self.keyTTL = keyTTL
    }

    /// A signature is re-made once less than this much of its validity is left (a quarter).
    var refreshMargin: Int64 { Int64(validity) / 4 }
    /// Each entry refreshes up to this much earlier still, chosen at random, so signatures made
    /// together (at load) do not all expire together.
    var refreshJitter: Int64 { max(1, Int64(validity) / 16) }
}
