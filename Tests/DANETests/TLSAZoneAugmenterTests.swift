import DANE
import DNSWire
import Testing

@Suite struct TLSAZoneAugmenterTests {
    private let origin = try! DNSName(text: "example.com.")

    private func name(_ text: String) -> DNSName { try! DNSName(text: text, origin: origin) }

    private func tlsa(_ owner: String, _ byte: UInt8, ttl: UInt32 = 3600) -> ResourceRecord {
        ResourceRecord(
            name: name(owner), ttl: ttl, data: .tlsa(TLSA(usage: 3, selector: 1, matchingType: 1, data: [byte])))
    }

    private var soa: ResourceRecord {
        ResourceRecord(
            name: origin, ttl: 3600,
            data: .soa(
                SOA(
                    mname: name("ns1"), rname: name("hostmaster"), serial: 2024010100, refresh: 7200, retry: 3600,
                    expire: 1_209_600, minimum: 300)))
    }

    private var zone: [ResourceRecord] {
        [
            soa,
            ResourceRecord(name: origin, ttl: 3600, data: .ns(NameRData(name("ns1")))),
            ResourceRecord(name: name("sub"), ttl: 3600, data: .ns(NameRData(name("ns.sub")))),
            ResourceRecord(name: name("www"), ttl: 3600, data: .cname(NameRData(origin))),
            tlsa("_25._tcp.mail", 1), tlsa("_25._tcp.mail", 2), tlsa("_443._tcp.www2", 3),
        ]
    }

    @Test func replacesTLSAAtGeneratedOwnersOnly() {
        let generated = [
            tlsa("_25._tcp.mail", 9, ttl: 300), tlsa("_25._tcp.mail", 9, ttl: 300), tlsa("_25._tcp.mx2", 8),
        ]
        let outcome = TLSAZoneAugmenter.augment(zone, origin: origin, generated: generated)
        #expect(outcome.records == Array(zone[0..<4]) + [tlsa("_443._tcp.www2", 3), generated[0], generated[2]])
        #expect(outcome.warnings.count == 1)
        #expect(outcome.warnings.first?.hasPrefix("_25._tcp.mail.example.com.: 2 TLSA records") == true)
    }

    @Test func leavesOutRecordsThatCannotGoInTheZone() {
        let generated = [
            tlsa("_25._tcp.mail.example.net.", 1),  // outside the zone
            tlsa("_25._tcp.host.sub", 2),  // below a delegation
            tlsa("www", 3),  // CNAME owner
            ResourceRecord(name: name("mail"), ttl: 60, data: .a(A(192, 0, 2, 1))),  // not TLSA
        ]
        let outcome = TLSAZoneAugmenter.augment(zone, origin: origin, generated: generated)
        #expect(outcome.records == zone)
        #expect(outcome.warnings.count == 4)
        #expect(outcome.warnings.allSatisfy { $0.hasSuffix("left out") })
    }

    @Test func serialIsReplacedAtTheApex() throws {
        #expect(TLSAZoneAugmenter.serial(of: zone, origin: origin) == 2024010100)
        let next = SerialNumber.next(served: 2024010100, loaded: 2024010100)
        let records = try #require(TLSAZoneAugmenter.settingSerial(zone, origin: origin, to: next))
        #expect(TLSAZoneAugmenter.serial(of: records, origin: origin) == 2024010101)
        #expect(Array(records.dropFirst()) == Array(zone.dropFirst()))
        #expect(TLSAZoneAugmenter.settingSerial(Array(zone.dropFirst()), origin: origin, to: 1) == nil)
    }
}

/// RFC 1982 serial arithmetic.
@Suite struct SerialNumberTests {
    @Test func comparison() {
        #expect(SerialNumber.isNewer(1, than: 0))
        #expect(SerialNumber.isNewer(0, than: UInt32.max))  // wrapped
        #expect(!SerialNumber.isNewer(UInt32.max, than: 0))
        #expect(SerialNumber.isNewer(0x7FFF_FFFF, than: 0))
        #expect(!SerialNumber.isNewer(0x8000_0000, than: 0))  // undefined: half the circle away
        #expect(!SerialNumber.isNewer(0, than: 0x8000_0000))
        #expect(!SerialNumber.isNewer(5, than: 5))
    }

    @Test func next() {
        #expect(SerialNumber.next(served: 41, loaded: 41) == 42)
        #expect(SerialNumber.next(served: UInt32.max, loaded: 7) == 7)  // the file is ahead, across the wrap
        #expect(SerialNumber.next(served: UInt32.max, loaded: UInt32.max - 3) == 0)  // behind: bump, wrapping
        #expect(SerialNumber.next(served: 100, loaded: 2024010100) == 2024010100)  // author bumped the file
        #expect(SerialNumber.next(served: 2024010105, loaded: 2024010100) == 2024010106)  // file behind
        #expect(SerialNumber.next(served: UInt32.max, loaded: UInt32.max) == 0)
    }
}
