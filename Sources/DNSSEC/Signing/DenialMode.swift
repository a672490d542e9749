/// How a signed zone proves that names and types do not exist.
public enum DenialMode: String, Sendable, Hashable, CaseIterable {
    /// A full NSEC3 chain (RFC 5155), hashed and signed when the zone is loaded.
    case nsec3
    /// NSEC3 "white lies" computed per query (as PowerDNS's narrow mode): each record covers only
    /// the hash it must cover, so the zone cannot be walked, at the price of one signature per new
    /// denial. Its signatures are cached like any other.
    case nsec3Narrow = "nsec3-narrow"
}
