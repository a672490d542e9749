import ArgumentParser
import DANECheck
import DNSWire
import Foundation

/// `sigil dane check`: the DANE lab's own analyzer (see docs/dane-lab.md).
struct DaneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dane", abstract: "Check a mail domain's DANE setup.", subcommands: [DaneCheckCommand.self])
}

struct DaneCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check a domain's MX, TLSA records and STARTTLS certificates as a DANE sender would.",
        discussion: """
            Every lookup is DNSSEC-validated: through a validating resolver that must set AD (--resolver), \
            or by sigil itself from a DS as trust anchor, asking the zone's server (--server and --ds). \
            Exits 0 when no check fails (warnings are advice), 1 otherwise.
            """
    )

    @Argument(help: "The mail domain.")
    var domain: String

    @Option(help: "A validating resolver, HOST:PORT.")
    var resolver: String?

    @Option(help: "The zone's authoritative server, HOST:PORT (with --ds).")
    var server: String?

    @Option(help: "The zone's DS as trust anchor: \"TAG ALGORITHM DIGEST-TYPE HEX\".")
    var ds: String?

    @Option(help: "The zone --ds belongs to (default: the domain or its nearest ancestor with a DNSKEY RRset).")
    var zone: String?

    @Option(name: .customLong("smtp-port"), help: "SMTP port to connect to and to look TLSA up for.")
    var smtpPort: UInt16 = 25

    @Option(help: "Seconds each lookup or connection may take.")
    var timeout: Double = 5

    @Flag(name: .customLong("mta-sts"), help: "Also fetch and check the MTA-STS policy.")
    var mtaSTS = false

    @Option(name: .customLong("ca-file"), help: "CA certificates for the MTA-STS policy host.")
    var caFile: String?

    @Option(name: .customLong("mta-sts-connect"), help: "Fetch the MTA-STS policy from HOST:PORT.")
    var mtaSTSConnect: String?

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func validate() throws {
        if resolver != nil, server != nil || ds != nil {
            throw ValidationError("give --resolver, or --server with --ds")
        }
        if (server == nil) != (ds == nil) { throw ValidationError("--server and --ds go together") }
        if resolver == nil, server == nil {
            throw ValidationError("give --resolver HOST:PORT, or --server HOST:PORT --ds \"...\"")
        }
        for address in [resolver, server, mtaSTSConnect].compactMap({ $0 }) where ServerAddress(parsing: address) == nil
        {
            throw ValidationError("not a numeric HOST:PORT: \(address)")
        }
        if let ds, DS(presentation: ds) == nil {
            throw ValidationError("--ds must be \"TAG ALGORITHM DIGEST-TYPE HEX\": \(ds)")
        }
        guard (try? DNSName(text: absolute(domain))) != nil else {
            throw ValidationError("not a domain name: \(domain)")
        }
        if let zone, (try? DNSName(text: absolute(zone))) == nil { throw ValidationError("not a zone name: \(zone)") }
        guard timeout > 0, timeout <= 120 else { throw ValidationError("--timeout must be 0 to 120 seconds") }
    }

    func absolute(_ name: String) -> String { name.hasSuffix(".") ? name : name + "." }

    func run() throws {
        let name = try DNSName(text: absolute(domain))
        let lookup: any SecureLookup
        if let resolver, let address = ServerAddress(parsing: resolver) {
            lookup = ValidatingResolverLookup(address, timeout: timeout)
        } else if let server, let address = ServerAddress(parsing: server), let ds, let anchor = DS(presentation: ds) {
            if let zone {
                lookup = AnchoredLookup(
                    server: address, zone: try DNSName(text: absolute(zone)), anchor: anchor, timeout: timeout)
            } else {
                lookup = AnchoredLookup.anchored(server: address, domain: name, anchor: anchor, timeout: timeout)
            }
        } else {
            throw ValidationError("give --resolver, or --server with --ds")
        }
        let options =
            mtaSTS ? MTASTSOptions(caFile: caFile, connect: mtaSTSConnect.flatMap(ServerAddress.init(parsing:))) : nil
        let report = DomainCheck(lookup: lookup, smtpPort: smtpPort, timeout: timeout, mtaSTS: options).run(name)
        print(json ? report.json : report.table)
        if report.verdict == .fail { throw ExitCode(1) }
    }
}
