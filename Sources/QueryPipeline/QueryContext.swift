/// Which transport a query arrived on. Handlers need it to decide truncation (UDP) and limits.
public enum TransportKind: Sendable, Hashable {
    case udp
    case tcp
}

/// Where a query came from and how; passed by value on every query, so it holds no references.
public struct QueryContext: Sendable {
    /// The client's address and port.
    public var peer: IPEndpoint
    /// The configured listen address the query arrived on (may be a wildcard such as `0.0.0.0:53`).
    public var listener: IPEndpoint
    public var transport: TransportKind

    public init(peer: IPEndpoint, listener: IPEndpoint, transport: TransportKind) {
        self.peer = peer
        self.listener = listener
        self.transport = transport
    }
}
