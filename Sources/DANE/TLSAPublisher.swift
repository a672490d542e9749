import DNSWire

/// The TLSA records of one zone, made from its configured specs and kept across reloads: a spec
/// whose files cannot be read right now (a renewal half-written, a typo) keeps publishing what it
/// last produced, so a bad renewal never removes working records from the zone.
public struct TLSAPublisher: Sendable {
    public struct Reload: Sendable {
        /// Whether `records` differs from before the reload (the zone needs rebuilding and a new
        /// serial only then).
        public var changed: Bool
        /// One per spec that failed; those specs keep their previous records.
        public var errors: [DANEError]
    }

    public let origin: DNSName
    public let specs: [TLSASpec]
    public let ttl: UInt32
    private var lastGood: [[ResourceRecord]]

    /// No records until the first `reload()`.
    public init(origin: DNSName, specs: [TLSASpec], ttl: UInt32 = TLSASpec.defaultTTL) {
        self.origin = origin
        self.specs = specs
        self.ttl = ttl
        self.lastGood = Array(repeating: [], count: specs.count)
    }

    /// Every certificate file the specs read: what a `CertificateWatcher` should watch.
    public var files: [String] {
        var seen: Set<String> = []
        return specs.flatMap(\.certificates).filter { seen.insert($0).inserted }
    }

    /// The records of all specs, duplicates removed.
    public var records: [ResourceRecord] {
        var seen: Set<ResourceRecord> = []
        return lastGood.joined().filter { seen.insert($0).inserted }
    }

    /// Re-reads every spec's certificate files.
    public mutating func reload() -> Reload {
        let before = records
        var errors: [DANEError] = []
        for (index, spec) in specs.enumerated() {
            do {
                lastGood[index] = try spec.records(origin: origin, ttl: ttl)
            } catch {
                errors.append(error)
            }
        }
        return Reload(changed: records != before, errors: errors)
    }
}
