/// One key of a zone as the signer sees it: the DNSKEY it publishes and, unless the private half
/// is kept elsewhere, the key to sign with. Whether it is a KSK is the DNSKEY's SEP flag.
public struct ZoneKey: Sendable {
    public var dnskey: DNSKEYData
    public var signingKey: SigningKey?
    /// The TTL the key file gave, if any.
    public var ttl: UInt32?
    /// What the key does in this version of the zone, when a key manager decides it (rollovers);
    /// nil: every key is published and signs by its SEP flag (`ZoneSigner.init(prepared:…)`).
    public var roles: Roles?

    /// A key's part in one version of the zone. During rollovers these differ from the SEP flag's
    /// defaults: a ZSK pre-published but not signing, a new algorithm signing before its DNSKEY
    /// is published (RFC 6781 §4.1.4), CDS moved to a successor.
    public struct Roles: Sendable, Hashable {
        /// Its DNSKEY is in the apex DNSKEY RRset.
        public var published: Bool
        /// It signs the DNSKEY, CDS and CDNSKEY RRsets.
        public var signsKeys: Bool
        /// It signs every other RRset.
        public var signsZone: Bool
        /// CDS and CDNSKEY point at it; only ever true for a published key.
        public var childDS: Bool

        public init(published: Bool, signsKeys: Bool, signsZone: Bool, childDS: Bool) {
            self.published = published
            self.signsKeys = signsKeys
            self.signsZone = signsZone
            self.childDS = childDS && published
        }
    }

    public init(dnskey: DNSKEYData, signingKey: SigningKey?, ttl: UInt32? = nil, roles: Roles? = nil) {
        self.dnskey = dnskey
        self.signingKey = signingKey
        self.ttl = ttl
        self.roles = roles
    }

    /// A new key pair's public and private halves.
    public init(signingKey: SigningKey, ksk: Bool) {
        self.init(dnskey: DNSKEYData(key: signingKey, ksk: ksk), signingKey: signingKey)
    }

    /// A key loaded from a `KeyStore`.
    public init(_ stored: StoredKey) {
        self.init(dnskey: stored.dnskey, signingKey: stored.signingKey, ttl: stored.ttl)
    }
}
