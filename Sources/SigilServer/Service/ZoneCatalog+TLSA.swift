import DNSWire

extension ZoneCatalog {
    /// ``load(_:keysDirectory:only:)`` for a running server (SIGHUP): waits for any
    /// certificate-driven rebuild to finish first, so two reloads never race to publish.
    @discardableResult
    public func reload(_ zones: [ZoneConfig], keysDirectory: String? = nil) -> Report {
        tlsa.serialized { load(zones, keysDirectory: keysDirectory) }
    }

    /// Rebuilds the zones whose `tlsa:` entries read one of `paths` (re-reading their zone files
    /// and certificates) and publishes them; the other zones are left as served. Nil when no zone
    /// uses those files.
    public func certificatesChanged(_ paths: Set<String>) -> Report? {
        tlsa.serialized { () -> Report? in
            let origins = tlsa.origins(affectedBy: paths)
            guard !origins.isEmpty else { return nil }
            return load(tlsa.zoneConfigs, only: origins)
        }
    }

    /// Every certificate file the configured `tlsa:` entries read.
    public var certificateFiles: [String] { tlsa.files }
}
