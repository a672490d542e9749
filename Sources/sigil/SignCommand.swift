import ArgumentParser
import DNSSEC
import DNSWire
import DNSZone
import Foundation
import SigilServer

/// `sigil sign ORIGIN ZONEFILE`: signs a zone with the keys in a key directory and prints it, as
/// the server would serve it (DNSKEY, CDS, CDNSKEY, NSEC3PARAM, NSEC3 chain, RRSIGs).
struct SignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sign", abstract: "Sign a zone file and print the signed zone.")

    @Argument(help: "The zone's name, e.g. example.com (the final dot is optional).") var origin: String
    @Argument(help: "The zone file.") var zoneFile: String
    @Option(help: "The directory with the zone's BIND-format key files.") var dir = "keys"
    @Option(help: "Signature validity in days.") var validityDays: UInt32 = 14
    @Option(name: .shortAndLong, help: "Write the signed zone here instead of standard output.") var output: String?

    func run() throws {
        let name = try DNSName(typed: origin)
        // Loaded as `check-zone` and the server load it, with the same messages.
        let load = ZoneFileLoad(file: zoneFile, origin: name)
        guard let zone = load.zone else { throw CommandFailure(load.errors.joined(separator: "\n")) }
        let keys = try KeyStore(directory: dir).keys(for: name).map(ZoneKey.init)
        guard !keys.isEmpty else { throw CommandFailure("no keys for \(name.text) in \(dir); run sigil keygen") }
        let signer = try ZoneSigner(
            zone: zone, keys: keys, configuration: SignerConfiguration(denial: .nsec3, validity: validityDays * 86_400))
        let text = try signer.signedZoneText()
        if let output {
            try text.write(toFile: output, atomically: true, encoding: .utf8)
        } else {
            print(text, terminator: "")
        }
    }
}

/// A command failure with a message for the operator.
struct CommandFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
