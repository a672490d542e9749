import DNSWire
import Synchronization
import ZoneJournal

/// A zone's accepted updates, in order, on disk (`<origin>.updates` in the journal directory):
/// the rule is that a zone is its file with these applied on top, at every load. So an update
/// survives a restart, and a SIGHUP with an edited file keeps both: the file's changes, then the
/// updates (an update wins where both touch the same records). Each append is `fsync`ed before
/// the update is answered.
public final class UpdateLog: Sendable {
    let file: RecordFile
    private let updates: Mutex<[[UpdateOperation]]>

    public init(path: String) throws(RecordFile.IOFailure) {
        file = RecordFile(path: path)
        updates = Mutex(try file.load().records.compactMap { try? UpdateOperation.decoded($0) })
    }

    /// Every operation logged, oldest first.
    public var operations: [UpdateOperation] { updates.withLock { $0.flatMap { $0 } } }
    public var count: Int { updates.withLock { $0.count } }

    /// Logs one update durably.
    public func append(_ operations: [UpdateOperation]) throws(RecordFile.IOFailure) {
        try updates.withLock { (updates) throws(RecordFile.IOFailure) in
            try file.append([UpdateOperation.encoded(operations)])
            updates.append(operations)
        }
    }

    /// Takes back the last update (its version could not be built).
    public func removeLast() throws(RecordFile.IOFailure) {
        try updates.withLock { (updates) throws(RecordFile.IOFailure) in
            guard !updates.isEmpty else { return }
            updates.removeLast()
            try file.replace(with: updates.map(UpdateOperation.encoded))
        }
    }
}
