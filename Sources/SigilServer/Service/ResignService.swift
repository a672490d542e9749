import DNSWire
import Logging
import ServiceLifecycle

#if canImport(Glibc)
import Glibc
#endif

/// Re-signs journaled zones ahead of expiry. Sigil's own answers refresh signatures at query time,
/// but a secondary only gets new RRSIGs through a transfer: so once any signature secondaries hold
/// has less than about a quarter of its validity left, the zone is loaded again, the signer keeps
/// the signatures that still have long enough and re-makes the others, and that new version gets
/// a new serial, a journal entry (IXFR) and a NOTIFY. The check runs every second.
struct ResignService: Service {
    let catalog: ZoneCatalog
    let logger: Logger

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            catalog.resignDueZones()
            try? await Task.sleep(for: .seconds(1))
        }
    }
}

extension ZoneCatalog {
    /// Loads again every signed journaled zone whose re-signing is due; returns their origins.
    @discardableResult
    func resignDueZones() -> [DNSName] {
        let now = Int64(time(nil))
        var due: [DNSName] = []
        for config in tlsa.zoneConfigs where config.dnssec.enabled {
            guard let entry = journals.entry(origin: config.origin),
                let at = entry.history.resignDue(validity: config.dnssec.validitySeconds), at <= now
            else { continue }
            due.append(config.origin)
        }
        guard !due.isEmpty else { return [] }
        tlsa.serialized {
            logger.info("re-signing for secondaries: \(due.map(\.text).joined(separator: ", "))")
            _ = load(tlsa.zoneConfigs, only: Set(due))
        }
        return due
    }
}
