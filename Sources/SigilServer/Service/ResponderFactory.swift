import QueryControls
import QueryPipeline

/// The query pipeline is what the transports call for every message.
extension Responder: DatagramHandler {}

/// Makes one ``Responder`` per transport thread, all reading the same ``ZoneStore`` and sharing
/// the abuse controls' tables and secrets.
public struct ResponderFactory: DatagramHandlerFactory {
    public let store: ZoneStore
    public let controls: AbuseControlsPlan

    public init(store: ZoneStore, controls: AbuseControlsPlan = AbuseControlsPlan()) {
        self.store = store
        self.controls = controls
    }

    public func makeHandler() -> Responder<AbuseControls> { Responder(store: store, stages: controls.makeStage()) }
}
