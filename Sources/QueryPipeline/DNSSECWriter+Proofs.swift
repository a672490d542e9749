import DNSSEC
import DNSWire
import DNSZone

extension DNSSECWriter {
    /// Writes the authority records that prove how answer step `step` was resolved (RFC 5155
    /// §7.2): returns how many records were written.
    ///
    /// - NXDOMAIN: the closest encloser's NSEC3, one covering the next closer name, one covering
    ///   the wildcard at the closest encloser (§7.2.2).
    /// - NODATA (an empty non-terminal, or DS at an insecure delegation, included): the name's
    ///   NSEC3 (§7.2.3, §7.2.4).
    /// - Wildcard answer or wildcard CNAME: the NSEC3 covering the next closer name (§7.2.6).
    /// - Wildcard NODATA: closest encloser, next closer cover, and the wildcard's NSEC3 (§7.2.5).
    /// - Referral: the signed DS RRset, or the delegation's NSEC3 showing there is none (§7.2.7).
    mutating func writeProofs(
        step: Int, _ answer: Answer, _ signer: ZoneSigner, _ now: Int64, records: inout RecordWriter,
        into writer: inout WireWriter
    ) -> UInt16 {
        switch answer.steps[step].kind {
        case .nxdomain(let encloser):
            return writeMatch(node: encloser, signer, now, into: &writer)
                + writeNextCloserCover(step: step, encloser: encloser, answer, signer, now, into: &writer)
                + writeWildcardCover(encloser: encloser, signer, now, into: &writer)
        case .nodata(let node):
            return writeMatch(node: node, signer, now, into: &writer)
        case .wildcard(_, let encloser), .wildcardCNAME(_, let encloser):
            return writeNextCloserCover(step: step, encloser: encloser, answer, signer, now, into: &writer)
        case .wildcardNodata(let source, let encloser):
            return writeMatch(node: encloser, signer, now, into: &writer)
                + writeNextCloserCover(step: step, encloser: encloser, answer, signer, now, into: &writer)
                + writeMatch(node: source, signer, now, into: &writer)
        case .referral(let cut):
            let zone = signer.zone
            if let ds = zone.rrset(at: cut, type: .ds) {
                let item = AnswerRRset(owner: .node(cut), content: .rrset(ds), ttl: zone.rrsets[ds].ttl)
                return writeSigned(item, answer, signer, now, records: &records, into: &writer)
            }
            return writeMatch(node: cut, signer, now, into: &writer)
        default:
            return 0
        }
    }

    /// The NSEC3 record whose owner is the hash of `node`'s name.
    mutating func writeMatch(node: Int, _ signer: ZoneSigner, _ now: Int64, into writer: inout WireWriter) -> UInt16 {
        if let chain = signer.chain {
            let position = Int(chain.entryOfNode[node])
            guard position >= 0 else { return 0 }
            return writeChainEntry(position, chain, signer, now, into: &writer)
        }
        guard signer.bitmaps[node] != nil else { return 0 }
        return writeNarrow(NarrowKey(owner: signer.nodeHashes[node], node: Int32(node)), signer, now, into: &writer)
    }

    /// An NSEC3 record covering `hash`, of a name that does not exist. `shared` says whether a
    /// narrow-mode record's signatures belong in the signer's cache (a record others will ask for,
    /// as the wildcard's cover) or in this worker's `covers` (a next closer name's, unique to it).
    mutating func writeCover(
        _ hash: NSEC3Hash, shared: Bool = true, _ signer: ZoneSigner, _ now: Int64, into writer: inout WireWriter
    ) -> UInt16 {
        if let chain = signer.chain {
            return writeChainEntry(chain.cover(hash), chain, signer, now, into: &writer)
        }
        return writeNarrow(NarrowKey(owner: hash.predecessor(), node: -1), shared: shared, signer, now, into: &writer)
    }

    /// Covers the next closer name: the step's name shortened to one label more than its closest
    /// encloser.
    mutating func writeNextCloserCover(
        step: Int, encloser: Int, _ answer: Answer, _ signer: ZoneSigner, _ now: Int64,
        into writer: inout WireWriter
    ) -> UInt16 {
        let range = answer.steps[step].name
        let hash = answer.names.withUnsafeBytes { names -> NSEC3Hash in
            let name = UnsafeRawBufferPointer(rebasing: names[range])
            var labels = 0
            var offset = 0
            while name[offset] != 0 {
                labels += 1
                offset += 1 + Int(name[offset])
            }
            offset = 0
            for _ in 0..<(labels - Int(signer.nodeLabels[encloser]) - 1) { offset += 1 + Int(name[offset]) }
            return nsec3Hash(UnsafeRawBufferPointer(rebasing: name[offset...]), signer)
        }
        return writeCover(hash, shared: false, signer, now, into: &writer)
    }

    /// Covers `*.<closest encloser>`, proving no wildcard could have answered.
    mutating func writeWildcardCover(
        encloser: Int, _ signer: ZoneSigner, _ now: Int64, into writer: inout WireWriter
    ) -> UInt16 {
        scratch.removeAll(keepingCapacity: true)
        scratch.append(1)
        scratch.append(UInt8(ascii: "*"))
        scratch.append(contentsOf: signer.zone.nodes[encloser].name.wire)
        let hash = scratch.withUnsafeBytes { nsec3Hash($0, signer) }
        return writeCover(hash, signer, now, into: &writer)
    }

    func nsec3Hash(_ name: UnsafeRawBufferPointer, _ signer: ZoneSigner) -> NSEC3Hash {
        signer.configuration.nsec3Salt.withUnsafeBytes { salt in
            hasher.hashValue(of: name, iterations: signer.configuration.nsec3Iterations, salt: salt)
        }
    }

    /// Writes chain record `position` and its RRSIGs, unless this response already has it.
    mutating func writeChainEntry(
        _ position: Int, _ chain: NSEC3Chain, _ signer: ZoneSigner, _ now: Int64, into writer: inout WireWriter
    ) -> UInt16 {
        let owner = chain.hashes[position]
        guard !written.contains(owner) else { return 0 }
        written.append(owner)
        let start = writer.count
        signer.writeChainRecord(position, chain, into: &writer)
        guard let entry = signer.signatures(chainEntry: position, now: now) else { return 1 }
        return 1 + writeRRSIGs(entry, ownerAt: start, ttl: signer.nsec3TTL, into: &writer)
    }

    /// Writes a narrow-mode record (see `NarrowKey` and `NSEC3Chain.writeRDATA`) and its RRSIGs, unless this
    /// response already has it. The record is written straight from the hash: no allocation.
    mutating func writeNarrow(
        _ key: NarrowKey, shared: Bool = true, _ signer: ZoneSigner, _ now: Int64, into writer: inout WireWriter
    ) -> UInt16 {
        guard !written.contains(key.owner) else { return 0 }
        written.append(key.owner)
        let start = writer.count
        signer.writeNarrowRecord(key, into: &writer)
        let signatures: SignatureEntry?
        if shared {
            // Matches and wildcard covers: one per name of the zone, so bounded and cached.
            signatures = signer.signatures(narrow: key, now: now)
        } else if let recent = covers.cached(key, signer, now: now) {
            signatures = recent
        } else if freshAllowed {
            // A new name's cover: the only signatures a flood of new names can make without bound.
            freshSigned += 1
            signatures = covers.make(key, signer, now: now)
        } else {
            freshRefused = true
            return 1
        }
        guard let entry = signatures else { return 1 }
        return 1 + writeRRSIGs(entry, ownerAt: start, ttl: signer.nsec3TTL, into: &writer)
    }
}
