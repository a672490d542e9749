import DNSSEC

/// How a zone's keys are rolled (the zone's `dnssec:` policy keys), with every duration in seconds.
public struct KeyPolicy: Sendable, Equatable {
    public enum KeySet: String, Sendable, CaseIterable {
        /// A key-signing key (SEP) for the DNSKEY RRset and a zone-signing key for the rest.
        case kskZsk = "ksk-zsk"
        /// One combined signing key.
        case csk
    }

    public var algorithm: DNSSECAlgorithm
    public var keySet: KeySet
    /// 0: never rolled by time (only by `sigil keys roll` or a new algorithm).
    public var zskLifetime: Int64
    /// The KSK's, and the CSK's, lifetime; 0: never.
    public var kskLifetime: Int64
    /// How long a change takes to reach every server of the zone (RFC 7583 Dprp).
    public var propagationDelay: Int64
    /// The TTL of DNSKEY, CDS and CDNSKEY.
    public var dnskeyTTL: Int64
    /// The parent's DS TTL (RFC 7583 TTLds); a larger TTL seen in the parent's answer wins.
    public var dsTTL: Int64
    /// The largest TTL of the zone's data, so of its signatures (RFC 7583 TTLsig).
    public var maxZoneTTL: Int64

    public init(
        algorithm: DNSSECAlgorithm = .ecdsaP256SHA256, keySet: KeySet = .kskZsk, zskLifetime: Int64 = 90 * 86_400,
        kskLifetime: Int64 = 365 * 86_400, propagationDelay: Int64 = 3600, dnskeyTTL: Int64 = 3600,
        dsTTL: Int64 = 86_400, maxZoneTTL: Int64 = 86_400
    ) {
        self.algorithm = algorithm
        self.keySet = keySet
        self.zskLifetime = zskLifetime
        self.kskLifetime = kskLifetime
        self.propagationDelay = propagationDelay
        self.dnskeyTTL = dnskeyTTL
        self.dsTTL = dsTTL
        self.maxZoneTTL = maxZoneTTL
    }

    /// RFC 7583 §3.3.1 Ipub: from a ZSK's publication until it may sign.
    public var zskPublishLead: Int64 { dnskeyTTL + propagationDelay }
    /// RFC 7583 §3.3.1 Iret: from a ZSK's last signature until its DNSKEY may go.
    public var zskRetireLag: Int64 { max(maxZoneTTL, dnskeyTTL) + propagationDelay }
    /// From a new SEP key's publication until CDS may point at it.
    public var syncLead: Int64 { dnskeyTTL + propagationDelay }
    /// From the parent's new DS until the old SEP key may go (RFC 7583 §3.3.2).
    func dsLag(observedTTL: Int64?) -> Int64 { max(dsTTL, observedTTL ?? 0) + propagationDelay }
    /// Algorithm rollover (RFC 6781 §4.1.4): new signatures everywhere before the new DNSKEY.
    public var signaturesLead: Int64 { max(maxZoneTTL, dnskeyTTL) + propagationDelay }

    /// The shortest lifetime a ZSK needs: pre-publication, then its predecessor's retirement.
    public var zskMinimumLifetime: Int64 { zskPublishLead + zskRetireLag }
    /// The shortest lifetime a KSK or CSK needs: CDS lead, then the parent's DS TTL and delay
    /// (the parent's own delay in publishing the DS comes on top and cannot be known).
    public var kskMinimumLifetime: Int64 {
        syncLead + dsLag(observedTTL: nil) + (keySet == .csk ? zskRetireLag : 0)
    }

    /// A setting that cannot work, named by its configuration key.
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        public var key: String
        public var message: String
        public var description: String { "\(key): \(message)" }
    }

    /// Lifetimes too short for the TTLs and delays a rollover must wait out: each names its key.
    public var problems: [Problem] {
        var problems: [Problem] = []
        if keySet == .kskZsk, zskLifetime > 0, zskLifetime <= zskMinimumLifetime {
            problems.append(
                Problem(
                    key: "zsk-lifetime",
                    message:
                        "\(Duration.text(zskLifetime)) is too short: a ZSK rollover takes \(Duration.text(zskMinimumLifetime)) "
                        + "(DNSKEY TTL \(dnskeyTTL)s + propagation delay \(propagationDelay)s before the new key signs, "
                        + "largest zone TTL \(max(maxZoneTTL, dnskeyTTL))s + propagation delay before the old one goes)"
                ))
        }
        if kskLifetime > 0, kskLifetime <= kskMinimumLifetime {
            problems.append(
                Problem(
                    key: "ksk-lifetime",
                    message:
                        "\(Duration.text(kskLifetime)) is too short: a \(keySet == .csk ? "CSK" : "KSK") rollover takes "
                        + "at least \(Duration.text(kskMinimumLifetime)) (DNSKEY TTL \(dnskeyTTL)s + propagation delay "
                        + "before CDS moves, DS TTL \(dsTTL)s + propagation delay after the parent's DS changes)"))
        }
        if propagationDelay < 0 || dnskeyTTL < 0 || dsTTL < 0 {
            problems.append(Problem(key: "propagation-delay", message: "durations cannot be negative"))
        }
        return problems
    }
}

/// Durations for people: `90d`, `1h30m`, `45s`.
enum Duration {
    static func text(_ seconds: Int64) -> String {
        guard seconds > 0 else { return "0s" }
        var left = seconds
        var text = ""
        for (unit, size) in [("d", Int64(86_400)), ("h", 3600), ("m", 60), ("s", 1)] where left >= size {
            text += "\(left / size)\(unit)"
            left %= size
        }
        return text
    }
}
