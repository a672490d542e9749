import DANE
import DNSWire
import SigilTestSupport
import Testing

@testable import DANETestSupport

/// Every (usage, selector, matching type) for RSA, P-256 and Ed25519 leaves, against what the
/// `openssl` CLI derives from the same certificates (`x509 -outform DER`; `x509 -pubkey | pkey
/// -pubin -outform DER`; `dgst -sha256/-sha512`).
@Suite(.requires(.openssl)) struct AssociationTests {
    static let combinations: [(String, AssociationParameters)] = CertificateFixtures.keyTypes.flatMap { key in
        AssociationParameters.Usage.allCases.flatMap { usage in
            AssociationParameters.Selector.allCases.flatMap { selector in
                AssociationParameters.Matching.allCases.map { matching in
                    (key, AssociationParameters(usage: usage, selector: selector, matching: matching))
                }
            }
        }
    }

    @Test(arguments: combinations)
    func chainFileMatchesOpenSSL(key: String, parameters: AssociationParameters) throws {
        let fixtures = try CertificateFixtures.get()
        let tlsa = try CertificateChain(contentsOfFile: fixtures.chain(key)).association(parameters)
        let certificate = parameters.usage.usesIssuer ? "ca" : "leaf-\(key)"
        let expected = try fixtures.expectedData(
            certificate: certificate, selector: parameters.selector.rawValue, matching: parameters.matching.rawValue)
        #expect(tlsa.usage == parameters.usage.rawValue)
        #expect(tlsa.selector == parameters.selector.rawValue)
        #expect(tlsa.matchingType == parameters.matching.rawValue)
        #expect(Base16.encode(tlsa.data) == Base16.encode(expected))
    }

    /// A leaf-only file gives the same end-entity records as the chain file.
    @Test(arguments: CertificateFixtures.keyTypes)
    func leafAloneEqualsChainForEndEntity(key: String) throws {
        let fixtures = try CertificateFixtures.get()
        let leaf = try CertificateChain(contentsOfFile: fixtures.leaf(key))
        let chain = try CertificateChain(contentsOfFile: fixtures.chain(key))
        #expect(leaf.certificates.count == 1)
        #expect(chain.certificates.count == 2)
        for selector in AssociationParameters.Selector.allCases {
            let parameters = AssociationParameters(usage: .daneEE, selector: selector, matching: .full)
            #expect(try leaf.association(parameters) == chain.association(parameters))
        }
    }

    /// The SPKI selector takes the key bytes as they stand in the certificate; for these key
    /// types that is also what OpenSSL re-encodes, so the DER is compared whole, byte for byte.
    @Test(arguments: CertificateFixtures.keyTypes)
    func subjectPublicKeyInfoIsExact(key: String) throws {
        let fixtures = try CertificateFixtures.get()
        let chain = try CertificateChain(contentsOfFile: fixtures.leaf(key))
        #expect(chain.leaf.subjectPublicKeyInfoDER == Subprocess.readFile(fixtures.path("leaf-\(key).spki")))
        #expect(chain.leaf.der == Subprocess.readFile(fixtures.path("leaf-\(key).der")))
    }

    /// A combined file (private key, then leaf and CA, as some servers want) yields the same
    /// records: the key block is skipped, the first certificate is the leaf.
    @Test func combinedKeyAndChainFile() throws {
        let fixtures = try CertificateFixtures.get()
        let file = fixtures.path("combined-rsa.pem")
        try CertificateFixtures.write(
            file, Subprocess.readFile(fixtures.path("leaf-rsa.key")) + Subprocess.readFile(fixtures.chain("rsa")))
        let combined = try CertificateChain(contentsOfFile: file)
        let chain = try CertificateChain(contentsOfFile: fixtures.chain("rsa"))
        #expect(combined.certificates.map(\.der) == chain.certificates.map(\.der))
    }

    /// A DER certificate file works like its PEM form.
    @Test func derFile() throws {
        let fixtures = try CertificateFixtures.get()
        let parameters = AssociationParameters(usage: .daneEE, selector: .subjectPublicKeyInfo, matching: .sha256)
        let der = try CertificateChain(contentsOfFile: fixtures.path("leaf-p256.der")).association(parameters)
        let pem = try CertificateChain(contentsOfFile: fixtures.leaf("p256")).association(parameters)
        #expect(der == pem)
    }

    /// A self-signed certificate is its own issuer for DANE-TA (RFC 7671 §5.2.3).
    @Test func selfSignedIsItsOwnTrustAnchor() throws {
        let fixtures = try CertificateFixtures.get()
        let chain = try CertificateChain(contentsOfFile: fixtures.path("self.pem"))
        let tlsa = try chain.association(
            AssociationParameters(usage: .daneTA, selector: .fullCertificate, matching: .sha256))
        #expect(tlsa.data == (try fixtures.expectedData(certificate: "self", selector: 0, matching: 1)))
    }

    @Test func parametersFromText() throws {
        #expect(
            try AssociationParameters(text: "2 1 1")
                == AssociationParameters(usage: .daneTA, selector: .subjectPublicKeyInfo, matching: .sha256))
        #expect(try AssociationParameters(text: " 3  0\t2 ").description == "3 0 2")
        for bad in ["4 1 1", "3 2 1", "3 1 3", "3 1", "3 1 1 1", "a b c", "", "3 1 256"] {
            #expect(throws: DANEError.self, "\(bad)") { try AssociationParameters(text: bad) }
        }
    }
}
