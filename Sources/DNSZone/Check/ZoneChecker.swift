import DNSWire

/// The semantic checks of `ZoneFileResult.check()`, on the records alone: each problem names the
/// index of the record at fault, which the result turns into a file position.
///
/// Zone loading of millions of records goes through here, so it costs little: the parser notes the
/// few records that matter (SOA, NS, CNAME, DNAME) and those outside the apex as it reads them;
/// one pass over the records, made only when there are names of interest, rules most owners out
/// with a bitmap and looks the rest up in a small index of those names. Nothing is made per record.
struct ZoneChecker {
    struct Problem {
        var severity: ZoneFileDiagnostic.Severity
        /// The record at fault, or -1 for the zone as a whole (no record to point at).
        var record: Int
        var message: String
        /// Another record the message refers to, e.g. ("the CNAME is at", 12).
        var other: (note: String, record: Int)?
    }

    /// What the checks know about one name of interest.
    struct Entry {
        /// The first CNAME, DNAME and (before the CNAME) other record here, or -1.
        var cname = -1
        var dname = -1
        var otherBeforeCNAME = -1
        var delegation = false
        var hasAddress = false
    }

    let origin: DNSName
    let records: [ResourceRecord]
    var found: [Problem] = []
    /// The names of interest: CNAME and DNAME owners, delegation points, in-zone NS targets.
    var index = NameIndex(capacity: 16)
    var entries: [Entry] = []
    var filter: [UInt64] = []
    var filterMask: UInt32 = 0

    let notes: CheckNotes?

    init(origin: DNSName, records: [ResourceRecord], notes: CheckNotes?) {
        self.origin = origin
        self.records = records
        self.notes = notes
    }

    mutating func problem(
        _ severity: ZoneFileDiagnostic.Severity, _ record: Int, _ owner: DNSName, _ type: RRType, _ detail: String,
        other: (String, Int)? = nil
    ) {
        found.append(
            Problem(severity: severity, record: record, message: "\(owner.text) \(type): \(detail)", other: other))
    }

    mutating func outOfZone(_ at: Int) {
        let record = records[at]
        guard !record.name.isSubdomain(of: origin) else { return }
        problem(.error, at, record.name, record.type, "out-of-zone data: not in \(origin.text)")
    }

    mutating func entry(_ name: DNSName) -> Int {
        let (value, inserted) = index.insert(name)
        if inserted { entries.append(Entry()) }
        return value
    }

    mutating func run() {
        var soa: [Int] = []
        var soaElsewhere = false
        var apexNS: [Int] = []
        var delegationNS: [Int] = []
        var dnames: [Int] = []
        // With the parser's notes, only the records it could not hold against the apex and the
        // notable ones are visited; without them, every record.
        let notes = self.notes ?? CheckNotes(notable: records.indices.map(Int32.init), apexKnownFrom: Int.max)
        // Sized once: growing a large table frees the old one, and a free that large makes malloc
        // consolidate a heap of a million small blocks.
        index = NameIndex(capacity: notes.notable.count + 8)
        entries.reserveCapacity(notes.notable.count + 8)
        for at in notes.outOfZone { outOfZone(Int(at)) }
        for at in 0..<min(notes.apexKnownFrom, records.count) { outOfZone(at) }
        for at in notes.notable.lazy.map(Int.init) {
            let record = records[at]
            guard record.name.isSubdomain(of: origin) else { continue }
            // On the RDATA's case rather than `record.type`: no RRType constants to fetch per record.
            switch record.data {
            case .soa:
                if record.name == origin {
                    soa.append(at)
                } else {
                    soaElsewhere = true
                    problem(.error, at, record.name, .soa, "SOA record not at the zone's apex \(origin.text)")
                }
            case .ns:
                if record.name == origin { apexNS.append(at) } else { delegationNS.append(at) }
            case .cname:
                let value = entry(record.name)
                let first = entries[value].cname
                if first < 0 {
                    entries[value].cname = at
                } else if records[first].data != record.data {
                    problem(
                        .error, at, record.name, .cname, "a second CNAME; only one is allowed (RFC 2181 §10.1)",
                        other: ("the first is at", first))
                }
            case .dname:
                let value = entry(record.name)
                let first = entries[value].dname
                if first < 0 {
                    entries[value].dname = at
                    dnames.append(at)
                } else if records[first].data != record.data {
                    problem(
                        .error, at, record.name, .dname, "a second DNAME; only one is allowed (RFC 6672 §2.4)",
                        other: ("the first is at", first))
                }
            default: break
            }
        }
        checkSOA(soa, elsewhere: soaElsewhere)
        if apexNS.isEmpty {
            problem(.error, soa.first ?? (records.isEmpty ? -1 : 0), origin, .ns, "no NS record at the apex")
        }
        for at in delegationNS { entries[entry(records[at].name)].delegation = true }
        // The in-zone hosts that NS records name, to learn below whether they have addresses.
        for at in apexNS + delegationNS {
            if case .ns(let ns) = records[at].data, ns.target.isSubdomain(of: origin) { _ = entry(ns.target) }
        }
        guard !entries.isEmpty else { return }
        makeFilter()
        scanOwners(belowDNAME: !dnames.isEmpty)
        for at in apexNS { checkNameServer(at, atApex: true) }
        for at in delegationNS { checkNameServer(at, atApex: false) }
    }

    /// Exactly one SOA (duplicates of it aside), at the apex.
    mutating func checkSOA(_ soa: [Int], elsewhere: Bool) {
        guard let first = soa.first else {
            // An SOA elsewhere has been reported; "no SOA" would say the same again.
            if !elsewhere { problem(.error, records.isEmpty ? -1 : 0, origin, .soa, "no SOA record at the apex") }
            return
        }
        for at in soa.dropFirst() where records[at].data != records[first].data {
            problem(
                .error, at, origin, .soa, "a second SOA record; a zone has exactly one",
                other: ("the first is at", first))
        }
    }

    /// Every record against the names of interest: data beside a CNAME, data below a DNAME, and
    /// which name servers have addresses.
    mutating func scanOwners(belowDNAME: Bool) {
        var lastOwner: UnsafePointer<UInt8>? = nil
        var lastEntry: Int? = nil
        for at in records.indices {
            // Consecutive records usually share their owner's storage (the parser hands over the
            // same name): then the answer is the previous one. Equal names in separate storage
            // are only looked up again.
            let owner = records[at].name.wire.withUnsafeBufferPointer { $0.baseAddress }
            if owner != lastOwner {
                lastOwner = owner
                let record = records[at]
                lastEntry = mayBeEntry(record.name) ? index.find(record.name) : nil
                if belowDNAME, let dname = dnameAbove(record.name) {
                    problem(
                        .error, at, record.name, record.type, "data below a DNAME is never answered (RFC 6672 §2.3)",
                        other: ("the DNAME is at", dname))
                }
            }
            guard let value = lastEntry else { continue }
            let record = records[at]
            let type = record.type
            if type == .a || type == .aaaa { entries[value].hasAddress = true }
            let cname = entries[value].cname
            guard cname >= 0, type != .cname, type != .rrsig, type != .nsec else { continue }
            if at > cname {
                problem(
                    .error, at, record.name, type, "data beside a CNAME (RFC 1034 §3.6.2)",
                    other: ("the CNAME is at", cname))
            } else if entries[value].otherBeforeCNAME < 0 {
                entries[value].otherBeforeCNAME = at
                problem(
                    .error, cname, record.name, .cname, "a CNAME beside other data (RFC 1034 §3.6.2)",
                    other: ("\(type) is at", at))
            }
        }
    }

    /// One bit per hash of each name of interest, so that most owners (of no interest) are ruled
    /// out by one read of a small bitmap instead of a probe of the index's larger tables.
    mutating func makeFilter() {
        var bits = 1 << 12
        while bits < entries.count * 16 { bits <<= 1 }
        filter = [UInt64](repeating: 0, count: bits / 64)
        filterMask = UInt32(bits - 1)
        for value in entries.indices {
            let bit = filterBit(index.name(value))
            filter[Int(bit >> 6)] |= 1 << (bit & 63)
        }
    }

    /// A quick hash of a name for the filter, ignoring ASCII case: its first 16 and last 8 wire
    /// bytes (a name's distinct part is usually its first label) with every byte's 0x20 bit set,
    /// which folds case the same way for both spellings of a name. Names it cannot tell apart
    /// only cost a lookup.
    func filterBit(_ name: DNSName) -> UInt32 {
        let fold: UInt64 = 0x2020_2020_2020_2020
        let mixed = name.wire.withUnsafeBytes { bytes -> UInt64 in
            let count = bytes.count
            guard count >= 8 else {
                var word = UInt64(count)
                for byte in bytes { word = word << 8 | UInt64(byte | 0x20) }
                return word
            }
            var word = (bytes.loadUnaligned(as: UInt64.self) | fold) &* 0x9E37_79B9_7F4A_7C15
            if count >= 16 { word ^= (bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self) | fold) }
            word = (word &* 0xBF58_476D_1CE4_E5B9) ^ UInt64(count)
            return word
                ^ ((bytes.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self) | fold) &* 0x94D0_49BB_1331_11EB)
        }
        return UInt32(truncatingIfNeeded: ((mixed ^ (mixed >> 29)) &* 0xBF58_476D_1CE4_E5B9) >> 32) & filterMask
    }

    func mayBeEntry(_ name: DNSName) -> Bool {
        let bit = filterBit(name)
        return filter[Int(bit >> 6)] & (1 << (bit & 63)) != 0
    }

    /// The DNAME record at a proper ancestor of `name` (below the apex), if any.
    func dnameAbove(_ name: DNSName) -> Int? {
        var name = name
        while name.wireLength > origin.wireLength, let parent = name.parent {
            if let value = index.find(parent), entries[value].dname >= 0 { return entries[value].dname }
            name = parent
        }
        return nil
    }

    /// An NS record's in-zone target: a host the zone must give an address for. At the apex that
    /// is an error (as named-checkzone); at a delegation it matters only when the host is at or
    /// below a delegation, where only glue can give it (RFC 9471), and is a warning as in BIND.
    mutating func checkNameServer(_ at: Int, atApex: Bool) {
        guard case .ns(let ns) = records[at].data, let value = index.find(ns.target) else { return }
        let target = ns.target
        let owner = records[at].name
        if entries[value].cname >= 0 {
            problem(
                .error, at, owner, .ns, "\(target.text) is an alias; NS must name a host (RFC 2181 §10.3)",
                other: ("its CNAME is at", entries[value].cname))
            return
        }
        guard !entries[value].hasAddress else { return }
        if atApex {
            problem(.error, at, owner, .ns, "\(target.text) has no address record (A or AAAA) in the zone")
        } else if isAtOrBelowDelegation(target) {
            problem(.warning, at, owner, .ns, "\(target.text) needs glue, and has no A or AAAA record")
        }
    }

    /// Whether `name` is a delegation point or below one: then only glue can give its address.
    func isAtOrBelowDelegation(_ name: DNSName) -> Bool {
        var name = name
        while name.wireLength > origin.wireLength {
            if let value = index.find(name), entries[value].delegation { return true }
            guard let parent = name.parent else { return false }
            name = parent
        }
        return false
    }
}
