import KeyManager
import Logging
import ServiceLifecycle

#if canImport(Glibc)
import Glibc
#endif

/// Carries out key rollovers in the running server: wakes at the next key event of any zone
/// (a timing field or a lifetime running out), or to ask a parent for a DS awaited, and reloads
/// the zones concerned, which makes the step and publishes a new serial. Reloads on SIGHUP (e.g.
/// after `sigil keys roll`) change the schedule; the service re-reads it at least every second.
struct KeyRolloverService: Service {
    let catalog: ZoneCatalog
    let logger: Logger

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let now = Int64(time(nil))
            if let report = catalog.runKeyEvents(now: now) {
                for zone in report.loaded {
                    let keys = zone.signer.map { ZoneCatalog.rolesSummary($0.keys) } ?? "unsigned"
                    let next =
                        catalog.keys.state(zone.zone.origin)?.nextEvent.map {
                            "next change at \(KeyTiming.stamp($0)) UTC"
                        }
                        ?? "no change scheduled"
                    logger.notice("zone \(zone.zone.origin.text) serial \(zone.serial): keys \(keys); \(next)")
                }
            }
            // Sleep to the next event, in steps of at most a second so a reload's new schedule
            // is seen promptly without a wake-up channel.
            let schedule = catalog.keySchedule
            var wait: Int64 = 1
            if let next = schedule.next { wait = min(wait, max(0, next - Int64(time(nil)))) }
            do {
                try await Task.sleep(for: .milliseconds(wait == 0 ? 50 : 1000))
            } catch {
                return
            }
        }
    }
}
