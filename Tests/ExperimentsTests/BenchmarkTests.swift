import ConvCore
import Reporting
import Testing

@testable import Experiments

struct BenchmarkTests {
    @Test("GFLOP/s is 2·m·n·k over the seconds, and JSON keeps two decimals")
    func gflops() {
        let timing = GEMMTiming(m: 1000, n: 500, k: 2000, threads: 2, seconds: 0.125)
        #expect(timing.gflops == 16)  // 2 · 10⁹ / 0.125 s
        #expect(GEMMTiming(m: 3, n: 3, k: 3, threads: 1, seconds: 1e-7).json.serialized()
                == "{\n  \"m\": 3,\n  \"n\": 3,\n  \"k\": 3,\n  \"threads\": 1,\n  \"gflops\": 0.54\n}")
    }

    @Test("bench gemm times every size on 1 thread and on the given count, in order, and the naive loop at 256")
    func gemmRows() {
        var benchmark = GEMMBenchmark()
        (benchmark.sizes, benchmark.threads) = ([8, 13], 2)
        var statuses: [String] = []
        let result = benchmark.run { statuses.append($0) }
        #expect(result.rows.map { [$0.m, $0.n, $0.k, $0.threads] } == [[8, 8, 8, 1], [8, 8, 8, 2], [13, 13, 13, 1], [13, 13, 13, 2]])
        #expect(result.rows.allSatisfy { $0.seconds > 0 && $0.gflops == 2 * Double($0.m * $0.n * $0.k) / $0.seconds / 1e9 })
        #expect([result.naive.m, result.naive.threads] == [256, 1])
        #expect(statuses.first == "timing sgemm 8×8×8 on 1 thread…" && statuses.last == "timing the naive triple loop at 256…")
        #expect(result.text.contains("m = n = k  1 thread  2 threads  speed-up"))
    }

    @Test("bench conv's layer names are its layers', and each layer's algorithm is the one its shape calls for")
    func convLayers() throws {
        let cases = try ConvBenchmark.cases()
        #expect(cases.map(\.name) == ConvBenchmark.layerNames)
        let chosen = cases.map { $0.conv.algorithm(for: Size2D(height: $0.input.shape[2], width: $0.input.shape[3])).algorithm }
        #expect(chosen == [.direct, .winograd, .direct, .depthwise, .direct])
    }

    @Test("a bench conv row shows the forward output's error against the exact convolution, in the table and in JSON")
    func convError() {
        let row = ConvTiming(name: "mid-64-3x3", input: [1, 64, 56, 56], filters: "64 × 3×3", algorithm: .winograd, backwardAlgorithm: nil,
                             threads: 1, seconds: 0.002, gflops: 115.6, definitionGFLOPS: 0.45, relativeError: 4.26e-6)
        let result = ConvBenchmarkResult(rows: [row])
        #expect(result.text.contains("error") && result.text.contains("4.26e-06"), "\(result.text)")
        #expect(result.json.serialized().contains("\"relative_error\": 4.26e-06"), "\(result.json.serialized())")
    }

    @Test("bench conv times a layer of the user's as custom, with its algorithm and error, and refuses one that does not fit")
    func customLayer() throws {
        var benchmark = ConvBenchmark()
        benchmark.threads = 1
        var custom = ConvBenchmark.CustomLayer(size: Size2D(height: 16, width: 14), channels: 40, filters: 8)
        benchmark.custom = custom
        let rows = try benchmark.run(progress: { _ in }).rows
        #expect(rows.map(\.name) == ["custom"] && rows[0].input == [1, 40, 16, 14] && rows[0].filters == "8 × 3×3")
        #expect(rows[0].algorithm == .winograd, "3×3, 40 channels, 56 2×2 tiles: \(rows[0].algorithm)")
        #expect((rows[0].relativeError ?? 1) < 1e-5)
        custom.groups = 3
        #expect(throws: UserError(.usage, "--groups: 3 groups must divide the 40 input channels and the 8 filters")) { try custom.validate() }
        custom.groups = 1
        custom.batch = 4096
        custom.size = Size2D(64)
        #expect(throws: UserError.self) { try custom.validate() }
        custom.batch = 1
        custom.groups = 0
        #expect(throws: UserError.self) { try custom.validate() }
        custom.groups = 1
        benchmark.custom = custom
        #expect(benchmark.computesTheLayer(with: .winograd))
        benchmark.custom?.stride = 2
        #expect(!benchmark.computesTheLayer(with: .winograd) && benchmark.computesTheLayer(with: .direct))
    }

    @Test("bench layers times the floor first, then every layer forward and backward, and its ratios are to the floor")
    func layerRows() throws {
        var benchmark = LayerBenchmark()
        (benchmark.batch, benchmark.channels, benchmark.size) = (2, 3, Size2D(height: 6, width: 10))
        var statuses: [String] = []
        let result = try benchmark.run { statuses.append($0) }
        #expect(result.shape == [2, 3, 6, 10])
        #expect(result.rows.map(\.layer) == ["floor: 2x + 1", "relu", "relu", "tanh", "tanh", "sigmoid", "sigmoid", "batchnorm (training)",
                                             "batchnorm (training)", "maxpool 2×2", "maxpool 2×2", "avgpool 2×2", "avgpool 2×2"])
        #expect(result.rows.dropFirst().map(\.pass) == Array(repeating: ["forward", "backward"], count: 6).flatMap { $0 })
        #expect(result.rows.allSatisfy { $0.seconds > 0 })
        #expect(statuses.first == "timing floor: 2x + 1 forward…")
        #expect(result.text.contains("10×6×3 ×2"))
        guard case .object(let members) = result.json, case .array(let rows)? = members.first(where: { $0.0 == "layers" })?.1,
              case .object(let first)? = rows.first else { Issue.record("no layers in \(result.json.serialized())"); return }
        #expect(first.map(\.0) == ["layer", "pass", "ms", "floor_ratio"])
    }

    @Test("bench layers refuses a tensor past its bound, naming the options, before allocating it")
    func layerBound() {
        var benchmark = LayerBenchmark()
        (benchmark.batch, benchmark.channels, benchmark.size) = (4096, 64, Size2D(height: 1080, width: 1920))
        #expect(throws: UserError.self) { try benchmark.run { _ in } }
        do { _ = try benchmark.run { _ in } } catch { #expect(error.message.hasPrefix("--batch, --input:")) }
    }

    @Test("several suites print as one: their sections in order, their JSON members side by side")
    func combining() {
        struct Suite: Report {
            let text: String
            let json: JSON
        }
        let combined = BenchmarkReport(combining: [Suite(text: "A\n", json: .object([("a", .int(1))])),
                                                   Suite(text: "B\n", json: .object([("b", .int(2))]))])
        #expect(combined.text == "A\n\nB\n")
        #expect(combined.json.serialized() == "{\n  \"a\": 1,\n  \"b\": 2\n}")
    }
}
