import DNSSEC
import DNSWire

/// The keys of one zone under a policy: reads them and their timing from the key directory,
/// carries out what the ``RolloverPlanner`` asks (new keys, new timing), and says what each key
/// does now and when the next change is due.
public struct ZoneKeyManager: Sendable {
    public var zone: DNSName
    public var store: KeyStore
    public var planner: RolloverPlanner

    public init(zone: DNSName, directory: String, policy: KeyPolicy) {
        self.zone = zone
        self.store = KeyStore(directory: directory)
        self.planner = RolloverPlanner(policy: policy)
    }

    /// The zone's keys now.
    public struct KeySet: Sendable {
        /// The keys still in the zone, with what each does now.
        public var keys: [ZoneKey]
        /// Every key found, as the planner saw it, with the stored key behind it.
        public var planned: [PlannedKey]
        public var stored: [KeyID: StoredKey]
        /// What this run did, for the log.
        public var steps: [String]
        /// When the next change is due, if any (besides the parent's DS).
        public var nextEvent: Int64?
        /// Keys CDS points at whose DS the parent has not been seen to publish.
        public var waitingForDS: [StoredKey]
    }

    /// Loads the keys, does what is due at `now` (plus `roll` and `dsSeen`, see
    /// ``RolloverPlanner/plan(_:now:roll:dsSeen:observedDSTTL:)``), and returns the key set.
    public func run(
        now: Int64, roll: Set<KeyRole> = [], dsSeen: Bool = false, observedDSTTL: Int64? = nil
    ) throws(KeyFileError) -> KeySet {
        var (planned, stored) = try load()
        let plan = planner.plan(planned, now: now, roll: roll, dsSeen: dsSeen, observedDSTTL: observedDSTTL)
        for action in plan.actions {
            switch action {
            case .generate(let algorithm, let role, let timing):
                let key = try store.generate(zone: zone, algorithm: algorithm, ksk: role != .zsk)
                try KeyTimingFiles.write(timing, to: key)
            case .retime(let id, let timing):
                guard let key = stored[id] else { continue }
                try KeyTimingFiles.write(timing, to: key)
            }
        }
        if !plan.actions.isEmpty { (planned, stored) = try load() }
        let roles = planner.roles(planned, now: now)
        var keys: [ZoneKey] = []
        for key in planned where RolloverPlanner.isLive(key, now: now) {
            guard let storedKey = stored[key.id] else { continue }
            keys.append(
                ZoneKey(dnskey: storedKey.dnskey, signingKey: storedKey.signingKey, ttl: nil, roles: roles[key.id]))
        }
        return KeySet(
            keys: keys, planned: planned, stored: stored, steps: plan.steps,
            nextEvent: planner.nextEvent(planned, now: now),
            waitingForDS: planner.waitingForDS(planned, now: now).compactMap { stored[$0.id] })
    }

    /// The keys of the zone with their timing.
    public func load() throws(KeyFileError) -> ([PlannedKey], [KeyID: StoredKey]) {
        var planned: [PlannedKey] = []
        var stored: [KeyID: StoredKey] = [:]
        for key in try store.keys(for: zone) {
            let id = KeyID(algorithm: key.algorithm, tag: key.keyTag)
            planned.append(
                PlannedKey(
                    id: id, sep: key.isKeySigningKey, timing: try KeyTimingFiles.timing(of: key),
                    hasPrivateKey: key.signingKey != nil))
            stored[id] = key
        }
        return (planned, stored)
    }
}
