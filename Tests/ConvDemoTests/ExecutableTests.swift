import Foundation
import Testing

/// The built `conv-demo` on inputs made for the test, beside the recorded cases of
/// GoldenTests.
struct ExecutableTests {
    @Test("a file too large to be a spec is refused before it is read")
    func countParamsHugeFile() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("conv-demo-huge-\(UUID().uuidString).txt")
        FileManager.default.createFile(atPath: file.path, contents: nil)
        let handle = try FileHandle(forWritingTo: file)
        try handle.truncate(atOffset: 2 << 20)
        try handle.close()
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try runBuiltBinary(["count-params", "--model", file.path])
        #expect(result.status == 65)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.hasSuffix("has 2,097,152 bytes; it may have at most 1,048,576\n"))
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
}
