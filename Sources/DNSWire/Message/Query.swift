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
    /// Requirements: QR clear, exactly one question whose name is not compressed, no answer
    /// records, any authority records well formed, at most one OPT (owner root) in additional,
    /// nothing after the last record.
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
        guard questionCount == 1 else { throw .truncated(at: 4) }
        guard answerCount == 0 else { throw .trailingData(at: 6) }

        name.removeAll(keepingCapacity: true)
        let nameStart = reader.offset
        try reader.readName(into: &name, lowercase: true)
        guard reader.offset - nameStart == name.count else { throw .badPointer(at: nameStart) }
        type = RRType(try reader.readUInt16())
        qclass = RRClass(try reader.readUInt16())
        questionEnd = reader.offset

        for _ in 0..<authorityCount {
            try reader.skipName()
            try reader.skip(8)
            try reader.skip(Int(try reader.readUInt16()))
        }
        for _ in 0..<additionalCount {
            let ownerAt = reader.offset
            try reader.skipName()
            let recordType = try reader.readUInt16()
            guard recordType == RRType.opt.rawValue else {
                try reader.skip(6)
                try reader.skip(Int(try reader.readUInt16()))
                continue
            }
            guard !hasEDNS, packet[ownerAt] == 0 else { throw .badOPT(at: ownerAt) }
            hasEDNS = true
            udpPayloadSize = try reader.readUInt16()
            _ = try reader.readUInt8()
            ednsVersion = try reader.readUInt8()
            dnssecOK = try reader.readUInt16() & 0x8000 != 0
            let length = Int(try reader.readUInt16())
            guard length <= reader.remaining else { throw .truncated(at: reader.offset) }
            let end = reader.offset + length
            while reader.offset < end {
                let code = try reader.readUInt16()
                let optionLength = Int(try reader.readUInt16())
                guard reader.offset + optionLength <= end else { throw .badRDataLength(type: 41, at: reader.offset) }
                if code == EDNS.Option.cookie { cookie = reader.offset..<(reader.offset + optionLength) }
                reader.offset += optionLength
            }
        }
        guard reader.isAtEnd else { throw .trailingData(at: reader.offset) }
    }
}
