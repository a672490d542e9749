import QueryPipeline
import Testing

@testable import SigilServer

@Suite struct TCPConnectionRegistryTests {
    let a = IPAddress("192.0.2.1")!
    let b = IPAddress("192.0.2.2")!

    func idle(_ since: Int64) -> TCPConnectionActivity {
        let activity = TCPConnectionActivity()
        activity.markIdle(at: since)
        return activity
    }

    @Test func limitsConnectionsPerClient() {
        var registry = TCPConnectionRegistry(limits: .init(maxConnections: 10, maxPerClient: 2))
        #expect(registry.admit(id: 1, client: a, activity: TCPConnectionActivity()) == .admitted)
        #expect(registry.admit(id: 2, client: a, activity: TCPConnectionActivity()) == .admitted)
        // Both of a's connections are mid-message: a third is refused, while b is still welcome.
        #expect(registry.admit(id: 3, client: a, activity: TCPConnectionActivity()) == .refused)
        #expect(registry.admit(id: 4, client: b, activity: TCPConnectionActivity()) == .admitted)
        #expect(registry.connections(of: a) == 2 && registry.count == 3)
        registry.remove(id: 1)
        registry.remove(id: 1)  // idempotent
        #expect(registry.connections(of: a) == 1)
        #expect(registry.admit(id: 5, client: a, activity: TCPConnectionActivity()) == .admitted)
    }

    @Test func evictsTheClientsOwnOldestIdleConnectionAtItsLimit() {
        var registry = TCPConnectionRegistry(limits: .init(maxConnections: 10, maxPerClient: 3))
        _ = registry.admit(id: 1, client: a, activity: idle(300))
        _ = registry.admit(id: 2, client: a, activity: idle(100))
        _ = registry.admit(id: 3, client: a, activity: TCPConnectionActivity())
        _ = registry.admit(id: 4, client: b, activity: idle(1))  // older, but another client's
        #expect(registry.admit(id: 5, client: a, activity: TCPConnectionActivity()) == .admittedEvicting(2))
        #expect(registry.connections(of: a) == 3 && registry.count == 4)
    }

    @Test func evictsTheOldestIdleConnectionAtCapacity() {
        var registry = TCPConnectionRegistry(limits: .init(maxConnections: 3, maxPerClient: 3))
        let busy = TCPConnectionActivity()
        _ = registry.admit(id: 1, client: a, activity: busy)
        _ = registry.admit(id: 2, client: a, activity: idle(50))
        _ = registry.admit(id: 3, client: b, activity: idle(20))
        #expect(registry.isBusy)
        #expect(registry.admit(id: 4, client: b, activity: busy) == .admittedEvicting(3))
        #expect(registry.admit(id: 5, client: b, activity: busy) == .admittedEvicting(2))
        // Only connections in the middle of a message are left: the next one is refused.
        #expect(registry.admit(id: 6, client: b, activity: TCPConnectionActivity()) == .refused)
        #expect(registry.count == 3)
    }

    @Test func evictsAClientThatDoesNotReadWhenNoneIsIdle() {
        var registry = TCPConnectionRegistry(limits: .init(maxConnections: 2, maxPerClient: 2))
        let stuck = TCPConnectionActivity()
        stuck.markBlocked(at: 10)
        _ = registry.admit(id: 1, client: a, activity: TCPConnectionActivity())
        _ = registry.admit(id: 2, client: a, activity: stuck)
        #expect(registry.admit(id: 3, client: b, activity: idle(5)) == .admittedEvicting(2))
        // An idle connection goes before one whose answers wait, however long they have waited.
        let stuckLonger = TCPConnectionActivity()
        stuckLonger.markBlocked(at: 1)
        registry.remove(id: 1)
        _ = registry.admit(id: 4, client: a, activity: stuckLonger)
        #expect(registry.admit(id: 5, client: b, activity: TCPConnectionActivity()) == .admittedEvicting(3))
    }

    @Test func isBusyAboveHalfTheSlots() {
        var registry = TCPConnectionRegistry(limits: .init(maxConnections: 4, maxPerClient: 4))
        _ = registry.admit(id: 1, client: a, activity: TCPConnectionActivity())
        _ = registry.admit(id: 2, client: a, activity: TCPConnectionActivity())
        #expect(!registry.isBusy)
        _ = registry.admit(id: 3, client: a, activity: TCPConnectionActivity())
        #expect(registry.isBusy)
    }

    @Test func countsIPv6ClientsByPrefix() {
        var registry = TCPConnectionRegistry(limits: .init(maxConnections: 10, maxPerClient: 1))
        #expect(registry.admit(id: 1, client: IPAddress("2001:db8:1:2::1")!, activity: busyActivity) == .admitted)
        // The same /64: the same client.
        #expect(registry.admit(id: 2, client: IPAddress("2001:db8:1:2:ffff::9")!, activity: busyActivity) == .refused)
        #expect(registry.admit(id: 3, client: IPAddress("2001:db8:1:3::1")!, activity: busyActivity) == .admitted)

        let key = { (text: String, v4: Int, v6: Int) in
            TCPClientKey(IPAddress(text)!, ipv4Prefix: v4, ipv6Prefix: v6)
        }
        #expect(key("192.0.2.1", 32, 64) != key("192.0.2.2", 32, 64))
        #expect(key("192.0.2.1", 24, 64) == key("192.0.2.200", 24, 64))
        #expect(key("192.0.2.1", 24, 64) != key("192.0.3.1", 24, 64))
        #expect(key("2001:db8::1", 32, 56) == key("2001:db8:0:ff::1", 32, 56))
        #expect(key("2001:db8::1", 32, 56) != key("2001:db8:0:100::1", 32, 56))
        #expect(key("2001:db8::1", 32, 128) != key("2001:db8::2", 32, 128))
    }

    private var busyActivity: TCPConnectionActivity { TCPConnectionActivity() }
}
