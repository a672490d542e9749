import DNSSEC
import DNSWire
import DNSZone
import Foundation
import QueryPipeline
import Synchronization
import Testing

@testable import DNSSECTestSupport

/// The signature cache: hits return the same bytes without signing, a new zone or key set never
/// reuses a signature, entries are re-signed before they expire, concurrent misses sign once,
/// and the memory bound holds. In narrow mode, next closer covers stay with the worker.
@Suite struct SignatureCacheTests {
    static let start: Int64 = 1_800_000_000

    func signer(
        _ text: String = SignerFixtures.zoneText, keys: [ZoneKey]? = nil, clock: ManualClock,
        configuration: SignerConfiguration = SignerConfiguration()
    ) throws -> ZoneSigner {
        try ZoneSigner(
            zone: try SignerFixtures.zone(text), keys: try keys ?? SignerFixtures.keys(.ed25519, csk: true),
            configuration: configuration, clock: clock.clock)
    }

    /// The RRSIG records of a response, decoded.
    func signatures(_ wire: [UInt8]) throws -> [RRSIG] {
        let message = try Message(decoding: wire)
        return (message.answers + message.authority + message.additional).compactMap { record in
            if case .rrsig(let sig) = record.data { return sig } else { return nil }
        }
    }

    @Test(arguments: [DenialMode.nsec3, .nsec3Narrow])
    func hitReturnsIdenticalBytesWithoutSigning(denial: DenialMode) throws {
        let clock = ManualClock(Self.start)
        let signer = try signer(clock: clock, configuration: SignerConfiguration(denial: denial))
        // One worker's encoder, as a retransmitted query meets: narrow mode keeps next closer
        // covers per worker (`narrowNextCloserCoversStayWithTheWorker`).
        var encoder = ResponseEncoder()
        for name in ["mail.example.test.", "nope.example.test.", "foo.wild.example.test."] {
            let first = try SignerFixtures.respond(signer, name, .a, encoder: &encoder)
            let made = signer.signaturesMade
            #expect(made > 0)
            clock.advance(by: 3600)
            let second = try SignerFixtures.respond(signer, name, .a, encoder: &encoder)
            #expect(second == first)
            #expect(signer.signaturesMade == made)
        }
    }

    @Test func changedZoneOrKeysNeverReuse() throws {
        let clock = ManualClock(Self.start)
        let keys = try SignerFixtures.keys(.ed25519, csk: true)
        let original = try signer(keys: keys, clock: clock)
        let before = try signatures(try SignerFixtures.respond(original, "mail.example.test.", .a))
        let changedText = SignerFixtures.zoneText.replacingOccurrences(of: "192.0.2.25", with: "192.0.2.26")
        let changed = try signer(changedText, keys: keys, clock: clock)
        let after = try signatures(try SignerFixtures.respond(changed, "mail.example.test.", .a))
        #expect(changed.signaturesMade == 1)
        #expect(before.map(\.signature) != after.map(\.signature))
        let rekeyed = try signer(keys: try SignerFixtures.keys(.ed25519, csk: true), clock: clock)
        let other = try signatures(try SignerFixtures.respond(rekeyed, "mail.example.test.", .a))
        #expect(rekeyed.signaturesMade == 1)
        #expect(other.map(\.keyTag) != before.map(\.keyTag))
    }

    @Test func refreshesBeforeExpiry() throws {
        let clock = ManualClock(Self.start)
        let validity: UInt32 = 14 * 86_400
        let signer = try signer(clock: clock, configuration: SignerConfiguration(validity: validity))
        let first = try signatures(try SignerFixtures.respond(signer, "mail.example.test.", .a))
        #expect(first.count == 1)
        #expect(first[0].inception == UInt32(Self.start - 3600))
        #expect(first[0].expiration == UInt32(Self.start + Int64(validity)))
        // More than a quarter left (jitter takes at most a sixteenth more): still cached.
        clock.advance(by: Int64(validity) / 2)
        #expect(try signatures(try SignerFixtures.respond(signer, "mail.example.test.", .a)) == first)
        #expect(signer.signaturesMade == 1)
        // Less than a quarter left: re-signed, valid from the new now.
        clock.advance(by: Int64(validity) / 4 + 1)
        let refreshed = try signatures(try SignerFixtures.respond(signer, "mail.example.test.", .a))
        #expect(signer.signaturesMade == 2)
        let now = Self.start + Int64(validity) * 3 / 4 + 1
        #expect(refreshed[0].inception == UInt32(now - 3600))
        #expect(refreshed[0].expiration == UInt32(now + Int64(validity)))
    }

    /// Eight workers (each its own encoder) miss on the same NXDOMAIN at once: every shared
    /// record is signed once. In narrow mode the next closer cover is each worker's own, so each
    /// signs it (Ed25519 is deterministic, so the responses are still identical).
    @Test(arguments: [DenialMode.nsec3, .nsec3Narrow])
    func concurrentMissesSignOnce(denial: DenialMode) throws {
        let clock = ManualClock(Self.start)
        let configuration = SignerConfiguration(denial: denial)
        let reference = try signer(clock: clock, configuration: configuration)
        _ = try SignerFixtures.respond(reference, "nope.example.test.", .a)
        #expect(reference.signaturesMade == 4)  // SOA and three NSEC3 records
        let workers = 8
        let expected = denial == .nsec3Narrow ? 3 + workers : 4

        for _ in 0..<5 {
            let shared = try signer(clock: clock, configuration: configuration)
            let responses = Mutex<[[UInt8]]>([])
            DispatchQueue.concurrentPerform(iterations: workers) { _ in
                let wire = try? SignerFixtures.respond(shared, "nope.example.test.", .a)
                responses.withLock { $0.append(wire ?? []) }
            }
            #expect(shared.signaturesMade == expected)
            let all = responses.withLock { $0 }
            #expect(Set(all).count == 1)
        }
    }

    /// Narrow mode: the record covering a next closer name is unique to the queried name, so it
    /// is not charged to the shared cache; the worker keeps its last `CoverRing.capacity` of them,
    /// which answer a retry without signing, while an older one is signed again.
    @Test func narrowNextCloserCoversStayWithTheWorker() throws {
        let clock = ManualClock(Self.start)
        let signer = try signer(clock: clock, configuration: SignerConfiguration(denial: .nsec3Narrow))
        var encoder = ResponseEncoder()
        _ = try SignerFixtures.respond(signer, "n0.example.test.", .a, encoder: &encoder)
        #expect(signer.signaturesMade == 4)  // SOA, the apex match, the two covers
        let memory = signer.cacheMemoryInUse
        for index in 1..<50 {
            _ = try SignerFixtures.respond(signer, "n\(index).example.test.", .a, encoder: &encoder)
        }
        #expect(signer.signaturesMade == 4 + 49)
        #expect(signer.cacheMemoryInUse == memory)
        let retry = try SignerFixtures.respond(signer, "n49.example.test.", .a, encoder: &encoder)
        #expect(signer.signaturesMade == 53)
        var other = ResponseEncoder()
        #expect(try SignerFixtures.respond(signer, "n49.example.test.", .a, encoder: &other) == retry)
        #expect(signer.signaturesMade == 54)
        _ = try SignerFixtures.respond(signer, "n0.example.test.", .a, encoder: &encoder)
        #expect(signer.signaturesMade == 55)
    }

    @Test func memoryLimitHolds() throws {
        let clock = ManualClock(Self.start)
        let limit = 4096
        let signer = try signer(
            clock: clock, configuration: SignerConfiguration(denial: .nsec3Narrow, cacheMemoryLimit: limit))
        var encoder = ResponseEncoder()
        for index in 0..<200 {
            _ = try SignerFixtures.respond(signer, "n\(index).example.test.", .a, encoder: &encoder)
            #expect(signer.cacheMemoryInUse <= limit)
        }
        #expect(signer.signaturesMade > 200)
    }
}
