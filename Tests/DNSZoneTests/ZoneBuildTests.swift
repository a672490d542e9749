import DNSWire
import Testing

@testable import DNSZone
@testable import DNSZoneTestSupport

@Suite struct ZoneBuildTests {
    static let origin = try! DNSName(text: "example.")
    static let base = """
        @ 3600 SOA ns1 hostmaster 1 7200 3600 1209600 300
        @ 3600 NS ns1
        ns1 3600 A 192.0.2.1
        """

    func build(_ text: String) throws -> (zone: Zone, warnings: [ZoneDiagnostic]) {
        try Zone.build(origin: Self.origin, records: TestZoneText.records(text, origin: Self.origin))
    }

    /// `extra` is parsed on its own, with no given origin, and appended: the parser itself refuses
    /// a second SOA or one away from the origin, so the build's SOA checks (which also guard zones
    /// from transfers) need the records joined after.
    func failure(_ text: String, plus extra: String? = nil) throws -> ZoneError? {
        var records = try TestZoneText.records(text, origin: Self.origin)
        if let extra { records += try TestZoneText.records("$ORIGIN example.\n" + extra, origin: nil) }
        do throws(ZoneError) {
            _ = try Zone.build(origin: Self.origin, records: records)
            return nil
        } catch {
            #expect(error.errors.allSatisfy { $0.severity == .error })
            return error
        }
    }

    func errors(_ text: String, plus extra: String? = nil) throws -> [ZoneDiagnostic.Kind] {
        try failure(text, plus: extra)?.errors.map(\.kind) ?? []
    }

    @Test func minimalZoneBuilds() throws {
        let (zone, warnings) = try build(Self.base)
        #expect(warnings.isEmpty)
        #expect(zone.nodes.map(\.name.text) == ["example.", "ns1.example."])
        #expect(zone.negativeTTL == 300)
        #expect(zone.rrsets[zone.soa].type == .soa)
    }

    @Test func apexChecks() throws {
        #expect(try errors("@ 3600 NS ns1\nns1 3600 A 192.0.2.1") == [.missingSOA])
        #expect(try errors("@ 3600 SOA ns1 hostmaster 1 2 3 4 5\nns1 3600 A 192.0.2.1") == [.missingApexNS])
        #expect(try errors(Self.base, plus: "@ 3600 SOA ns2 hostmaster 2 2 3 4 5") == [.multipleSOA])
        #expect(try errors(Self.base, plus: "sub 3600 SOA ns1 hostmaster 2 2 3 4 5") == [.soaNotAtApex])
    }

    @Test func cnameBesideOtherDataIsAnError() throws {
        let kinds = try errors(Self.base + "\nwww 60 CNAME ns1\nwww 60 TXT \"x\"")
        #expect(kinds == [.cnameAndOtherData])
        #expect(try errors(Self.base + "\nwww 60 CNAME ns1\nwww 60 CNAME ns2") == [.multipleSingletons])
        #expect(try errors(Self.base + "\n@ 60 CNAME ns1").contains(.cnameAndOtherData))
    }

    @Test func messagesNameOwnerAndType() throws {
        let error = try #require(try failure(Self.base + "\nwww 60 CNAME ns1\nwww 60 TXT \"x\""))
        #expect(error.errors.first?.message.hasPrefix("www.example. TXT:") == true)
        #expect(error.errors.first?.owner.text == "www.example.")
    }

    @Test func outOfZoneAndClassAreErrors() throws {
        var records = try TestZoneText.records(Self.base, origin: Self.origin)
        records.append(ResourceRecord(name: try DNSName(text: "www.other."), ttl: 1, data: .a(A(1, 2, 3, 4))))
        records.append(
            ResourceRecord(name: try DNSName(text: "ch.example."), rrClass: .ch, ttl: 1, data: .a(A(1, 2, 3, 4))))
        do throws(ZoneError) {
            _ = try Zone.build(origin: Self.origin, records: records)
            Issue.record("expected an error")
        } catch {
            #expect(error.errors.map(\.kind) == [.outOfZone, .unsupportedClass])
        }
    }

    @Test func duplicatesCollapseAndTTLsUnifyToTheFirst() throws {
        let (zone, warnings) = try build(Self.base + "\nwww 300 A 192.0.2.7\nwww 60 A 192.0.2.8\nwww 300 A 192.0.2.7")
        #expect(warnings.map(\.kind) == [.ttlMismatch, .duplicate])
        let www = try #require(zone.node(named: try DNSName(text: "WWW.example.")))
        let set = zone.rrsets[try #require(zone.rrset(at: www, type: .a))]
        #expect(set.ttl == 300)
        #expect(set.count == 2)
    }

    @Test func dataBelowADelegationIsIgnoredExceptGlue() throws {
        let text =
            Self.base + """

                sub 3600 NS ns.sub
                sub 3600 TXT "occluded at the cut"
                ns.sub 3600 A 192.0.2.53
                ns.sub 3600 TXT "occluded below"
                """
        let (zone, warnings) = try build(text)
        #expect(warnings.map(\.kind) == [.occludedByDelegation, .occludedByDelegation])
        #expect(warnings.map(\.type) == [.txt, .txt])
        let sub = try #require(zone.node(named: try DNSName(text: "sub.example.")))
        #expect(zone.nodes[sub].isDelegation)
        #expect(zone.rrset(at: sub, type: .txt) == nil)
        let glue = try #require(zone.node(named: try DNSName(text: "ns.sub.example.")))
        #expect(zone.nodes[glue].flags.contains(.belowDelegation))
        #expect(zone.nodes[glue].cutAbove == Int32(sub))
        #expect(zone.rrset(at: glue, type: .a) != nil && zone.rrset(at: glue, type: .txt) == nil)
    }

    @Test func emptyNonTerminalsAreNodesInCanonicalOrder() throws {
        let (zone, _) = try build(
            Self.base + "\n_25._tcp.mx 60 TXT \"tlsa stand-in\"\n*.w 60 TXT \"w\"\nz.a.w 60 TXT \"z\"")
        let names = zone.nodes.map(\.name.text)
        #expect(
            names == [
                "example.", "mx.example.", "_tcp.mx.example.", "_25._tcp.mx.example.", "ns1.example.", "w.example.",
                "*.w.example.", "a.w.example.", "z.a.w.example.",
            ])
        #expect(zone.nodes.map(\.name) == zone.nodes.map(\.name).sorted())
        for name in ["mx.example.", "_tcp.mx.example.", "w.example.", "a.w.example."] {
            let node = try #require(zone.node(named: try DNSName(text: name)))
            #expect(zone.nodes[node].isEmptyNonTerminal, "\(name)")
            #expect(zone.nodes[node].rrsets.isEmpty)
        }
        let w = try #require(zone.node(named: try DNSName(text: "w.example.")))
        #expect(zone.nodes[Int(zone.nodes[w].wildcardChild)].name.text == "*.w.example.")
        #expect(zone.nodes[Zone.apex].wildcardChild == -1)
        #expect(zone.node(named: try DNSName(text: "nope.example.")) == nil)
    }

    @Test func rrsetsArePreEncoded() throws {
        let (zone, _) = try build(Self.base + "\nt 60 TXT \"a b\" c\nt 60 TXT \"\"")
        let t = try #require(zone.node(named: try DNSName(text: "t.example.")))
        let set = zone.rrsets[try #require(zone.rrset(at: t, type: .txt))]
        #expect(set.wire == [0, 6, 3, 97, 32, 98, 1, 99, 0, 1, 0])
        #expect(set.rdataRanges == [2..<8, 10..<11])
    }

    @Test func lookupIgnoresCaseAndTakesSlices() throws {
        let (zone, _) = try build(Self.base)
        let wire: [UInt8] = [3, 0x4E, 0x73, 0x31, 7] + Array("EXAMPLE".utf8) + [0]
        #expect(zone.node(named: wire[...]) == 1)
        #expect(zone.node(named: wire[4...]) == 0)
        #expect(wire.withUnsafeBytes { zone.node(named: $0) } == 1)
    }
}
