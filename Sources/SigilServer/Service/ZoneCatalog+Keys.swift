import DANE
import DNSSEC
import DNSWire
import Foundation
import KeyManager
import Logging

#if canImport(Glibc)
import Glibc
#endif

extension ZoneCatalog {
    /// The keys of a zone under a rollover policy (`dnssec:` with policy keys): the
    /// ``ZoneKeyManager`` does what is due now (new keys, new timing in the key files) and says
    /// what each key does in this version of the zone. Each step is logged at notice level with
    /// what comes next. A key file that vanished while its key was still in use stops the load
    /// (logged as critical): the zone keeps serving its last good key set.
    func managedSigning(
        _ config: ZoneConfig, _ policy: KeyPolicyConfig, keysDirectory: String
    )
        throws(KeyFileError) -> ZoneSigning
    {
        let origin = config.origin
        let now = Int64(time(nil))
        let manager = ZoneKeyManager(
            zone: origin, directory: keysDirectory, policy: policy.policy(algorithm: config.dnssec.algorithm))
        try Self.ensureDirectory(keysDirectory)
        let state = keys.state(origin) ?? CatalogKeys.ZoneState()
        let (found, _) = try manager.load()
        let present = Set(found.map(\.id))
        // Only a key that should still be in the zone now: one past its Delete and Inactive may go.
        let vanished = state.known.filter { !present.contains($0.id) && RolloverPlanner.isLive($0, now: now) }
        if !vanished.isEmpty {
            let names = vanished.map(\.id).sorted().map {
                KeyFileName(zone: origin, algorithm: $0.algorithm, keyTag: $0.tag).publicFileName
            }
            let message =
                "zone \(origin.text): key file(s) \(names.joined(separator: ", ")) vanished while the key was "
                + "in use; still serving the last good key set. Restore the files (or restart to accept the loss)"
            logger.critical("\(message)")
            keys.update(origin) { $0.nextEvent = now + 30 }
            throw KeyFileError(path: keysDirectory, "key file(s) of \(origin.text) vanished mid-rollover")
        }
        let set = try manager.run(now: now, dsSeen: state.dsSeen.seen, observedDSTTL: state.dsSeen.ttl)
        let next = set.nextEvent.map { "next change at \(KeyTiming.stamp($0)) UTC" } ?? "no change scheduled"
        let waiting =
            set.waitingForDS.isEmpty
            ? ""
            : "; waiting for the parent's DS of \(set.waitingForDS.map { "\($0.keyTag)" }.joined(separator: ", "))"
                + (policy.parentServers.isEmpty
                    ? " (confirm with `sigil keys submitted \(origin.text)`)"
                    : " (asking \(policy.parentServers.joined(separator: " ")))")
        for step in set.steps { logger.notice("zone \(origin.text): \(step); \(next)\(waiting)") }
        keys.update(origin) { zone in
            zone.known = set.planned.filter { RolloverPlanner.isLive($0, now: now) }
            zone.nextEvent = set.nextEvent
            zone.waitingForDS = set.waitingForDS
            zone.parentServers = policy.parentServers
            zone.pollInterval = max(1, min(300, policy.propagationDelay / 4))
            zone.dsSeen = (false, nil)
        }
        var configuration = SignerConfiguration()
        configuration.denial = config.dnssec.denial.mode
        configuration.validity = config.dnssec.validitySeconds
        configuration.keyTTL = UInt32(clamping: policy.dnskeyTTL)
        return ZoneSigning(keys: set.keys, configuration: configuration)
    }

    /// A managed zone whose key set changed since the served version gets a new serial, so
    /// secondaries (NOTIFY, IXFR) pick the change up; one whose keys did not change keeps the
    /// served serial if the file's is older. The serial is kept in `<zone>sigil-state` beside the
    /// keys, so a restart (whose keys may have moved on meanwhile) continues above it.
    func keySerial(
        _ records: [ResourceRecord], _ config: ZoneConfig, _ signing: ZoneSigning?, previous: [LoadedZone],
        keysDirectory: String
    ) -> [ResourceRecord] {
        guard config.dnssec.policy != nil, let signing,
            let loaded = TLSAZoneAugmenter.serial(of: records, origin: config.origin)
        else { return records }
        let statePath = keysDirectory + "/" + config.origin.lowercased().text + "sigil-state"
        let serial: UInt32
        if let old = previous.first(where: { $0.config.origin == config.origin }), let signer = old.signer {
            let before = signer.keys.map { KeyFingerprint(dnskey: $0.dnskey, roles: $0.roles) }
            let after = signing.keys.map { KeyFingerprint(dnskey: $0.dnskey, roles: $0.roles) }
            if before != after {
                serial = SerialNumber.next(served: old.serial, loaded: loaded)
            } else {
                serial = SerialNumber.isNewer(old.serial, than: loaded) ? old.serial : loaded
            }
        } else if let text = try? String(contentsOfFile: statePath, encoding: .utf8),
            let stored = text.split(separator: "\n").first(where: { $0.hasPrefix("serial: ") })
                .flatMap({ UInt32($0.dropFirst(8)) })
        {
            serial = SerialNumber.next(served: stored, loaded: loaded)
        } else {
            serial = loaded
        }
        do {
            try "serial: \(serial)\n".write(toFile: statePath, atomically: true, encoding: .utf8)
        } catch {
            logger.warning("zone \(config.origin.text): cannot record the serial in \(statePath): \(error)")
        }
        guard serial != loaded else { return records }
        return TLSAZoneAugmenter.settingSerial(records, origin: config.origin, to: serial) ?? records
    }

    /// `7675 KSK (signs keys, CDS), 23873 ZSK (signs), 43521 ZSK (published)`: what each key of a
    /// managed zone does, for the notice of each step.
    static func rolesSummary(_ keys: [ZoneKey]) -> String {
        keys.map { key in
            let role = key.dnskey.isKeySigningKey ? "KSK" : "ZSK"
            guard let roles = key.roles else { return "\(key.dnskey.keyTag) \(role)" }
            var does: [String] = []
            if roles.signsKeys && roles.signsZone {
                does.append("signs all")
            } else if roles.signsKeys {
                does.append("signs keys")
            } else if roles.signsZone {
                does.append("signs")
            }
            if roles.childDS { does.append("CDS") }
            if !roles.published { does.append("unpublished") } else if does.isEmpty { does.append("published") }
            return "\(key.dnskey.keyTag) \(role) \(key.dnskey.algorithm.rawValue) (\(does.joined(separator: ", ")))"
        }.joined(separator: ", ")
    }

    /// Runs the key events that are due: polls the parent of zones waiting for a DS, and
    /// reloads the zones whose next event has come. Returns the zones reloaded.
    func runKeyEvents(now: Int64) -> Report? {
        let states = keys.zones.withLock { $0 }
        var due: Set<DNSName> = []
        for (origin, state) in states {
            if let next = state.nextEvent, next <= now { due.insert(origin) }
            guard !state.waitingForDS.isEmpty, !state.parentServers.isEmpty,
                now >= state.lastPoll + state.pollInterval
            else { continue }
            let answer = ParentDSQuery.check(zone: origin, keys: state.waitingForDS, servers: state.parentServers)
            keys.update(origin) { zone in
                zone.lastPoll = now
                if answer.allPublished { zone.dsSeen = (true, answer.ttl) }
            }
            if answer.allPublished {
                logger.notice(
                    "zone \(origin.text): the parent publishes the DS of \(state.waitingForDS.map { "\($0.keyTag)" }.joined(separator: ", "))"
                )
                due.insert(origin)
            }
        }
        guard !due.isEmpty else { return nil }
        return tlsa.serialized { load(tlsa.zoneConfigs, only: due) }
    }

    /// The earliest next key event, and the shortest parent poll interval of zones waiting for a DS.
    var keySchedule: (next: Int64?, poll: Int64?) {
        let states = keys.zones.withLock { $0 }
        let next = states.values.compactMap(\.nextEvent).min()
        let poll = states.values.filter { !$0.waitingForDS.isEmpty && !$0.parentServers.isEmpty }.map(\.pollInterval)
            .min()
        return (next, poll)
    }
}

/// What of a key changes a zone's content: its DNSKEY and its roles.
private struct KeyFingerprint: Equatable {
    var dnskey: DNSKEYData
    var roles: ZoneKey.Roles?
}
