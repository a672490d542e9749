import QueryPipeline
import SigilServer
import Testing

@Suite struct ListenAddressTests {
    @Test func parsesIPv4AndIPv6() throws {
        let v4 = try IPEndpoint(parsing: "127.0.0.1:5353")
        #expect(v4.address == .loopbackV4 && v4.port == 5353)
        #expect(v4.description == "127.0.0.1:5353")

        let v6 = try IPEndpoint(parsing: "[::1]:5353")
        #expect(v6.address == .loopbackV6 && v6.port == 5353)
        #expect(v6.description == "[::1]:5353")

        let any4 = try IPEndpoint(parsing: "0.0.0.0:53")
        #expect(any4.address.isUnspecified && any4.address.family == .v4 && any4.port == 53)
        let any6 = try IPEndpoint(parsing: "[::]:53")
        #expect(any6.address.isUnspecified && any6.address.family == .v6)

        #expect(try IPEndpoint(parsing: "2001:db8::1", defaultPort: 53).description == "[2001:db8::1]:53")
        #expect(try IPEndpoint(parsing: "[2001:db8::1]", defaultPort: 53).port == 53)
        #expect(try IPEndpoint(parsing: "192.0.2.1", defaultPort: 53).port == 53)
        #expect(try IPEndpoint(parsing: "192.0.2.1:0").port == 0)
    }

    @Test(arguments: [
        "", "localhost:53", "127.0.0.1", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:-1", "127.0.0.1:5x",
        "[::1", "[::1]5353", "[127.0.0.1]:53", "::1", "256.0.0.1:53", ":53", "[]:53", "[::1]:+53",
    ])
    func rejectsAndNamesTheBadString(_ input: String) {
        do {
            _ = try IPEndpoint(parsing: input)
            Issue.record("accepted \"\(input)\"")
        } catch {
            #expect(error.input == input)
            #expect("\(error)".contains("\"\(input)\""))
        }
    }
}
