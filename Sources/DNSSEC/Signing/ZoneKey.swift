/// One key of a zone as the signer sees it: the DNSKEY it publishes and, unless the private half
/// is kept elsewhere, the key to sign with. Whether it is a KSK is the DNSKEY's SEP flag.
public struct ZoneKey: Sendable {
    public var dnskey: DNSKEYData
    public var signingKey: SigningKey?
    /// The TTL the key file gave, if any.
    public var ttl: UInt32?

    public init(dnskey: DNSKEYData, signingKey: SigningKey?, ttl: UInt32? = nil) {
        self.dnskey = dnskey
        self.signingKey = signingKey
        self.ttl = ttl
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
