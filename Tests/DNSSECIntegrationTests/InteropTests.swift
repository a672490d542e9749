import DNSSEC
import DNSWire
import Foundation
import SigilTestSupport
import Testing

@testable import DNSSECTestSupport

/// Checks against independent implementations: keys made by BIND's `dnssec-keygen`, DS records
/// from `dnssec-dsfromkey`, signatures checked by OpenSSL's CLI and by Python's `cryptography`,
/// and zones signed by BIND's `dnssec-signzone` with keys we wrote.
@Suite struct InteropTests {
    static let zone = "example.test."

    static let cases: [(algorithm: DNSSECAlgorithm, bindName: String, ksk: Bool)] = [
        (.ecdsaP256SHA256, "ECDSAP256SHA256", false),
        (.ecdsaP256SHA256, "ECDSAP256SHA256", true),
        (.ed25519, "ED25519", false),
        (.ed25519, "ED25519", true),
    ]

    @Test(.requires(.dnssecKeygen), arguments: cases)
    func loadsKeysMadeByDnssecKeygen(algorithm: DNSSECAlgorithm, bindName: String, ksk: Bool) throws {
        let directory = try TemporaryDirectory()
        let arguments = ["-q", "-a", bindName] + (ksk ? ["-f", "KSK"] : []) + ["-K", directory.path, Self.zone]
        let baseName = try Subprocess.check("dnssec-keygen", arguments).trimmingCharacters(
            in: .whitespacesAndNewlines)
        let name = try #require(KeyFileName(baseName: baseName), "unexpected dnssec-keygen output '\(baseName)'")

        let keys = try KeyStore(directory: directory.path).keys(for: try DNSName(text: Self.zone))
        #expect(keys.count == 1)
        let key = try #require(keys.first)
        // The tag we compute over the DNSKEY must be the one BIND put in the file name.
        #expect(key.keyTag == name.keyTag)
        #expect(key.dnskey.keyTag == name.keyTag)
        #expect(key.algorithm == algorithm)
        #expect(key.isKeySigningKey == ksk)
        #expect(key.timing.contains { $0.name == "Created" })
        let signingKey = try #require(key.signingKey)
        // Loading from the private key derived exactly the public key BIND published.
        #expect(signingKey.publicKey == key.dnskey.publicKey)
    }

    @Test(.requires(.dnssecKeygen, .dnssecDSFromKey), arguments: cases)
    func dsMatchesDnssecDsfromkey(algorithm: DNSSECAlgorithm, bindName: String, ksk: Bool) throws {
        let directory = try TemporaryDirectory()
        let arguments = ["-q", "-a", bindName] + (ksk ? ["-f", "KSK"] : []) + ["-K", directory.path, Self.zone]
        let baseName = try Subprocess.check("dnssec-keygen", arguments).trimmingCharacters(
            in: .whitespacesAndNewlines)
        let key = try KeyStore(directory: directory.path).load(try #require(KeyFileName(baseName: baseName)))
        for (flag, digestType) in [("-2", DSDigestType.sha256), ("-1", .sha1)] + [("SHA-384", .sha384)] {
            let options = flag.hasPrefix("-") ? [flag] : ["-a", flag]
            let output = try Subprocess.check("dnssec-dsfromkey", options + [key.publicKeyPath])
            #expect(
                output.trimmingCharacters(in: .whitespacesAndNewlines)
                    == "\(Self.zone) IN DS \(key.ds(digestType: digestType).presentation)")
        }
    }

    /// Keys we generate are accepted by BIND and give the DS we compute.
    @Test(
        .requires(.dnssecDSFromKey),
        arguments: [DNSSECAlgorithm.ecdsaP256SHA256, .ed25519])
    func dnssecDsfromkeyAcceptsOurKeys(algorithm: DNSSECAlgorithm) throws {
        let directory = try TemporaryDirectory()
        let key = try KeyStore(directory: directory.path)
            .generate(zone: try DNSName(text: Self.zone), algorithm: algorithm, ksk: true)
        let output = try Subprocess.check("dnssec-dsfromkey", ["-2", key.publicKeyPath])
        #expect(output.trimmingCharacters(in: .whitespacesAndNewlines) == "\(Self.zone) IN DS \(key.ds().presentation)")
    }

    /// BIND can sign a zone with keys we wrote (so it parsed our `.private` files), and the result
    /// passes `dnssec-verify`.
    @Test(
        .requires(.dnssecSignzone, .dnssecVerify),
        arguments: [DNSSECAlgorithm.ecdsaP256SHA256, .ed25519])
    func dnssecSignzoneUsesOurKeys(algorithm: DNSSECAlgorithm) throws {
        let directory = try TemporaryDirectory()
        let store = KeyStore(directory: directory.path)
        let zoneName = try DNSName(text: Self.zone)
        let ksk = try store.generate(zone: zoneName, algorithm: algorithm, ksk: true)
        let zsk = try store.generate(zone: zoneName, algorithm: algorithm, ksk: false)
        let zoneFile = directory.file("zone.db")
        var text = """
            $TTL 3600
            @ IN SOA ns1 hostmaster 1 7200 3600 1209600 3600
            @ IN NS ns1
            ns1 IN A 192.0.2.1
            www IN AAAA 2001:db8::1

            """
        text += "$INCLUDE \(ksk.publicKeyPath)\n$INCLUDE \(zsk.publicKeyPath)\n"
        try text.write(toFile: zoneFile, atomically: true, encoding: .utf8)
        let signed = directory.file("zone.signed")
        _ = try Subprocess.check(
            "dnssec-signzone",
            [
                "-K", directory.path, "-o", Self.zone, "-f", signed, "-k", ksk.name.baseName, zoneFile,
                zsk.name.baseName,
            ],
            in: directory.path)
        let output = try Subprocess.run("dnssec-verify", ["-o", Self.zone, signed])
        #expect(output.status == 0, "dnssec-verify: \(output.stderr)")
    }

    /// Signatures we make verify with Python's `cryptography`; signatures it makes with the same
    /// private key verify with ours.
    @Test(
        .requires(.python3, .pythonCryptography),
        arguments: [DNSSECAlgorithm.ecdsaP256SHA256, .ed25519])
    func pythonCryptographyAgrees(algorithm: DNSSECAlgorithm) throws {
        let key = try SigningKey.generate(algorithm)
        let privateHex = Base16.encode(try key.privateKeyBytes())
        for length in [0, 1, 100, 1000] {
            let data = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
            let signature = try key.sign(data)
            let verified = try Subprocess.run(
                "python3",
                [
                    "-c", Self.python, "verify", "\(algorithm.rawValue)", Base16.encode(key.publicKey),
                    Base16.encode(signature), Base16.encode(data),
                ])
            #expect(verified.status == 0, "python rejected our signature over \(length) bytes: \(verified.stderr)")

            let theirs = try Subprocess.check(
                "python3",
                [
                    "-c", Self.python, "sign", "\(algorithm.rawValue)", privateHex, Base16.encode(key.publicKey),
                    Base16.encode(data),
                ])
            let theirSignature = try #require(Base16.decode(theirs.trimmingCharacters(in: .whitespacesAndNewlines)))
            #expect(
                try SignatureVerifier.verify(theirSignature, of: data, publicKey: key.publicKey, algorithm: algorithm))
        }
    }

    /// ECDSA signatures made on several threads at once, sharing one key and its signer's
    /// contexts, verify with Python's `cryptography`, and no two share r (a repeated k gives the
    /// private key away), not even those over the same data: the nonce has fresh randomness in it.
    @Test(.requires(.python3, .pythonCryptography))
    func ecdsaSignaturesFromSeveralThreadsVerifyWithDistinctR() async throws {
        let key = try SigningKey.generate(.ecdsaP256SHA256)
        var lines: [String] = []
        for round in 0..<100 {
            let data = Array("round \(round) on the test's thread".utf8)
            lines.append("\(Base16.encode(try key.sign(data))) \(Base16.encode(data))")
        }
        let fromThreads = try await withThrowingTaskGroup(of: [String].self) { group in
            for _ in 0..<4 {
                group.addTask {
                    try (0..<40).map { round in
                        let data = Array("round \(round), the same in every task".utf8)
                        return "\(Base16.encode(try key.sign(data))) \(Base16.encode(data))"
                    }
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        lines += fromThreads
        let directory = try TemporaryDirectory()
        try lines.joined(separator: "\n").write(toFile: directory.file("signatures"), atomically: true, encoding: .utf8)
        let output = try Subprocess.run(
            "python3", ["-c", Self.pythonBatch, Base16.encode(key.publicKey), directory.file("signatures")])
        #expect(output.status == 0, "python: \(output.stderr)")
        #expect(output.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "260 verified, 260 distinct r")
    }

    static let pythonBatch = """
        import sys
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import ec, utils
        key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b"\\x04" + bytes.fromhex(sys.argv[1]))
        rs, verified = set(), 0
        for line in open(sys.argv[2]):
            sig, data = (bytes.fromhex(field) for field in line.split())
            r, s = int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:], "big")
            key.verify(utils.encode_dss_signature(r, s), data, ec.ECDSA(hashes.SHA256()))
            verified += 1
            rs.add(r)
        print(f"{verified} verified, {len(rs)} distinct r")
        """

    /// Signatures we make verify with the `openssl` command, given a SubjectPublicKeyInfo built
    /// from the DNSKEY public key (and, for ECDSA, the signature re-encoded as DER).
    @Test(.requires(.openssl), arguments: [DNSSECAlgorithm.ecdsaP256SHA256, .ed25519])
    func opensslCommandVerifies(algorithm: DNSSECAlgorithm) throws {
        let directory = try TemporaryDirectory()
        let key = try SigningKey.generate(algorithm)
        let data = Array("www.example.test. 3600 IN A 192.0.2.1".utf8)
        let signature = try key.sign(data)
        let spkiPrefix =
            algorithm == .ed25519
            ? "302a300506032b6570032100" : "3059301306072a8648ce3d020106082a8648ce3d030107034200" + "04"
        try Data(Base16.decode(spkiPrefix)! + key.publicKey).write(to: URL(fileURLWithPath: directory.file("pub.der")))
        try Data(data).write(to: URL(fileURLWithPath: directory.file("data")))
        let arguments: [String]
        if algorithm == .ed25519 {
            try Data(signature).write(to: URL(fileURLWithPath: directory.file("sig")))
            arguments = [
                "pkeyutl", "-verify", "-pubin", "-keyform", "DER", "-inkey", "pub.der", "-rawin", "-in", "data",
                "-sigfile", "sig",
            ]
        } else {
            try Data(Self.derSignature(signature)).write(to: URL(fileURLWithPath: directory.file("sig")))
            arguments = ["dgst", "-sha256", "-keyform", "DER", "-verify", "pub.der", "-signature", "sig", "data"]
        }
        let output = try Subprocess.run("openssl", arguments, in: directory.path)
        #expect(output.status == 0, "openssl: \(output.stdout) \(output.stderr)")
        #expect(output.stdout.contains("Verified OK") || output.stdout.contains("Signature Verified Successfully"))
    }

    /// r ‖ s → DER `ECDSA-Sig-Value`, written independently of the library's conversion.
    static func derSignature(_ raw: [UInt8]) -> [UInt8] {
        func integer(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
            var value = Array(bytes.drop { $0 == 0 })
            if value.isEmpty || value[0] & 0x80 != 0 { value.insert(0, at: 0) }
            return [0x02, UInt8(value.count)] + value
        }
        let body = integer(raw[..<32]) + integer(raw[32...])
        return [0x30, UInt8(body.count)] + body
    }

    static let python = """
        import sys
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import ec, ed25519, utils
        mode, alg = sys.argv[1], int(sys.argv[2])
        args = [bytes.fromhex(a) for a in sys.argv[3:]]
        if mode == "verify":
            pub, sig, data = args
            try:
                if alg == 15:
                    ed25519.Ed25519PublicKey.from_public_bytes(pub).verify(sig, data)
                else:
                    key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b"\\x04" + pub)
                    der = utils.encode_dss_signature(int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:], "big"))
                    key.verify(der, data, ec.ECDSA(hashes.SHA256()))
            except InvalidSignature:
                sys.exit("invalid signature")
        else:
            priv, pub, data = args
            if alg == 15:
                key = ed25519.Ed25519PrivateKey.from_private_bytes(priv)
                assert key.public_key().public_bytes_raw() == pub
                print(key.sign(data).hex())
            else:
                key = ec.derive_private_key(int.from_bytes(priv, "big"), ec.SECP256R1())
                numbers = key.public_key().public_numbers()
                assert numbers.x.to_bytes(32, "big") + numbers.y.to_bytes(32, "big") == pub
                r, s = utils.decode_dss_signature(key.sign(data, ec.ECDSA(hashes.SHA256())))
                print((r.to_bytes(32, "big") + s.to_bytes(32, "big")).hex())
        """
}
