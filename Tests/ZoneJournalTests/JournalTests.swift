import DNSSEC
import DNSWire
import DNSZone
import Foundation
import Testing

@testable import DNSSECTestSupport
@testable import ZoneJournal

@Suite struct JournalTests {
    /// A zone history in a temporary directory, with the fixture zone's versions published to it as
    /// the server does (signed by one key set on a clock the test moves).
    struct Versions {
        let directory: TemporaryDirectory
        let history: ZoneHistory
        let keys: [ZoneKey]
        let clock = ManualClock(1_700_000_000)
        let configuration: SignerConfiguration

        init(configuration: SignerConfiguration = SignerConfiguration(), limits: JournalLimits = JournalLimits()) throws
        {
            directory = try TemporaryDirectory()
            history = try ZoneHistory(
                origin: try DNSName(text: "example.test."), directory: directory.path, limits: limits)
            keys = try SignerFixtures.keys(.ecdsaP256SHA256, csk: true)
            self.configuration = configuration
        }

        var margin: Int64 { ZoneHistory.renewalMargin(validity: configuration.validity) }

        func publish(_ text: String, signed: Bool = true) throws -> ZoneHistory.PublishOutcome {
            let zone = try SignerFixtures.zone(text)
            guard signed else { return try history.publish(zone: zone, signer: nil, fingerprint: nil, keepAbove: 0) }
            let signer = try ZoneSigner(zone: zone, keys: keys, configuration: configuration, clock: clock.clock)
            return try history.publish(zone: signer.zone, signer: signer, fingerprint: nil, keepAbove: margin)
        }

        /// The history's changes as one applied to `records`.
        static func apply(_ diff: ZoneDiff, to records: [ResourceRecord]) -> Set<ResourceRecord> {
            var applied = Set(records.filter { $0.type != .soa })
            applied.subtract(diff.deleted)
            applied.formUnion(diff.added)
            return applied
        }
    }

    static func withSerial(_ serial: Int, _ extra: String = "") -> String {
        SignerFixtures.zoneText.replacingOccurrences(of: "2024010101", with: "\(serial)") + extra
    }

    @Test func diffOfAChangedZoneCarriesOnlyTheChangeAndItsSignatures() throws {
        let versions = try Versions()
        #expect(try versions.publish(Self.withSerial(1)) == .first)
        let v1 = versions.history.records
        #expect(v1.count > 30 && v1.first?.type == .soa)
        #expect(v1.contains { $0.type == .nsec3 } && v1.contains { $0.type == .dnskey })
        guard case .changed(let diff) = try versions.publish(Self.withSerial(2, "new A 192.0.2.200\n")) else {
            Issue.record("expected a journaled change")
            return
        }
        let v2 = versions.history.records
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
        #expect(Versions.apply(diff, to: v1) == Set(v2.filter { $0.type != .soa }))
        #expect(versions.history.journal.count == 1)
    }

    @Test func adoptionKeepsSignaturesUntilTheirRenewalIsDue() throws {
        let versions = try Versions(configuration: SignerConfiguration(validity: 3600))
        _ = try versions.publish(Self.withSerial(1))
        let first = versions.history.records
        let rrsigs = { (records: [ResourceRecord]) in Set(records.filter { $0.type == .rrsig }) }
        // Same data, same serial: nothing to journal.
        let again = try versions.publish(Self.withSerial(1))
        #expect(again == .unchanged, "\(again)")
        versions.clock.advance(by: 3600 - versions.margin - 60)  // more than the margin left: kept
        guard case .changed(let kept) = try versions.publish(Self.withSerial(2)) else {
            Issue.record("expected a journaled change")
            return
        }
        // Only the SOA changed, so only its RRSIG.
        #expect(kept.deleted.map(\.type) == [.rrsig] && kept.added.map(\.type) == [.rrsig])
        #expect(rrsigs(versions.history.records).subtracting(rrsigs(first)).count == 1)
        versions.clock.advance(by: 120)  // now within the margin: every signature re-made
        // The same data under the same serial with other signatures must get a new serial.
        #expect(try versions.publish(Self.withSerial(2)) == .sameSerial)
        guard case .changed(let renewed) = try versions.publish(Self.withSerial(3)) else {
            Issue.record("expected a journaled change")
            return
        }
        #expect(rrsigs(versions.history.records).isDisjoint(with: rrsigs(first)))
        #expect(renewed.added.filter { $0.type == .rrsig }.count == rrsigs(first).count)
        let due = try #require(versions.history.resignDue(validity: 3600))
        #expect(due > 1_700_000_000 + 3600)
    }

    @Test func narrowAndUnsignedZonesAreJournaledToo() throws {
        let narrow = try Versions(configuration: SignerConfiguration(denial: .nsec3Narrow))
        _ = try narrow.publish(Self.withSerial(1))
        #expect(narrow.history.records.contains { $0.type == .nsec3 }, "secondaries get a full chain")
        guard case .changed(let diff) = try narrow.publish(Self.withSerial(2, "new A 192.0.2.200\n")) else {
            Issue.record("expected a journaled change")
            return
        }
        #expect(diff.added.filter { $0.type == .nsec3 }.count == 2)
        let unsigned = try Versions()
        _ = try unsigned.publish(Self.withSerial(1), signed: false)
        let v1 = unsigned.history.records
        #expect(!v1.contains { $0.type == .rrsig })
        guard case .changed(let plain) = try unsigned.publish(Self.withSerial(2, "new A 192.0.2.200\n"), signed: false)
        else {
            Issue.record("expected a journaled change")
            return
        }
        #expect(plain.deleted.isEmpty && plain.added.map(\.type) == [.a])
        #expect(Versions.apply(plain, to: v1) == Set(unsigned.history.records.filter { $0.type != .soa }))
    }

    @Test func anAXFRFromTheImageIsTheVersionBetweenTwoSOAs() throws {
        let versions = try Versions()
        _ = try versions.publish(Self.withSerial(1))
        let records = versions.history.records
        let question = [UInt8]([0]) + [0, 252, 0, 1]
        var transfer = try #require(
            versions.history.transfer(id: 7, queryFlags: 0x0100, question: question, messageLimit: 1000))
        var writer = WireWriter(capacity: 65535)
        var answers: [ResourceRecord] = []
        var messages = 0
        while transfer.next(into: &writer) {
            let message = try Message(decoding: writer.bytes)
            #expect(message.header.id == 7 && writer.count <= 1000 + 600)
            #expect(message.questions.count == (messages == 0 ? 1 : 0))
            answers += message.answers
            messages += 1
        }
        #expect(messages > 3)
        #expect(answers == records + [records[0]])
        #expect(transfer.recordsWritten == records.count + 1)
    }

    @Test func journalSurvivesReopeningCutsATornTailAndCondenses() throws {
        let versions = try Versions()
        let directory = versions.directory
        let history = versions.history
        var imageRecords: [[ResourceRecord]] = []
        for serial in 1...4 {
            _ = try versions.publish(Self.withSerial(serial, "v\(serial) TXT \"\(serial)\"\n"))
            imageRecords.append(history.records)
        }
        #expect(history.journal.count == 3)
        // Reopen: same content.
        let reopened = try ZoneHistory(
            origin: try DNSName(text: "example.test."), directory: directory.path, limits: JournalLimits())
        #expect(reopened.journal.diffs == history.journal.diffs)
        #expect(reopened.serial == 4 && reopened.records == imageRecords[3])
        #expect(reopened.resignDue(validity: 14 * 86_400) == history.resignDue(validity: 14 * 86_400))
        // Condensed from 1: v1's TXT is gone, v4's is there, v2 and v3 cancel out.
        let condensed = try #require(reopened.journal.changes(from: 1))
        #expect(condensed.fromSerial == 1 && condensed.toSerial == 4)
        #expect(Versions.apply(condensed, to: imageRecords[0]) == Set(imageRecords[3].filter { $0.type != .soa }))
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
        // A damaged image restarts the history: the journal no longer meets it.
        let image = directory.file("example.test.image")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: image))
        try bytes.prefix(bytes.count - 5).write(to: URL(fileURLWithPath: image))
        let restarted = try ZoneHistory(
            origin: try DNSName(text: "example.test."), directory: directory.path, limits: JournalLimits())
        #expect(restarted.serial == nil && restarted.journal.count == 0)
    }

    @Test func aCutImageOrALegacyOneNeverSendsTheSerialBack() throws {
        let versions = try Versions()
        for serial in 1...3 { _ = try versions.publish(Self.withSerial(serial, "v\(serial) TXT \"\(serial)\"\n")) }
        let path = versions.directory.file("example.test.image")
        let frames = try RecordFile(path: path).load().records
        let origin = try DNSName(text: "example.test.")
        func reopen() throws -> ZoneHistory {
            try ZoneHistory(origin: origin, directory: versions.directory.path, limits: JournalLimits())
        }
        let fingerprint = DataFingerprint([])
        // Cut exactly at a record boundary (end marker and last record gone): not a whole image.
        try RecordFile(path: path).replace(with: Array(frames.dropLast(2)))
        let cut = try reopen()
        #expect(cut.serial == nil && cut.journal.count == 0)
        #expect(cut.serial(for: fingerprint, fileSerial: 1, policy: .increment, bump: false, now: 0) == 4)
        // An image from before images had a header (its first record the SOA): the serial goes on,
        // the next version starts a new history and is not diffed against it.
        try RecordFile(path: path).replace(with: Array(frames.dropFirst().filter { $0.first != 0xFF }))
        let legacy = try reopen()
        #expect(legacy.serial == 3)
        #expect(legacy.serial(for: fingerprint, fileSerial: 1, policy: .increment, bump: false, now: 0) == 4)
        #expect(legacy.transfer(id: 1, queryFlags: 0, question: [0, 0, 252, 0, 1], messageLimit: 1000) == nil)
    }

    @Test func aDifferenceAheadOfTheImageIsDroppedAlone() throws {
        let versions = try Versions()
        for serial in 1...3 { _ = try versions.publish(Self.withSerial(serial, "v\(serial) TXT \"\(serial)\"\n")) }
        // As if a crash came between the journal's append of 3 → 4 and the image's rename.
        let soa3 = try #require(versions.history.soa)
        guard case .soa(var data) = soa3.data else { return }
        data.serial = 4
        var soa4 = soa3
        soa4.data = .soa(data)
        try versions.history.journal.append(ZoneDiff(oldSOA: soa3, newSOA: soa4, deleted: [], added: []))
        let reopened = try ZoneHistory(
            origin: try DNSName(text: "example.test."), directory: versions.directory.path, limits: JournalLimits())
        #expect(reopened.serial == 3 && reopened.journal.count == 2 && reopened.journal.lastSerial == 3)
    }

    @Test func aDifferenceLargerThanTheJournalIsNotKept() throws {
        let directory = try TemporaryDirectory()
        let journal = try Journal(path: directory.file("j"), limits: JournalLimits(maxBytes: 400, maxEntries: 10))
        try journal.append(try Self.soaDiff(1, 2))
        let big = (0..<20).map { index in
            ResourceRecord(
                name: try! DNSName(text: "n\(index).example.test."), ttl: 60,
                data: .txt(TXT(strings: [Array("padding".utf8)])))
        }
        try journal.append(ZoneDiff(oldSOA: try Self.soa(2), newSOA: try Self.soa(3), deleted: [], added: big))
        #expect(journal.count == 0 && journal.changes(from: 2) == nil)
        #expect(try Journal(path: directory.file("j")).count == 0)
    }

    @Test func aVersionThatChangesMoreThanTheJournalHoldsRestartsIt() throws {
        let versions = try Versions(limits: JournalLimits(maxBytes: 2000, maxEntries: 10))
        _ = try versions.publish(Self.withSerial(1))
        guard case .changed = try versions.publish(Self.withSerial(2, "new A 192.0.2.200\n")) else {
            Issue.record("a small change is journaled")
            return
        }
        // Renewed signatures everywhere: far more than 2,000 bytes of changes.
        versions.clock.advance(by: 14 * 86_400)
        #expect(
            try versions.publish(Self.withSerial(3, "new A 192.0.2.200\n")) == .rewritten(fromSerial: 2, toSerial: 3))
        #expect(versions.history.journal.count == 0 && versions.history.serial == 3)
        #expect(versions.history.records.filter { $0.type == .rrsig }.count > 20)
    }

    @Test func aPresignedZoneServedUnsignedRepublishesUnchanged() throws {
        let versions = try Versions()
        let presigned =
            Self.withSerial(1)
            + "mail 3600 IN RRSIG A 13 3 3600 20300101000000 20240101000000 1234 example.test. AAAA\n"
            + "0123456789abcdefghijklmnopqrstuv 300 IN NSEC3 1 0 0 - 0123456789ABCDEFGHIJKLMNOPQRSTUV A RRSIG\n"
        _ = try versions.publish(presigned, signed: false)
        #expect(versions.history.records.contains { $0.type == .nsec3 })
        #expect(try versions.publish(presigned, signed: false) == .unchanged)
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

    @Test func crc32cMatchesTheStandardVectorsAtEveryLength() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)  // RFC 3720 B.4
        // A bit-by-bit reference, for every length around the 8-byte steps.
        func reference(_ bytes: [UInt8]) -> UInt32 {
            var crc: UInt32 = 0xFFFF_FFFF
            for byte in bytes {
                crc ^= UInt32(byte)
                for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
            }
            return crc ^ 0xFFFF_FFFF
        }
        let data = (0..<40).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        for length in 0...data.count {
            #expect(CRC32C.checksum(Array(data[..<length])) == reference(Array(data[..<length])), "length \(length)")
        }
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
