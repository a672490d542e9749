import DNSWire

extension Zone {
    /// The most CNAME/DNAME links followed for one query; a longer chain is answered as far as it
    /// got, which a resolver then continues.
    public static let maxChainLength = 8

    /// The YXDOMAIN response code (RFC 2136 §2.2), returned when DNAME substitution overflows.
    public static let yxDomain = RCode(6)

    /// Answers `type` for `name` (uncompressed wire form, any case; `Query.name` as decoded) from
    /// this zone, which must be the zone for the name, into `answer` (reset first).
    ///
    /// This is RFC 1034 §4.3.2 for one zone, with RFC 2308 negative answers, RFC 4592 wildcards,
    /// RFC 6672 DNAME and RFC 8482 minimal ANY, written as one loop over the names of a CNAME
    /// chain. It reads only flat arrays and appends to the answer's reserved storage, so it does
    /// not allocate once `answer` has been used. Each name gets an `AnswerStep` saying how it was
    /// resolved, for the DNSSEC layer.
    ///
    /// - The answer for a name at or below a delegation is a referral (AA clear if it is the query
    ///   name): the NS RRset in authority, A/AAAA of its targets that are in the zone in additional.
    /// - A DS query for a delegation point is answered from this side: the DS RRset, or NODATA.
    /// - NXDOMAIN and NODATA carry the apex SOA in authority with TTL min(SOA TTL, MINIMUM).
    /// - ANY returns one RRset: the node's first by type number, leaving out RRSIG, NSEC and NSEC3
    ///   (RFC 8482 §4.2). A CNAME at the name is returned as is, not followed.
    /// - A/AAAA of MX, SRV and NS targets in the zone go to additional; wildcards are not expanded
    ///   for them.
    /// - A CNAME chain is followed while targets are in this zone, no name repeats, and fewer than
    ///   `maxChainLength` links were taken; the rcode is that of the last name (RFC 6604).
    public func answer(name: [UInt8], type: RRType, into answer: inout Answer) {
        answer.reset()
        answer.zone = self
        answer.authoritative = true
        var current = name.withUnsafeBytes { answer.appendName($0) }
        while true {
            let stepIndex = answer.steps.count
            let landed = answer.names.withUnsafeBytes { names in
                lookup(UnsafeRawBufferPointer(rebasing: names[current]), type: type)
            }
            guard let landed else {
                // A DNAME target outside the zone ends the chain, for the resolver to continue; a
                // query name outside it (a caller that skipped `ZoneSet`) is refused.
                if stepIndex == 0 {
                    answer.reset()
                    answer.rcode = .refused
                }
                return
            }
            let owner: AnswerRRset.Owner
            let node: Int
            switch landed {
            case .referral(let cut):
                answer.steps.append(AnswerStep(name: current, kind: .referral(delegation: cut)))
                if stepIndex == 0 { answer.authoritative = false }
                if let ns = rrset(at: cut, type: .ns) {
                    answer.authority.append(AnswerRRset(owner: .node(cut), content: .rrset(ns), ttl: rrsets[ns].ttl))
                    addTargets(of: ns, to: &answer)
                }
                return
            case .dname(let owner):
                guard let next = substitute(current, dname: owner, step: stepIndex, into: &answer) else { return }
                if type == .cname { return }
                current = next
                if answer.steps.count > Zone.maxChainLength || answer.repeats(current) { return }
                continue
            case .nameError(let encloser):
                answer.steps.append(AnswerStep(name: current, kind: .nxdomain(closestEncloser: encloser)))
                answer.rcode = .nxDomain
                addNegativeSOA(to: &answer)
                return
            case .exact(let exact):
                owner = .node(exact)
                node = exact
            case .wildcard(let source, _):
                owner = .step(stepIndex)
                node = source
            }
            let found = select(type, at: node)
            switch found {
            case .data(let index):
                answer.steps.append(AnswerStep(name: current, kind: kind(landed, positive: true)))
                answer.answer.append(AnswerRRset(owner: owner, content: .rrset(index), ttl: rrsets[index].ttl))
                addTargets(of: index, to: &answer)
                return
            case .nodata:
                answer.steps.append(AnswerStep(name: current, kind: kind(landed, positive: false)))
                addNegativeSOA(to: &answer)
                return
            case .cname(let index):
                let stepKind: AnswerKind
                if case .wildcard(let source, let encloser) = landed {
                    stepKind = .wildcardCNAME(source: source, closestEncloser: encloser)
                } else {
                    stepKind = .cname(node: node)
                }
                answer.steps.append(AnswerStep(name: current, kind: stepKind))
                answer.answer.append(AnswerRRset(owner: owner, content: .rrset(index), ttl: rrsets[index].ttl))
                guard case .cname(let target) = rrsets[index].records[0] else { return }
                let next = target.target.wire.withUnsafeBytes { answer.appendName($0) }
                let inZone = answer.names.withUnsafeBytes { contains(UnsafeRawBufferPointer(rebasing: $0[next])) }
                guard inZone, answer.steps.count <= Zone.maxChainLength, !answer.repeats(next) else { return }
                current = next
            }
        }
    }

    enum Selection {
        case data(Int)
        case cname(Int)
        case nodata
    }

    /// What a node has for `type`: the RRset, a CNAME to follow instead, or nothing.
    func select(_ type: RRType, at node: Int) -> Selection {
        let range = nodes[node].rrsets
        if type == .any {
            for index in range {
                let have = rrsets[index].type
                if have != .rrsig && have != .nsec && have != .nsec3 { return .data(index) }
            }
            return .nodata
        }
        var cname = -1
        for index in range {
            let have = rrsets[index].type
            if have == type { return .data(index) }
            if have == .cname { cname = index }
        }
        return cname >= 0 ? .cname(cname) : .nodata
    }

    func kind(_ lookup: Lookup, positive: Bool) -> AnswerKind {
        switch lookup {
        case .exact(let node): positive ? .positive(node: node) : .nodata(node: node)
        case .wildcard(let source, let encloser):
            positive
                ? .wildcard(source: source, closestEncloser: encloser)
                : .wildcardNodata(source: source, closestEncloser: encloser)
        default: preconditionFailure("only names with data have a positive or NODATA kind")
        }
    }

    /// Adds the DNAME and the CNAME synthesized from it, returning the new name's range, or nil
    /// when the substituted name is too long (YXDOMAIN).
    func substitute(_ current: Range<Int>, dname owner: Int, step: Int, into answer: inout Answer) -> Range<Int>? {
        guard let index = rrset(at: owner, type: .dname), case .dname(let target) = rrsets[index].records[0] else {
            preconditionFailure("a node flagged DNAME has a DNAME RRset")
        }
        let ttl = rrsets[index].ttl
        answer.answer.append(AnswerRRset(owner: .node(owner), content: .rrset(index), ttl: ttl))
        let prefix = current.count - nodes[owner].name.wireLength
        guard prefix + target.target.wireLength <= DNSName.maxWireLength else {
            answer.steps.append(AnswerStep(name: current, kind: .nameTooLong(dname: owner)))
            answer.rcode = Zone.yxDomain
            return nil
        }
        answer.steps.append(AnswerStep(name: current, kind: .dname(node: owner)))
        let start = answer.names.count
        for offset in current.lowerBound..<(current.lowerBound + prefix) { answer.names.append(answer.names[offset]) }
        target.target.wire.withUnsafeBytes { _ = answer.appendName($0) }
        let next = start..<answer.names.count
        answer.answer.append(AnswerRRset(owner: .step(step), content: .synthesizedCNAME(target: next), ttl: ttl))
        return next
    }

    /// The apex SOA in authority, with the negative-caching TTL.
    func addNegativeSOA(to answer: inout Answer) {
        answer.authority.append(AnswerRRset(owner: .node(Zone.apex), content: .rrset(soa), ttl: negativeTTL))
    }

    /// A and AAAA of the in-zone targets of an MX, SRV or NS RRset, once each, in additional.
    func addTargets(of index: Int, to answer: inout Answer) {
        let set = rrsets[index]
        switch set.type {
        case .mx, .ns:
            for record in set.records {
                switch record {
                case .mx(let mx): addAddresses(of: mx.exchange.wire[...], to: &answer)
                case .ns(let ns): addAddresses(of: ns.target.wire[...], to: &answer)
                default: break
                }
            }
        case .srv:
            // Priority, weight and port (6 bytes) precede the target, which ends the RDATA.
            for record in LengthPrefixedItems(set.wire) where record.count > 8 {
                addAddresses(of: set.wire[(record.lowerBound + 8)..<record.upperBound], to: &answer)
            }
        default:
            break
        }
    }

    func addAddresses(of target: ArraySlice<UInt8>, to answer: inout Answer) {
        guard let found = node(named: target), !nodes[found].flags.contains(.belowDNAME) else { return }
        for index in nodes[found].rrsets where rrsets[index].type == .a || rrsets[index].type == .aaaa {
            let item = AnswerRRset(owner: .node(found), content: .rrset(index), ttl: rrsets[index].ttl)
            if !answer.additional.contains(item) { answer.additional.append(item) }
        }
    }
}

extension Answer {
    /// Whether the name at `range` equals an earlier step's name: a CNAME/DNAME loop.
    func repeats(_ range: Range<Int>) -> Bool {
        for step in steps where step.name.count == range.count {
            var same = true
            for offset in 0..<range.count where names[step.name.lowerBound + offset] != names[range.lowerBound + offset]
            {
                same = false
                break
            }
            if same { return true }
        }
        return false
    }
}
