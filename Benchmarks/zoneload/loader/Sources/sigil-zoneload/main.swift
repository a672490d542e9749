import DNSWire
import DNSZone

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `sigil-zoneload ZONEFILE ORIGIN`: parses and builds the zone, then prints one line of counts
/// and the time each phase took to standard error. The process's own wall time and peak RSS are
/// what `run.sh` measures (with `/usr/bin/time -v`); the phase times are for profiling.
func seconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}

/// Writes a line to standard error (C's `stderr` is a global Swift 6 will not touch).
func report(_ line: String) {
    var bytes = Array((line + "\n").utf8)
    _ = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress, $0.count) }
}

let arguments = CommandLine.arguments
guard arguments.count == 3 else {
    report("usage: sigil-zoneload ZONEFILE ORIGIN")
    exit(2)
}
let origin: DNSName
do {
    origin = try DNSName(text: arguments[2])
} catch {
    report("bad origin: \(error)")
    exit(2)
}

/// VmHWM (peak resident set) so far, in MiB, from /proc/self/status; 0 where there is no /proc.
func peakMiB() -> Int {
    guard let file = fopen("/proc/self/status", "r") else { return 0 }
    defer { fclose(file) }
    var line = [CChar](repeating: 0, count: 256)
    while fgets(&line, Int32(line.count), file) != nil {
        let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        if text.hasPrefix("VmHWM:") {
            return (Int(text.split(separator: " ").dropFirst().first ?? "") ?? 0) / 1024
        }
    }
    return 0
}

/// Parses, checks and builds as a server would (`ZoneFileLoad`), letting go of the parsed records
/// as `Zone.build` takes them (it consumes the array and frees it once grouped).
func load(_ path: String, origin: DNSName) -> (Zone, records: Int, parse: Double, check: Double, build: Double) {
    let start = seconds()
    var parsed = ZoneFileParser.parse(file: path, origin: origin)
    let parsedAt = seconds()
    report("after parsing: peak \(peakMiB()) MiB")
    parsed.check()
    let checkedAt = seconds()
    guard parsed.isValid else {
        report("\(parsed)")
        exit(1)
    }
    let records = parsed.takeRecords()
    let count = records.count
    do {
        let zone = try Zone.build(origin: origin, records: consume records).zone
        return (zone, count, parsedAt - start, checkedAt - parsedAt, seconds() - checkedAt)
    } catch {
        report("\(error)")
        exit(1)
    }
}

// The zone is a global: it stays alive to the end, so no time is spent freeing it before exit,
// as neither knotd nor nsd frees its zone before it is measured.
let (zone, records, parseTime, checkTime, buildTime) = load(arguments[1], origin: origin)
report(
    "\(records) records, \(zone.nodes.count) nodes, \(zone.rrsets.count) RRsets; "
        + "parse \(Int(parseTime * 1000)) ms, check \(Int(checkTime * 1000)) ms, build \(Int(buildTime * 1000)) ms; "
        + "peak \(peakMiB()) MiB")
