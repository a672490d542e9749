import DNSWire
import DNSZone
import Foundation
import Testing

@testable import DNSSECTestSupport
@testable import DynamicUpdate

@Suite struct UpdateTests {
    /// An UPDATE for example.test: (class, name, type, ttl, rdata) for prerequisites and updates.
    static func packet(
        prerequisites: [(UInt16, String, RRType, UInt32, RData?)], updates: [(UInt16, String, RRType, UInt32, RData?)]
    )
        throws -> [UInt8]
    {
        var writer = WireWriter(capacity: 512)
        for value: UInt16 in [0x4242, 5 << 11, 1, UInt16(prerequisites.count), UInt16(updates.count), 0] {
            writer.writeUInt16(value)
        }
        writer.writeName(try DNSName(text: "example.test."), compress: true)
        writer.writeUInt16(RRType.soa.rawValue)
        writer.writeUInt16(1)
        for (rrClass, name, type, ttl, data) in prerequisites + updates {
            writer.writeName(try DNSName(text: name), compress: true)
            writer.writeUInt16(type.rawValue)
            writer.writeUInt16(rrClass)
            writer.writeUInt32(ttl)
            let at = writer.count
            writer.writeUInt16(0)
            data?.serialize(into: &writer, form: .compressed)
            writer.patchUInt16(UInt16(writer.count - at - 2), at: at)
        }
        return writer.bytes
    }

    static func mx(_ preference: UInt16, _ host: String) throws -> RData {
        .mx(MX(preference: preference, exchange: try DNSName(text: host)))
    }

    static let records: [ResourceRecord] = {
        let parsed = ZoneFileParser.parse(text: SignerFixtures.zoneText, origin: try! DNSName(text: "example.test."))
        return parsed.records
    }()

    @Test func mxMigrationStepsWithPrerequisites() throws {
        let origin = try DNSName(text: "example.test.")
        // Lower the TTL, only if the MX RRset is exactly "10 mail".
        let lower = try UpdateMessage(
            decoding: Self.packet(
                prerequisites: [(1, "example.test.", .mx, 0, try Self.mx(10, "mail.example.test."))],
                updates: [
                    (255, "example.test.", .mx, 0, nil),
                    (1, "example.test.", .mx, 300, try Self.mx(10, "mail.example.test.")),
                ]))
        try lower.checkPrerequisites(Self.records)
        var records = UpdateOperation.apply(lower.operations, to: Self.records, origin: origin)
        #expect(records.filter { $0.type == .mx }.map(\.ttl) == [300])
        // Add the new MX at 20; then swap priorities; then delete the old one; then raise the TTL.
        let add = try UpdateMessage(
            decoding: Self.packet(
                prerequisites: [(254, "example.test.", .cname, 0, nil)],
                updates: [(1, "example.test.", .mx, 300, try Self.mx(20, "mx2.example.test."))]))
        try add.checkPrerequisites(records)
        records = UpdateOperation.apply(add.operations, to: records, origin: origin)
        #expect(
            Set(records.filter { $0.type == .mx }.map(\.data)) == [
                try Self.mx(10, "mail.example.test."), try Self.mx(20, "mx2.example.test."),
            ])
        let swap = try UpdateMessage(
            decoding: Self.packet(
                prerequisites: [(255, "example.test.", .mx, 0, nil)],
                updates: [
                    (254, "example.test.", .mx, 0, try Self.mx(10, "mail.example.test.")),
                    (254, "example.test.", .mx, 0, try Self.mx(20, "mx2.example.test.")),
                    (1, "example.test.", .mx, 300, try Self.mx(10, "mx2.example.test.")),
                    (1, "example.test.", .mx, 300, try Self.mx(20, "mail.example.test.")),
                ]))
        records = UpdateOperation.apply(swap.operations, to: records, origin: origin)
        let remove = try UpdateMessage(
            decoding: Self.packet(
                prerequisites: [], updates: [(254, "example.test.", .mx, 0, try Self.mx(20, "mail.example.test."))]))
        records = UpdateOperation.apply(remove.operations, to: records, origin: origin)
        let raise = try UpdateMessage(
            decoding: Self.packet(
                prerequisites: [], updates: [(1, "example.test.", .mx, 3600, try Self.mx(10, "mx2.example.test."))]))
        records = UpdateOperation.apply(raise.operations, to: records, origin: origin)
        #expect(
            records.filter { $0.type == .mx } == [
                ResourceRecord(name: origin, ttl: 3600, data: try Self.mx(10, "mx2.example.test."))
            ])
        // A prerequisite that no longer holds: the old MX is gone.
        #expect(throws: UpdateFailure.self) { try lower.checkPrerequisites(records) }
        do {
            try lower.checkPrerequisites(records)
        } catch {
            #expect(error.rcode == UpdateRCode.nxRRset)
        }
    }

    @Test func prerequisiteKindsAndRefusals() throws {
        func check(_ prerequisite: (UInt16, String, RRType, UInt32, RData?)) throws -> RCode {
            let message = try UpdateMessage(decoding: Self.packet(prerequisites: [prerequisite], updates: []))
            do {
                try message.checkPrerequisites(Self.records)
                return .noError
            } catch { return error.rcode }
        }
        #expect(try check((255, "mail.example.test.", .any, 0, nil)) == .noError)
        #expect(try check((255, "nope.example.test.", .any, 0, nil)) == .nxDomain)
        #expect(try check((254, "mail.example.test.", .any, 0, nil)) == UpdateRCode.yxDomain)
        #expect(try check((255, "mail.example.test.", .aaaa, 0, nil)) == .noError)
        #expect(try check((255, "mail.example.test.", .txt, 0, nil)) == UpdateRCode.nxRRset)
        #expect(try check((254, "mail.example.test.", .aaaa, 0, nil)) == UpdateRCode.yxRRset)
        #expect(throws: UpdateFailure(UpdateRCode.notZone, "other.test. is outside example.test.")) {
            try UpdateMessage(decoding: Self.packet(prerequisites: [(255, "other.test.", .any, 0, nil)], updates: []))
        }
        let key = RData.dnskey(DNSKEY(flags: 257, algorithm: 13, publicKey: [1, 2, 3]))
        #expect(throws: UpdateFailure.self) {
            try UpdateMessage(
                decoding: Self.packet(prerequisites: [], updates: [(1, "example.test.", .dnskey, 300, key)]))
        }
        // Apex SOA and NS are not deleted whole.
        let wipe = try UpdateMessage(
            decoding: Self.packet(prerequisites: [], updates: [(255, "example.test.", .any, 0, nil)]))
        let left = UpdateOperation.apply(wipe.operations, to: Self.records, origin: try DNSName(text: "example.test."))
        #expect(Set(left.filter { $0.name == (try! DNSName(text: "example.test.")) }.map(\.type)) == [.soa, .ns])
    }

    @Test func updateLogSurvivesReopening() throws {
        let directory = try TemporaryDirectory()
        let log = try UpdateLog(path: directory.file("u"))
        let origin = try DNSName(text: "example.test.")
        try log.append([
            .add(ResourceRecord(name: origin, ttl: 60, data: try Self.mx(20, "mx2.example.test."))),
            .deleteRRset(origin, .a),
        ])
        try log.append([.deleteName(try DNSName(text: "mail.example.test."))])
        let reopened = try UpdateLog(path: directory.file("u"))
        #expect(reopened.operations == log.operations && reopened.count == 2)
        try reopened.removeLast()
        #expect(try UpdateLog(path: directory.file("u")).count == 1)
    }
}
