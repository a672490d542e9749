import DNSWire
import DNSZone
import Synchronization

/// Everything needed to sign one version of one zone with one key set, built once when the zone
/// is loaded and then shared by every worker thread.
///
/// The zone it signs holds the records a signed zone publishes at its apex (DNSKEY, CDS and
/// CDNSKEY for the SEP keys, NSEC3PARAM; `publishedRecords`), so the answer logic finds them:
/// serve `zone`. In `nsec3` mode it also builds the NSEC3 chain. Signatures are made on first use
/// and cached (see `SignatureCache`); `DNSSECWriter` reads them.
///
/// A signer is immutable apart from its cache; a reloaded zone or a changed key set needs a new
/// signer, and with it a new cache, so a signature can never outlive the data it covers.
public final class ZoneSigner: Sendable {
    /// The zone to answer from: the zone given, plus DNSKEY, CDS, CDNSKEY and NSEC3PARAM.
    public let zone: Zone
    public let configuration: SignerConfiguration
    public let keys: [ZoneKey]
    public let clock: SignerClock

    /// Keys that sign DNSKEY, CDS and CDNSKEY (the SEP keys; every key if none is SEP).
    let keySigningKeys: [ActiveKey]
    /// Keys that sign everything else (the non-SEP keys; the SEP keys if there are none: CSK).
    let zoneSigningKeys: [ActiveKey]
    /// Per RRset: whether it is signed (authoritative data; not NS at a delegation, not glue).
    let signed: [Bool]
    /// Per RRset: its node.
    let nodeOfRRset: [Int32]
    /// Per node: its NSEC3 type bitmap, or nil for a node that has no NSEC3 (below a delegation).
    package let bitmaps: [TypeBitmap?]
    /// Per node: the NSEC3 hash of its name.
    package let nodeHashes: [NSEC3Hash]
    /// Per node: its label count.
    package let nodeLabels: [UInt8]
    /// The chain, in `nsec3` mode.
    package let chain: NSEC3Chain?
    /// The TTL of NSEC3 records: min(SOA TTL, SOA MINIMUM) (RFC 9077).
    package let nsec3TTL: UInt32
    /// The signer name field: the origin, lowercased.
    let signerName: [UInt8]
    let cache: SignatureCache
    let signatureCounter = Atomic<Int>(0)

    /// A key with its private half, and what RRSIG needs from its DNSKEY.
    struct ActiveKey: Sendable {
        let key: SigningKey
        let algorithm: UInt8
        let keyTag: UInt16
    }

    /// Prepares `zone` for signing with `keys`, rebuilding it with the apex records a signed zone
    /// publishes: for tools and tests that hold a built zone. The server builds the zone once,
    /// with `publishedRecords` added before the build, and uses `init(prepared:…)`.
    ///
    /// Any DNSSEC records in the zone data (RRSIG, NSEC, NSEC3 anywhere; DNSKEY, CDS, CDNSKEY and
    /// NSEC3PARAM at the apex) are dropped and replaced by the signer's own.
    public convenience init(
        zone source: Zone, keys: [ZoneKey], configuration: SignerConfiguration = SignerConfiguration(),
        clock: SignerClock = .system
    ) throws(SignerError) {
        let records = Self.publishedRecords(
            source.records, origin: source.origin, keys: keys, configuration: configuration)
        let zone: Zone
        do {
            zone = try Zone.build(origin: source.origin, records: records).zone
        } catch {
            throw SignerError("cannot rebuild \(source.origin.text) with its DNSSEC records: \(error)")
        }
        try self.init(prepared: zone, keys: keys, configuration: configuration, clock: clock)
    }

    /// Prepares for signing a zone that was built from `publishedRecords(_:origin:keys:configuration:)`
    /// with the same keys and configuration: it already holds DNSKEY, CDS, CDNSKEY and NSEC3PARAM.
    public init(
        prepared zone: Zone, keys: [ZoneKey], configuration: SignerConfiguration = SignerConfiguration(),
        clock: SignerClock = .system
    ) throws(SignerError) {
        let active = keys.compactMap { key -> (ActiveKey, ZoneKey.Roles?, Bool)? in
            guard let signingKey = key.signingKey else { return nil }
            return (
                ActiveKey(key: signingKey, algorithm: key.dnskey.algorithm.rawValue, keyTag: key.dnskey.keyTag),
                key.roles, key.dnskey.isKeySigningKey
            )
        }
        guard !active.isEmpty else { throw SignerError("no private key for \(zone.origin.text): cannot sign") }
        for key in keys where !key.dnskey.algorithm.isSupportedForSigning {
            throw SignerError(
                "key \(key.dnskey.keyTag) uses algorithm \(key.dnskey.algorithm), which Sigil cannot sign with")
        }
        guard zone.rrset(at: Zone.apex, type: .dnskey) != nil else {
            throw SignerError("\(zone.origin.text) was not built with its DNSKEY records (publishedRecords)")
        }
        if keys.contains(where: { $0.roles != nil }) {
            keySigningKeys = active.filter { $0.1?.signsKeys ?? false }.map(\.0)
            zoneSigningKeys = active.filter { $0.1?.signsZone ?? false }.map(\.0)
            guard !keySigningKeys.isEmpty, !zoneSigningKeys.isEmpty else {
                throw SignerError(
                    "no active key signs the \(keySigningKeys.isEmpty ? "DNSKEY RRset" : "zone") of \(zone.origin.text)"
                )
            }
        } else {
            let ksks = active.filter { $0.2 }.map(\.0)
            let zsks = active.filter { !$0.2 }.map(\.0)
            keySigningKeys = ksks.isEmpty ? zsks : ksks
            zoneSigningKeys = zsks.isEmpty ? ksks : zsks
        }
        self.keys = keys
        self.configuration = configuration
        self.clock = clock
        self.zone = zone
        nsec3TTL = zone.negativeTTL
        signerName = zone.origin.lowercased().wire

        var signed = [Bool](repeating: false, count: zone.rrsets.count)
        var nodeOfRRset = [Int32](repeating: 0, count: zone.rrsets.count)
        var bitmaps: [TypeBitmap?] = []
        var hashes: [NSEC3Hash] = []
        var labels: [UInt8] = []
        bitmaps.reserveCapacity(zone.nodes.count)
        hashes.reserveCapacity(zone.nodes.count)
        labels.reserveCapacity(zone.nodes.count)
        // Per node, a hash and a bitmap: kept free of per-node temporaries, as it runs for every
        // name of the zone at start-up.
        let hasher = NSEC3Hasher(iterations: configuration.nsec3Iterations, salt: configuration.nsec3Salt)
        var types: [UInt16] = []
        for (index, node) in zone.nodes.enumerated() {
            let hash = node.name.wire.withUnsafeBytes { name in
                configuration.nsec3Salt.withUnsafeBytes { salt in
                    hasher.hashValue(of: name, iterations: configuration.nsec3Iterations, salt: salt)
                }
            }
            hashes.append(hash)
            labels.append(UInt8(node.name.labelCount))
            types.removeAll(keepingCapacity: true)
            var anySigned = false
            for set in node.rrsets {
                nodeOfRRset[set] = Int32(index)
                let type = zone.rrsets[set].type
                let below = node.flags.contains(.belowDelegation)
                signed[set] = !below && (!node.isDelegation || type == .ds)
                anySigned = anySigned || signed[set]
                if !node.isDelegation || type == .ns || type == .ds { types.append(type.rawValue) }
            }
            if node.flags.contains(.belowDelegation) {
                bitmaps.append(nil)
                continue
            }
            if anySigned { types.append(RRType.rrsig.rawValue) }
            types.sort()
            bitmaps.append(TypeBitmap(sortedValues: types))
        }
        self.signed = signed
        self.nodeOfRRset = nodeOfRRset
        self.bitmaps = bitmaps
        self.nodeHashes = hashes
        self.nodeLabels = labels
        if configuration.denial == .nsec3 {
            chain = try NSEC3Chain.build(zone: zone, bitmaps: bitmaps, hashes: hashes)
        } else {
            chain = nil
        }
        cache = SignatureCache(
            slotCount: zone.rrsets.count + (chain?.hashes.count ?? 0), memoryLimit: configuration.cacheMemoryLimit)
    }

    /// How many signatures this signer has made (one per key per RRset signed): for tests and
    /// statistics.
    public var signaturesMade: Int { signatureCounter.load(ordering: .relaxed) }

    /// The bytes the signature cache holds now.
    public var cacheMemoryInUse: Int { cache.memoryInUse }

    /// Whether `Zone.rrsets[index]` is signed.
    public func isSigned(rrset index: Int) -> Bool { signed[index] }
}
