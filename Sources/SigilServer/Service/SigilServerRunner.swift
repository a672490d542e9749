import DNSWire
import DNSZone
import Logging
import NIOCore
import QueryControls
import QueryPipeline
import ServiceLifecycle
import UnixSignals

#if canImport(Glibc)
import Glibc
#endif

/// Why `sigil serve` could not start (other than a configuration error).
public struct StartupError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// `sigil serve`: loads the configuration and zones, serves them on UDP and TCP, reloads on
/// SIGHUP and stops cleanly on SIGTERM or SIGINT.
///
/// It runs a swift-service-lifecycle `ServiceGroup` of two services: the transport (started before
/// the group so that bind errors surface at once) and the reloader, which waits for SIGHUP.
public enum SigilServerRunner {
    /// Serves until SIGTERM/SIGINT. Throws `ConfigError` for a bad configuration (the CLI exits 2),
    /// `StartupError` when no zone loads, and transport errors when binding fails.
    public static func run(source: ConfigSource, logger baseLogger: Logger) async throws {
        let config = try source.load()
        var logger = baseLogger
        logger.logLevel = Logger.Level(rawValue: config.logLevel) ?? .info
        if let path = source.configPath { logger.info("configuration from \(path)") }

        let identity = try ProcessIdentity.resolve(user: config.user, group: config.group)
        raiseOpenFileLimit()
        var transportConfiguration = TransportConfiguration()
        if let workers = config.udpWorkers { transportConfiguration.udpWorkers = workers }
        transportConfiguration.applyTCP(config)
        let addresses = try config.listen.map { text throws(ListenAddressError) in try IPEndpoint(parsing: text) }

        // Trap SIGHUP before anything listens, so an early reload request never kills the process.
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        let catalog = ZoneCatalog(logger: logger)
        let controls = config.controls.makePlan()
        warnIfUnlimited(config, addresses, logger)
        let transport = TransportServer(
            listen: addresses, configuration: transportConfiguration,
            handlerFactory: ResponderFactory(store: catalog.store, controls: controls), logger: logger)
        let report: ZoneCatalog.Report
        if let identity {
            // Bind (port 53 may need root), then drop root before any key or zone is read. Until the zones
            // are loaded, queries get REFUSED.
            _ = try await transport.start()
            do {
                try identity.apply()
            } catch {
                await transport.stop()
                throw error
            }
            logger.info("running as uid \(getuid()) gid \(getgid())")
            report = catalog.load(config.zones, keysDirectory: config.keysDirectory)
            guard !report.serving.isEmpty else {
                await transport.stop()
                throw StartupError("no zone could be loaded; nothing to serve")
            }
        } else {
            report = catalog.load(config.zones, keysDirectory: config.keysDirectory)
            guard !report.serving.isEmpty else { throw StartupError("no zone could be loaded; nothing to serve") }
            _ = try await transport.start()
        }
        let bound = transport.boundAddresses

        let serving = ServingService(transport: transport, bound: bound, zones: report.serving, logger: logger)
        let reloader = ReloadService(
            signals: hangups, source: source, catalog: catalog, listen: config.listen, logger: logger,
            cookieSecrets: controls.cookieSecrets)
        let certificates = CertificateWatchService(catalog: catalog, options: .init(), logger: logger)
        let rollovers = KeyRolloverService(catalog: catalog, logger: logger)
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [
                    .init(service: serving),
                    .init(service: reloader, successTerminationBehavior: .ignore),
                    .init(service: certificates, successTerminationBehavior: .ignore),
                    .init(service: rollovers, successTerminationBehavior: .ignore),
                ],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        do {
            try await group.run()
        } catch {
            await transport.stop()
            throw error
        }
        logger.info("stopped")
    }
}

/// Keeps the (already started) transport serving until graceful shutdown, then stops it. Logs
/// the start-up summary once the service group runs, i.e. once SIGTERM is handled gracefully.
struct ServingService: Service {
    let transport: TransportServer<ResponderFactory>
    let bound: [IPEndpoint]
    let zones: [LoadedZone]
    let logger: Logger

    func run() async throws {
        for zone in zones {
            logger.info(
                "zone \(zone.zone.origin.text) serial \(zone.serial), \(zone.recordCount) records, \(zone.dnssecSummary)",
                metadata: ["file": "\(zone.config.file)"])
        }
        // At notice level so it shows at every usual log level: scripts and tests started with
        // port 0 read the bound port from this line.
        logger.notice("listening on \(bound.map(\.description).joined(separator: " ")) (udp, tcp)")
        try? await gracefulShutdown()
        logger.info("shutting down")
        await transport.stop()
    }
}

/// Reloads the configuration and every zone on SIGHUP. A zone that fails keeps serving its
/// previous version (``ZoneCatalog``); a configuration that fails changes nothing. Listen
/// addresses and worker counts are fixed at start-up: a change to them is logged and ignored.
struct ReloadService: Service {
    let signals: UnixSignalsSequence
    let source: ConfigSource
    let catalog: ZoneCatalog
    let listen: [String]
    let logger: Logger
    /// Rolled on every SIGHUP (`CookieSecrets.roll`).
    var cookieSecrets: CookieSecrets? = nil

    func run() async throws {
        for await _ in signals.cancelOnGracefulShutdown() {
            logger.info("SIGHUP: reloading")
            let config: ServerConfig
            do {
                config = try source.load()
            } catch {
                logger.error("reload failed, nothing changed: \(error)")
                continue
            }
            if config.listen != listen {
                logger.warning("listen addresses changed; they take effect only after a restart")
            }
            cookieSecrets?.roll(to: config.controls.cookies?.secret)
            let report = catalog.reload(config.zones, keysDirectory: config.keysDirectory)
            for zone in report.loaded {
                let line = "zone \(zone.zone.origin.text) loaded serial \(zone.serial), \(zone.recordCount) records"
                logger.info("\(line), \(zone.dnssecSummary)")
            }
            let summary =
                "reload done: \(report.loaded.count) loaded, \(report.kept.count) kept at the previous version, "
                + "\(report.failed.count) failed"
            logger.info("\(summary)")
        }
    }
}
