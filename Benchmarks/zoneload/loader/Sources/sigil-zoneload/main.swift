#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import DNSWire
import DNSZone

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

let start = seconds()
let parsed = ZoneFileParser.parse(file: arguments[1], origin: origin)
let parsedAt = seconds()
guard parsed.isValid else {
    report("\(parsed)")
    exit(1)
}
let zone: Zone
do {
    zone = try Zone.build(origin: origin, records: parsed.records).zone
} catch {
    report("\(error)")
    exit(1)
}
let builtAt = seconds()
// The records array is a global: it stays alive (as the zone does), so no time is spent freeing
// it before exit, as neither knotd nor nsd frees its zone before it is measured.
report(
    "\(parsed.records.count) records, \(zone.nodes.count) nodes, \(zone.rrsets.count) RRsets; "
        + "parse \(Int((parsedAt - start) * 1000)) ms, build \(Int((builtAt - parsedAt) * 1000)) ms")
