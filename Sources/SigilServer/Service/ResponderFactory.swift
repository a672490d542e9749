import QueryControls
import QueryPipeline

/// The query pipeline is what the transports call for every message.
extension Responder: DatagramHandler {}

/// Makes one ``ServerHandler`` per transport thread: a ``Responder`` with the abuse controls' stage (all
/// sharing the controls' tables and secrets, and reading the same ``ZoneStore``) and, when given, the
/// transfer service.
public struct ResponderFactory: DatagramHandlerFactory {
    public let store: ZoneStore
    public let controls: AbuseControlsPlan
    /// Zone transfers, NOTIFY and TSIG; nil: the pipeline alone (transfers refused).
    public let transfers: TransferService?

    public init(store: ZoneStore, controls: AbuseControlsPlan = AbuseControlsPlan(), transfers: TransferService? = nil)
    {
        self.store = store
        self.controls = controls
        self.transfers = transfers
    }

    public func makeHandler() -> ServerHandler<AbuseControls> {
        ServerHandler(responder: Responder(store: store, stages: controls.makeStage()), transfers: transfers)
    }
}
