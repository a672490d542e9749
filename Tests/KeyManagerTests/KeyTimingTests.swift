import DNSSEC
import DNSWire
import Foundation
import KeyManager
import Testing

@Suite struct KeyTimingTests {
    @Test func stampsAreBINDs() throws {
        #expect(KeyTiming.seconds("20261203042455") == 1_796_271_895)
        #expect(KeyTiming.stamp(1_796_271_895) == "20261203042455")
        #expect(KeyTiming.seconds("2026120304245") == nil)
        #expect(KeyTiming.seconds("20261303042455") == nil)
        #expect(throws: TimingError.self) { try KeyTiming(fields: [("Activate", "soon")]) }
    }

    /// The `.key` comments BIND writes (here as dnssec-settime left them) are read back.
    @Test func keyFileComments() throws {
        let text = """
            ; This is a key-signing key, keyid 55714, for z.test.
            ; Created: 20261203042455 (Thu Dec  3 04:24:55 2026)
            ; Publish: 20261203042455 (Thu Dec  3 04:24:55 2026)
            ; Activate: 20261203042455 (Thu Dec  3 04:24:55 2026)
            ; Inactive: 20261203044135 (Thu Dec  3 04:41:35 2026)
            ; SyncPublish: 20261203042525 (Thu Dec  3 04:25:25 2026)
            z.test. 300 IN DNSKEY 257 3 13 ITlmAe+pdShE4xRZ8jyBsFiuZP9Xvx6BeGrfC88wiPKK5ax0nBOuJW9q YjwuDEd/yE4aK+n831JRp2Ao+lwYGg==
            """
        let timing = try KeyTiming(keyFileText: text)
        #expect(timing.created == 1_796_271_895 && timing.activate == 1_796_271_895)
        #expect(timing.inactive == 1_796_272_895)
        #expect(timing.syncPublish == 1_796_271_925)
        #expect(timing.delete == nil)
        #expect(timing.commentLines[0] == "Created: 20261203042455 (Thu Dec  3 04:24:55 2026)")
    }

    /// The manager writes the planner's timing into both files of each key, and reads it back.
    @Test func managerWritesTimingToBothFiles() throws {
        let directory = NSTemporaryDirectory() + "sigil-keys-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let zone = try DNSName(text: "z.test.")
        let policy = KeyPolicy(
            zskLifetime: 100, kskLifetime: 0, propagationDelay: 2, dnskeyTTL: 5, dsTTL: 3, maxZoneTTL: 10)
        let manager = ZoneKeyManager(zone: zone, directory: directory, policy: policy)
        let now: Int64 = 1_796_271_895
        let first = try manager.run(now: now)
        #expect(first.keys.count == 2)
        #expect(first.nextEvent == now + 93)
        let rolled = try manager.run(now: now + 93)
        #expect(rolled.keys.count == 3)
        #expect(rolled.steps.first?.hasPrefix("ZSK rollover started") == true)
        let (planned, stored) = try manager.load()
        let old = try #require(planned.first { !$0.sep && $0.timing.inactive != nil })
        #expect(old.timing.inactive == now + 100 && old.timing.delete == now + 112)
        let files = try #require(stored[old.id])
        let privateText = try String(contentsOfFile: files.privateKeyPath, encoding: .utf8)
        #expect(privateText.contains("Inactive: \(KeyTiming.stamp(now + 100))\n"))
        #expect(privateText.hasPrefix("Private-key-format: v1.3\nAlgorithm: 13"))
        let publicText = try String(contentsOfFile: files.publicKeyPath, encoding: .utf8)
        #expect(publicText.contains("; Delete: \(KeyTiming.stamp(now + 112)) ("))
        #expect(try KeyTiming(keyFileText: publicText) == old.timing)
        let mode = try FileManager.default.attributesOfItem(atPath: files.privateKeyPath)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        // Nothing more to do at the same moment; the roles follow the files.
        #expect(try manager.run(now: now + 93).steps.isEmpty)
    }
}
