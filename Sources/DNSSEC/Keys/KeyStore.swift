import DNSWire

/// A directory of BIND-format key files (`K<zone>.+<alg>+<tag>.key` / `.private`), as written by
/// `dnssec-keygen` and read by BIND and Knot's importers. Sigil reads keys from it at start-up and
/// writes new ones in the same format, so operators can keep using the BIND tools.
public struct KeyStore: Sendable {
    public var directory: String

    public init(directory: String) {
        self.directory = directory
    }

    /// Loads every key of `zone` found in the directory, ordered by algorithm then key tag.
    /// A key whose `.private` file is missing is returned without a `signingKey`; any file that
    /// is present but wrong is an error naming that file.
    public func keys(for zone: DNSName) throws(KeyFileError) -> [StoredKey] {
        var names: [KeyFileName] = []
        for entry in try KeyFileIO.list(directory) where entry.hasSuffix(".key") {
            guard let name = KeyFileName(baseName: entry.dropLast(4)), name.zone == zone else { continue }
            names.append(name)
        }
        names.sort { ($0.algorithm.rawValue, $0.keyTag) < ($1.algorithm.rawValue, $1.keyTag) }
        var keys: [StoredKey] = []
        for name in names { keys.append(try load(name)) }
        return keys
    }

    /// Loads one key pair and checks that its parts agree: owner, algorithm and tag with the file
    /// name, and the private key with the published public key.
    public func load(_ name: KeyFileName) throws(KeyFileError) -> StoredKey {
        let publicPath = path(name.publicFileName)
        let privatePath = path(name.privateFileName)
        let publicFile = try PublicKeyFile(parsing: try KeyFileIO.read(publicPath), path: publicPath)
        guard publicFile.owner == name.zone else {
            throw KeyFileError(
                path: publicPath, "owner \(publicFile.owner) does not match zone \(name.zone) in the file name")
        }
        let dnskey = publicFile.dnskey
        guard dnskey.algorithm == name.algorithm else {
            throw KeyFileError(
                path: publicPath, "algorithm \(dnskey.algorithm) does not match \(name.algorithm) in the file name")
        }
        guard dnskey.keyTag == name.keyTag else {
            throw KeyFileError(path: publicPath, "key tag is \(dnskey.keyTag), but the file name says \(name.keyTag)")
        }
        var key = StoredKey(
            name: name, dnskey: dnskey, ttl: publicFile.ttl, signingKey: nil, timing: [],
            publicKeyPath: publicPath, privateKeyPath: privatePath)
        guard KeyFileIO.exists(privatePath) else { return key }

        var privateFile = try PrivateKeyFile(parsing: try KeyFileIO.read(privatePath), path: privatePath)
        defer { privateFile.wipePrivateKey() }
        guard privateFile.algorithm == dnskey.algorithm else {
            throw KeyFileError(
                path: privatePath, "algorithm \(privateFile.algorithm) does not match \(dnskey.algorithm) in the .key")
        }
        let signingKey: SigningKey
        do {
            signingKey = try SigningKey(algorithm: privateFile.algorithm, privateKey: privateFile.privateKey)
        } catch {
            throw KeyFileError(path: privatePath, "bad PrivateKey: \(error)")
        }
        guard signingKey.publicKey == dnskey.publicKey else {
            throw KeyFileError(path: privatePath, "PrivateKey does not match the public key in \(name.publicFileName)")
        }
        key.signingKey = signingKey
        key.timing = privateFile.otherFields
        return key
    }

    /// Generates a new key for `zone`, writes its `.key` and `.private` files (the latter mode
    /// 0600) with `Created`/`Publish`/`Activate` set to now, and returns it. A new key whose tag
    /// collides with an existing file for the zone is discarded and another one drawn.
    @discardableResult
    public func generate(
        zone: DNSName, algorithm: DNSSECAlgorithm, ksk: Bool, ttl: UInt32? = nil
    )
        throws(KeyFileError) -> StoredKey
    {
        for _ in 0..<16 {
            let signingKey: SigningKey
            do {
                signingKey = try SigningKey.generate(algorithm)
            } catch {
                throw KeyFileError(path: directory, "cannot generate a key for \(zone): \(error)")
            }
            let dnskey = DNSKEYData(key: signingKey, ksk: ksk)
            let name = KeyFileName(zone: zone.lowercased(), algorithm: algorithm, keyTag: dnskey.keyTag)
            let publicPath = path(name.publicFileName)
            let privatePath = path(name.privateFileName)
            if KeyFileIO.exists(publicPath) || KeyFileIO.exists(privatePath) { continue }

            let now = KeyFileIO.timestamp()
            let timing = ["Created", "Publish", "Activate"].map { PrivateKeyFile.Field(name: $0, value: now) }
            var privateFile: PrivateKeyFile
            do {
                privateFile = PrivateKeyFile(
                    algorithm: algorithm, privateKey: try signingKey.privateKeyBytes(), otherFields: timing)
            } catch {
                throw KeyFileError(path: privatePath, "cannot export the new key: \(error)")
            }
            defer { privateFile.wipePrivateKey() }
            let publicFile = PublicKeyFile(owner: name.zone, ttl: ttl, dnskey: dnskey)
            let kind = ksk ? "key-signing key" : "zone-signing key"
            let comments =
                ["This is a \(kind), keyid \(dnskey.keyTag), for \(name.zone)."]
                + timing.map { "\($0.name): \($0.value)" }

            try KeyFileIO.create(privatePath, privateFile.render(), mode: 0o600)
            do {
                try KeyFileIO.create(publicPath, publicFile.render(comments: comments), mode: 0o644)
            } catch {
                KeyFileIO.remove(privatePath)
                throw error
            }
            return StoredKey(
                name: name, dnskey: dnskey, ttl: ttl, signingKey: signingKey, timing: timing,
                publicKeyPath: publicPath, privateKeyPath: privatePath)
        }
        throw KeyFileError(path: directory, "could not find an unused key tag for \(zone)")
    }

    /// Generates a key for `zone` in `directory` and returns its key tag.
    @discardableResult
    public static func generate(
        zone: DNSName, algorithm: DNSSECAlgorithm, ksk: Bool, in directory: String
    )
        throws(KeyFileError) -> UInt16
    {
        try KeyStore(directory: directory).generate(zone: zone, algorithm: algorithm, ksk: ksk).keyTag
    }

    private func path(_ file: String) -> String {
        directory.hasSuffix("/") ? directory + file : directory + "/" + file
    }
}
