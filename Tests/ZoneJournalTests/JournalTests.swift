import DNSSEC
import DNSWire
import DNSZone
import Foundation
import Testing

@testable import DNSSECTestSupport
@testable import ZoneJournal

@Suite struct JournalTests {
    static func signed(
        _ text: String, keys: [ZoneKey], clock: SignerClock, image: [ResourceRecord]? = nil
    ) throws
        -> [ResourceRecord]
    {
        let signer = try ZoneSigner(zone: try SignerFixtures.zone(text), keys: keys, clock: clock)
        if let image { signer.adoptSignatures(from: image, keepAbove: 3600) }
        return try signer.signedRecords()
    }

    static func withSerial(_ serial: Int, _ extra: String = "") -> String {
        SignerFixtures.zoneText.replacingOccurrences(of: "2024010101", with: "\(serial)") + extra
    }

    @Test func diffOfAChangedZoneCarriesOnlyTheChangeAndItsSignatures() throws {
        let keys = try SignerFixtures.keys(.ecdsaP256SHA256, csk: true)
        let clock = ManualClock(1_700_000_000)
        let v1 = try Self.signed(Self.withSerial(1), keys: keys, clock: clock.clock)
        let v2 = try Self.signed(Self.withSerial(2, "new A 192.0.2.200\n"), keys: keys, clock: clock.clock, image: v1)
        let diff = try #require(ZoneDiff.between(old: v1, new: v2))
        #expect(diff.fromSerial == 1 && diff.toSerial == 2)
        let added = Set(diff.added.map { "\($0.name.text) \($0.type)" })
        // The new A and its RRSIG, the SOA's new RRSIG, and NSEC3 records whose chain changed.
        #expect(added.contains("new.example.test. A"))
        #expect(added.contains("new.example.test. RRSIG"))
        #expect(added.contains("example.test. RRSIG"))
        #expect(!added.contains("mail.example.test. RRSIG"), "unchanged RRsets keep their signatures")
        #expect(diff.added.filter { $0.type == .nsec3 }.count == 2)  // the new one and its predecessor
        #expect(diff.deleted.filter { $0.type == .nsec3 }.count == 1)
        #expect(diff.added.count < 12 && diff.deleted.count < 8)
        // Applying the diff to v1 gives v2.
        var applied = Set(v1.filter { $0.type != .soa })
        applied.subtract(diff.deleted)
        applied.formUnion(diff.added)
        #expect(applied == Set(v2.filter { $0.type != .soa }))
    }

    @Test func adoptionKeepsSignaturesUntilTheirRenewalIsDue() throws {
        let keys = try SignerFixtures.keys(.ecdsaP256SHA256, csk: true)
        let clock = ManualClock(1_700_000_000)
        let configuration = SignerConfiguration(validity: 3600)
        let margin = ZoneHistory.renewalMargin(validity: 3600)
        func sign(_ image: [ResourceRecord]?) throws -> (records: [ResourceRecord], adopted: Int) {
            let signer = try ZoneSigner(
                zone: try SignerFixtures.zone(Self.withSerial(1)), keys: keys, configuration: configuration,
                clock: clock.clock)
            let adopted = image.map { signer.adoptSignatures(from: $0, keepAbove: margin) } ?? 0
            return (try signer.signedRecords(), adopted)
        }
        let first = try sign(nil)
        clock.advance(by: 3600 - margin - 60)  // more than the margin left: every signature kept
        let kept = try sign(first.records)
        #expect(kept.adopted > 20 && kept.records == first.records)
        clock.advance(by: 120)  // now within the margin: every signature re-made
        let renewed = try sign(kept.records)
        #expect(renewed.adopted == 0)
        let rrsigs = { (records: [ResourceRecord]) in Set(records.filter { $0.type == .rrsig }) }
        #expect(rrsigs(renewed.records).isDisjoint(with: rrsigs(kept.records)))
    }

    @Test func journalSurvivesReopeningCutsATornTailAndCondenses() throws {
        let directory = try TemporaryDirectory()
        let keys = try SignerFixtures.keys(.ecdsaP256SHA256, csk: true)
        let clock = ManualClock(1_700_000_000)
        let history = try ZoneHistory(
            origin: try DNSName(text: "example.test."), directory: directory.path, limits: JournalLimits())
        var versions: [[ResourceRecord]] = []
        var image: [ResourceRecord]? = nil
        for serial in 1...4 {
            let records = try Self.signed(
                Self.withSerial(serial, "v\(serial) TXT \"\(serial)\"\n"), keys: keys, clock: clock.clock, image: image)
            _ = try history.publish(records)
            versions.append(records)
            image = records
        }
        #expect(history.journal.count == 3)
        // Reopen: same content.
        let reopened = try ZoneHistory(
            origin: try DNSName(text: "example.test."), directory: directory.path, limits: JournalLimits())
        #expect(reopened.journal.diffs == history.journal.diffs)
        #expect(reopened.serial == 4)
        // Condensed from 1: v1's TXT is gone, v4's is there, v2 and v3 cancel out.
        let condensed = try #require(reopened.journal.changes(from: 1))
        #expect(condensed.fromSerial == 1 && condensed.toSerial == 4)
        var applied = Set(versions[0].filter { $0.type != .soa })
        applied.subtract(condensed.deleted)
        applied.formUnion(condensed.added)
        #expect(applied == Set(versions[3].filter { $0.type != .soa }))
        #expect(!condensed.added.contains { $0.name.text.hasPrefix("v2.") })
        #expect(reopened.journal.changes(from: 0) == nil)
        // A torn tail (half a record) is cut at load; the intact records stay.
        let path = directory.file("example.test.journal")
        let handle = try #require(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(Data([0, 0, 1, 0, 9, 9, 9, 9, 1, 2, 3]))
        try handle.close()
        let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int
        let afterCrash = try Journal(path: path)
        #expect(afterCrash.count == 3)
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int == size - 11)
    }

    @Test func journalDropsTheOldestVersionsBeyondItsLimits() throws {
        let directory = try TemporaryDirectory()
        let journal = try Journal(path: directory.file("j"), limits: JournalLimits(maxBytes: 1 << 20, maxEntries: 2))
        for serial in UInt32(1)...5 { try journal.append(Self.soaDiff(serial, serial + 1)) }
        #expect(journal.count == 2)
        #expect(journal.firstSerial == 4 && journal.lastSerial == 6)
        #expect(try Journal(path: directory.file("j")).count == 2)
        #expect(journal.changes(from: 3) == nil)
    }

    static func soa(_ serial: UInt32) throws -> ResourceRecord {
        let name = try DNSName(text: "example.test.")
        return ResourceRecord(
            name: name, ttl: 3600,
            data: .soa(SOA(mname: name, rname: name, serial: serial, refresh: 1, retry: 1, expire: 1, minimum: 1)))
    }

    static func soaDiff(_ from: UInt32, _ to: UInt32) throws -> ZoneDiff {
        ZoneDiff(oldSOA: try soa(from), newSOA: try soa(to), deleted: [], added: [])
    }

    @Test func ixfrAnswersUpToDateIncrementalOrFull() throws {
        let directory = try TemporaryDirectory()
        let journal = try Journal(path: directory.file("j"))
        try journal.append(try Self.soaDiff(5, 6))
        try journal.append(try Self.soaDiff(6, 7))
        let current = try Self.soa(7)
        #expect(IXFRAnswer.choose(current: current, clientSerial: 7, journal: journal) == .upToDate(current))
        #expect(IXFRAnswer.choose(current: current, clientSerial: 8, journal: journal) == .upToDate(current))
        #expect(IXFRAnswer.choose(current: current, clientSerial: 4, journal: journal) == .fullTransfer)
        guard case .incremental(let records) = IXFRAnswer.choose(current: current, clientSerial: 5, journal: journal)
        else {
            Issue.record("expected an incremental answer")
            return
        }
        #expect(records.map { ZoneDiff.serial($0) } == [7, 5, 7, 7])
        let groups = IXFRAnswer.messages(records, limit: 200, overhead: 40)
        #expect(groups.count > 1 && groups.flatMap { $0 } == records)
    }

    @Test func serialPolicies() {
        let now: Int64 = 1_764_720_000  // 2025-12-03 00:00 UTC
        #expect(SerialPolicy.increment.next(served: 10, file: 5, now: now) == 11)
        #expect(SerialPolicy.increment.next(served: 10, file: 50, now: now) == 50)
        #expect(SerialPolicy.keep.next(served: 10, file: 10, now: now) == 11)
        #expect(SerialPolicy.unixtime.next(served: 10, file: 10, now: now) == 1_764_720_000)
        #expect(SerialPolicy.dateserial.next(served: 10, file: 10, now: now) == 2_025_120_300)
        #expect(SerialPolicy.dateserial.next(served: 2_025_120_300, file: 10, now: now) == 2_025_120_301)
        #expect(SerialPolicy.increment.next(served: nil, file: 42, now: now) == 42)
        #expect(SerialPolicy.increment.next(served: UInt32.max, file: UInt32.max, now: now) == 0)
    }
}
