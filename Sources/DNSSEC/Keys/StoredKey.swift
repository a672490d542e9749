import DNSWire

/// A key of a zone as found in a key directory: the published DNSKEY and, when the `.private`
/// file is present, the key to sign with.
public struct StoredKey: Sendable {
    public var name: KeyFileName
    public var dnskey: DNSKEYData
    /// TTL from the `.key` file, if it had one.
    public var ttl: UInt32?
    /// Nil for a key published without its private half (e.g. a KSK kept offline).
    public var signingKey: SigningKey?
    /// `Created`, `Publish`, `Activate` and any other extra fields of the `.private` file.
    public var timing: [PrivateKeyFile.Field]
    public var publicKeyPath: String
    public var privateKeyPath: String

    public var zone: DNSName { name.zone }
    public var keyTag: UInt16 { name.keyTag }
    public var algorithm: DNSSECAlgorithm { dnskey.algorithm }
    public var isKeySigningKey: Bool { dnskey.isKeySigningKey }

    /// The DS record for this key.
    public func ds(digestType: DSDigestType = .sha256) -> DSData {
        DSData(owner: name.zone, dnskey: dnskey, digestType: digestType)
    }
}
