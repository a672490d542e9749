import QueryPipeline

/// An address prefix such as `192.0.2.0/24` or `2001:db8::/32`: an exempt list entry, and the
/// unit that rate limits and budgets count per client.
public struct AddressPrefix: Sendable, Equatable, CustomStringConvertible {
    public var address: IPAddress
    public var length: Int

    public init(address: IPAddress, length: Int) {
        self.address = address
        self.length = length
    }

    /// Parses `ADDRESS/LENGTH`, or a bare address (the whole address).
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let address = IPAddress(String(parts[0])) else { return nil }
        let bits = address.family == .v4 ? 32 : 128
        if parts.count == 2 {
            guard let length = Int(parts[1]), (0...bits).contains(length) else { return nil }
            self.init(address: address, length: length)
        } else {
            self.init(address: address, length: bits)
        }
    }

    public var description: String { "\(address)/\(length)" }

    /// Whether `other` is inside this prefix.
    public func contains(_ other: IPAddress) -> Bool {
        guard other.family == address.family else { return false }
        return AddressPrefix.key(other, length: length) == AddressPrefix.key(address, length: length)
    }

    /// The first `length` bits of `address`, zero-padded, as two words: what tables hash.
    @inline(__always)
    static func key(_ address: IPAddress, length: Int) -> (UInt64, UInt64) {
        address.withUnsafeBytes { bytes in
            var high: UInt64 = 0
            var low: UInt64 = 0
            for index in 0..<bytes.count {
                let byte = UInt64(bytes[index])
                if index < 8 { high |= byte << (56 - 8 * index) } else { low |= byte << (56 - 8 * (index - 8)) }
            }
            high &= mask(length)
            low &= mask(length - 64)
            return (high, low)
        }
    }

    /// A mask of the top `bits` bits of a word (none for bits ≤ 0, all for bits ≥ 64).
    @inline(__always)
    static func mask(_ bits: Int) -> UInt64 {
        if bits <= 0 { return 0 }
        if bits >= 64 { return .max }
        return ~(UInt64.max >> UInt64(bits))
    }
}

/// The prefix lengths that group client addresses, and the exempt list.
public struct ClientGrouping: Sendable, Equatable {
    public var ipv4Prefix: Int = 24
    public var ipv6Prefix: Int = 56
    public var exempt: [AddressPrefix] = []

    public init(ipv4Prefix: Int = 24, ipv6Prefix: Int = 56, exempt: [AddressPrefix] = []) {
        self.ipv4Prefix = ipv4Prefix
        self.ipv6Prefix = ipv6Prefix
        self.exempt = exempt
    }

    /// The client's prefix as two words, with the family in the last bit of the low word (an IPv4
    /// prefix never reaches it).
    @inline(__always)
    func key(_ address: IPAddress) -> (UInt64, UInt64) {
        switch address.family {
        case .v4: return AddressPrefix.key(address, length: ipv4Prefix)
        case .v6:
            let (high, low) = AddressPrefix.key(address, length: ipv6Prefix)
            return (high, low | 1)
        }
    }

    @inline(__always)
    func isExempt(_ address: IPAddress) -> Bool {
        if exempt.isEmpty { return false }
        for prefix in exempt where prefix.contains(address) { return true }
        return false
    }
}
