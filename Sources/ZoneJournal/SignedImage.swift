import CSodium
import DNSWire

#if canImport(Glibc)
import Glibc
#endif

/// The last version of a zone exactly as secondaries received it, kept on disk beside the journal
/// (`<origin>.image`) and never held in memory: a version is written to it record by record
/// (`VersionBuilder`), the next version is diffed against it in one sequential read, and an AXFR
/// is sent from it (`ImageTransfer`), so secondaries get exactly the signatures the journal's
/// differences refer to.
///
/// The file is a ``RecordFile``: a header (magic, then the data fingerprint), then every record of
/// the version in transfer order, each as uncompressed wire, in three phases each opened by a
/// marker: 0, the SOA and its RRSIGs; 1, the other RRsets node by node in canonical order, each
/// followed by its RRSIGs; 2, the NSEC3 chain, each record followed by its RRSIGs. An end marker
/// with the record count closes it, so an image cut short anywhere is known to be.
public enum SignedImage {
    static let magic: [UInt8] = Array("SIGIL-IMAGE2".utf8)
    /// Marker frames start with a byte no uncompressed owner name starts with.
    static let markerByte: UInt8 = 0xFF
    static let endMarker: UInt8 = 0xEE
    /// The largest record: a 255-byte owner, the fixed fields, 65,535 bytes of RDATA.
    static let largestRecord = 255 + 10 + 65535

    static func header(_ fingerprint: DataFingerprint?) -> [UInt8] {
        var bytes = magic
        if let fingerprint {
            for value in [fingerprint.first, fingerprint.second, UInt64(fingerprint.count)] {
                bytes += bigEndian(value)
            }
        }
        return bytes
    }

    static func bigEndian(_ value: UInt64) -> [UInt8] {
        stride(from: 56, through: 0, by: -8).map { UInt8(truncatingIfNeeded: value >> $0) }
    }

    static func readUInt64(_ bytes: some Collection<UInt8>) -> UInt64 {
        bytes.reduce(0) { $0 << 8 | UInt64($1) }
    }

    static func fingerprint(header bytes: UnsafeRawBufferPointer) -> DataFingerprint?? {
        guard bytes.count >= magic.count, bytes.prefix(magic.count).elementsEqual(magic) else { return nil }
        guard bytes.count == magic.count + 24 else { return .some(nil) }
        let at = magic.count
        return .some(
            DataFingerprint(
                first: readUInt64(bytes[at..<(at + 8)]), second: readUInt64(bytes[(at + 8)..<(at + 16)]),
                count: Int(readUInt64(bytes[(at + 16)..<(at + 24)]))))
    }

    static func phaseMarker(_ phase: Int) -> [UInt8] { [markerByte, UInt8(phase)] }
    static func endMarker(records: Int) -> [UInt8] { [markerByte, endMarker] + bigEndian(UInt64(records)) }

    /// What the history keeps in memory of its image, read in one pass over the file.
    struct Summary: Sendable {
        var soa: ResourceRecord
        var earliestExpiration: Int64?
        var fingerprint: DataFingerprint?
        /// An image of an earlier format (no header, no markers): its SOA carries the serial on,
        /// but it is not diffed against or transferred.
        var legacy = false
        var serial: UInt32 { ZoneDiff.serial(soa) }
    }

    /// The summary of the image at `path`; nil when there is none, or it is damaged or not whole.
    static func summary(path: String, now: Int64) -> Summary? {
        guard let reader = ImageReader(path: path) else { return legacySummary(path: path) }
        guard let first = reader.next(), let soa = try? ResourceRecord(wire: first), soa.type == .soa else {
            return nil
        }
        var earliest = Expirations(now: now)
        while let payload = reader.next() {
            guard let record = WireRecord(payload) else { return nil }
            earliest.note(record, in: payload)
        }
        guard reader.complete else { return nil }
        return Summary(soa: soa, earliestExpiration: earliest.earliest, fingerprint: reader.fingerprint)
    }

    /// An image written before images had a header: its first record is the SOA.
    static func legacySummary(path: String) -> Summary? {
        guard let reader = RecordFile.Reader(path: path), let first = reader.next(),
            let soa = try? ResourceRecord(wire: first), soa.type == .soa
        else { return nil }
        return Summary(soa: soa, earliestExpiration: nil, fingerprint: nil, legacy: true)
    }

    /// Every record of the image at `path` (for tests and tools); nil as for `summary`.
    public static func records(path: String) -> [ResourceRecord]? {
        guard let reader = ImageReader(path: path) else { return nil }
        var records: [ResourceRecord] = []
        while let payload = reader.next() {
            guard let record = try? ResourceRecord(wire: payload) else { return nil }
            records.append(record)
        }
        return reader.complete ? records : nil
    }
}

/// Reads an image's records in order: the phase markers tell which phase each record is in, and
/// the end marker that nothing is missing.
final class ImageReader {
    private let file: RecordFile.Reader
    let fingerprint: DataFingerprint?
    /// The phase of the record last returned.
    private(set) var phase = 0
    private var count = 0
    /// Whether the end marker was read and its count matched: the image is whole.
    private(set) var complete = false

    /// Opens the image at `path`; nil when there is none or it is not an image of this format.
    init?(path: String) {
        guard let file = RecordFile.Reader(path: path, largestRecord: SignedImage.largestRecord),
            let header = file.next(), let fingerprint = SignedImage.fingerprint(header: header)
        else { return nil }
        self.file = file
        self.fingerprint = fingerprint
    }

    /// The next record, valid until the next call; nil at the end (`complete` says whether it was
    /// the image's end or a damaged or short file).
    func next() -> UnsafeRawBufferPointer? {
        while !complete, let payload = file.next() {
            guard payload.first == SignedImage.markerByte else {
                count += 1
                return payload
            }
            guard payload.count >= 2 else { return nil }
            if payload[1] == SignedImage.endMarker {
                complete =
                    payload.count == 10 && SignedImage.readUInt64(payload[2...]) == UInt64(count)
                    && file.next() == nil && !file.damaged
                return nil
            }
            phase = Int(payload[1])
        }
        return nil
    }
}

/// The earliest RRSIG expiration among records seen, as an absolute time near now.
struct Expirations {
    let now: Int64
    var earliest: Int64? = nil

    mutating func note(_ record: WireRecord, in payload: UnsafeRawBufferPointer) {
        guard let expiration = record.expiration(in: payload) else { return }
        let delta = Int64(Int32(bitPattern: expiration &- UInt32(truncatingIfNeeded: now)))
        earliest = min(earliest ?? .max, now + delta)
    }
}

/// Where the fields of one record in uncompressed wire form are.
struct WireRecord {
    let ownerLength: Int
    let type: UInt16
    let ttl: UInt32
    /// RDLENGTH and RDATA.
    let dataItem: Range<Int>

    init?(_ payload: UnsafeRawBufferPointer) {
        var offset = 0
        while offset < payload.count, payload[offset] != 0 {
            guard payload[offset] < 64 else { return nil }
            offset += 1 + Int(payload[offset])
        }
        offset += 1
        guard offset + 10 <= payload.count else { return nil }
        ownerLength = offset
        type = UInt16(payload[offset]) << 8 | UInt16(payload[offset + 1])
        ttl =
            UInt32(payload[offset + 4]) << 24 | UInt32(payload[offset + 5]) << 16 | UInt32(payload[offset + 6]) << 8
            | UInt32(payload[offset + 7])
        let length = Int(payload[offset + 8]) << 8 | Int(payload[offset + 9])
        guard offset + 10 + length == payload.count else { return nil }
        dataItem = (offset + 8)..<payload.count
    }

    var rdataStart: Int { dataItem.lowerBound + 2 }

    /// For an RRSIG: the type it covers.
    func covered(in payload: UnsafeRawBufferPointer) -> UInt16? {
        guard type == RRType.rrsig.rawValue, dataItem.count >= 2 + 18 else { return nil }
        return UInt16(payload[rdataStart]) << 8 | UInt16(payload[rdataStart + 1])
    }

    /// For an RRSIG: its expiration field.
    func expiration(in payload: UnsafeRawBufferPointer) -> UInt32? {
        guard type == RRType.rrsig.rawValue, dataItem.count >= 2 + 18 else { return nil }
        let at = rdataStart + 8
        return UInt32(payload[at]) << 24 | UInt32(payload[at + 1]) << 16 | UInt32(payload[at + 2]) << 8
            | UInt32(payload[at + 3])
    }

    /// For an RRSIG: the key tag.
    func keyTag(in payload: UnsafeRawBufferPointer) -> UInt16? {
        guard type == RRType.rrsig.rawValue, dataItem.count >= 2 + 18 else { return nil }
        return UInt16(payload[rdataStart + 16]) << 8 | UInt16(payload[rdataStart + 17])
    }
}

extension ResourceRecord {
    init(wire payload: some Collection<UInt8>) throws(WireError) {
        self = try withWireReader(Array(payload)) { (reader) throws(WireError) in
            let record = try ResourceRecord(decoding: &reader)
            guard reader.isAtEnd else { throw .trailingData(at: reader.offset) }
            return record
        }
    }

    /// The record's uncompressed wire form.
    var uncompressedWire: [UInt8] {
        var writer = WireWriter(capacity: 128)
        serialize(into: &writer, form: .uncompressed)
        return writer.bytes
    }
}

/// A digest of a version's data (the records a load prepares: zone data and apex DNSSEC records,
/// no RRSIG or NSEC3, the SOA serial zeroed), kept in the image's header so that a reload of the
/// same data keeps its serial without the history holding the records. Each record is hashed
/// (BLAKE2b, 128 bits) and the hashes summed, so the order of the records does not matter.
public struct DataFingerprint: Sendable, Hashable {
    var first: UInt64
    var second: UInt64
    var count: Int

    init(first: UInt64, second: UInt64, count: Int) {
        self.first = first
        self.second = second
        self.count = count
    }

    static let sodiumReady: Bool = sodium_init() >= 0

    public init(_ records: [ResourceRecord]) {
        _ = Self.sodiumReady
        first = 0
        second = 0
        count = 0
        var writer = WireWriter(capacity: 512)
        var digest = [UInt8](repeating: 0, count: 16)
        for var record in records where record.type != .rrsig && record.type != .nsec3 {
            if case .soa(var soa) = record.data {
                soa.serial = 0
                record.data = .soa(soa)
            }
            writer.reset()
            record.serialize(into: &writer, form: .uncompressed)
            writer.bytes.withUnsafeBufferPointer { bytes in
                _ = crypto_generichash(&digest, 16, bytes.baseAddress, UInt64(bytes.count), nil, 0)
            }
            var a: UInt64 = 0
            var b: UInt64 = 0
            for index in 0..<8 {
                a = a << 8 | UInt64(digest[index])
                b = b << 8 | UInt64(digest[8 + index])
            }
            first &+= a
            second &+= b
            count += 1
        }
    }
}
