import DANE
import Logging
import ServiceLifecycle

/// Watches the configured certificate files and rebuilds a zone when one of its certificates is
/// renewed, so its TLSA records follow without a restart. The new zone is published through the
/// catalog's store like any reload: queries in flight finish on the old zone, the next ones see
/// the new one.
///
/// When a SIGHUP changes the set of certificate files, the catalog stops the current watcher and
/// this service starts one over the new set.
struct CertificateWatchService: Service {
    let catalog: ZoneCatalog
    let options: CertificateWatcher.Options
    let logger: Logger

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let files = catalog.certificateFiles
            let watcher: CertificateWatcher
            do {
                watcher = try CertificateWatcher(paths: files, options: options)
            } catch {
                logger.error("\(error); TLSA records follow certificate changes only on SIGHUP")
                return
            }
            if !files.isEmpty {
                let how = watcher.usesInotify ? "inotify and polling" : "polling"
                logger.info("watching \(files.count) certificate file(s) for TLSA records (\(how))")
            }
            catalog.tlsa.adopt(watcher, files: files)
            for await changed in watcher.changes.cancelOnGracefulShutdown() {
                logger.info("certificate changed: \(changed.sorted().joined(separator: " "))")
                guard let report = catalog.certificatesChanged(changed) else { continue }
                for zone in report.loaded {
                    logger.info("zone \(zone.zone.origin.text) rebuilt for new certificates, serial \(zone.serial)")
                }
            }
            watcher.stop()
        }
    }
}
