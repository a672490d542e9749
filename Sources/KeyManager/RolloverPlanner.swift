import DNSSEC

/// A key as the planner sees it: identity, SEP flag, timing, and whether Sigil can sign with it.
public struct PlannedKey: Sendable, Hashable {
    public var id: KeyID
    public var sep: Bool
    public var timing: KeyTiming
    public var hasPrivateKey: Bool

    public init(id: KeyID, sep: Bool, timing: KeyTiming, hasPrivateKey: Bool = true) {
        self.id = id
        self.sep = sep
        self.timing = timing
        self.hasPrivateKey = hasPrivateKey
    }
}

/// A key of a zone: its algorithm and tag.
public struct KeyID: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var algorithm: DNSSECAlgorithm
    public var tag: UInt16

    public init(algorithm: DNSSECAlgorithm, tag: UInt16) {
        self.algorithm = algorithm
        self.tag = tag
    }

    public static func < (a: KeyID, b: KeyID) -> Bool {
        (a.algorithm.rawValue, a.tag) < (b.algorithm.rawValue, b.tag)
    }

    public var description: String { "\(tag)" }
}

/// The part a key plays under a policy.
public enum KeyRole: String, Sendable, Hashable, CaseIterable {
    case ksk = "KSK"
    case zsk = "ZSK"
    case csk = "CSK"
}

/// What the planner asks of the key store.
public enum PlannedAction: Sendable, Equatable {
    /// A new key pair with this timing.
    case generate(algorithm: DNSSECAlgorithm, role: KeyRole, timing: KeyTiming)
    /// New timing for an existing key.
    case retime(KeyID, KeyTiming)
}

/// One run of the planner: what to do now, in words for the log too.
public struct Plan: Sendable, Equatable {
    public var actions: [PlannedAction] = []
    /// What these actions start, at notice level in the server's log.
    public var steps: [String] = []
}

/// Decides, from the keys' timing and the policy, which keys to make and when each key is
/// published, signs, is pointed at by CDS and goes (RFC 6781 rollovers, RFC 7583 timings).
/// Pure: no files, no clock. Every decision is written into timing, so the state of a rollover
/// at any moment is a function of the timing alone (``roles(_:now:)``) and running the planner
/// again at the same moment asks for nothing more.
public struct RolloverPlanner: Sendable {
    public var policy: KeyPolicy

    public init(policy: KeyPolicy) {
        self.policy = policy
    }

    /// The role `key` plays under the policy.
    public func role(_ key: PlannedKey) -> KeyRole {
        key.sep ? (policy.keySet == .csk ? .csk : .ksk) : .zsk
    }

    /// The roles the policy wants filled.
    var wantedRoles: [KeyRole] { policy.keySet == .csk ? [.csk] : [.ksk, .zsk] }

    /// A key still in the zone in any way at `now`: published, or still signing.
    public static func isLive(_ key: PlannedKey, now: Int64) -> Bool {
        let t = key.timing
        let deleted = t.delete.map { $0 <= now } ?? false
        let stoppedSigning = t.inactive.map { $0 <= now } ?? (t.activate == nil)
        return !(deleted && stoppedSigning)
    }

    /// A key not yet scheduled to go.
    static func isStaying(_ key: PlannedKey) -> Bool { key.timing.inactive == nil && key.timing.delete == nil }

    /// Keys whose CDS is up and whose DS the parent has not been seen to publish.
    public func waitingForDS(_ keys: [PlannedKey], now: Int64) -> [PlannedKey] {
        let roles = self.roles(keys, now: now)
        return keys.filter { roles[$0.id]?.childDS == true && $0.timing.dsPublish == nil }
    }

    /// What to do at `now`. `roll` starts a rollover of those roles now (`sigil keys roll`);
    /// `dsSeen` says the parent now publishes the DS of every key CDS points at (seen on its
    /// servers, or `sigil keys submitted`), with the DS TTL it answered with if known.
    public func plan(
        _ keys: [PlannedKey], now: Int64, roll: Set<KeyRole> = [], dsSeen: Bool = false, observedDSTTL: Int64? = nil
    ) -> Plan {
        var plan = Plan()
        let live = keys.filter { Self.isLive($0, now: now) }
        let algorithm = policy.algorithm
        var retimed: [KeyID: KeyTiming] = [:]
        func timing(_ key: PlannedKey) -> KeyTiming { retimed[key.id] ?? key.timing }

        if live.isEmpty {
            for role in wantedRoles {
                var t = KeyTiming(created: now, publish: now, activate: now)
                if role != .zsk { t.syncPublish = now }
                plan.actions.append(.generate(algorithm: algorithm, role: role, timing: t))
            }
            plan.steps.append("new \(wantedRoles.map(\.rawValue).joined(separator: " and ")) (\(algorithm)) made")
            return plan
        }

        // The parent publishes the new DS: the keys CDS moved away from may go once every cached
        // old DS has expired (RFC 7583 §3.3.2); in an algorithm rollover the old algorithm's
        // DNSKEYs go first and its signatures one DNSKEY TTL later (RFC 6781 §4.1.4).
        let waiting = waitingForDS(keys, now: now)
        if dsSeen && !waiting.isEmpty {
            for key in waiting {
                var t = timing(key)
                t.dsPublish = now
                retimed[key.id] = t
            }
            let gone = now + policy.dsLag(observedTTL: observedDSTTL)
            var retiring: [String] = []
            // Only keys CDS has moved away from: a DS seen for the key still in use retires nothing.
            let movedAway = live.contains { key in
                key.sep && key.id.algorithm != algorithm && (key.timing.syncDelete.map { $0 <= now } ?? false)
            }
            for key in live where Self.isStaying(key) {
                var t = timing(key)
                if key.id.algorithm != algorithm {
                    guard movedAway else { continue }
                    t.delete = gone
                    t.inactive = gone + policy.syncLead
                } else if key.sep, let syncDelete = t.syncDelete, syncDelete <= now {
                    t.delete = gone
                    t.inactive = gone
                } else {
                    continue
                }
                retimed[key.id] = t
                retiring.append("\(role(key).rawValue) \(key.id)")
            }
            plan.steps.append(
                "DS for \(waiting.map { "\($0.id)" }.joined(separator: ", ")) seen at the parent"
                    + (retiring.isEmpty
                        ? "" : "; \(retiring.joined(separator: ", ")) removed at \(KeyTiming.stamp(gone))"))
        }

        let current = live.filter { $0.id.algorithm == algorithm }
        if current.isEmpty {
            // Algorithm rollover: the new algorithm signs everything first, its DNSKEYs follow
            // once every cached RRset carries its signatures, then CDS moves to the new SEP key.
            let publish = now + policy.signaturesLead
            let sync = publish + policy.syncLead
            for role in wantedRoles {
                var t = KeyTiming(created: now, publish: publish, activate: now)
                if role != .zsk { t.syncPublish = sync }
                plan.actions.append(.generate(algorithm: algorithm, role: role, timing: t))
            }
            for key in live where key.sep && Self.isStaying(key) && timing(key).syncDelete == nil {
                var t = timing(key)
                if t.syncPublish == nil { t.syncPublish = t.publish ?? now }
                t.syncDelete = sync
                retimed[key.id] = t
            }
            plan.steps.append(
                "algorithm rollover to \(algorithm): new keys sign now, published at \(KeyTiming.stamp(publish)), "
                    + "CDS moves at \(KeyTiming.stamp(sync))")
        } else if !live.contains(where: { $0.id.algorithm != algorithm }) {
            for role in KeyRole.allCases {
                let staying = current.filter { self.role($0) == role && Self.isStaying($0) }
                    .sorted { ($0.timing.activate ?? now) < ($1.timing.activate ?? now) }
                guard wantedRoles.contains(role) else {
                    // A role the policy no longer has (key-set changed): retire it like a ZSK.
                    for key in staying {
                        var t = timing(key)
                        t.inactive = now
                        t.delete = now + policy.zskRetireLag
                        retimed[key.id] = t
                        plan.steps.append("\(role.rawValue) \(key.id) retired: key-set is \(policy.keySet.rawValue)")
                    }
                    continue
                }
                if staying.count >= 2 { continue }  // a rollover of this role is under way
                let old = staying.first
                if let old, !roll.contains(role), !isDue(old, role: role, now: now) { continue }
                if role == .zsk {
                    let activate = now + policy.zskPublishLead
                    plan.actions.append(
                        .generate(
                            algorithm: algorithm, role: role,
                            timing: KeyTiming(created: now, publish: now, activate: activate)))
                    if let old {
                        var t = timing(old)
                        t.inactive = activate
                        t.delete = activate + policy.zskRetireLag
                        retimed[old.id] = t
                    }
                    plan.steps.append(
                        "ZSK rollover started: successor published, signs at \(KeyTiming.stamp(activate))"
                            + (old.map {
                                " in place of \($0.id), removed at \(KeyTiming.stamp(activate + policy.zskRetireLag))"
                            }
                                ?? ""))
                } else {
                    let sync = now + policy.syncLead
                    plan.actions.append(
                        .generate(
                            algorithm: algorithm, role: role,
                            timing: KeyTiming(created: now, publish: now, activate: now, syncPublish: sync)))
                    if let old {
                        var t = timing(old)
                        if t.syncPublish == nil { t.syncPublish = t.publish ?? now }
                        t.syncDelete = sync
                        retimed[old.id] = t
                    }
                    plan.steps.append(
                        "\(role.rawValue) rollover started: successor published and signing, CDS moves to it at "
                            + "\(KeyTiming.stamp(sync)); then waiting for the parent's DS")
                }
            }
        }
        for (id, t) in retimed.sorted(by: { $0.key < $1.key }) where keys.first(where: { $0.id == id })?.timing != t {
            plan.actions.append(.retime(id, t))
        }
        return plan
    }

    /// When `key`'s lifetime calls for a successor: a ZSK's is pre-published so it signs
    /// exactly at the end of the lifetime. Nil: never.
    public func due(_ key: PlannedKey, role: KeyRole) -> Int64? {
        let lifetime = role == .zsk ? policy.zskLifetime : policy.kskLifetime
        guard lifetime > 0, let activate = key.timing.activate else { return nil }
        return activate + lifetime - (role == .zsk ? policy.zskPublishLead : 0)
    }

    func isDue(_ key: PlannedKey, role: KeyRole, now: Int64) -> Bool {
        due(key, role: role).map { $0 <= now } ?? false
    }

    /// What each key does at `now`, from its timing. A key signs only with its private key at
    /// hand; if no key of an algorithm signs its zone data (a lone KSK waiting for its first
    /// ZSK), that algorithm's signing SEP keys do, and the other way round, so that each
    /// algorithm signs every RRset (RFC 4035 §2.2). CDS follows SyncPublish/SyncDelete, or, if
    /// no key has those, the signing SEP keys; never an unpublished key.
    public func roles(_ keys: [PlannedKey], now: Int64) -> [KeyID: ZoneKey.Roles] {
        let anySync = keys.contains { $0.timing.syncPublish != nil }
        var roles: [KeyID: ZoneKey.Roles] = [:]
        for key in keys {
            let t = key.timing
            let published = (t.publish.map { $0 <= now } ?? false) && !(t.delete.map { $0 <= now } ?? false)
            let signing =
                key.hasPrivateKey && (t.activate.map { $0 <= now } ?? false)
                && !(t.inactive.map { $0 <= now } ?? false)
            let sync =
                anySync
                ? (t.syncPublish.map { $0 <= now } ?? false) && !(t.syncDelete.map { $0 <= now } ?? false)
                : signing
            roles[key.id] = ZoneKey.Roles(
                published: published, signsKeys: signing && key.sep,
                signsZone: signing && (!key.sep || policy.keySet == .csk), childDS: key.sep && sync && published)
        }
        for algorithm in Set(keys.map(\.id.algorithm)) {
            let mine = keys.filter { $0.id.algorithm == algorithm }
            let signing = mine.filter { key in
                key.hasPrivateKey && (key.timing.activate.map { $0 <= now } ?? false)
                    && !(key.timing.inactive.map { $0 <= now } ?? false)
            }
            if !mine.contains(where: { roles[$0.id]!.signsZone }) {
                for key in signing where key.sep { roles[key.id]!.signsZone = true }
            }
            if !mine.contains(where: { roles[$0.id]!.signsKeys }) {
                for key in signing { roles[key.id]!.signsKeys = true }
            }
        }
        return roles
    }

    /// The next moment something changes by itself: a timing field or a lifetime running out.
    /// Waiting for the parent's DS is not a moment: the caller polls for it.
    public func nextEvent(_ keys: [PlannedKey], now: Int64) -> Int64? {
        var next: Int64? = nil
        func consider(_ value: Int64?) {
            guard let value, value > now else { return }
            next = min(next ?? value, value)
        }
        let live = keys.filter { Self.isLive($0, now: now) }
        for key in live {
            for field in KeyTiming.fields { consider(key.timing[keyPath: field.path]) }
            if key.id.algorithm == policy.algorithm, Self.isStaying(key) {
                let role = role(key)
                let sameRole = live.filter { self.role($0) == role && Self.isStaying($0) }
                if sameRole.count == 1 { consider(due(key, role: role)) }
            }
        }
        return next
    }

    /// The state of `key` at `now`, in words, for `sigil keys list`.
    public func state(_ key: PlannedKey, roles: ZoneKey.Roles?, now: Int64) -> String {
        guard Self.isLive(key, now: now), let roles else { return "removed" }
        var state: String
        switch (roles.published, roles.signsKeys || roles.signsZone) {
        case (true, true): state = "active"
        case (true, false):
            state = (key.timing.inactive.map { $0 <= now } ?? false) ? "retired" : "published"
        case (false, true): state = (key.timing.delete.map { $0 <= now } ?? false) ? "unpublished" : "signing-only"
        case (false, false): state = "generated"
        }
        if roles.childDS { state += key.timing.dsPublish == nil ? ", CDS (DS awaited)" : ", CDS, DS seen" }
        return state
    }

    /// The next timing field of `key` after `now`, as `Activate 20261203051500`.
    public func nextEvent(of key: PlannedKey, now: Int64) -> String? {
        let upcoming = KeyTiming.fields.compactMap { field -> (String, Int64)? in
            guard let value = key.timing[keyPath: field.path], value > now else { return nil }
            return (field.name, value)
        }
        if let first = upcoming.min(by: { $0.1 < $1.1 }) { return "\(first.0) \(KeyTiming.stamp(first.1))" }
        if Self.isStaying(key), let due = due(key, role: role(key)), due > now {
            return "rollover \(KeyTiming.stamp(due))"
        }
        return nil
    }
}
