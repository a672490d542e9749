import Foundation
import QueryPipeline
import SigilServer
import SigilTestSupport
import Testing

@testable import SigilServerTestSupport

/// The transport alone (an echo handler, no zones) against a real client.
@Suite struct TransportServerKdigTests {
    /// The real `kdig` (knot-dnsutils) over UDP and TCP, if installed: it checks the id and question itself.
    @Test(.requires(.kdig))
    func kdigGetsAnswers() async throws {
        let server = TransportServer(
            listen: [try IPEndpoint(parsing: "127.0.0.1:0")],
            configuration: testConfiguration(),
            handlerFactory: echoFactory
        )
        let port = try await server.start()[0].port
        for transport in ["+notcp", "+tcp"] {
            let result: Subprocess.Output
            do {
                result = try Subprocess.run(
                    "kdig", ["@127.0.0.1", "-p", "\(port)", transport, "+retry=0", "+time=2", "example.", "A"])
            } catch {
                await server.stop()
                throw error
            }
            let output = result.stdout + result.stderr
            #expect(result.status == 0, "\(transport): \(output)")
            #expect(output.contains("status: NOERROR"), "\(transport): \(output)")
            #expect(output.contains("example."), "\(transport): \(output)")
            #expect(!output.lowercased().contains("mismatch"), "\(transport): \(output)")
        }
        await server.stop()
    }
}
