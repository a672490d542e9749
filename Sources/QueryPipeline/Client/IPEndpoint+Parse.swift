/// A listen address that could not be parsed; the message names the offending text.
public struct ListenAddressError: Error, Hashable, CustomStringConvertible {
    /// The text as given.
    public var input: String
    /// What is wrong with it.
    public var reason: String

    public var description: String { "invalid listen address \"\(self.input)\": \(self.reason)" }
}

extension IPEndpoint {
    /// Parses `127.0.0.1:5353`, `[::1]:5353`, `0.0.0.0:53` or `[::]:53`.
    ///
    /// Without a port (`127.0.0.1`, `::1`, `[::1]`) `defaultPort` is used if given, otherwise it is an error.
    /// Host names are not accepted: a nameserver must not depend on the resolver to start.
    public init(parsing input: String, defaultPort: UInt16? = nil) throws(ListenAddressError) {
        func fail(_ reason: String) -> ListenAddressError { ListenAddressError(input: input, reason: reason) }

        let hostText: Substring
        let portText: Substring?
        if input.hasPrefix("[") {
            guard let close = input.firstIndex(of: "]") else { throw fail("missing ']' after IPv6 address") }
            hostText = input[input.index(after: input.startIndex)..<close]
            let rest = input[input.index(after: close)...]
            if rest.isEmpty {
                portText = nil
            } else if rest.first == ":" {
                portText = rest.dropFirst()
            } else {
                throw fail("expected ':' and a port after ']'")
            }
        } else if input.filter({ $0 == ":" }).count > 1 {
            // Bare IPv6 without brackets: there is no way to tell a port apart, so there is none.
            hostText = input[...]
            portText = nil
        } else if let colon = input.firstIndex(of: ":") {
            hostText = input[..<colon]
            portText = input[input.index(after: colon)...]
        } else {
            hostText = input[...]
            portText = nil
        }

        guard !hostText.isEmpty else { throw fail("missing IP address") }
        guard let address = IPAddress(String(hostText)) else {
            throw fail("\"\(hostText)\" is not a numeric IPv4 or IPv6 address")
        }
        if input.hasPrefix("["), address.family != .v6 {
            throw fail("brackets are only for IPv6 addresses")
        }

        let port: UInt16
        if let portText {
            guard !portText.isEmpty, portText.allSatisfy({ $0.isASCII && $0.isNumber }), let value = UInt16(portText)
            else { throw fail("\"\(portText)\" is not a port number (0-65535)") }
            port = value
        } else if let defaultPort {
            port = defaultPort
        } else {
            throw fail("missing port")
        }
        self.init(address: address, port: port)
    }
}
