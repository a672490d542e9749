import DANE
import DNSWire
import Foundation
import SigilTestSupport
import Testing

@testable import DANETestSupport

@Suite(.requires(.openssl)) struct TLSASpecTests {
    private let origin = try! DNSName(text: "example.com.")
    private static let eeSPKI = AssociationParameters(
        usage: .daneEE, selector: .subjectPublicKeyInfo, matching: .sha256)
    private static let taSPKI = AssociationParameters(
        usage: .daneTA, selector: .subjectPublicKeyInfo, matching: .sha256)

    @Test func ownerNames() throws {
        #expect(try TLSAService(host: "mail").owner(origin: origin).text == "_25._tcp.mail.example.com.")
        #expect(try TLSAService(host: "@", port: 443).owner(origin: origin).text == "_443._tcp.example.com.")
        #expect(
            try TLSAService(host: "mx.example.net.", port: 465, proto: "sctp").owner(origin: origin).text
                == "_465._sctp.mx.example.net.")
        #expect(throws: DANEError.self) { try TLSAService(host: "a..b").owner(origin: origin) }
        #expect(throws: DANEError.self) { try TLSAService(host: "mail", proto: "t.cp").owner(origin: origin) }
    }

    /// Current and next certificate, two record kinds each: all published, duplicates (the CA's
    /// "2 1 1" is the same for both leaves) once.
    @Test func rolloverPublishesBothFilesDeduplicated() throws {
        let fixtures = try CertificateFixtures.get()
        let spec = TLSASpec(
            service: TLSAService(host: "mail"), certificates: [fixtures.chain("rsa"), fixtures.chain("p256")],
            parameters: [Self.eeSPKI, Self.taSPKI])
        let records = try spec.records(origin: origin, ttl: 300)
        #expect(records.count == 3)
        #expect(records.allSatisfy { $0.name.text == "_25._tcp.mail.example.com." && $0.ttl == 300 })
        let data = records.compactMap { record -> [UInt8]? in
            if case .tlsa(let tlsa) = record.data { return tlsa.data }
            return nil
        }
        #expect(
            data == [
                try fixtures.expectedData(certificate: "leaf-rsa", selector: 1, matching: 1),
                try fixtures.expectedData(certificate: "ca", selector: 1, matching: 1),
                try fixtures.expectedData(certificate: "leaf-p256", selector: 1, matching: 1),
            ])
        // The same file twice adds nothing.
        let twice = TLSASpec(
            service: TLSAService(host: "mail"), certificates: [fixtures.chain("rsa"), fixtures.chain("rsa")],
            parameters: [Self.eeSPKI])
        #expect(try twice.records(origin: origin).count == 1)
    }

    /// One bad file fails the spec; the publisher keeps what it had.
    @Test func publisherKeepsPreviousRecordsOnError() throws {
        let fixtures = try CertificateFixtures.get()
        let file = fixtures.path("publisher-\(UUID().uuidString).pem")
        try FileManager.default.copyItem(atPath: fixtures.chain("rsa"), toPath: file)
        let other = TLSASpec(service: TLSAService(host: "smtp", port: 587), certificates: [fixtures.leaf("p256")])
        var publisher = TLSAPublisher(
            origin: origin, specs: [TLSASpec(service: TLSAService(host: "mail"), certificates: [file]), other])
        #expect(publisher.records.isEmpty)
        #expect(publisher.files == [file, fixtures.leaf("p256")])

        let first = publisher.reload()
        #expect(first.changed && first.errors.isEmpty)
        let published = publisher.records
        #expect(published.count == 2)

        try CertificateFixtures.write(file, "half-written")
        let failed = publisher.reload()
        #expect(failed.errors == [.noCertificate(path: file)])
        #expect(!failed.changed)
        #expect(publisher.records == published)

        try FileManager.default.removeItem(atPath: file)
        try FileManager.default.copyItem(atPath: fixtures.chain("ed25519"), toPath: file)
        let renewed = publisher.reload()
        #expect(renewed.changed && renewed.errors.isEmpty)
        #expect(publisher.records != published)
        #expect(publisher.records.last == published.last)
        #expect(!publisher.reload().changed)
    }
}
