#if canImport(Glibc)
import Glibc
#endif
import DNSWire
import DNSZone

/// What one parse may read: small, so that an input cannot make a run slow by its includes alone.
private let limits = ZoneFileParser.Limits(includes: 64, bytes: 1 << 20)
private let origin = try! DNSName(text: "example.test.")

/// libFuzzer entry point for the zone-file parser, `$INCLUDE` included.
///
/// The input is a set of files separated by NUL bytes: the first is the zone file `/z/zone`, the
/// n-th after it the file `/z/n` (so `$INCLUDE 1` in the zone reads the second part). They are
/// served from memory through `ZoneFileSource`; any other path does not exist.
///
/// Invariants:
/// - no trap;
/// - the parse reads at most `limits.bytes` bytes and follows at most `limits.includes` includes;
/// - a file set with no errors, checked by `ZoneFileResult.check()` without errors, builds into a
///   zone (`Zone.build` refuses nothing that the check let through);
/// - the records of a file set without errors print as a zone file that parses back to the same
///   records.
@_cdecl("LLVMFuzzerTestOneInput")
public func zoneFileFuzzer(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: start, count: count)
    var files: [String: [UInt8]] = [:]
    for (index, part) in input.split(separator: 0, omittingEmptySubsequences: false).enumerated() {
        files[index == 0 ? "/z/zone" : "/z/\(index)"] = Array(part)
    }
    let reads = ReadCounter()
    let served = files
    let source = ZoneFileSource(
        contents: { path, maxBytes in
            reads.count += 1
            guard let bytes = served[normalized(path)] else { return .failure(.init(message: "no such file")) }
            guard bytes.count <= maxBytes else { return .failure(.init(message: "too large")) }
            reads.bytes += bytes.count
            return .success(bytes)
        },
        identity: { normalized($0) })

    var result = ZoneFileParser.parse(file: "/z/zone", origin: origin, limits: limits, source: source)
    if verbose { print(result.summary, result.records.count, "records") }
    precondition(reads.bytes <= limits.bytes, "read \(reads.bytes) bytes, over the limit")
    precondition(reads.count <= limits.includes + 1, "read \(reads.count) files, over the limit")
    guard result.isValid else { return 0 }

    let records = result.records
    var text = ""
    for record in records { text += record.text + "\n" }
    let again = ZoneFileParser.parse(text: text, origin: origin)
    precondition(again.isValid, "printed records do not parse:\n\(text)\n\(again)")
    precondition(again.records == records, "printed records parse differently:\n\(text)")

    result.check()
    guard result.isValid else { return 0 }
    do {
        _ = try Zone.build(origin: result.origin, records: records)
    } catch {
        preconditionFailure("the check passed but the zone does not build: \(error)\n\(text)")
    }
    return 0
}

/// FUZZ_VERBOSE=1 prints each parse's summary, to see what an input does.
private let verbose = getenv("FUZZ_VERBOSE") != nil

/// What the in-memory source was asked for.
private final class ReadCounter: @unchecked Sendable {
    var count = 0
    var bytes = 0
}

/// The path with `.`, `..` and repeated slashes resolved, as `realpath` would for the stub's files.
private func normalized(_ path: String) -> String {
    var parts: [Substring] = []
    for part in path.split(separator: "/") {
        switch part {
        case ".": continue
        case "..": _ = parts.popLast()
        default: parts.append(part)
        }
    }
    return "/" + parts.joined(separator: "/")
}
