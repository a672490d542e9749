import DNSWire
import Foundation
import Testing

@testable import DNSZone

/// `$INCLUDE` against real files in a fresh temporary directory.
@Suite struct ZoneIncludeTests {
    /// Writes `files` (relative path → text) under a new temporary directory and returns it.
    private func directory(_ files: [String: String]) throws -> String {
        let root = FileManager.default.temporaryDirectory
            .appendingPathComponent("zparse-\(UUID().uuidString)").path
        for (path, text) in files {
            let url = URL(fileURLWithPath: root + "/" + path)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        return root
    }

    private let origin = try! DNSName(text: "example.com.")

    @Test func includeIsRelativeToTheIncludingFileAndItsOriginAndTTLStayInside() throws {
        let root = try directory([
            "zones/main.zone": """
            $TTL 300
            @ SOA ns hm 1 2 3 4 5
            www A 192.0.2.1
            $INCLUDE sub/hosts.inc hosts
              AAAA ::1
            after A 192.0.2.9
            """,
            "zones/sub/hosts.inc": """
            $TTL 60
            @ A 192.0.2.2
            a A 192.0.2.3
            $ORIGIN deep
            b A 192.0.2.4
            $INCLUDE ../more.inc
            """,
            "zones/more.inc": "c A 192.0.2.5\n",
        ])
        let result = ZoneFileParser.parse(file: root + "/zones/main.zone", origin: origin)
        #expect(result.diagnostics.isEmpty)
        #expect(
            result.lines == [
                "example.com. 300 IN SOA ns.example.com. hm.example.com. 1 2 3 4 5",
                "www.example.com. 300 IN A 192.0.2.1",
                "hosts.example.com. 60 IN A 192.0.2.2",
                "a.hosts.example.com. 60 IN A 192.0.2.3",
                "b.deep.hosts.example.com. 60 IN A 192.0.2.4",
                "c.deep.hosts.example.com. 60 IN A 192.0.2.5",
                // Back in the parent: its owner, origin and $TTL again.
                "www.example.com. 300 IN AAAA ::1",
                "after.example.com. 300 IN A 192.0.2.9",
            ])
    }

    @Test func errorsInAnIncludedFileNameThatFile() throws {
        let root = try directory([
            "main.zone": "$TTL 1\n@ SOA ns hm 1 2 3 4 5\n$INCLUDE bad.inc\nx A 1.2\n",
            "bad.inc": "ok A 192.0.2.1\n\nbad  A 192.0.2.300\n",
        ])
        let result = ZoneFileParser.parse(file: root + "/main.zone", origin: origin)
        #expect(
            result.errors.map(\.description) == [
                "\(root)/bad.inc:3:8: error: expected an IPv4 address, found \"192.0.2.300\"",
                "\(root)/main.zone:4:5: error: expected an IPv4 address, found \"1.2\"",
            ])
    }

    @Test func includeLoopIsAnError() throws {
        let root = try directory([
            "a.zone": "$TTL 1\n@ SOA ns hm 1 2 3 4 5\n$INCLUDE b.inc\n",
            "b.inc": "b A 192.0.2.1\n$INCLUDE   ./a.zone\n",
        ])
        let result = ZoneFileParser.parse(file: root + "/a.zone", origin: origin)
        #expect(result.errors.count == 1)
        #expect(result.errors.first?.file == root + "/b.inc")
        #expect(result.errorLines == ["2:12: $INCLUDE loop: \(root)/./a.zone is already being read"])
        #expect(result.records.count == 2)
    }

    @Test func selfIncludeIsAnError() throws {
        let root = try directory(["a.zone": "$TTL 1\n@ SOA ns hm 1 2 3 4 5\n$INCLUDE a.zone\n"])
        let result = ZoneFileParser.parse(file: root + "/a.zone", origin: origin)
        #expect(result.errorLines == ["3:10: $INCLUDE loop: \(root)/a.zone is already being read"])
    }

    @Test func includeDepthIsLimited() throws {
        var files = ["f0.zone": "$TTL 1\n@ SOA ns hm 1 2 3 4 5\n$INCLUDE f1.inc\n"]
        for level in 1...20 { files["f\(level).inc"] = "$INCLUDE f\(level + 1).inc\n" }
        files["f21.inc"] = "deep A 192.0.2.1\n"
        let root = try directory(files)
        let result = ZoneFileParser.parse(file: root + "/f0.zone", origin: origin)
        #expect(result.errors.count == 1)
        #expect(result.errors.first?.message == "$INCLUDE nested more than \(ZoneFileParser.maxIncludeDepth) deep")
        #expect(result.errors.first?.file == "\(root)/f\(ZoneFileParser.maxIncludeDepth - 1).inc")
    }

    @Test func missingIncludeIsAnErrorAtItsFileName() throws {
        let root = try directory(["a.zone": "$TTL 1\n@ SOA ns hm 1 2 3 4 5\n$INCLUDE \"no such.inc\" sub\n"])
        let result = ZoneFileParser.parse(file: root + "/a.zone", origin: origin)
        #expect(result.errorLines == ["3:10: cannot read \(root)/no such.inc: No such file or directory"])
    }
}
