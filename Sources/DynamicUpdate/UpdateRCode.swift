import DNSWire

/// The response codes RFC 2136 §2.2 adds.
public enum UpdateRCode {
    public static let yxDomain = RCode(6)
    public static let yxRRset = RCode(7)
    public static let nxRRset = RCode(8)
    public static let notAuth = RCode(9)
    public static let notZone = RCode(10)
}
