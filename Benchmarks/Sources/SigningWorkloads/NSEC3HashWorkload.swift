import CodecWorkloads
import DNSSEC
import DNSWire

/// The NSEC3 owner hash (RFC 5155 §5) of `www.example.test.` with RFC 9276's parameters: SHA-1,
/// 0 extra iterations, empty salt; mixed case in, as a query brings it, so lowercasing is timed too.
public struct NSEC3HashWorkload: Workload {
    let hasher = NSEC3Hasher()
    let name: [UInt8]
    var accumulated = 0

    public init() throws {
        name = try DNSName(text: "WWW.Example.test.").wire
    }

    public mutating func run(_ iterations: Int) {
        name.withUnsafeBytes { name in
            [UInt8]().withUnsafeBytes { salt in
                for _ in 0..<iterations {
                    accumulated &+= hasher.hashValue(of: name, iterations: 0, salt: salt).hashValue
                }
            }
        }
    }

    public var result: Int { accumulated }
}
