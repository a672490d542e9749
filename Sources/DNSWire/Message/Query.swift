/// The parts of an incoming query the answer logic needs, decoded without allocating.
///
/// A worker keeps one `Query` and decodes every packet into it: the name buffer keeps its capacity,
/// and EDNS options are remembered as ranges of the packet rather than copied. The question is
/// remembered as a byte range too, so the response can echo the name in the client's own case.
public struct Query {
    public var id: UInt16 = 0
    /// The header's flag word as received.
    public var flags: UInt16 = 0
    /// The question name, lowercased, in uncompressed wire form (for lookup).
    public var name: [UInt8]
    public var type: RRType = RRType(0)
    public var qclass: RRClass = .in
    /// The question section's bytes in the packet: offsets 12..<questionEnd.
    public var questionEnd: Int = 12

    /// Whether an OPT record was present.
    public var hasEDNS = false
    public var udpPayloadSize: UInt16 = 512
    public var ednsVersion: UInt8 = 0
    public var dnssecOK = false
    /// Where the COOKIE option's data is in the packet, if there was one.
    public var cookie: Range<Int>? = nil
    /// Where the TSIG record is in the packet (owner to the end of its RDATA), if there was one.
    /// Not verified here: the server verifies it (TSIG module) after decoding.
    public var tsig: Range<Int>? = nil

    public init() {
        name = []
        name.reserveCapacity(DNSName.maxWireLength)
    }

    public var header: Header { Header(id: id, flags: flags) }
    public var opcode: Opcode { Opcode(rawValue: UInt8(flags >> 11 & 0xF)) }
    public var recursionDesired: Bool { flags & Header.rdBit != 0 }
    public var checkingDisabled: Bool { flags & Header.cdBit != 0 }

    /// The question name as a `DNSName` (allocates; not for the hot path).
    public var questionName: DNSName { DNSName(trustedWire: name) }

    /// Decodes a query packet. Throws for anything a server should answer with FORMERR; the caller
    /// drops packets shorter than a header, or that are responses, before calling this.
    ///
    /// Requirements: exactly one question whose name is not compressed; answer and authority
    /// records only as `SectionRules` allows for the opcode (for QUERY, none but IXFR's SOA); in
    /// additional, at most one OPT (owner root, at most `maxOptions` options) and then at most one
    /// TSIG, last; nothing after the last record. The counts are checked before any record is read.
    ///
    /// Why this strict: a name costs at most `WireReader.maxPointers` hops, so what bounds a
    /// query's cost is how many names it may hold. Refusing what a query cannot legitimately carry
    /// keeps any query's decode within a small multiple of a normal one's (`DecodeCostTests`).
    /// NSD refuses the same sections (Knot parses them all); none of the queries of ISC's EDNS
    /// compliance tester `genreport` has more (`GenreportQueryTests`).
    @inlinable public mutating func decode(_ packet: UnsafeRawBufferPointer) throws(WireError) {
        var reader = WireReader(packet)
        id = try reader.readUInt16()
        flags = try reader.readUInt16()
        let questionCount = try reader.readUInt16()
        let answerCount = try reader.readUInt16()
        let authorityCount = try reader.readUInt16()
        let additionalCount = try reader.readUInt16()
        hasEDNS = false
        dnssecOK = false
        udpPayloadSize = 512
        ednsVersion = 0
        cookie = nil
        tsig = nil
        guard questionCount == 1 else { throw .truncated(at: 4) }

        name.removeAll(keepingCapacity: true)
        try reader.readName(into: &name, lowercase: true, compressed: false)
        type = RRType(try reader.readUInt16())
        qclass = RRClass(try reader.readUInt16())
        questionEnd = reader.offset

        let rules = SectionRules(opcode: opcode, type: type)
        guard answerCount <= rules.answerSOAs else { throw .unexpectedRecord(at: 6) }
        guard authorityCount <= rules.authoritySOAs else { throw .unexpectedRecord(at: 8) }
        guard additionalCount <= 2 else { throw .unexpectedRecord(at: 10) }  // OPT, TSIG
        for _ in 0..<(Int(answerCount) + Int(authorityCount)) {
            let ownerAt = reader.offset
            try reader.skipName()
            guard try reader.readUInt16() == RRType.soa.rawValue else { throw .unexpectedRecord(at: ownerAt) }
            try reader.skip(6)
            try reader.skip(Int(try reader.readUInt16()))
        }
        for _ in 0..<additionalCount {
            let ownerAt = reader.offset
            // TSIG must be the last record (RFC 8945 §5.1).
            guard tsig == nil else { throw .unexpectedRecord(at: ownerAt) }
            try reader.skipName()
            switch try reader.readUInt16() {
            case RRType.opt.rawValue:
                guard !hasEDNS, packet[ownerAt] == 0 else { throw .badOPT(at: ownerAt) }
                try decodeOPT(&reader)
            case RRType.tsig.rawValue:
                try reader.skip(6)
                try reader.skip(Int(try reader.readUInt16()))
                tsig = ownerAt..<reader.offset
            default:
                throw .unexpectedRecord(at: ownerAt)
            }
        }
        guard reader.isAtEnd else { throw .trailingData(at: reader.offset) }
    }

    /// The most EDNS options a query may carry: no client sends more than a handful (`genreport`'s
    /// busiest test sends four), and without a bound a 64 KiB OPT of 16,000 empty options would
    /// be the costliest query left to decode. More is `badOPT`.
    public static let maxOptions = 32

    /// The OPT record after its owner and type. Options are read straight from the packet, each
    /// within the RDATA (wrapping arithmetic: offsets of a 64 KiB packet cannot overflow).
    @inlinable mutating func decodeOPT(_ reader: inout WireReader) throws(WireError) {
        let start = reader.offset
        hasEDNS = true
        udpPayloadSize = try reader.readUInt16()
        _ = try reader.readUInt8()
        ednsVersion = try reader.readUInt8()
        dnssecOK = try reader.readUInt16() & 0x8000 != 0
        let length = Int(try reader.readUInt16())
        guard length <= reader.remaining else { throw .truncated(at: reader.offset) }
        let bytes = reader.bytes
        let end = reader.offset &+ length
        var at = reader.offset
        var options = 0
        while at < end {
            options &+= 1
            guard options <= Query.maxOptions else { throw .badOPT(at: start) }
            guard at &+ 4 <= end else { throw .badRDataLength(type: 41, at: at) }
            let code = UInt16(bytes[at]) << 8 | UInt16(bytes[at &+ 1])
            let data = at &+ 4
            let next = data &+ (Int(bytes[at &+ 2]) << 8 | Int(bytes[at &+ 3]))
            guard next <= end else { throw .badRDataLength(type: 41, at: data) }
            if code == EDNS.Option.cookie { cookie = data..<next }
            at = next
        }
        reader.offset = end
    }

    /// Which records a message may carry before its additional section, by opcode: how many
    /// answer and authority records, each of which must be an SOA. Counts above these are refused
    /// before a record is read. Only QUERY is answered today; NOTIFY's SOA (RFC 1996 §3.7) is
    /// allowed so that its NOTIMP still finds the OPT. UPDATE's prerequisites and updates, when
    /// UPDATE is served, belong here.
    @usableFromInline struct SectionRules {
        @usableFromInline var answerSOAs: UInt16 = 0
        @usableFromInline var authoritySOAs: UInt16 = 0

        @inlinable init(opcode: Opcode, type: RRType) {
            switch opcode {
            case .query:
                // IXFR: the client's current SOA, in authority (RFC 1995 §3).
                if type == .ixfr { authoritySOAs = 1 }
            case .notify:
                answerSOAs = 1
            default:
                break
            }
        }
    }
}
