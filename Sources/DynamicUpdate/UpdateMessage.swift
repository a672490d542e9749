import DNSWire

/// One change an UPDATE asks for (RFC 2136 §2.5), in the order given.
public enum UpdateOperation: Hashable, Sendable {
    /// Add a record to an RRset (§2.5.1); the RRset takes the record's TTL.
    case add(ResourceRecord)
    /// Delete an RRset (§2.5.2).
    case deleteRRset(DNSName, RRType)
    /// Delete every RRset at a name (§2.5.3).
    case deleteName(DNSName)
    /// Delete one record (§2.5.4), matched by owner, type and RDATA.
    case deleteRecord(ResourceRecord)
}

/// One prerequisite (RFC 2136 §2.4).
public enum UpdatePrerequisite: Hashable, Sendable {
    case nameInUse(DNSName)
    case nameNotInUse(DNSName)
    case rrsetExists(DNSName, RRType)
    case rrsetDoesNotExist(DNSName, RRType)
    /// The RRset exists with exactly these records (value dependent, §2.4.2); TTLs are ignored.
    case rrsetEquals(DNSName, RRType, [RData])
}

/// Why an UPDATE is refused, as the RCODE it is answered with.
public struct UpdateFailure: Error, Equatable, Sendable, CustomStringConvertible {
    public let rcode: RCode
    public let description: String

    public init(_ rcode: RCode, _ description: String) {
        self.rcode = rcode
        self.description = description
    }
}

/// A decoded UPDATE message (RFC 2136 §2): the zone, the prerequisites and the changes. The
/// additional section (TSIG) is the transport's business and is not read here.
public struct UpdateMessage: Sendable, Equatable {
    public var id: UInt16
    public var zone: DNSName
    public var prerequisites: [UpdatePrerequisite]
    public var operations: [UpdateOperation]

    /// The DNSSEC records the server makes itself: an update may not touch them (§3.4.1.2 lets a
    /// server refuse what it manages).
    public static let serverManagedTypes: Set<RRType> = [.dnskey, .cds, .cdnskey, .rrsig, .nsec, .nsec3, .nsec3param]

    public init(id: UInt16, zone: DNSName, prerequisites: [UpdatePrerequisite], operations: [UpdateOperation]) {
        self.id = id
        self.zone = zone
        self.prerequisites = prerequisites
        self.operations = operations
    }

    /// Decodes `bytes`. Structural errors are FORMERR; a record outside the zone is NOTZONE; an
    /// update of a server-managed DNSSEC type is REFUSED (§3.4.1 prescan).
    public init(decoding bytes: [UInt8]) throws(UpdateFailure) {
        let parsed: Result<UpdateMessage, UpdateFailure>
        do {
            parsed = try withWireReader(bytes) { (reader) throws(WireError) in try Self.parse(&reader) }
        } catch {
            throw UpdateFailure(.formErr, "malformed UPDATE: \(error)")
        }
        self = try parsed.get()
    }

    struct RawRecord {
        let name: DNSName
        let type: RRType
        let rrClass: UInt16
        let ttl: UInt32
        let length: Int
        let data: RData?
    }

    static func parse(_ reader: inout WireReader) throws(WireError) -> Result<UpdateMessage, UpdateFailure> {
        let header = try Header(decoding: &reader)
        guard header.opcode == .update else { return .failure(UpdateFailure(.formErr, "not an UPDATE")) }
        // Zone section: exactly one, type SOA (§3.1.1).
        guard header.questionCount == 1 else { return .failure(UpdateFailure(.formErr, "ZOCOUNT must be 1")) }
        let zone = try Question(decoding: &reader)
        guard zone.type == .soa, zone.qclass == .in else {
            return .failure(UpdateFailure(.formErr, "the zone section must name an IN SOA"))
        }
        var prerequisites: [UpdatePrerequisite] = []
        var valueSets: [(DNSName, RRType, [RData])] = []
        for _ in 0..<header.answerCount {
            let record = try readRecord(&reader)
            guard record.name.isSubdomain(of: zone.name) else {
                return .failure(UpdateFailure(UpdateRCode.notZone, "\(record.name.text) is outside \(zone.name.text)"))
            }
            guard record.ttl == 0 else { return .failure(UpdateFailure(.formErr, "prerequisite TTL must be 0")) }
            switch (record.rrClass, record.type, record.length) {
            case (255, .any, 0): prerequisites.append(.nameInUse(record.name))
            case (255, _, 0): prerequisites.append(.rrsetExists(record.name, record.type))
            case (254, .any, 0): prerequisites.append(.nameNotInUse(record.name))
            case (254, _, 0): prerequisites.append(.rrsetDoesNotExist(record.name, record.type))
            case (1, _, _) where record.data != nil:
                if let at = valueSets.firstIndex(where: { $0.0 == record.name && $0.1 == record.type }) {
                    valueSets[at].2.append(record.data!)
                } else {
                    valueSets.append((record.name, record.type, [record.data!]))
                }
            default: return .failure(UpdateFailure(.formErr, "malformed prerequisite"))
            }
        }
        prerequisites += valueSets.map { .rrsetEquals($0.0, $0.1, $0.2) }
        var operations: [UpdateOperation] = []
        for _ in 0..<header.authorityCount {
            let record = try readRecord(&reader)
            guard record.name.isSubdomain(of: zone.name) else {
                return .failure(UpdateFailure(UpdateRCode.notZone, "\(record.name.text) is outside \(zone.name.text)"))
            }
            if serverManagedTypes.contains(record.type) {
                return .failure(UpdateFailure(.refused, "\(record.type) records are made by the server"))
            }
            switch (record.rrClass, record.type, record.length) {
            case (1, .any, _), (1, .axfr, _), (1, .ixfr, _), (1, .opt, _):
                return .failure(UpdateFailure(.formErr, "cannot add a \(record.type) record"))
            case (1, _, _) where record.data != nil:
                operations.append(.add(ResourceRecord(name: record.name, ttl: record.ttl, data: record.data!)))
            case (255, .any, 0) where record.ttl == 0: operations.append(.deleteName(record.name))
            case (255, _, 0) where record.ttl == 0: operations.append(.deleteRRset(record.name, record.type))
            case (254, _, _) where record.ttl == 0 && record.data != nil && record.type != .any:
                operations.append(.deleteRecord(ResourceRecord(name: record.name, ttl: 0, data: record.data!)))
            default: return .failure(UpdateFailure(.formErr, "malformed update record"))
            }
        }
        // The additional section (TSIG, OPT) is checked by the transport.
        return .success(
            UpdateMessage(id: header.id, zone: zone.name, prerequisites: prerequisites, operations: operations))
    }

    static func readRecord(_ reader: inout WireReader) throws(WireError) -> RawRecord {
        let name = try reader.readName()
        let type = RRType(try reader.readUInt16())
        let rrClass = try reader.readUInt16()
        let ttl = try reader.readUInt32()
        let length = Int(try reader.readUInt16())
        guard length <= reader.remaining else { throw .truncated(at: reader.offset) }
        var data: RData? = nil
        if length > 0 || rrClass == 1 {
            data = try RData(type: type, decoding: &reader, length: length)
        }
        return RawRecord(name: name, type: type, rrClass: rrClass, ttl: ttl, length: length, data: data)
    }
}
