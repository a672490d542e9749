import DNSWire
import DNSZone

extension ZoneSigner {
    /// Every record of the signed zone, in canonical name order: each RRset followed by its
    /// RRSIGs (NS at a delegation and glue unsigned), then the NSEC3 chain, each record with its
    /// RRSIGs. This is what `sigil sign` prints; it needs the full chain (`nsec3` mode).
    public func signedRecords() throws(SignerError) -> [ResourceRecord] {
        guard let chain else { throw SignerError("the signed zone text needs a full NSEC3 chain (denial: nsec3)") }
        let now = clock.now()
        var records: [ResourceRecord] = []
        for node in zone.nodes {
            for index in node.rrsets {
                let set = zone.rrsets[index]
                for data in set.records { records.append(ResourceRecord(name: node.name, ttl: set.ttl, data: data)) }
                guard signed[index] else { continue }
                guard let entry = signatures(rrset: index, now: now) else {
                    throw SignerError("signing \(node.name.text) \(set.type) failed")
                }
                try append(entry, owner: node.name, ttl: set.ttl, to: &records)
            }
        }
        for position in chain.hashes.indices {
            let owner: DNSName
            let data: RData
            let record = chainRecord(position, chain)
            do {
                owner = try DNSName(wire: record.owner)
                data = try withWireReader(record.rdata) { (reader) throws(WireError) in
                    try RData(type: .nsec3, decoding: &reader, length: record.rdata.count)
                }
            } catch {
                throw SignerError("internal: NSEC3 record \(position) does not decode: \(error)")
            }
            records.append(ResourceRecord(name: owner, ttl: nsec3TTL, data: data))
            guard let entry = signatures(chainEntry: position, now: now) else {
                throw SignerError("signing NSEC3 \(owner.text) failed")
            }
            try append(entry, owner: owner, ttl: nsec3TTL, to: &records)
        }
        return records
    }

    /// The signed zone as zone-file text, one record per line.
    public func signedZoneText() throws(SignerError) -> String {
        var text = ""
        for record in try signedRecords() {
            text += record.text
            text += "\n"
        }
        return text
    }

    private func append(
        _ entry: SignatureEntry, owner: DNSName, ttl: UInt32, to records: inout [ResourceRecord]
    ) throws(SignerError) {
        do {
            try withWireReader(entry.records) { (reader) throws(WireError) in
                while !reader.isAtEnd {
                    let length = Int(try reader.readUInt16())
                    let data = try RData(type: .rrsig, decoding: &reader, length: length)
                    records.append(ResourceRecord(name: owner, ttl: ttl, data: data))
                }
            }
        } catch {
            throw SignerError("internal: a cached RRSIG does not decode: \(error)")
        }
    }
}
