import ArgumentParser
import DANE
import DNSWire

/// `sigil tlsa`: prints the TLSA record(s) for certificate files, like `ldns-dane create` or
/// `danetool --tlsa-rr`, without a network connection. Several `--cert` files print one record
/// each (the current + next pair of a rollover, RFC 7671 §8.1).
struct TLSACommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tlsa",
        abstract: "Print the TLSA record for a certificate file (PEM leaf or full chain, or DER).",
        discussion: """
            Usage 3 (DANE-EE) and 1 describe the first certificate of the file; usage 2 (DANE-TA) and 0 its \
            issuer, which must be in the same file. Without --host only the record data is printed.
            """
    )

    @Option(name: .customLong("cert"), help: "Certificate file; repeat for a rollover pair.")
    var certificates: [String]

    @Option(help: "Certificate usage: 0 PKIX-TA, 1 PKIX-EE, 2 DANE-TA, 3 DANE-EE.")
    var usage: UInt8 = 3

    @Option(help: "Selector: 0 full certificate, 1 SubjectPublicKeyInfo.")
    var selector: UInt8 = 1

    @Option(help: "Matching type: 0 exact, 1 SHA-256, 2 SHA-512.")
    var matching: UInt8 = 1

    @Option(help: "Host name of the service (absolute; a trailing dot is optional).")
    var host: String?

    @Option(help: "Service port.")
    var port: UInt16 = 25

    @Option(name: .customLong("protocol"), help: "Transport protocol label.")
    var proto: String = "tcp"

    @Option(help: "TTL of the printed record.")
    var ttl: UInt32 = TLSASpec.defaultTTL

    func validate() throws {
        guard !certificates.isEmpty else { throw ValidationError("give at least one --cert FILE") }
    }

    func run() throws {
        let parameters = try AssociationParameters(usage: usage, selector: selector, matchingType: matching)
        for line in try TLSACommandOutput.lines(
            certificates: certificates, parameters: parameters, host: host, port: port, proto: proto, ttl: ttl)
        {
            print(line)
        }
    }
}
