import DNSWire

/// The records of one owner and type, with one TTL (RFC 2181 §5).
///
/// Records are kept pre-encoded, so the answer encoder appends bytes instead of serializing on
/// every query. `wire` holds, for each record in order, its RDLENGTH (two bytes) followed by its
/// RDATA in uncompressed form and in the zone's original case.
///
/// Types whose RDATA names may be compressed (NS, CNAME, PTR, MX, SOA: RFC 3597 §4) are written
/// from `RData` values instead, so that those names compress against the rest of the response;
/// those values, and DNAME's (whose target the answer logic reads), are kept decoded beside the
/// wire form. Every other type is kept only as wire: holding each record twice was most of a large
/// zone's memory, and those values are wanted only off the query path (signing, transfers, tests),
/// where `records` decodes them from `wire`.
public struct RRset: Sendable {
    public let type: RRType
    public let ttl: UInt32
    /// The number of records.
    public let count: Int
    public let wire: [UInt8]
    /// The records as values, for the types listed above; empty for the rest.
    package let decoded: [RData]

    public init(type: RRType, ttl: UInt32, records: [RData]) {
        var writer = WireWriter(capacity: 64 * records.count)
        self.init(type: type, ttl: ttl, records: records, scratch: &writer)
    }

    /// Encodes through `scratch`, a writer the caller reuses from one RRset to the next, so that
    /// building a zone does not allocate a writer (and its compression table) per RRset, and
    /// `wire` is allocated at its exact size.
    init(type: RRType, ttl: UInt32, records: [RData], scratch writer: inout WireWriter) {
        self.type = type
        self.ttl = ttl
        self.count = records.count
        writer.reset()
        for record in records {
            let lengthAt = writer.count
            writer.writeUInt16(0)
            record.serialize(into: &writer, form: .uncompressed)
            writer.patchUInt16(UInt16(writer.count - lengthAt - 2), at: lengthAt)
        }
        // A fresh array of exactly this size: `Array(writer.bytes)` would share the scratch buffer
        // (and its whole capacity), which the next `reset` would then copy.
        self.wire = writer.bytes.withUnsafeBufferPointer { bytes in
            [UInt8](unsafeUninitializedCapacity: bytes.count) { buffer, initialized in
                initialized = buffer.initialize(fromContentsOf: bytes)
            }
        }
        self.decoded = RRset.keepsValues(type) ? records : []
    }

    /// Whether the query path reads this type's records as values, so they are kept decoded.
    static func keepsValues(_ type: RRType) -> Bool {
        switch type {
        case .ns, .cname, .ptr, .mx, .soa, .dname: true
        default: false
        }
    }

    /// The records, in the order given. Allocation-free for the types the query path reads
    /// (NS, CNAME, PTR, MX, SOA, DNAME); decoded from `wire` for the rest, where a record given
    /// as RFC 3597 generic data of a type Sigil knows comes back as that type.
    public var records: [RData] {
        if RRset.keepsValues(type) { return decoded }
        var result: [RData] = []
        result.reserveCapacity(count)
        for range in rdataRanges {
            let data = Array(wire[range])
            do {
                result.append(
                    try withWireReader(data) { (reader) throws(WireError) in
                        try RData(type: type, decoding: &reader, length: data.count)
                    })
            } catch {
                preconditionFailure("RRset wire form of \(type) does not decode: \(error)")
            }
        }
        return result
    }

    /// Whether the answer encoder writes this type's RDATA from `records`, compressing names.
    @inlinable public var hasCompressibleNames: Bool {
        // NS, CNAME, SOA, PTR, MX by number: matching `RRType`'s static members from another
        // module costs an accessor call each, on every RRset the answer encoder writes.
        switch type.rawValue {
        case 2, 5, 6, 12, 15: true
        default: false
        }
    }

    /// The byte ranges of each record's RDATA (without RDLENGTH) in `wire`.
    public var rdataRanges: [Range<Int>] {
        LengthPrefixedItems(wire).map { ($0.lowerBound + 2)..<$0.upperBound }
    }
}
