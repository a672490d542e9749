import ArgumentParser
import DANE
import DANECheck
import DNSWire
import Foundation
import SigilServer

/// `sigil tlsrpt summary`: RFC 8460 TLS reports, per organisation, day and policy.
struct TLSRPTCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tlsrpt", abstract: "Read TLS reports (RFC 8460).", subcommands: [TLSRPTSummaryCommand.self])
}

struct TLSRPTSummaryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summary",
        abstract: "Summarise TLSRPT reports (.json or .json.gz) per organisation, day and policy.",
        discussion: """
            With --config, each tlsa policy's policy-string is compared with the TLSA records sigil serves now \
            for the report's mx-host, and records no longer served are flagged STALE. A malformed report is \
            named with the reason; the others are still summarised. Exits 1 when a report was malformed.
            """
    )

    @Argument(help: "Report files.")
    var files: [String]

    @Option(help: "The sigil.yaml whose tlsa: records the reports are compared with.")
    var config: String?

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("give at least one report file") }
    }

    func run() throws {
        let (summaries, malformed) = TLSRPT.read(files)
        var served: ((TLSRPT.PolicySummary) -> Set<String>?)? = nil
        if let config {
            let records = try servedTLSA(config)
            served = { summary in
                let hosts = summary.mxHosts.isEmpty ? [summary.policyDomain] : summary.mxHosts
                let found = hosts.compactMap { host in
                    records.first { owner, _ in
                        owner.hasSuffix(
                            "._tcp." + host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: ".")))
                    }?.value
                }
                return found.isEmpty ? nil : found.reduce(into: Set<String>()) { $0.formUnion($1) }
            }
        }
        print(TLSRPT.render(summaries, malformed: malformed, served: served))
        if !malformed.isEmpty { throw ExitCode(1) }
    }

    /// The TLSA records the config's `tlsa:` entries make now, by owner (lower case, no final dot).
    func servedTLSA(_ path: String) throws -> [String: Set<String>] {
        let loaded = try ConfigSource(configPath: path, overrides: ServeOverrides()).load()
        var result: [String: Set<String>] = [:]
        for zone in loaded.zones {
            for entry in zone.tlsa {
                let parameters = try entry.records.map {
                    try AssociationParameters(usage: $0.usage, selector: $0.selector, matchingType: $0.matchingType)
                }
                let spec = TLSASpec(
                    service: TLSAService(host: entry.host, port: entry.port, proto: entry.proto),
                    certificates: entry.certificates, parameters: parameters)
                for record in try spec.records(origin: zone.origin) {
                    var owner = record.name.lowercased().text
                    if owner.hasSuffix(".") { owner.removeLast() }
                    result[owner, default: []].insert(TLSRPT.normalise(record.data.text))
                }
            }
        }
        return result
    }
}
