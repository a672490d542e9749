import ArgumentParser
import Foundation
import TSIG

/// `sigil tsig-keygen NAME`: a new random TSIG key in BIND's key-file format, for `tsig-keys:`
/// (`file:`) and for the secondaries' configurations (BIND includes it as is; Knot and NSD take the
/// algorithm and secret).
struct TSIGKeygenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tsig-keygen", abstract: "Print a new TSIG key in BIND's key-file format.")

    @Argument(help: "The key's name, e.g. xfr-key.") var name: String
    @Option(help: "hmac-sha256 (default), hmac-sha512 or hmac-sha1.") var algorithm = "hmac-sha256"

    func run() throws {
        guard let algorithm = TSIGAlgorithm(name: algorithm) else {
            throw ValidationError("unknown algorithm \(algorithm): expected hmac-sha256, hmac-sha512 or hmac-sha1")
        }
        // As long as the MAC (RFC 8945 §6: keys at least as long as the HMAC output).
        var secret = [UInt8](repeating: 0, count: algorithm.macLength)
        var generator = SystemRandomNumberGenerator()
        for index in secret.indices { secret[index] = UInt8.random(in: 0...255, using: &generator) }
        let key: TSIGKey
        do {
            key = try TSIGKeyFile.makeKey(name: name, algorithm: algorithm, secret: secret)
        } catch {
            TSIGSecret.clear(&secret)
            throw ValidationError(error.description)
        }
        TSIGSecret.clear(&secret)
        print(TSIGKeyFile.format(key), terminator: "")
    }
}
