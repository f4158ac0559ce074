import Foundation
import Testing

/// The built `conv-demo` on inputs made for the test, beside the recorded cases of
/// GoldenTests.
struct ExecutableTests {
    @Test("a file too large to be a spec is refused before it is read")
    func countParamsHugeFile() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("conv-demo-huge-\(UUID().uuidString).txt")
        #expect(FileManager.default.createFile(atPath: file.path, contents: nil))
        let handle = try FileHandle(forWritingTo: file)
        try handle.truncate(atOffset: 2 << 20)
        try handle.close()
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try runBuiltBinary(["count-params", "--model", file.path])
        #expect(result.status == 65)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.hasSuffix("has more than 1,048,576 bytes; it is not one\n"))
    }

    @Test("a spec file's mistakes are reported as FILE:LINE:COLUMN")
    func countParamsFileError() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("conv-demo-spec-\(UUID().uuidString).txt")
        try "input 32x32x3\n# a comment\n  conv 6 k=5 g=2\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try runBuiltBinary(["count-params", "--model", file.path])
        #expect(result.status == 65)
        #expect(result.stderr == "error: \(file.path):3:3: groups 2 do not divide the 3 input channels\n")
    }

    @Test("bench gemm --json: a row per size and thread count, in order, and the naive loop at 256")
    func benchJSON() throws {
        let result = try runBuiltBinary(["bench", "gemm", "--sizes", "8,13", "--threads", "2", "--json"])
        #expect(result.status == 0)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let rows = try #require(document["gemm"] as? [[String: Any]])
        #expect(rows.map { [$0["m"], $0["n"], $0["k"], $0["threads"]] as? [Int] } == [[8, 8, 8, 1], [8, 8, 8, 2], [13, 13, 13, 1], [13, 13, 13, 2]])
        #expect(rows.allSatisfy { ($0["gflops"] as? Double)?.isFinite == true })
        let naive = try #require(document["naive_gemm"] as? [[String: Any]])
        #expect(naive.map { $0["m"] as? Int } == [256])
    }

    @Test("CONV_DEMO_KERNEL forces a kernel, and one that cannot run here is a usage error before any work")
    func forcedKernel() throws {
        let portable = try runBuiltBinary(["bench", "gemm", "--sizes", "8", "--threads", "1", "--json"], environment: ["CONV_DEMO_KERNEL": "portable"])
        #expect(portable.status == 0)
        #expect(portable.stdout.hasPrefix("{\n  \"kernel\": \"portable\",\n"), "\(portable.stdout)")
        let unknown = try runBuiltBinary(["count-params"], environment: ["CONV_DEMO_KERNEL": "sse9"])
        #expect(unknown.status == 64)
        #expect(unknown.stdout.isEmpty)
        #expect(unknown.stderr == "error: CONV_DEMO_KERNEL=sse9: no such kernel (portable, avx2, avx512)\n")
    }

    @Test("an argument that is not UTF-8 is a usage error naming its position, not a file silently renamed")
    func nonUTF8Argument() throws {
        let binary = productsDirectory.appendingPathComponent("conv-demo").path
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("conv-demo-utf8-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try runBuiltBinary(["-c", #"exec "$0" featuremap "$(printf '\377.pgm')" --out "$(printf 'out\377')""#, binary],
                                        in: folder, binary: URL(fileURLWithPath: "/bin/sh"))
        #expect(result.status == 64)
        #expect(result.stderr == "error: argument 2 is not UTF-8 text: conv-demo takes paths and values in UTF-8\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }

    @Test("an error quoting a megabyte-long word stays one short line")
    func longWordInError() throws {
        let word = String(repeating: "w", count: 100_000)
        let result = try runBuiltBinary(["count-params", "--model", word])
        #expect(result.status == 66)
        #expect(result.stderr.split(separator: "\n").count == 1 && result.stderr.count < 400, "\(result.stderr.prefix(300))")
        #expect(result.stderr.contains("… (100,003 characters)"), "\(result.stderr.suffix(120))")
    }

    @Test("SIGINT and SIGTERM during the work leave nothing: no staging directory, no folder made for the output", arguments: [SIGINT, SIGTERM])
    func interrupted(_ signalNumber: Int32) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("conv-demo-signal-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let image = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Samples/coffee-1920x1080.pgm").path
        let process = Process()
        process.executableURL = productsDirectory.appendingPathComponent("conv-demo")
        process.arguments = ["featuremap", image, "--random", "16", "--random-size", "31", "--out", "made/for/maps", "--threads", "1"]
        process.currentDirectoryURL = folder
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Wait until the staging directory exists: the work has begun.
        let parent = folder.appendingPathComponent("made/for")
        let deadline = Date().addingTimeInterval(60)
        while process.isRunning, Date() < deadline,
              (try? FileManager.default.contentsOfDirectory(atPath: parent.path))?.contains(where: { $0.hasPrefix(".maps.staging-") }) != true {
            usleep(5_000)
        }
        #expect(process.isRunning, "the run ended before it could be interrupted")
        kill(process.processIdentifier, signalNumber)
        process.waitUntilExit()
        #expect(process.terminationStatus == 128 + signalNumber)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }
}
