import Foundation
import Testing

/// Runs the built `conv-demo` and checks what a user sees: output, stderr, exit status.
struct ExecutableTests {
    @Test("--help and bench gemm --help print their golden text and exit 0", arguments: [
        (["--help"], "help.txt"),
        (["help", "bench", "gemm"], "help-bench-gemm.txt"),
    ])
    func helpMatchesGolden(arguments: [String], golden: String) throws {
        let result = try runConvDemo(arguments)
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty)
        try expectGolden(result.stdout, golden)
    }

    @Test("an unknown command prints error and usage on stderr and exits 64")
    func unknownCommand() throws {
        let result = try runConvDemo(["frobnicate"])
        #expect(result.status == 64)
        #expect(result.stdout.isEmpty)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.first == "error: unknown command 'frobnicate'")
        #expect(lines.dropFirst().first?.hasPrefix("Usage: conv-demo") == true)
    }

    @Test("an unknown option of a subcommand shows that subcommand's usage")
    func unknownOption() throws {
        let result = try runConvDemo(["bench", "gemm", "--size", "8"])
        #expect(result.status == 64)
        #expect(result.stderr.hasPrefix("error: unknown option '--size'\nUsage: conv-demo bench gemm [--sizes <n,n,...>]"))
    }

    @Test("bench gemm --json prints one JSON document with a row per size and thread count")
    func benchJSON() throws {
        let result = try runConvDemo(["bench", "gemm", "--sizes", "8,13", "--threads", "2", "--json"])
        #expect(result.status == 0)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let rows = try #require(document["gemm"] as? [[String: Any]])
        #expect(rows.map { $0["m"] as? Int } == [8, 8, 13, 13])
        #expect(rows.map { $0["threads"] as? Int } == [1, 2, 1, 2])
        #expect(rows.allSatisfy { ($0["gflops"] as? Double ?? 0) > 0 && $0["n"] as? Int == $0["m"] as? Int && $0["k"] as? Int == $0["m"] as? Int })
        let naive = try #require(document["naive_gemm"] as? [[String: Any]])
        #expect(naive.first?["m"] as? Int == 256)
    }

    @Test("count-params says it is a stub until its issue lands")
    func countParamsStub() throws {
        let result = try runConvDemo(["count-params"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("not implemented yet"))
    }
}
