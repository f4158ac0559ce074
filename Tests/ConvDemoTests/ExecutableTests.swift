import Foundation
import Testing

/// Runs the built `conv-demo` and checks what a user sees: output, stderr, exit status.
struct ExecutableTests {
    @Test("--help and bench gemm --help print their golden text and exit 0", arguments: [
        (["--help"], "help.txt"),
        (["help", "bench", "gemm"], "help-bench-gemm.txt"),
        (["count-params", "--help"], "help-count-params.txt"),
    ])
    func helpMatchesGolden(arguments: [String], golden: String) throws {
        let result = try runBuiltBinary(arguments)
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty)
        try expectGolden(result.stdout, golden)
    }

    @Test("an unknown command prints error and usage on stderr and exits 64")
    func unknownCommand() throws {
        let result = try runBuiltBinary(["frobnicate"])
        #expect(result.status == 64)
        #expect(result.stdout.isEmpty)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.first == "error: unknown command 'frobnicate'")
        #expect(lines.dropFirst().first?.hasPrefix("Usage: conv-demo") == true)
    }

    @Test("an unknown option of a subcommand shows that subcommand's usage")
    func unknownOption() throws {
        let result = try runBuiltBinary(["bench", "gemm", "--size", "8"])
        #expect(result.status == 64)
        #expect(result.stderr.hasPrefix("error: unknown option '--size'\nUsage: conv-demo bench gemm [--sizes <n,n,...>]"))
    }

    @Test("bench gemm --json prints one JSON document with a row per size and thread count")
    func benchJSON() throws {
        let result = try runBuiltBinary(["bench", "gemm", "--sizes", "8,13", "--threads", "2", "--json"])
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
        let result = try runBuiltBinary(["output-size", "--input", "224", "--kernel", "7", "--stride", "2", "--padding", "3"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("width:  ⌊(224 + 2·3 − 1·(7 − 1) − 1) / 2⌋ + 1 = ⌊223 / 2⌋ + 1 = 112"))
        #expect(result.stdout.contains("output  112×112 (width × height)"))
        #expect(result.stdout.contains("1 column at the right is read by no window (223 = 2·111 + 1), all of it padding"))
    }

    @Test("output-size --json gives input, output and unused as width and height")
    func outputSizeJSON() throws {
        let result = try runBuiltBinary(["output-size", "--input", "1920x1080", "--kernel", "4x2", "--stride", "3", "--json"])
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
        let result = try runBuiltBinary(["output-size", "--input", "5", "--kernel", "7"])
        #expect(result.status == 64)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.hasPrefix("error: kernel height 7 is larger than the input height 5\nUsage: conv-demo output-size"))
    }

    @Test("count-params with no options: the 1920×1080 figures, in JSON")
    func countParamsDefault() throws {
        let result = try runBuiltBinary(["count-params", "--json"])
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(document["input"] as? [String: Int] == ["width": 1920, "height": 1080, "channels": 1])
        let conv = try #require(document["conv"] as? [String: Any])
        #expect(conv["weights"] as? Int == 9)
        #expect(conv["params"] as? Int == 10)
        #expect(conv["reuse"] as? Int == 2_067_604)
        #expect(conv["output"] as? [String: Int] == ["width": 1918, "height": 1078, "channels": 1])
        let local = try #require(document["locally_connected"] as? [String: Any])
        #expect(local["params"] as? Int == 20_676_040)
        let fc = try #require(document["fc"] as? [String: Any])
        #expect(fc["in_features"] as? Int == 2_073_600)
        #expect(fc["weights"] as? Int == 2_073_600_000)
        #expect(fc["params"] as? Int == 2_073_601_000)
    }

    @Test("count-params in words: side by side, thousands separators, the growth table")
    func countParamsText() throws {
        let result = try runBuiltBinary(["count-params", "--input", "224x224x3", "--filters", "64", "--stride", "2", "--no-bias"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("Weight sharing on a 224×224×3 input"))
        #expect(result.stdout.contains("1,728"))            // 64 · 3 · 3 · 3 weights, no biases
        #expect(result.stdout.contains("150,528,000"))      // the FC layer: 150,528 inputs × 1000
        #expect(result.stdout.contains("224×224 (this input)"))
        #expect(result.stdout.contains("3840×2160"))
    }

    @Test("count-params --model: the sample networks' totals and a row per layer")
    func countParamsModel() throws {
        let result = try runBuiltBinary(["count-params", "--model", "vgg16", "--json"])
        #expect(result.status == 0)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(document["total_params"] as? Int == 138_357_544)
        let layers = try #require(document["layers"] as? [[String: Any]])
        #expect(layers.count == 38)
        #expect(layers.first?["index"] as? Int == 1)
        #expect(layers.first?["type"] as? String == "conv")
        #expect(layers.first?["output"] as? [String: Int] == ["width": 224, "height": 224, "channels": 64])
        #expect(layers.last?["output"] as? [String: Int] == ["features": 1000])
        #expect(layers.first?["params"] as? Int == 1_792)
    }

    @Test("count-params errors: a spec mistake at its line and column (65), a missing file (66), a count beyond 64 bits (64)", arguments: [
        (["count-params", "--model", "input 32x32x3; conv 6 k=5; fc 10"], Int32(65), "error: line 1, column 28: fc needs flat features"),
        (["count-params", "--model", "conv 6 k=5; relu"], 65, "error: line 1, column 1: the network has no input size"),
        (["count-params", "--model", "no-such-model"], 66, "error: no model file 'no-such-model'"),
        (["count-params", "--input", "100000x100000x3", "--fc", "100000000000"], 64, "error: the fully-connected layer's weights, 30000000000 × 100000000000, exceed"),
        (["count-params", "--input", "5", "--kernel", "7"], 64, "error: kernel height 7 is larger than the input height 5"),
        (["count-params", "--model", "lenet5", "--kernel", "5"], 64, "error: --kernel is for the single-layer comparison"),
    ])
    func countParamsErrors(arguments: [String], status: Int32, prefix: String) throws {
        let result = try runBuiltBinary(arguments)
        #expect(result.status == status)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.hasPrefix(prefix), "\(result.stderr)")
    }

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
}
