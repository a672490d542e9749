import CodecWorkloads
import DNSSEC
import DNSWire
import DNSZone
import QueryPipeline

/// `ResponseEncoder.encode` with a signer of an answer whose signatures are all in the cache: the records,
/// their RRSIGs copied from the cache, the NSEC3 proofs. The answer itself (the zone lookup) is
/// made once in setup, and so is a first encode, which fills the cache.
///
/// - `positive`: `www.example.test. A` (two records + RRSIG), full NSEC3 chain.
/// - `nxdomain`: `nothere.example.test. A` in `nsec3-narrow`: SOA + RRSIG and three white-lie
///   NSEC3 records + RRSIGs, two of them (next closer, wildcard) hashed per query.
public struct SignedAnswerHitWorkload: Workload {
    public enum Kind: Sendable {
        case positive
        case nxdomain
    }

    let signer: ZoneSigner
    let packet: [UInt8]
    let query: Query
    var answer = Answer()
    var encoder = ResponseEncoder()
    var writer = WireWriter(capacity: 4096)

    public init(_ kind: Kind) throws {
        let name: String
        switch kind {
        case .positive:
            signer = try SigningFixture.signer(.ecdsaP256SHA256, denial: .nsec3)
            name = "www.example.test."
        case .nxdomain:
            signer = try SigningFixture.signer(.ecdsaP256SHA256, denial: .nsec3Narrow)
            name = "nothere.example.test."
        }
        (packet, query) = try SigningFixture.query(name, .a)
        ZoneSet([signer.zone]).answer(name: query.name, type: query.type, into: &answer)
        let before = signer.signaturesMade
        run(1)
        precondition(signer.signaturesMade > before, "the first encode must sign (and fill the cache)")
        let warm = signer.signaturesMade
        run(1)
        precondition(signer.signaturesMade == warm, "the second encode must be all cache hits")
        precondition(writer.count > packet.count + 64, "the answer must carry its signatures (64 bytes each)")
    }

    public mutating func run(_ iterations: Int) {
        packet.withUnsafeBytes { packet in
            for _ in 0..<iterations {
                encoder.encode(answer, for: query, packet: packet, signer: signer, into: &writer)
            }
        }
    }

    public var result: Int { writer.count }
}
