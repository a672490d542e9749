import Testing

@testable import DNSWire

#if canImport(Glibc)
import Glibc
#endif

/// The decoder's cost bound: no query costs `Query.decode` more than 20 times the 45-byte normal
/// one, whether it decodes or is refused.
///
/// Measured as this thread's CPU time (not wall clock, so another process taking the core does
/// not count), the fastest of many rounds of 500 decodes each: noise only ever adds time, so the
/// minimum is what the code costs. Debug and release builds differ in constant factors, but the
/// attacks this guards against cost thousands of times a normal query, far beyond the margin.
@Suite struct DecodeCostTests {
    static let bound = 20.0

    static func fixture(_ label: String) -> [UInt8] {
        Fixtures.rows("hostile").first { $0.first == label }.map { Fixtures.bytes($0[1]) } ?? []
    }

    /// Issue #12's query: the RDATA of one record is 8,000 pointers, each to the one before;
    /// 4,124 more additional records are owned by the top of that chain. 65,525 bytes.
    static let manyOwners: [UInt8] = {
        var packet = MalformedWireTests.header(qd: 1, ar: 4125) + [7] + Array("example".utf8) + [0, 0, 1, 0, 1]
        let top = appendChain(to: &packet, type: 10, links: 8000)
        for _ in 0..<4124 { packet += [0xC0 | UInt8(top >> 8), UInt8(top & 0xFF), 0, 1, 0, 1, 0, 0, 0, 0, 0, 0] }
        return packet
    }()

    /// Within the section counts: an OPT whose one option holds the chain, then a TSIG owned by
    /// its top, which would take 8,001 hops.
    static let deepChain: [UInt8] = {
        var packet = MalformedWireTests.header(qd: 1, ar: 2) + [7] + Array("example".utf8) + [0, 0, 1, 0, 1]
        let top = appendChain(to: &packet, type: 41, links: 8000, optionHeader: true)
        packet += [0xC0 | UInt8(top >> 8), UInt8(top & 0xFF), 0, 250, 0, 255, 0, 0, 0, 0, 0, 0]
        return packet
    }()

    /// Appends a record (owner root) whose RDATA is a root octet and `links` pointers, each to the
    /// one before; returns where the last pointer is.
    static func appendChain(to packet: inout [UInt8], type: UInt8, links: Int, optionHeader: Bool = false) -> Int {
        let length = 1 + 2 * links + (optionHeader ? 4 : 0)
        packet += [0, 0, type, 0, 1, 0, 0, 0, 0, UInt8(length >> 8), UInt8(length & 0xFF)]
        if optionHeader { packet += [0xFD, 0xE9, UInt8((length - 4) >> 8), UInt8((length - 4) & 0xFF)] }
        var previous = packet.count
        packet.append(0)
        for _ in 0..<links {
            let here = packet.count
            packet += [0xC0 | UInt8(previous >> 8), UInt8(previous & 0xFF)]
            previous = here
        }
        precondition(previous < 0x4000)
        return previous
    }

    /// The fastest round's thread CPU time for `count` decodes of `packet`, in nanoseconds.
    static func cost(_ packet: [UInt8], rounds: Int = 30, count: Int = 500) -> Double {
        var query = Query()
        var fastest = Double.infinity
        packet.withUnsafeBytes { bytes in
            for _ in 0..<rounds {
                let start = threadTime()
                for _ in 0..<count {
                    do throws(WireError) { try query.decode(bytes) } catch {}
                }
                fastest = min(fastest, threadTime() - start)
            }
        }
        return fastest
    }

    static func threadTime() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
        return Double(now.tv_sec) * 1e9 + Double(now.tv_nsec)
    }

    @Test func fixturesAreWhatTheySay() throws {
        let normal = Self.fixture("normal")
        #expect(normal.count == 45)
        let costliest = Self.fixture("costliest")
        var query = Query()
        try withWireReader(costliest) { (reader) throws(WireError) in try query.decode(reader.bytes) }
        #expect(query.type == .ixfr && query.hasEDNS && query.tsig != nil && query.name.count == 255)
        // The 128th hop: the TSIG owner's pointer, then 127 of the chain's from the top down.
        let owner = Self.deepChain.count - 12
        let top = Int(Self.deepChain[owner] & 0x3F) << 8 | Int(Self.deepChain[owner + 1])
        #expect(throws: WireError.tooManyPointers(at: top - 2 * (WireReader.maxPointers - 1))) {
            try withWireReader(Self.deepChain) { (reader) throws(WireError) in try query.decode(reader.bytes) }
        }
        #expect(Self.manyOwners.count == 65525)
        #expect(throws: WireError.unexpectedRecord(at: 10)) {
            try withWireReader(Self.manyOwners) { (reader) throws(WireError) in try query.decode(reader.bytes) }
        }
    }

    @Test(arguments: ["costliest", "deepChain", "manyOwners"])
    func costBound(_ label: String) {
        let packet =
            switch label {
            case "deepChain": Self.deepChain
            case "manyOwners": Self.manyOwners
            default: Self.fixture(label)
            }
        let normal = Self.cost(Self.fixture("normal"))
        let hostile = Self.cost(packet)
        let ratio = hostile / normal
        print("decode cost of \(label): \(String(format: "%.1f", ratio))× the normal query")
        #expect(ratio <= Self.bound, "\(label) costs \(ratio)× a normal query's decode")
    }
}
