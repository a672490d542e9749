import CodecWorkloads
import DNSSEC
import DNSZone

/// Signs `www.example.test. A` (two records) afresh, as a cache miss does: the RRSIG RDATA built,
/// the records put in canonical form and order, the signed data hashed and signed, the RRSIG
/// assembled. `ZoneSigner.freshSignatures` bypasses the cache, so every operation signs.
public struct SignRRsetWorkload: Workload {
    let signer: ZoneSigner
    let index: Int
    var bytes = 0

    public init(_ algorithm: DNSSECAlgorithm) throws {
        signer = try SigningFixture.signer(algorithm, denial: .nsec3)
        index = try SigningFixture.rrset("www.example.test.", .a, in: signer.zone)
        run(1)
        precondition(bytes > 0, "signing must succeed")
    }

    public mutating func run(_ iterations: Int) {
        for _ in 0..<iterations {
            bytes &+= signer.freshSignatures(rrset: index, now: SigningFixture.now)?.count ?? 0
        }
    }

    public var result: Int { bytes }
}
