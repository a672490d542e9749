import DNSSEC
import KeyManager
import Testing

/// An in-memory key directory the planner's actions are applied to, stepping from one event to
/// the next, and checking at every moment what a validator needs.
struct Simulation {
    var planner: RolloverPlanner
    var keys: [PlannedKey] = []
    var now: Int64
    var nextTag: UInt16 = 1
    /// Per step: the time and each key's state.
    var log: [(Int64, [String])] = []

    init(policy: KeyPolicy, now: Int64 = 1_000_000) {
        planner = RolloverPlanner(policy: policy)
        self.now = now
    }

    @discardableResult
    mutating func plan(roll: Set<KeyRole> = [], dsSeen: Bool = false) -> Plan {
        let plan = planner.plan(keys, now: now, roll: roll, dsSeen: dsSeen)
        for action in plan.actions {
            switch action {
            case .generate(let algorithm, let role, let timing):
                keys.append(
                    PlannedKey(id: KeyID(algorithm: algorithm, tag: nextTag), sep: role != .zsk, timing: timing))
                nextTag += 1
            case .retime(let id, let timing):
                keys[keys.firstIndex { $0.id == id }!].timing = timing
            }
        }
        #expect(planner.plan(keys, now: now).actions.isEmpty, "planning again at the same moment asks for more")
        record()
        return plan
    }

    /// Moves to the next event (or `limit`), runs the planner there.
    mutating func advance(limit: Int64? = nil, dsSeen: Bool = false) {
        let next = planner.nextEvent(keys, now: now)
        let target = [next, limit].compactMap { $0 }.min()!
        // Every moment in between must be as good as the two ends.
        check(at: now + (target - now) / 2)
        now = target
        plan(dsSeen: dsSeen)
    }

    func roles(at time: Int64? = nil) -> [KeyID: ZoneKey.Roles] { planner.roles(keys, now: time ?? now) }

    func tags(_ predicate: (ZoneKey.Roles) -> Bool) -> Set<UInt16> {
        Set(roles().filter { predicate($0.value) }.map(\.key.tag))
    }

    mutating func record() {
        check(at: now)
        let roles = roles()
        log.append(
            (
                now,
                keys.filter { RolloverPlanner.isLive($0, now: now) }.map {
                    "\($0.id.tag) \(planner.state($0, roles: roles[$0.id], now: now))"
                }
            ))
    }

    /// What a validator needs at `time`: each published algorithm signs both the DNSKEY RRset
    /// and the zone (RFC 4035 §2.2), CDS only at published keys, a ZSK signs only after its
    /// DNSKEY has been published long enough, and a new algorithm signs before it is published.
    func check(at time: Int64) {
        let roles = planner.roles(keys, now: time)
        #expect(roles.values.contains { $0.signsKeys && $0.published }, "no published key signs DNSKEY at \(time)")
        #expect(roles.values.contains { $0.signsZone }, "no key signs the zone at \(time)")
        for algorithm in Set(keys.filter { roles[$0.id]!.published }.map(\.id.algorithm)) {
            let mine = keys.filter { $0.id.algorithm == algorithm }
            #expect(mine.contains { roles[$0.id]!.signsKeys }, "\(algorithm) published but not signing DNSKEY")
            #expect(mine.contains { roles[$0.id]!.signsZone }, "\(algorithm) published but not signing the zone")
        }
        for key in keys where roles[key.id]!.childDS { #expect(roles[key.id]!.published) }
        let policy = planner.policy
        for key in keys where !key.sep && roles[key.id]!.signsZone {
            // Pre-publication: signing only once its DNSKEY is in every cache (the first key excepted).
            if let publish = key.timing.publish, let activate = key.timing.activate,
                activate > keys.map({ $0.timing.created ?? 0 }).min()!
            {
                #expect(activate - publish >= policy.zskPublishLead || key.id.algorithm != keys[0].id.algorithm)
            }
        }
    }
}

let seconds = KeyPolicy(
    algorithm: .ecdsaP256SHA256, keySet: .kskZsk, zskLifetime: 100, kskLifetime: 200, propagationDelay: 2,
    dnskeyTTL: 5, dsTTL: 3, maxZoneTTL: 10)

@Suite struct RolloverPlannerTests {
    @Test func firstKeysAreActiveAtOnce() {
        var sim = Simulation(policy: seconds)
        let plan = sim.plan()
        #expect(plan.actions.count == 2)
        #expect(sim.keys.map(\.sep) == [true, false])
        #expect(sim.tags { $0.signsKeys && $0.published && $0.childDS } == [1])
        #expect(sim.tags { $0.signsZone && $0.published && !$0.signsKeys } == [2])
        var csk = Simulation(
            policy: {
                var p = seconds; p.keySet = .csk; return p
            }())
        csk.plan()
        #expect(csk.keys.count == 1 && csk.tags { $0.signsKeys && $0.signsZone && $0.childDS } == [1])
    }

    /// RFC 7583 §3.3.1: published at lifetime − (TTL + delay), signs at the end of the lifetime,
    /// the old ZSK's DNSKEY goes once its last signatures have expired from caches.
    @Test func zskPrePublication() {
        var sim = Simulation(policy: seconds)
        let start = sim.now
        sim.plan()
        sim.advance()
        #expect(sim.now == start + 100 - 7)
        #expect(sim.tags { $0.published && !$0.signsZone && !$0.signsKeys } == [3])
        #expect(sim.tags { $0.signsZone } == [2])
        sim.advance()
        #expect(sim.now == start + 100)
        #expect(sim.tags { $0.signsZone } == [3])
        #expect(sim.tags { $0.published } == [1, 2, 3])
        sim.advance()
        #expect(sim.now == start + 100 + 12)
        #expect(sim.tags { $0.published } == [1, 3])
        // The next rollover is the new ZSK's, 100 s after it began signing.
        #expect(sim.planner.nextEvent(sim.keys, now: sim.now) == start + 200 - 7)
    }

    /// Double-DS (the sequence): the new KSK is published and signs DNSKEY at once, CDS
    /// moves after TTL + delay, and the old KSK goes only after the parent's DS plus DS TTL + delay.
    @Test func kskRolloverWaitsForTheParent() {
        var policy = seconds
        policy.zskLifetime = 0
        policy.kskLifetime = 0
        var sim = Simulation(policy: policy)
        sim.plan()
        let start = sim.now
        sim.plan(roll: [.ksk])
        #expect(sim.tags { $0.published && $0.signsKeys } == [1, 3])
        #expect(sim.tags { $0.childDS } == [1])
        sim.advance()
        #expect(sim.now == start + 7)
        #expect(sim.tags { $0.childDS } == [3])
        #expect(sim.planner.waitingForDS(sim.keys, now: sim.now).map(\.id.tag) == [3])
        // Nothing more happens until the parent publishes the DS.
        #expect(sim.planner.nextEvent(sim.keys, now: sim.now) == nil)
        sim.now += 30
        sim.plan(dsSeen: true)
        #expect(sim.planner.waitingForDS(sim.keys, now: sim.now).isEmpty)
        #expect(sim.tags { $0.published } == [1, 2, 3])
        sim.advance()
        #expect(sim.now == start + 37 + 5)
        #expect(sim.tags { $0.published } == [2, 3])
        #expect(sim.tags { $0.signsKeys } == [3])
    }

    @Test func cskRolloverSignsEverythingTwiceUntilTheOldKeyGoes() {
        var policy = seconds
        policy.keySet = .csk
        policy.zskLifetime = 0
        policy.kskLifetime = 300
        var sim = Simulation(policy: policy)
        let start = sim.now
        sim.plan()
        sim.advance()
        #expect(sim.now == start + 300)
        #expect(sim.tags { $0.signsZone && $0.signsKeys && $0.published } == [1, 2])
        sim.advance()
        #expect(sim.tags { $0.childDS } == [2])
        sim.plan(dsSeen: true)
        sim.advance()
        #expect(sim.now == start + 307 + 5)
        #expect(sim.tags { $0.published } == [2])
        #expect(sim.tags { $0.signsZone } == [2])
    }

    /// RFC 6781 §4.1.4: the new algorithm signs every RRset before its DNSKEYs are published;
    /// CDS moves after the DNSKEY TTL; after the parent's DS the old DNSKEYs go, and one DNSKEY
    /// TTL later the old signatures.
    @Test func algorithmRollover() {
        var sim = Simulation(policy: seconds)
        sim.plan()
        sim.planner.policy.algorithm = .ed25519
        sim.planner.policy.zskLifetime = 0
        sim.planner.policy.kskLifetime = 0
        let start = sim.now
        sim.plan()
        let new = sim.keys.filter { $0.id.algorithm == .ed25519 }.map(\.id.tag)
        #expect(new == [3, 4])
        #expect(sim.tags { $0.published } == [1, 2])
        #expect(sim.tags { $0.signsZone } == [2, 4])
        #expect(sim.tags { $0.signsKeys } == [1, 3])
        sim.advance()
        #expect(sim.now == start + 12)
        #expect(sim.tags { $0.published } == [1, 2, 3, 4])
        #expect(sim.tags { $0.childDS } == [1])
        // A DS seen for the old key (CDS has not moved) retires nothing.
        sim.plan(dsSeen: true)
        #expect(sim.tags { $0.published } == [1, 2, 3, 4])
        sim.advance()
        #expect(sim.now == start + 19)
        #expect(sim.tags { $0.childDS } == [3])
        sim.now += 1
        sim.plan(dsSeen: true)
        sim.advance()
        #expect(sim.now == start + 20 + 5)
        #expect(sim.tags { $0.published } == [3, 4])
        #expect(sim.tags { $0.signsZone } == [2, 4])
        sim.advance()
        #expect(sim.now == start + 25 + 7)
        #expect(sim.tags { $0.signsZone || $0.signsKeys } == [3, 4])
        #expect(sim.keys.filter { RolloverPlanner.isLive($0, now: sim.now) }.map(\.id.tag) == [3, 4])
    }

    /// A successor made by hand (`dnssec-keygen -P/-A`, `dnssec-settime -I/-D` on the old key)
    /// is followed as timed, and the planner starts no rollover of its own meanwhile.
    @Test func handTimedRolloverIsHonoured() {
        var policy = seconds
        policy.zskLifetime = 1000
        var sim = Simulation(policy: policy)
        sim.plan()
        let t = sim.now
        sim.keys[1].timing.inactive = t + 50
        sim.keys[1].timing.delete = t + 80
        sim.keys.append(
            PlannedKey(
                id: KeyID(algorithm: .ecdsaP256SHA256, tag: 99), sep: false,
                timing: KeyTiming(created: t, publish: t + 10, activate: t + 50)))
        #expect(sim.planner.plan(sim.keys, now: t).actions.isEmpty)
        #expect(sim.planner.nextEvent(sim.keys, now: t) == t + 10)
        #expect(
            sim.planner.roles(sim.keys, now: t + 60)[KeyID(algorithm: .ecdsaP256SHA256, tag: 99)]?.signsZone == true)
        #expect(sim.planner.roles(sim.keys, now: t + 90)[sim.keys[1].id]?.published == false)
    }

    @Test func impossiblePolicyNamesTheKey() {
        var policy = seconds
        policy.zskLifetime = 15
        policy.kskLifetime = 9
        let problems = policy.problems
        #expect(problems.map(\.key) == ["zsk-lifetime", "ksk-lifetime"])
        #expect(problems[0].message.contains("19s"))
        #expect(seconds.problems.isEmpty)
        policy.zskLifetime = 0
        policy.kskLifetime = 0
        #expect(policy.problems.isEmpty)
    }

    /// A key whose private half is missing is published but never signs.
    @Test func keyWithoutPrivateHalfDoesNotSign() {
        var sim = Simulation(policy: seconds)
        sim.plan()
        sim.keys[1].hasPrivateKey = false
        let roles = sim.roles()
        #expect(roles[sim.keys[1].id]?.signsZone == false)
        #expect(roles[sim.keys[0].id]?.signsZone == true)
    }
}
