import Logging
import QueryControls
import QueryPipeline
import Yams

/// The `rate-limit:`, `cookies:` and `signing-budget:` keys (docs/abuse-controls.md). Each is
/// off when absent.
public struct ControlsConfig: Sendable, Equatable {
    public var rateLimit: RateLimitConfiguration? = nil
    public var cookies: CookiesConfig? = nil
    public var signingBudget: SigningBudgetConfiguration? = nil

    public init() {}

    /// The workers' shared state for these settings.
    public func makePlan() -> AbuseControlsPlan {
        AbuseControlsPlan(
            cookies: cookies.map { CookieSecrets(secret: $0.secret, previous: $0.previousSecret) },
            rateLimit: rateLimit, signingBudget: signingBudget)
    }
}

/// `cookies: true` (a random secret, rolled on SIGHUP) or `cookies: {secret: …, previous-secret: …}`.
public struct CookiesConfig: Sendable, Equatable {
    /// 16 bytes; nil for a random one.
    public var secret: [UInt8]? = nil
    public var previousSecret: [UInt8]? = nil

    public init() {}
}

extension YAMLReader {
    static let controlKeys: Set<String> = ["rate-limit", "cookies", "signing-budget"]

    func control(_ name: String, _ node: Node, into config: inout ControlsConfig) throws(ConfigError) {
        switch name {
        case "rate-limit": config.rateLimit = try rateLimit(node, name)
        case "cookies": config.cookies = try cookies(node, name)
        default: config.signingBudget = try signingBudget(node, name)
        }
    }

    func rateLimit(_ node: Node, _ key: String) throws(ConfigError) -> RateLimitConfiguration {
        var result = RateLimitConfiguration()
        let keys: Set<String> = ["responses-per-second", "slip", "window", "ipv4-prefix", "ipv6-prefix", "exempt"]
        for (name, value) in try mapping(node, key, allowed: keys) {
            let path = "\(key).\(name)"
            switch name {
            case "responses-per-second": result.responsesPerSecond = try int(value, path, range: 1...10_000)
            case "slip": result.slip = try int(value, path, range: 0...10)
            case "window":
                let seconds = try duration(value, path)
                guard seconds <= 3600 else { throw fail(path, "expected at most 3600 seconds") }
                result.windowSeconds = Int(seconds)
            default: try grouping(name, value, path, into: &result.clients)
            }
        }
        return result
    }

    func signingBudget(_ node: Node, _ key: String) throws(ConfigError) -> SigningBudgetConfiguration {
        var result = SigningBudgetConfiguration()
        let keys: Set<String> = ["global", "per-client", "ipv4-prefix", "ipv6-prefix", "exempt"]
        for (name, value) in try mapping(node, key, allowed: keys) {
            let path = "\(key).\(name)"
            switch name {
            case "global": result.global = try int(value, path, range: 1...30_000)
            case "per-client": result.perClient = try int(value, path, range: 1...30_000)
            default: try grouping(name, value, path, into: &result.clients)
            }
        }
        return result
    }

    func grouping(_ name: String, _ value: Node, _ path: String, into clients: inout ClientGrouping) throws(ConfigError)
    {
        switch name {
        case "ipv4-prefix": clients.ipv4Prefix = try int(value, path, range: 8...32)
        case "ipv6-prefix": clients.ipv6Prefix = try int(value, path, range: 16...128)
        default:
            clients.exempt = []
            for (index, text) in try strings(value, path).enumerated() {
                guard let prefix = AddressPrefix(text) else {
                    throw fail("\(path)[\(index)]", "expected an address prefix like 192.0.2.0/24")
                }
                clients.exempt.append(prefix)
            }
        }
    }

    func cookies(_ node: Node, _ key: String) throws(ConfigError) -> CookiesConfig? {
        if node.scalar != nil { return try bool(node, key) ? CookiesConfig() : nil }
        var result = CookiesConfig()
        for (name, value) in try mapping(node, key, allowed: ["secret", "previous-secret"]) {
            let path = "\(key).\(name)"
            guard let secret = CookieSecrets.parse(try string(value, path)) else {
                throw fail(path, "expected 32 hex digits (a 128-bit secret)")
            }
            if name == "secret" { result.secret = secret } else { result.previousSecret = secret }
        }
        guard result.secret != nil else { throw fail(key, "missing key 'secret' (or write `cookies: true`)") }
        return result
    }
}

extension SigilServerRunner {
    /// Off by default, for lab and load-test use; on the open internet a reflector without it.
    static func warnIfUnlimited(_ config: ServerConfig, _ addresses: [IPEndpoint], _ logger: Logger) {
        guard config.controls.rateLimit == nil else { return }
        let open = addresses.filter { endpoint in
            let address = endpoint.address
            return address.isUnspecified || !(AddressPrefix("127.0.0.0/8")!.contains(address) || address == .loopbackV6)
        }
        guard !open.isEmpty else { return }
        logger.warning(
            "rate-limit is off while listening on \(open.map(\.description).joined(separator: " ")): set rate-limit (docs/abuse-controls.md) before serving the internet"
        )
    }
}
