import ArgumentParser
import Logging
import QueryPipeline
import SigilServer

#if canImport(Glibc)
import Glibc
#endif

/// `sigil serve`: the nameserver itself.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve zones over UDP and TCP.",
        discussion: """
            Flags override the config file. Without --config, ./sigil.yaml is used if it exists. \
            With no zones configured, every zones/*.zone is served (origin from the file). \
            SIGHUP reloads the configuration and the zones; SIGTERM or SIGINT stops the server. \
            Exit status: 0 after a clean stop, 1 if nothing could be served, 2 for a bad configuration.
            """
    )

    @Option(name: .long, help: "The YAML config file (default: ./sigil.yaml if present).")
    var config: String?

    @Option(name: .long, help: "An address to listen on, e.g. 127.0.0.1:5353 or [::1]:53 (repeatable).")
    var listen: [String] = []

    @Option(name: .long, help: "A zone to serve, as ORIGIN=FILE (repeatable; replaces the file's zones).")
    var zone: [String] = []

    @Option(name: .long, help: "The directory of DNSSEC keys.")
    var keys: String?

    @Option(name: .customLong("udp-workers"), help: "UDP worker threads (default: one per core).")
    var udpWorkers: Int?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String?

    func run() async throws {
        var overrides = ServeOverrides()
        overrides.listen = listen
        overrides.zones = zone
        overrides.keysDirectory = keys
        overrides.udpWorkers = udpWorkers
        overrides.logLevel = logLevel
        LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
        let logger = Logger(label: "sigil")
        do {
            try await SigilServerRunner.run(
                source: ConfigSource(configPath: config, overrides: overrides), logger: logger)
        } catch let error as ConfigError {
            printError("sigil: configuration error: \(error)")
            throw ExitCode(2)
        } catch let error as StartupError {
            printError("sigil: \(error)")
            throw ExitCode(1)
        } catch let error as ListenAddressError {
            printError("sigil: configuration error: \(error)")
            throw ExitCode(2)
        } catch {
            printError("sigil: \(error)")
            throw ExitCode(1)
        }
    }
}

/// Writes one line to stderr (unbuffered, so it is never lost on exit).
func printError(_ line: String) {
    let text = line + "\n"
    _ = text.withCString { write(2, $0, strlen($0)) }
}
