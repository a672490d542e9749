/// Why a zone could not be prepared for signing or a signature could not be made.
public struct SignerError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
