import CodecWorkloads
import SigningWorkloads

#if canImport(Glibc)
import Glibc
#endif

/// Runs one codec or signed-answer workload a given number of times, for instruction counts that a shared, noisy
/// machine cannot blur:
///
///     valgrind --tool=callgrind --toggle-collect='*profileLoop*' \
///         .build/release/CodecProfile Encode.nxdomainSigned 10000
///
/// Only `profileLoop` (and what it calls) is counted, so setup is left out; instructions per
/// operation are callgrind's total divided by the count. `run-callgrind.sh` does this for all.
let workloads: [String: () throws -> any Workload] = [
    "Query.decode": { try QueryDecodeWorkload() },
    "Query.decodeCostliest": { try QueryDecodeWorkload.costliest() },
    "Encode.positiveSigned": { try MessageEncodeWorkload(packet: Packets.positive) },
    "Encode.nxdomainSigned": { try MessageEncodeWorkload(packet: Packets.nxdomain) },
    "ServerEncode.positiveSigned": { try ServerEncodeWorkload(packet: Packets.positive) },
    "ServerEncode.nxdomainSigned": { try ServerEncodeWorkload(packet: Packets.nxdomain) },
    "DNSName.parse": { try NameParseWorkload() },
    "DNSName.canonicalCompare": { try CanonicalCompareWorkload() },
    "SignedAnswer.positiveHit": { try SignedAnswerHitWorkload(.positive) },
    "SignedAnswer.nxdomainHit": { try SignedAnswerHitWorkload(.nxdomain) },
]

@inline(never)
func profileLoop<W: Workload>(_ workload: inout W, _ iterations: Int) {
    workload.run(iterations)
}

func start<W: Workload>(_ workload: W, _ iterations: Int) -> Int {
    var workload = workload
    profileLoop(&workload, iterations)
    return workload.result
}

let arguments = CommandLine.arguments
guard arguments.count == 3, let make = workloads[arguments[1]], let iterations = Int(arguments[2]) else {
    print("usage: CodecProfile <\(workloads.keys.sorted().joined(separator: "|"))> <iterations>")
    exit(2)
}
print(start(try make(), iterations))
