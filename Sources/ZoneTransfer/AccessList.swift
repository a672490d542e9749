import DNSWire
import QueryPipeline

/// An address prefix such as `127.0.0.1/32` or `2001:db8::/32`; a bare address is a host prefix.
public struct AddressPrefix: Sendable, Hashable, CustomStringConvertible {
    public let address: IPAddress
    public let length: Int

    /// Parses `ADDRESS[/LENGTH]`; nil if either part is bad.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1).map(String.init)
        guard let first = parts.first, let address = IPAddress(first) else { return nil }
        let bits = address.family == .v4 ? 32 : 128
        if parts.count == 2 {
            guard let length = Int(parts[1]), (0...bits).contains(length) else { return nil }
            self.length = length
        } else {
            self.length = bits
        }
        self.address = address
    }

    /// Whether `candidate` is inside the prefix (same family; IPv4-mapped IPv6 is not folded).
    public func contains(_ candidate: IPAddress) -> Bool {
        guard candidate.family == address.family else { return false }
        return address.withUnsafeBytes { prefix in
            candidate.withUnsafeBytes { other in
                var remaining = length
                var index = 0
                while remaining > 0 {
                    let mask: UInt8 = remaining >= 8 ? 0xFF : ~(0xFF >> UInt8(remaining))
                    if prefix[index] & mask != other[index] & mask { return false }
                    remaining -= 8
                    index += 1
                }
                return true
            }
        }
    }

    public var description: String { "\(address)/\(length)" }
}

/// One rule of a `transfer:` (or `update:`) list: requests from `prefix`, signed with `key` when
/// one is named.
public struct AccessRule: Sendable, Hashable {
    public let prefix: AddressPrefix
    /// The TSIG key the request must be signed with, lowercased; nil: no key required.
    public let key: DNSName?

    public init(prefix: AddressPrefix, key: DNSName?) {
        self.prefix = prefix
        self.key = key?.lowercased()
    }
}

/// Who may do something to a zone (transfer it, update it). Empty — the default — allows nobody.
public struct AccessList: Sendable, Hashable {
    public let rules: [AccessRule]

    public init(_ rules: [AccessRule] = []) { self.rules = rules }

    public static let nobody = AccessList()

    /// Whether a request from `address`, whose TSIG verified with the key named `key` (nil if it
    /// was not signed), is allowed: some rule matches the address and, if it names a key, that key.
    public func allows(_ address: IPAddress, key: DNSName?) -> Bool {
        rules.contains { rule in
            guard rule.prefix.contains(address) else { return false }
            guard let required = rule.key else { return true }
            return key?.lowercased() == required
        }
    }
}
