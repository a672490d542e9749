import ArgumentParser
import DNSSEC
import DNSWire

/// `sigil ds ORIGIN`: prints the DS records (SHA-256) the parent must publish for the zone's SEP
/// keys (every key, if none has the SEP flag).
struct DSCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ds", abstract: "Print the DS records (SHA-256) of a zone's key-signing keys.")

    @Argument(help: "The zone's name, e.g. example.com (the final dot is optional).") var origin: String
    @Option(help: "The key directory.") var dir = "keys"

    func run() throws {
        let name = try DNSName(typed: origin)
        let keys = try KeyStore(directory: dir).keys(for: name)
        // Printing nothing would leave a script (the README's delv step) an empty trust anchor.
        guard !keys.isEmpty else { throw CommandFailure("no keys for \(name.text) in \(dir); run sigil keygen") }
        let sep = keys.contains(where: \.isKeySigningKey) ? keys.filter(\.isKeySigningKey) : keys
        for key in sep { print("\(name.text) IN DS \(key.ds(digestType: .sha256).presentation)") }
    }
}
