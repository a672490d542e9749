import DNSWire

/// A problem found while building a zone from records: an error that stops the zone from loading,
/// or a warning about data that was changed or left out.
///
/// Diagnostics are values, not log lines, so the zone-file loader can attach file positions and
/// the server can decide where to report them. `message` always names the owner and the type.
public struct ZoneDiagnostic: Sendable, Equatable, CustomStringConvertible {
    public enum Severity: Sendable, Equatable {
        case error
        case warning
    }

    public enum Kind: Sendable, Equatable {
        /// Error: the apex has no SOA record.
        case missingSOA
        /// Error: the apex has more than one SOA record.
        case multipleSOA
        /// Error: an SOA record somewhere other than the apex.
        case soaNotAtApex
        /// Error: the apex has no NS record.
        case missingApexNS
        /// Error: a CNAME beside data other than RRSIG and NSEC (RFC 1034 §3.6.2, RFC 2181 §10.1).
        case cnameAndOtherData
        /// Error: more than one CNAME, or more than one DNAME, at one owner (RFC 6672 §2.4).
        case multipleSingletons
        /// Error: an owner outside the zone's origin.
        case outOfZone
        /// Error: a class other than IN.
        case unsupportedClass
        /// Error: a query-only type (OPT, ANY, AXFR, ...) as zone data.
        case metaType
        /// Warning: data at or below a delegation point that is not NS, DS or glue; left out.
        case occludedByDelegation
        /// Warning: data below a DNAME owner; kept (for transfers) but never answered.
        case occludedByDNAME
        /// Warning: a record given more than once; collapsed to one.
        case duplicate
        /// Warning: records of one RRset with different TTLs; the first record's TTL is used for all,
        /// as Knot does (RFC 2181 §5.2).
        case ttlMismatch
    }

    public let severity: Severity
    public let kind: Kind
    public let owner: DNSName
    public let type: RRType
    public let message: String

    public init(_ severity: Severity, _ kind: Kind, owner: DNSName, type: RRType, _ detail: String) {
        self.severity = severity
        self.kind = kind
        self.owner = owner
        self.type = type
        self.message = "\(owner.text) \(type): \(detail)"
    }

    public var description: String { "\(severity == .error ? "error" : "warning"): \(message)" }
}

/// Why a zone could not be built: every error found, and the warnings found alongside them.
public struct ZoneError: Error, Sendable, Equatable, CustomStringConvertible {
    public let errors: [ZoneDiagnostic]
    public let warnings: [ZoneDiagnostic]

    public var description: String { (errors + warnings).map(\.description).joined(separator: "\n") }
}
