import DNSWire

/// What an IXFR query (RFC 1995) is answered with, before it is cut into messages.
public enum IXFRAnswer: Sendable, Equatable {
    /// The secondary is current (or newer): the one SOA (§4).
    case upToDate(ResourceRecord)
    /// The incremental answer's records: new SOA, old SOA, deletions, new SOA, additions, new SOA.
    case incremental([ResourceRecord])
    /// The journal does not reach back to the secondary's serial: answer as AXFR (§4).
    case fullTransfer

    /// Chooses the answer for a secondary at `clientSerial` when `current` is the served SOA.
    public static func choose(current: ResourceRecord, clientSerial: UInt32, journal: Journal?) -> IXFRAnswer {
        let serial = ZoneDiff.serial(current)
        if clientSerial == serial || isNewer(clientSerial, than: serial) { return .upToDate(current) }
        guard let journal, let diff = journal.changes(from: clientSerial), diff.toSerial == serial else {
            return .fullTransfer
        }
        return .incremental([current, diff.oldSOA] + diff.deleted + [diff.newSOA] + diff.added + [current])
    }

    /// RFC 1982 serial comparison.
    static func isNewer(_ a: UInt32, than b: UInt32) -> Bool { a != b && (a &- b) < (1 << 31) }
}

extension IXFRAnswer {
    /// The records in order, cut into groups whose messages each stay under `limit` bytes (records
    /// are never split). `overhead` is what a message costs besides its records (header, question,
    /// TSIG). Each record is counted uncompressed, so every group fits whatever compression saves.
    public static func messages(_ records: [ResourceRecord], limit: Int = 65535, overhead: Int) -> [[ResourceRecord]] {
        var groups: [[ResourceRecord]] = []
        var current: [ResourceRecord] = []
        var size = overhead
        var writer = WireWriter(capacity: 1024)
        for record in records {
            writer.reset()
            record.serialize(into: &writer, form: .uncompressed)
            let length = writer.count
            if !current.isEmpty && size + length > limit {
                groups.append(current)
                current = []
                size = overhead
            }
            current.append(record)
            size += length
        }
        if !current.isEmpty { groups.append(current) }
        return groups
    }
}
