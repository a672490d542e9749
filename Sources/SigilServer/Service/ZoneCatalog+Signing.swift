import DNSSEC
import DNSWire
import DNSZone
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// What signing a zone needs before its file is read: its keys and the signer's configuration.
/// The apex DNSSEC records go into the records before the one build of the zone
/// (`ZoneSigner.publishedRecords`), and the signer is made over that zone.
struct ZoneSigning {
    let keys: [ZoneKey]
    let configuration: SignerConfiguration

    /// The records as the signed zone publishes them.
    func published(_ records: [ResourceRecord], origin: DNSName) -> [ResourceRecord] {
        ZoneSigner.publishedRecords(records, origin: origin, keys: keys, configuration: configuration)
    }
}

extension ZoneCatalog {
    /// How `config`'s zone is signed: nil when `dnssec.enabled` is false. Otherwise its keys from
    /// `keysDirectory` (one combined signing key is generated if the directory has none). Throws,
    /// with the error logged, when the keys cannot be read: the caller then treats the zone like
    /// one whose file failed, keeping its previous version.
    func signing(_ config: ZoneConfig, keysDirectory: String) throws(KeyFileError) -> ZoneSigning? {
        guard config.dnssec.enabled else { return nil }
        let origin = config.origin
        do throws(KeyFileError) {
            if let policy = config.dnssec.policy {
                return try managedSigning(config, policy, keysDirectory: keysDirectory)
            }
            let store = KeyStore(directory: keysDirectory)
            try Self.ensureDirectory(keysDirectory)
            var keys = try store.keys(for: origin)
            if keys.isEmpty {
                let key = try store.generate(zone: origin, algorithm: config.dnssec.algorithm.dnssec, ksk: true)
                logger.notice(
                    "zone \(origin.text): generated signing key \(key.keyTag) (\(key.algorithm)); give the parent this DS",
                    metadata: ["ds": "\(origin.text) IN DS \(key.ds().presentation)", "file": "\(key.publicKeyPath)"])
                keys = [key]
            }
            var configuration = SignerConfiguration()
            configuration.denial = config.dnssec.denial.mode
            configuration.validity = config.dnssec.validitySeconds
            return ZoneSigning(keys: keys.map(ZoneKey.init), configuration: configuration)
        } catch {
            logger.error("zone \(origin.text): keys not loaded: \(error)")
            throw error
        }
    }

    /// What is served for a zone that built: the zone itself, or a new ``ZoneSigner`` over it (nil,
    /// with the error logged, when it cannot be signed).
    ///
    /// A new signer every time, never one reused across loads: its signature cache belongs to
    /// this version of the zone, so a reload can never serve signatures over stale data.
    func served(_ config: ZoneConfig, _ zone: Zone, signing: ZoneSigning?, keysDirectory: String) -> LoadedZone? {
        guard let signing else { return LoadedZone(config: config, zone: zone) }
        do throws(SignerError) {
            let signer = try ZoneSigner(prepared: zone, keys: signing.keys, configuration: signing.configuration)
            return LoadedZone(config: config, signer: signer)
        } catch {
            logger.error("zone \(zone.origin.text): cannot sign: \(error)", metadata: ["keys": "\(keysDirectory)"])
            return nil
        }
    }

    /// Creates the key directory (mode 0700: it holds private keys) if it does not exist.
    public static func ensureDirectory(_ path: String) throws(KeyFileError) {
        if mkdir(path, 0o700) == 0 || errno == EEXIST { return }
        throw KeyFileError(path: path, "cannot create the key directory: \(String(cString: strerror(errno)))")
    }
}

extension DNSSECConfig.Algorithm {
    /// The DNSSEC algorithm number this configuration name stands for.
    var dnssec: DNSSECAlgorithm {
        switch self {
        case .ecdsap256sha256: .ecdsaP256SHA256
        case .ed25519: .ed25519
        }
    }
}

extension DNSSECConfig.Denial {
    var mode: DenialMode {
        switch self {
        case .nsec3: .nsec3
        case .nsec3Narrow: .nsec3Narrow
        }
    }
}
