import DNSWire
import Testing

@testable import DNSZone
@testable import DNSZoneTestSupport

/// The pieces `Zone.build` uses for large zones agree with the plain definitions they replace.
@Suite struct CanonicalSortTests {
    /// Names that stress the sort keys: case, labels that are prefixes of others, bytes 0x00,
    /// 0x01 and 0x02 (the key escapes the first two), 0xFF, and ancestors of other names.
    static let names: [DNSName] = {
        var names = [
            "example.", "a.example.", "A.example.", "z.example.", "zABC.a.example.", "yljkjljk.a.example.",
            "Z.a.example.", "zABC.a.EXAMPLE.", "*.z.example.", "\\001.z.example.", "z.z.example.",
            "\\200.z.example.", "ab.example.", "a\\000.example.", "a\\001.example.", "a\\002.example.",
            "\\000.example.", "\\001.example.", "\\001\\000.example.", "\\255.example.", "b.a.example.",
            "example.net.", "a.b.c.d.example.", "c.d.example.", "_25._tcp.mx.example.", "_tcp.mx.example.",
        ].map { try! DNSName(text: $0) }
        // Pseudo-random labels over a small alphabet, so that prefixes and shared suffixes abound.
        var state: UInt32 = 12345
        func next() -> UInt32 {
            state = state &* 1_103_515_245 &+ 12345
            return state >> 16
        }
        let alphabet: [UInt8] = [0, 1, 2, 0x2D, 0x41, 0x61, 0x5A, 0x7A, 0xFF]
        for _ in 0..<400 {
            let labels = (0...Int(next() % 3)).map { _ in
                (0...Int(next() % 3)).map { _ in alphabet[Int(next()) % alphabet.count] }
            }
            names.append(try! DNSName(labels: labels + [Array("example".utf8)]))
        }
        return names
    }()

    @Test func keysSortLikeCanonicalOrder() {
        let byKeys = CanonicalSort.order(of: Self.names).map { Self.names[$0] }
        for (left, right) in zip(byKeys, byKeys.dropFirst()) {
            #expect(DNSName.canonicalCompare(left, right) <= 0, "\(left) before \(right)")
        }
        #expect(byKeys.count == Self.names.count)
    }

    @Test func nameIndexFindsNamesIgnoringCase() throws {
        var index = NameIndex(capacity: 4)
        var expected: [DNSName: Int] = [:]
        for name in Self.names {
            let (value, inserted) = index.insert(name)
            if let known = expected[name] {
                #expect(!inserted && value == known, "\(name)")
            } else {
                #expect(inserted && value == expected.count, "\(name)")
                expected[name] = value
            }
        }
        #expect(index.count == expected.count)
        for (name, value) in expected { #expect(index.find(name.lowercased()) == value, "\(name)") }
        #expect(index.find(try DNSName(text: "absent.example.")) == nil)
    }

    @Test func recordsKeptOnlyAsWireDecodeToWhatWasGiven() throws {
        let text = """
            @ 3600 SOA ns1 hostmaster 1 7200 3600 1209600 300
            @ 3600 NS ns1
            ns1 3600 A 192.0.2.1
            ns1 3600 AAAA 2001:db8::1
            t 60 TXT "a b" c
            t 60 TXT ""
            _25._tcp.mx 60 TLSA 3 1 1 0102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F20
            _sip._tcp 60 SRV 10 60 5060 ns1
            mx 60 MX 10 Ns1
            """
        let origin = try DNSName(text: "example.")
        let records = try TestZoneText.records(text, origin: origin)
        let zone = try Zone.build(origin: origin, records: records).zone
        #expect(Set(zone.records) == Set(records))
        let mx = try #require(zone.node(named: try DNSName(text: "mx.example.")))
        let set = zone.rrsets[try #require(zone.rrset(at: mx, type: .mx))]
        #expect(set.records.map(\.text) == ["10 Ns1.example."])
    }

    @Test func largeRRsetsStillDropDuplicates() throws {
        let origin = try DNSName(text: "example.")
        var text = "@ 3600 SOA ns1 hostmaster 1 7200 3600 1209600 300\n@ 3600 NS ns1\n"
        for round in 0..<2 {
            for host in 1...40 { text += "pool 60 A 192.0.2.\(host)\n" }
            if round == 0 { text += "pool 60 A 192.0.2.1\n" }
        }
        let (zone, warnings) = try Zone.build(origin: origin, records: try TestZoneText.records(text, origin: origin))
        #expect(warnings.count == 41 && warnings.allSatisfy { $0.kind == .duplicate })
        let pool = try #require(zone.node(named: try DNSName(text: "pool.example.")))
        #expect(zone.rrsets[try #require(zone.rrset(at: pool, type: .a))].count == 40)
    }
}
