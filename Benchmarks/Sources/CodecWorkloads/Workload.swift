import DNSWire

#if canImport(Glibc)
import Glibc
#endif

/// One operation a benchmark times. A workload does its setup in its initializer and repeats the
/// operation `run(_:)` times, so the measurement holds that operation alone. Shared by the codec
/// and the signing benchmarks, and by `CodecProfile`.
public protocol Workload {
    /// Runs the operation `iterations` times.
    mutating func run(_ iterations: Int)
    /// A value derived from the last run, for `blackHole`.
    var result: Int { get }
}

extension Query {
    /// `packet` decoded into a new `Query`, for a workload's setup.
    public static func decoded(from packet: [UInt8]) throws -> Query {
        var query = Query()
        // A typed-throws closure here crashes the 6.3.1 optimizer (PerfInliner); decode untyped.
        let failure = packet.withUnsafeBytes { bytes -> WireError? in
            do throws(WireError) {
                try query.decode(bytes)
                return nil
            } catch {
                return error
            }
        }
        if let failure { throw failure }
        return query
    }
}

extension Packets {
    struct MissingFixture: Error { var label: String }

    /// A query of `Tests/DNSWireTests/Fixtures/hostile.tsv` (`Tests/fixtures/make_hostile_queries.py`),
    /// the file the decoder's cost test reads.
    public static func hostile(_ label: String) throws -> [UInt8] {
        let root = #filePath.split(separator: "/", omittingEmptySubsequences: false).dropLast(4)
        let path = (root + ["Tests", "DNSWireTests", "Fixtures", "hostile.tsv"]).joined(separator: "/")
        guard let file = fopen(path, "r") else { throw MissingFixture(label: label) }
        defer { fclose(file) }
        var contents: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            guard count > 0 else { break }
            contents += chunk[0..<count]
        }
        for line in contents.split(separator: 10) {
            let fields = line.split(separator: 9)
            guard fields.count == 2, fields[0].elementsEqual(label.utf8),
                let bytes = Base16.decode(String(decoding: fields[1], as: UTF8.self))
            else { continue }
            return bytes
        }
        throw MissingFixture(label: label)
    }
}
