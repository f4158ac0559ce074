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

    @Test("output-size prints the formula with the numbers filled in and what the stride leaves unused")
    func outputSizeText() throws {
        let result = try runConvDemo(["output-size", "--input", "224", "--kernel", "7", "--stride", "2", "--padding", "3"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("width:  ⌊(224 + 2·3 − 1·(7 − 1) − 1) / 2⌋ + 1 = ⌊223 / 2⌋ + 1 = 112"))
        #expect(result.stdout.contains("output  112×112 (width × height)"))
        #expect(result.stdout.contains("1 column at the right is read by no window (223 = 2·111 + 1), all of it padding"))
    }

    @Test("output-size --json gives input, output and unused as width and height")
    func outputSizeJSON() throws {
        let result = try runConvDemo(["output-size", "--input", "1920x1080", "--kernel", "4x2", "--stride", "3", "--json"])
        #expect(result.status == 0)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        func size(_ key: String) -> [Int]? {
            (document[key] as? [String: Int]).map { [$0["width"] ?? -1, $0["height"] ?? -1] }
        }
        #expect(size("input") == [1920, 1080])
        #expect(size("output") == [639, 360])   // ⌊1916/3⌋ + 1, ⌊1078/3⌋ + 1
        #expect(size("unused") == [2, 1])       // 1916 = 3·638 + 2, 1078 = 3·359 + 1
    }

    @Test("an impossible geometry exits 64 with one line naming the number")
    func outputSizeError() throws {
        let result = try runConvDemo(["output-size", "--input", "5", "--kernel", "7"])
        #expect(result.status == 64)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.hasPrefix("error: kernel height 7 is larger than the input height 5\nUsage: conv-demo output-size"))
    }

    @Test("count-params says it is a stub until its issue lands")
    func countParamsStub() throws {
        let result = try runConvDemo(["count-params"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("not implemented yet"))
    }
}
