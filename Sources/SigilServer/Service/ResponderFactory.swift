import QueryPipeline

/// The query pipeline is what the transports call for every message.
extension Responder: DatagramHandler {}

/// Makes one ``ServerHandler`` (a ``Responder`` and, when given, the transfer service) per transport
/// thread, all reading the same ``ZoneStore``.
public struct ResponderFactory: DatagramHandlerFactory {
    public let store: ZoneStore
    /// Zone transfers, NOTIFY and TSIG; nil: the pipeline alone (transfers refused).
    public let transfers: TransferService?

    public init(store: ZoneStore, transfers: TransferService? = nil) {
        self.store = store
        self.transfers = transfers
    }

    public func makeHandler() -> ServerHandler {
        ServerHandler(responder: Responder(store: store), transfers: transfers)
    }
}
