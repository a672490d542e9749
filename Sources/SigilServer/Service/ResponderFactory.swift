import QueryPipeline

/// The query pipeline is what the transports call for every message.
extension Responder: DatagramHandler {}

/// Makes one ``Responder`` per transport thread, all reading the same ``ZoneStore``.
public struct ResponderFactory: DatagramHandlerFactory {
    public let store: ZoneStore

    public init(store: ZoneStore) { self.store = store }

    public func makeHandler() -> Responder<NoStages> { Responder(store: store) }
}
