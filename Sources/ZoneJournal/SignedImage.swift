import DNSWire

/// The last version of a zone exactly as secondaries received it (every record, RRSIGs and the
/// NSEC3 chain included), kept on disk beside the journal. After a restart it is what the next
/// difference is computed from, and its signatures are re-used for the RRsets that did not
/// change, so the journal and the secondaries' copies stay continuous.
public struct SignedImage: Sendable {
    public var records: [ResourceRecord]

    public init(records: [ResourceRecord]) { self.records = records }

    public var soa: ResourceRecord? { records.first { $0.type == .soa } }
    public var serial: UInt32? { soa.map(ZoneDiff.serial) }

    /// Reads the image at `path`; nil when there is none or it does not decode whole.
    public static func load(path: String) -> SignedImage? {
        guard let loaded = try? RecordFile(path: path).load(), !loaded.cut, !loaded.records.isEmpty else { return nil }
        var records: [ResourceRecord] = []
        records.reserveCapacity(loaded.records.count)
        for payload in loaded.records {
            guard
                let record = try? withWireReader(
                    payload,
                    { (reader) throws(WireError) in
                        try ResourceRecord(decoding: &reader)
                    })
            else { return nil }
            records.append(record)
        }
        return SignedImage(records: records)
    }

    /// Writes the image atomically (temporary file, fsync, rename).
    public func save(path: String) throws(RecordFile.IOFailure) {
        var writer = WireWriter(capacity: 512)
        let payloads = records.map { record -> [UInt8] in
            writer.reset()
            record.serialize(into: &writer, form: .uncompressed)
            return writer.bytes
        }
        try RecordFile(path: path).replace(with: payloads)
    }
}
