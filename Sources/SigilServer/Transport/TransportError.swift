#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A system call failed while setting up or tearing down the transport. Never thrown on the per-query path:
/// there, errors are counted and the datagram dropped, because one bad packet must not stop a worker.
public struct TransportError: Error, CustomStringConvertible {
    /// The failing call, e.g. `bind`.
    public var call: String
    public var errno: Int32
    /// What the call was for, e.g. the listen address.
    public var subject: String

    public init(call: String, errno: Int32, subject: String) {
        self.call = call
        self.errno = errno
        self.subject = subject
    }

    public var description: String {
        let message = strerror(self.errno).map { String(cString: $0) } ?? "errno \(self.errno)"
        return "\(self.call) failed for \(self.subject): \(message)"
    }
}
