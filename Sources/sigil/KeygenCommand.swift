import ArgumentParser
import DNSSEC
import DNSWire
import SigilServer

/// `sigil keygen ORIGIN`: makes a key pair in BIND's file format and prints its key tag.
struct KeygenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen", abstract: "Generate a DNSSEC key pair for a zone and print its key tag.")

    enum Algorithm: String, ExpressibleByArgument, CaseIterable {
        case ecdsap256sha256
        case ed25519

        var dnssec: DNSSECAlgorithm { self == .ed25519 ? .ed25519 : .ecdsaP256SHA256 }
    }

    @Argument(help: "The zone's name, e.g. example.com (the final dot is optional).") var origin: String
    @Option(help: "ecdsap256sha256 (13) or ed25519 (15).") var algorithm: Algorithm = .ecdsap256sha256
    @Flag(help: "Make a key-signing key (SEP flag, DNSKEY flags 257).") var ksk = false
    @Option(help: "The key directory.") var dir = "keys"

    func run() throws {
        // As the server does before it generates a key: a missing directory is made, mode 0700.
        try ZoneCatalog.ensureDirectory(dir)
        let tag = try KeyStore.generate(
            zone: try DNSName(typed: origin), algorithm: algorithm.dnssec, ksk: ksk, in: dir)
        print(tag)
    }
}
