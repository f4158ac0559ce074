import GEMM
import Reporting
import SeededRandom

/// `bench gemm`: the speed of `sgemm` on square matrices, on one thread and on `threads`,
/// with the naive triple loop for scale.
public struct GEMMBenchmark: Sendable {
    public var sizes = [256, 512, 1024, 2048]
    /// At most this many threads (default: every core the process may run on).
    public var threads = availableCores

    public init() {}

    /// Times every size on 1 thread and on `threads`, then the naive loop at 256.
    public func run(progress: (String) -> Void) -> GEMMBenchmarkResult {
        let threadCounts = threads > 1 ? [1, threads] : [1]
        var rows: [GEMMTiming] = []
        for size in sizes {
            for threads in threadCounts {
                progress("timing sgemm \(size)×\(size)×\(size) on \(threads) thread\(threads > 1 ? "s" : "")…")
                rows.append(GEMMTiming.measure(size: size, threads: threads))
            }
        }
        progress("timing the naive triple loop at 256…")
        return GEMMBenchmarkResult(threadCounts: threadCounts, rows: rows, naive: GEMMTiming.measureNaive(size: 256))
    }
}

/// What `bench gemm` measured: a timing per size and thread count, in that order, and the
/// naive loop's.
public struct GEMMBenchmarkResult: Report, Sendable {
    public let threadCounts: [Int]
    public let rows: [GEMMTiming]
    public let naive: GEMMTiming
    /// The instruction set of the kernel timed (`GEMMKernel.selected`).
    public var kernel = GEMMKernel.selected.instructionSet.rawValue

    public var text: String {
        var table = TextTable([("m = n = k", .right)] + threadCounts.map { ("\($0) thread\($0 > 1 ? "s" : "")", .right) }
            + (threadCounts.count > 1 ? [("speed-up", .right)] : []))
        for start in stride(from: 0, to: rows.count, by: threadCounts.count) {
            let timings = rows[start..<start + threadCounts.count]
            let speedUp = timings.count > 1 ? ["\(fixed(timings.last!.gflops / timings.first!.gflops, 2))×"] : []
            table.append(["\(timings.first!.m)"] + timings.map { fixed($0.gflops, 1) } + speedUp)
        }
        let fastAt256 = rows.first { $0.m == 256 && $0.threads == 1 }
        let comparison = fastAt256.map { "; sgemm on 1 thread: \(fixed($0.gflops / naive.gflops, 0))× faster" } ?? ""
        return """
            SGEMM, C = A·B, single precision: GFLOP/s = 2·m·n·k / best time
            kernel: \(GEMMKernel.selected)

            \(table.rendered())
            naive triple loop at 256, 1 thread: \(fixed(naive.gflops, 2)) GFLOP/s\(comparison)

            """
    }

    public var json: JSON {
        .object([("kernel", .string(kernel)), ("gemm", .array(rows.map(\.json))), ("naive_gemm", .array([naive.json]))])
    }
}

/// One timed multiplication.
public struct GEMMTiming: Sendable {
    public var m, n, k, threads: Int
    /// The best time of several runs.
    public var seconds: Double

    /// 2·m·n·k floating-point operations over the seconds.
    public var gflops: Double { 2 * Double(m) * Double(n) * Double(k) / seconds / 1e9 }

    var json: JSON {
        .object([("m", .int(m)), ("n", .int(n)), ("k", .int(k)), ("threads", .int(threads)), ("gflops", .number(rounded(gflops)))])
    }

    static func measure(size n: Int, threads: Int) -> GEMMTiming {
        var (a, b, c) = squareOperands(n)
        let seconds = bestTime {
            sgemm(.asStored, .asStored, m: n, n: n, k: n, a: a, lda: n, b: b, ldb: n, c: &c, ldc: n, threads: threads)
        }
        return GEMMTiming(m: n, n: n, k: n, threads: threads, seconds: seconds)
    }

    static func measureNaive(size n: Int) -> GEMMTiming {
        var (a, b, c) = squareOperands(n)
        let seconds = bestTime(minimumRuns: 1, budget: 0) {
            naiveSGEMM(.asStored, .asStored, m: n, n: n, k: n, a: a, lda: n, b: b, ldb: n, c: &c, ldc: n)
        }
        return GEMMTiming(m: n, n: n, k: n, threads: 1, seconds: seconds)
    }

    /// Seeded random n × n matrices A and B in [-1, 1), and a zero C.
    private static func squareOperands(_ n: Int) -> ([Float], [Float], [Float]) {
        var random = SeededGenerator(seed: UInt64(n))
        return (random.floats(n * n, in: -1..<1), random.floats(n * n, in: -1..<1), [Float](repeating: 0, count: n * n))
    }
}

/// Two decimals are plenty for a speed and keep the JSON readable.
func rounded(_ value: Double) -> Double { (value * 100).rounded() / 100 }
