import ArgumentParser
import DNSWire
import SigilServer

/// `sigil check-zone`: reads a zone file the way the server would load it.
struct CheckZone: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-zone",
        abstract: "Check a zone file: parse it and build the zone as the server would.",
        discussion: """
            Prints "zone NAME: loaded serial N, M records" and exits 0, or prints every error \
            (file:line:column: error: message) and exits 1. Warnings are printed either way.
            """
    )

    @Argument(help: "The zone file.")
    var file: String

    @Option(name: .long, help: "The zone's origin (default: from the file's SOA or $ORIGIN).")
    var origin: String?

    func run() throws {
        var originName: DNSName? = nil
        if let origin {
            do {
                originName = try DNSName(typed: origin)
            } catch {
                printError("sigil: --origin: \"\(origin)\" is not a domain name")
                throw ExitCode(2)
            }
        }
        let result = ZoneFileLoad(file: file, origin: originName)
        for line in result.errors + result.warnings { print(line) }
        guard let summary = result.summary else {
            print(
                "zone \(result.origin.text): \(result.errors.count) error\(result.errors.count == 1 ? "" : "s"), not loaded"
            )
            throw ExitCode(1)
        }
        print(summary)
    }
}
