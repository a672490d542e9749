import DNSSEC
import DNSWire
import Foundation
import Testing

@testable import DNSSECTestSupport

/// Parsing and writing BIND key files, and `KeyStore`'s checks. Compatibility with BIND's own
/// tools is in `InteropTests`.
@Suite struct KeyFileTests {
    @Test func publicKeyFileWithCommentsTTLAndSplitKey() throws {
        let text = """
            ; This is a zone-signing key, keyid 457, for example.test.
            ; Created: 20261129012621 (Sun Nov 29 01:26:21 2026)
            example.test. 3600 IN DNSKEY 256 3 13 W6/cmCcWzm+lzX/Ulg5Io1C4hB0e2ytn6VZnrMySlA9hVQDkl8wuuXEc \
            Ks0LYycdx9h5yOXHl66kWh9dkX/vYw==

            """
        let file = try PublicKeyFile(parsing: text, path: "K.key")
        #expect(file.owner == (try DNSName(text: "example.test.")))
        #expect(file.ttl == 3600)
        #expect(file.dnskey.flags == 256)
        #expect(file.dnskey.algorithm == .ecdsaP256SHA256)
        #expect(file.dnskey.publicKey.count == 64)
        #expect(file.dnskey.keyTag == 457)
        let reparsed = try PublicKeyFile(parsing: file.render(comments: ["a comment"]), path: "again")
        #expect(reparsed == file)
    }

    @Test func publicKeyFileVariants() throws {
        let key = "l02Woi0iS8Aa25FQkUd9RMzZHJpBoRQwAQEX1SxZJA4="
        let forms = [
            "example.com. IN DNSKEY 257 3 15 \(key)",
            "example.com. 1h IN DNSKEY 257 3 ED25519 \(key) ; trailing comment",
            "example.com. IN 3600 DNSKEY ( 257 3 15\n    \(key) )",
        ]
        for form in forms {
            let file = try PublicKeyFile(parsing: form, path: "x.key")
            #expect(file.dnskey.keyTag == 3613, "\(form)")
        }
    }

    @Test func publicKeyFileErrorsNameFileAndLine() {
        let cases: [(String, String)] = [
            ("", "no DNSKEY"),
            ("; only a comment\n", "no DNSKEY"),
            ("example.com. IN A 192.0.2.1", "expected TTL, IN or DNSKEY"),
            ("example.com. IN DNSKEY 257 3", "needs flags"),
            ("example.com. IN DNSKEY 257 3 15 !!!notbase64", "base64"),
            ("example.com. IN DNSKEY 70000 3 15 AAAA", "flags"),
            ("example.com. IN DNSKEY 257 3 RSAFOO AAAA", "unknown algorithm"),
        ]
        for (text, fragment) in cases {
            do {
                _ = try PublicKeyFile(parsing: text, path: "/keys/Kexample.com.+015+03613.key")
                Issue.record("accepted: \(text)")
            } catch {
                #expect(error.description.hasPrefix("/keys/Kexample.com.+015+03613.key"), "\(error)")
                #expect(error.message.contains(fragment), "\(error)")
            }
        }
    }

    @Test func privateKeyFileParsesAndKeepsTiming() throws {
        let text = """
            Private-key-format: v1.3
            Algorithm: 13 (ECDSAP256SHA256)
            PrivateKey: V2u8N8wpYMKrAMIzJ3qavrdJ00ZkUGbSa/ZS+NWp3/s=
            Created: 20261129012621
            Publish: 20261129012621
            Activate: 20261129012621

            """
        let file = try PrivateKeyFile(parsing: text, path: "K.private")
        #expect(file.algorithm == .ecdsaP256SHA256)
        #expect(file.privateKey.count == 32)
        #expect(file.field("Activate") == "20261129012621")
        #expect(file.render() == text)
    }

    @Test func privateKeyFileErrors() {
        let cases: [(String, String)] = [
            ("Algorithm: 13\nPrivateKey: AAAA", "Private-key-format"),
            ("Private-key-format: v2.0\nAlgorithm: 13\nPrivateKey: AAAA", "Private-key-format is not v1.x"),
            ("Private-key-format: v1.3\nPrivateKey: AAAA", "Algorithm"),
            ("Private-key-format: v1.3\nAlgorithm: 8 (RSASHA256)\nModulus: AAAA", "not supported"),
            ("Private-key-format: v1.3\nAlgorithm: 15 (ED25519)", "PrivateKey"),
            ("Private-key-format: v1.3\nAlgorithm: 15 (ED25519)\nPrivateKey: %%%", "base64"),
            ("Private-key-format: v1.3\ngarbage line", "Name: value"),
        ]
        for (text, fragment) in cases {
            do {
                _ = try PrivateKeyFile(parsing: text, path: "Kx.private")
                Issue.record("accepted: \(text)")
            } catch {
                #expect(error.path == "Kx.private")
                #expect(error.message.contains(fragment), "\(error)")
            }
        }
    }

    /// Key files are fixed by hand, and errors reach logs: one must point at the file, line and
    /// field, and never repeat a value, since a damaged line may hold the private key.
    @Test func privateKeyFileErrorsNeverRepeatTheKey() {
        let secret = "V2u8N8wpYMKrAMIzJ3qavrdJ00ZkUGbSa/ZS+NWp3/s="
        let cases: [(text: String, line: Int?, field: String)] = [
            ("Private-key-format: v1.3\nAlgorithm: 13\nPrivateKey \(secret)\n", 3, "Name: value"),
            ("Private-key-format: v1.3\nAlgorithm: 13\n\(secret)\n", 3, "Name: value"),
            ("Private-key-format: v1.3\nAlgorithm: 13\nPrivateKey: \(secret)!\n", 3, "PrivateKey"),
            ("Private-key-format: \(secret)\nAlgorithm: 13\nPrivateKey: AAAA\n", 1, "Private-key-format"),
            ("Private-key-format: v1.3\nAlgorithm: \(secret)\nPrivateKey: AAAA\n", 2, "Algorithm"),
        ]
        for (text, line, field) in cases {
            do {
                _ = try PrivateKeyFile(parsing: text, path: "Kx.private")
                Issue.record("accepted: \(text)")
            } catch {
                #expect(error.path == "Kx.private" && error.line == line, "\(error)")
                #expect(error.message.contains(field), "\(error)")
                #expect(!error.description.contains(secret.prefix(8)), "the key is in the message: \(error)")
            }
        }
    }

    @Test(arguments: [DNSSECAlgorithm.ecdsaP256SHA256, .ed25519])
    func generatedKeysLoadBack(algorithm: DNSSECAlgorithm) throws {
        let directory = try TemporaryDirectory()
        let zone = try DNSName(text: "Example.Test.")
        let store = KeyStore(directory: directory.path)
        let ksk = try store.generate(zone: zone, algorithm: algorithm, ksk: true)
        let zskTag = try KeyStore.generate(zone: zone, algorithm: algorithm, ksk: false, in: directory.path)
        #expect(ksk.publicKeyPath.hasSuffix(ksk.name.publicFileName))
        #expect(ksk.name.baseName.hasPrefix("Kexample.test.+0\(algorithm.rawValue)+"))

        let attributes = try FileManager.default.attributesOfItem(atPath: ksk.privateKeyPath)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)

        let loaded = try store.keys(for: try DNSName(text: "example.test."))
        #expect(loaded.count == 2)
        let loadedKSK = try #require(loaded.first { $0.keyTag == ksk.keyTag })
        let loadedZSK = try #require(loaded.first { $0.keyTag == zskTag })
        #expect(loadedKSK.isKeySigningKey && !loadedZSK.isKeySigningKey)
        #expect(loadedKSK.dnskey == ksk.dnskey)
        #expect(loadedKSK.signingKey?.publicKey == ksk.dnskey.publicKey)
        #expect(loadedKSK.timing.map(\.name) == ["Created", "Publish", "Activate"])
        #expect(try store.keys(for: try DNSName(text: "other.test.")).isEmpty)
    }

    @Test func storeRejectsInconsistentFiles() throws {
        let directory = try TemporaryDirectory()
        let zone = try DNSName(text: "example.test.")
        let store = KeyStore(directory: directory.path)
        let first = try store.generate(zone: zone, algorithm: .ed25519, ksk: false)
        let second = try store.generate(zone: zone, algorithm: .ed25519, ksk: false)

        // The first key's .private replaced by the second's: the halves no longer match.
        try FileManager.default.removeItem(atPath: first.privateKeyPath)
        try FileManager.default.copyItem(atPath: second.privateKeyPath, toPath: first.privateKeyPath)
        #expect {
            try store.keys(for: zone)
        } throws: { error in
            let error = error as! KeyFileError
            return error.path == first.privateKeyPath && error.message.contains("does not match the public key")
        }

        // Without a .private the key is public-only, not an error.
        try FileManager.default.removeItem(atPath: first.privateKeyPath)
        let keys = try store.keys(for: zone)
        #expect(keys.first { $0.keyTag == first.keyTag }?.signingKey == nil)
        #expect(keys.first { $0.keyTag == second.keyTag }?.signingKey != nil)

        // A .key whose tag disagrees with its file name.
        let wrongName = directory.file("Kexample.test.+015+00001.key")
        try FileManager.default.copyItem(atPath: second.publicKeyPath, toPath: wrongName)
        #expect {
            try store.keys(for: zone)
        } throws: { error in
            let error = error as! KeyFileError
            return error.path == wrongName && error.message.contains("key tag is \(second.keyTag)")
        }
    }

    @Test func missingDirectoryIsNamed() {
        #expect {
            try KeyStore(directory: "/nonexistent/sigil-keys").keys(for: .root)
        } throws: { error in
            (error as? KeyFileError)?.path == "/nonexistent/sigil-keys"
        }
    }
}
