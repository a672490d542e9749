import DNSWire
import QueryControls
import QueryPipeline

/// One rule of a `transfer:` (or `update:`) list: requests from `prefix` (QueryControls' `AddressPrefix`), signed with `key` when
/// one is named.
public struct AccessRule: Sendable, Equatable {
    public let prefix: AddressPrefix
    /// The TSIG key the request must be signed with, lowercased; nil: no key required.
    public let key: DNSName?

    public init(prefix: AddressPrefix, key: DNSName?) {
        self.prefix = prefix
        self.key = key?.lowercased()
    }
}

/// Who may do something to a zone (transfer it, update it). Empty — the default — allows nobody.
public struct AccessList: Sendable, Equatable {
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
