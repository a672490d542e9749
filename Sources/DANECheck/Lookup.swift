import DNSSEC
import DNSWire
import Foundation
import Synchronization

/// How far an answer can be trusted (RFC 4035 §4.3).
package enum Security: String, Codable, Sendable {
    case secure, insecure, bogus
}

/// The outcome of one lookup, after any CNAMEs.
package struct LookupAnswer: Sendable {
    /// The name the records are at: the question, or the last CNAME target.
    package var name: DNSName
    /// The CNAME targets followed, in order.
    package var aliases: [DNSName] = []
    package var records: [ResourceRecord] = []
    package var ttl: UInt32 = 0
    package var nameError = false
    package var security: Security
    /// Why it is not secure, or what failed.
    package var reason: String?

    package static func failed(_ name: DNSName, _ reason: String) -> LookupAnswer {
        LookupAnswer(name: name, security: .bogus, reason: reason)
    }
}

/// DNSSEC-validated lookups, one way or the other.
package protocol SecureLookup: Sendable {
    func lookup(_ name: DNSName, _ type: RRType) -> LookupAnswer
}

/// Through a validating resolver, trusted for its AD flag (RFC 6840 §5.8: the path to it must be
/// trusted, as a local Unbound is). SERVFAIL is what a validator answers for bogus data.
package struct ValidatingResolverLookup: SecureLookup {
    package var resolver: StubResolver

    package init(_ server: ServerAddress, timeout: Double = 5) {
        resolver = StubResolver(server: server, timeout: timeout, recursive: true)
    }

    package func lookup(_ name: DNSName, _ type: RRType) -> LookupAnswer {
        let message: Message
        do { message = try resolver.query(name, type) } catch { return .failed(name, "\(error)") }
        if message.rcode == .servFail {
            return .failed(name, "the resolver answered SERVFAIL (bogus DNSSEC, or the zone is unreachable)")
        }
        guard message.rcode == .noError || message.rcode == .nxDomain else {
            return .failed(name, "the resolver answered \(message.rcode)")
        }
        var answer = LookupAnswer(name: name, security: message.header.authenticData ? .secure : .insecure)
        if answer.security == .insecure { answer.reason = "the resolver did not set AD (not validated)" }
        for _ in 0..<8 {
            let here = message.answers.filter { $0.name == answer.name }
            if let cname = here.first(where: { $0.type == .cname }), case .cname(let target) = cname.data,
                type != .cname
            {
                answer.aliases.append(target.target)
                answer.name = target.target
                continue
            }
            answer.records = here.filter { $0.type == type }
            break
        }
        answer.ttl = answer.records.map(\.ttl).min() ?? 0
        answer.nameError = message.rcode == .nxDomain
        return answer
    }
}

/// Asks the zone's authoritative server and validates every answer itself, from the DS given as
/// trust anchor: the DNSKEY RRset once, then each RRset's RRSIG, and NSEC3 proofs for negative
/// answers. Only names in the anchored zone can be secure.
package final class AnchoredLookup: SecureLookup {
    package let server: StubResolver
    package let zone: DNSName
    package let anchor: DS
    private let keys: Mutex<Result<[DNSKEY], ValidationFailure>?> = Mutex(nil)

    package init(server: ServerAddress, zone: DNSName, anchor: DS, timeout: Double = 5) {
        self.server = StubResolver(server: server, timeout: timeout, recursive: false)
        self.zone = zone
        self.anchor = anchor
    }

    /// The anchor's zone: the domain or its nearest ancestor with a DNSKEY RRset (so `--zone` is
    /// needed only to name another). If the DS does not validate that RRset, the lookups fail as
    /// bogus with the reason.
    package static func anchored(
        server: ServerAddress, domain: DNSName, anchor: DS, timeout: Double = 5
    ) -> AnchoredLookup {
        var candidate: DNSName? = domain
        while let zone = candidate, !zone.isRoot {
            let lookup = AnchoredLookup(server: server, zone: zone, anchor: anchor, timeout: timeout)
            switch lookup.zoneKeys() {
            case .success: return lookup
            case .failure(let failure) where !failure.description.hasPrefix("no DNSKEY RRset"): return lookup
            case .failure: candidate = zone.parent
            }
        }
        return AnchoredLookup(server: server, zone: domain, anchor: anchor, timeout: timeout)
    }

    static var now: UInt32 { UInt32(truncatingIfNeeded: Int(Date().timeIntervalSince1970)) }

    package func zoneKeys() -> Result<[DNSKEY], ValidationFailure> {
        if let known = keys.withLock({ $0 }) { return known }
        let result: Result<[DNSKEY], ValidationFailure>
        do {
            let message = try server.query(zone, .dnskey)
            let dnskeys = message.answers.filter { $0.type == .dnskey && $0.name == zone }
            result = Validation.trustedKeys(
                dnskeys: dnskeys, signatures: Self.signatures(message.answers, zone, .dnskey), anchor: anchor,
                zone: zone, now: Self.now)
        } catch {
            // A network failure is not remembered: the next lookup tries again.
            return .failure(ValidationFailure("\(error)"))
        }
        keys.withLock { $0 = result }
        return result
    }

    static func signatures(_ records: [ResourceRecord], _ owner: DNSName, _ type: RRType) -> [RRSIG] {
        records.compactMap { record in
            guard record.name == owner, case .rrsig(let signature) = record.data, signature.typeCovered == type else {
                return nil
            }
            return signature
        }
    }

    package func lookup(_ name: DNSName, _ type: RRType) -> LookupAnswer {
        var answer = LookupAnswer(name: name, security: .secure)
        let keys: [DNSKEY]
        switch zoneKeys() {
        case .success(let trusted): keys = trusted
        case .failure(let failure): return .failed(name, "bogus: \(failure)")
        }
        for _ in 0..<8 {
            guard answer.name.isSubdomain(of: zone) else {
                answer.security = .insecure
                answer.reason = "\(answer.name.text) is outside the anchored zone \(zone.text)"
                return answer
            }
            let message: Message
            do { message = try server.query(answer.name, type) } catch { return .failed(name, "\(error)") }
            guard message.rcode == .noError || message.rcode == .nxDomain else {
                return .failed(name, "the server answered \(message.rcode)")
            }
            let here = message.answers.filter { $0.name == answer.name }
            if let records = Optional(here.filter { $0.type == type }), !records.isEmpty {
                if let reason = Validation.verify(
                    rrset: records, signatures: Self.signatures(message.answers, answer.name, type), keys: keys,
                    zone: zone, now: Self.now)
                {
                    return .failed(name, "bogus: \(reason)")
                }
                answer.records = records
                answer.ttl = records.map(\.ttl).min() ?? 0
                return answer
            }
            if let cname = here.first(where: { $0.type == .cname }), case .cname(let target) = cname.data {
                if let reason = Validation.verify(
                    rrset: [cname], signatures: Self.signatures(message.answers, answer.name, .cname), keys: keys,
                    zone: zone, now: Self.now)
                {
                    return .failed(name, "bogus: \(reason)")
                }
                answer.aliases.append(target.target)
                answer.name = target.target
                continue
            }
            // A negative answer: every NSEC3 must be signed, and together they must prove it.
            let nsec3Records = message.authority.filter { $0.type == .nsec3 }
            for record in nsec3Records {
                if let reason = Validation.verify(
                    rrset: [record], signatures: Self.signatures(message.authority, record.name, .nsec3), keys: keys,
                    zone: zone, now: Self.now)
                {
                    return .failed(name, "bogus: \(reason)")
                }
            }
            let proofs = Validation.NSEC3Set(nsec3Records, zone: zone)
            if message.rcode == .nxDomain {
                guard proofs.provesNameError(answer.name, zone: zone) else {
                    return .failed(name, "bogus: NXDOMAIN for \(answer.name.text) without an NSEC3 proof")
                }
                answer.nameError = true
            } else {
                guard proofs.provesNoData(answer.name, type) else {
                    return .failed(name, "bogus: no \(type) at \(answer.name.text) without an NSEC3 proof")
                }
            }
            return answer
        }
        return .failed(name, "more than 8 CNAMEs")
    }
}
