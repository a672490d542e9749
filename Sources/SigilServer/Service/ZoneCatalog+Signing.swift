import DNSSEC
import DNSWire
import DNSZone
import Logging

#if canImport(Glibc)
import Glibc
#endif

extension ZoneCatalog {
    /// What is served for a zone that built: the zone itself when `dnssec.enabled` is false,
    /// otherwise a new ``ZoneSigner`` over it with the zone's keys from `keysDirectory` (one
    /// combined signing key is generated if the directory has none). Nil, with the error logged,
    /// when the keys cannot be read or the zone cannot be signed: the caller then treats the zone
    /// like one whose file failed, keeping its previous version.
    ///
    /// A new signer every time, never one reused across loads: its signature cache belongs to
    /// this version of the zone, so a reload can never serve signatures over stale data.
    func served(_ config: ZoneConfig, _ zone: Zone, keysDirectory: String) -> LoadedZone? {
        guard config.dnssec.enabled else { return LoadedZone(config: config, zone: zone) }
        let origin = zone.origin
        do throws(KeyFileError) {
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
            var signerConfiguration = SignerConfiguration()
            signerConfiguration.denial = config.dnssec.denial.mode
            signerConfiguration.validity = config.dnssec.validitySeconds
            do throws(SignerError) {
                let signer = try ZoneSigner(
                    zone: zone, keys: keys.map(ZoneKey.init), configuration: signerConfiguration)
                return LoadedZone(config: config, signer: signer)
            } catch {
                logger.error("zone \(origin.text): cannot sign: \(error)", metadata: ["keys": "\(keysDirectory)"])
                return nil
            }
        } catch {
            logger.error("zone \(origin.text): keys not loaded: \(error)")
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
