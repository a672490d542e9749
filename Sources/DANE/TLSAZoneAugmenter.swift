import DNSWire

/// Puts generated TLSA records into a zone's records before the zone is built and signed.
///
/// Pure: it neither reads files nor touches a served zone, so the zone catalog can run it on
/// every reload (zone file edited, certificate renewed) and the result is a function of its
/// inputs alone.
public enum TLSAZoneAugmenter {
    public struct Outcome: Sendable, Equatable {
        /// The zone's records with the generated TLSA RRsets in place.
        public var records: [ResourceRecord]
        /// One line per zone-file TLSA RRset replaced and per generated record left out, for the log.
        public var warnings: [String]
    }

    /// Replaces the zone's TLSA RRsets at the generated records' owners with the generated ones.
    ///
    /// A generated record is left out (with a warning) if it is not a TLSA record, lies outside
    /// `origin`, sits at or below a delegation (it would be occluded), or shares its owner with a
    /// CNAME (RFC 2181 §10.1). Other zone records, including TLSA records at other owners, pass
    /// through in their original order; the generated records follow them.
    public static func augment(
        _ zone: [ResourceRecord], origin: DNSName, generated: [ResourceRecord]
    ) -> Outcome {
        var warnings: [String] = []
        let cuts = zone.filter { $0.type == .ns && $0.name != origin }.map(\.name)
        let cnameOwners = Set(zone.filter { $0.type == .cname }.map(\.name))

        var accepted: [ResourceRecord] = []
        var seen: Set<ResourceRecord> = []
        for record in generated {
            let why: String? =
                if record.type != .tlsa {
                    "is not a TLSA record"
                } else if !record.name.isSubdomain(of: origin) {
                    "is outside the zone \(origin.text)"
                } else if let cut = cuts.first(where: { record.name.isSubdomain(of: $0) }) {
                    "is at or below the delegation \(cut.text)"
                } else if cnameOwners.contains(record.name) {
                    "shares its owner with a CNAME"
                } else {
                    nil
                }
            if let why {
                warnings.append("generated record \(record.text) \(why); left out")
            } else if seen.insert(record).inserted {
                accepted.append(record)
            }
        }

        let owners = Set(accepted.map(\.name))
        var replaced: [DNSName: Int] = [:]
        var order: [DNSName] = []
        var records = zone.filter { record in
            guard record.type == .tlsa, owners.contains(record.name) else { return true }
            if replaced[record.name] == nil { order.append(record.name) }
            replaced[record.name, default: 0] += 1
            return false
        }
        for owner in order {
            let count = replaced[owner] ?? 0
            warnings.append(
                "\(owner.text): \(count) TLSA record\(count == 1 ? "" : "s") from the zone file replaced by ones "
                    + "made from the configured certificates")
        }
        records.append(contentsOf: accepted)
        return Outcome(records: records, warnings: warnings)
    }

    /// The zone's records with the apex SOA's serial set to `serial`, or nil if there is no SOA at
    /// `origin`. Use with `SerialNumber.next(served:loaded:)`.
    public static func settingSerial(
        _ records: [ResourceRecord], origin: DNSName, to serial: UInt32
    ) -> [ResourceRecord]? {
        guard let index = records.firstIndex(where: { $0.type == .soa && $0.name == origin }),
            case .soa(var soa) = records[index].data
        else { return nil }
        var result = records
        soa.serial = serial
        result[index].data = .soa(soa)
        return result
    }

    /// The serial of the apex SOA, if there is one.
    public static func serial(of records: [ResourceRecord], origin: DNSName) -> UInt32? {
        for record in records where record.name == origin {
            if case .soa(let soa) = record.data { return soa.serial }
        }
        return nil
    }
}
