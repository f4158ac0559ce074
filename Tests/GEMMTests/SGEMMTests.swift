import SeededRandom
import Testing

@testable import GEMM

/// The fast `sgemm` against the naive triple loop, on shapes chosen to hit every edge of
/// the blocking: tiles cut by MR = 6 and NR = 16, blocks cut by MC, KC and NC, views with
/// leading dimensions wider than the matrix, every transpose, alpha and beta.
struct SGEMMTests {
    struct Shape: CustomTestStringConvertible, Sendable {
        var m, n, k: Int
        var testDescription: String { "\(m)×\(n)×\(k)" }
    }

    /// MR, and the widest NR among the kernels this CPU runs (the others' tiles divide it).
    static let (mr, nr) = (GEMMKernel.rows, GEMMKernel.available.map(\.columns).max()!)
    static let (kc, mc, nc) = (CacheBlocking.kc, CacheBlocking.running.mc, CacheBlocking.running.nc)

    static let shapes: [Shape] = [
        Shape(m: 1, n: 1, k: 1),
        Shape(m: 257, n: 129, k: 65),           // primes: every tile and block has an edge
        Shape(m: 7, n: 17, k: 1),               // k = 1: a rank-one update
        Shape(m: mr, n: nr, k: 2 * kc + 1),     // exactly one tile, three passes over k
        Shape(m: 1000, n: 3, k: 20),            // tall and skinny
        Shape(m: 3, n: 1000, k: 20),            // short and wide
        Shape(m: mc + 7, n: 33, k: kc + 1),     // a second, thin row block; two passes over k
        Shape(m: 13, n: nc + nr + 3, k: 5),     // a second column block, its last panel cut
    ]

    static let transposes: [(Transpose, Transpose)] = [(.asStored, .asStored), (.asStored, .transposed), (.transposed, .asStored), (.transposed, .transposed)]

    @Test("sgemm equals the naive reference", arguments: shapes)
    func matchesReference(shape: Shape) {
        for (transA, transB) in Self.transposes {
            // The reference product is computed once per shape and transpose pair; each
            // alpha and beta then only combine it with C.
            let operands = Operands(shape, transA, transB, padding: 0)
            for (alpha, beta) in [(Float(1), Float(0)), (1, 1), (-0.5, 2), (0.75, -1)] {
                for kernel in GEMMKernel.available {
                    check(operands, alpha: alpha, beta: beta, kernel: kernel, threads: 2)
                }
            }
        }
    }

    @Test("leading dimensions wider than the matrix: only the matrix is read and written", arguments: [Shape(m: 31, n: 19, k: 23), Shape(m: 6, n: 16, k: 1)])
    func stridedViews(shape: Shape) {
        for (transA, transB) in Self.transposes {
            check(Operands(shape, transA, transB, padding: 5), alpha: 1.5, beta: 0.5, kernel: GEMMKernel.selected, threads: 2)
        }
    }

    @Test("beta = 0 overwrites C without reading it, even where C holds NaN")
    func betaZeroIgnoresNaN() {
        let (m, n, k) = (37, 45, 29)
        var random = SeededGenerator(seed: 7)
        let a = random.floats(m * k, in: -1..<1), b = random.floats(k * n, in: -1..<1)
        for kernel in GEMMKernel.available {
            var c = [Float](repeating: .nan, count: m * n)
            var expected = [Float](repeating: .nan, count: m * n)
            run(kernel, .asStored, .asStored, m: m, n: n, k: k, alpha: 1, a: a, lda: k, b: b, ldb: n, beta: 0, c: &c, ldc: n, threads: 1)
            naiveSGEMM(.asStored, .asStored, m: m, n: n, k: k, a: a, lda: k, b: b, ldb: n, beta: 0, c: &expected, ldc: n)
            #expect(expected.allSatisfy { $0.isFinite })
            let worst = zip(c, expected).map { abs($0 - $1) }.max() ?? .nan
            #expect(worst <= 1e-4, "\(kernel): max error \(worst)")
        }
    }

    @Test("k = 0 or alpha = 0 scales C by beta, and beta = 0 then gives zeros over NaN")
    func noProduct() {
        var c: [Float] = [1, 2, 3, 4]
        sgemm(.asStored, .asStored, m: 2, n: 2, k: 0, a: [], lda: 1, b: [], ldb: 2, beta: 3, c: &c, ldc: 2)
        #expect(c == [3, 6, 9, 12])
        c = [.nan, .nan, .nan, .nan]
        sgemm(.asStored, .asStored, m: 2, n: 2, k: 1, alpha: 0, a: [1, 1], lda: 1, b: [1, 1], ldb: 2, beta: 0, c: &c, ldc: 2)
        #expect(c == [0, 0, 0, 0])
    }

    @Test("empty products: m = 0 or n = 0 leave C alone, k = 0 scales it, and a packed A may have k = 0")
    func emptyProducts() {
        var c: [Float] = [1, 2, 3, 4]
        sgemm(.asStored, .asStored, m: 0, n: 2, k: 3, a: [], lda: 3, b: [1, 2, 3, 4, 5, 6], ldb: 2, beta: 5, c: &c, ldc: 2)
        #expect(c == [1, 2, 3, 4])
        sgemm(.asStored, .asStored, m: 2, n: 0, k: 3, a: [1, 2, 3, 4, 5, 6], lda: 3, b: [], ldb: 1, beta: 5, c: &c, ldc: 1)
        #expect(c == [1, 2, 3, 4])
        sgemm(.asStored, .transposed, m: 2, n: 2, k: 0, a: [], lda: 1, b: [], ldb: 1, beta: -1, c: &c, ldc: 2)
        #expect(c == [-1, -2, -3, -4])

        let packed = [Float]().withUnsafeBufferPointer { PackedMatrix(.asStored, rows: 3, depth: 0, a: $0, lda: 1) }
        #expect((packed.rows, packed.depth) == (3, 0))
        var d: [Float] = [1, 2, 3, 4, 5, 6]
        [Float]().withUnsafeBufferPointer { b in
            d.withUnsafeMutableBufferPointer { d in sgemm(packed, .asStored, n: 2, b: b, ldb: 2, beta: 2, c: d, ldc: 2) }
        }
        #expect(d == [2, 4, 6, 8, 10, 12])
        let noRows = [Float]().withUnsafeBufferPointer { PackedMatrix(.transposed, rows: 0, depth: 4, a: $0, lda: 1) }
        var e: [Float] = []
        [Float](repeating: 1, count: 8).withUnsafeBufferPointer { b in
            e.withUnsafeMutableBufferPointer { e in sgemm(noRows, .asStored, n: 2, b: b, ldb: 2, c: e, ldc: 2) }
        }
        #expect(e.isEmpty)
    }

    @Test("a buffer too short for the matrix its shape describes stops the program before it is read or written")
    func shortBuffersTrap() async {
        await #expect(processExitsWith: .failure) {
            var c = [Float](repeating: 0, count: 4)
            sgemm(.asStored, .asStored, m: 2, n: 2, k: 3, a: [1, 2, 3, 4, 5], lda: 3, b: [Float](repeating: 1, count: 6), ldb: 2, c: &c, ldc: 2)
        }
        await #expect(processExitsWith: .failure) {
            var c = [Float](repeating: 0, count: 3)
            sgemm(.asStored, .asStored, m: 2, n: 2, k: 1, a: [1, 2], lda: 1, b: [1, 2], ldb: 2, c: &c, ldc: 2)
        }
        await #expect(processExitsWith: .failure) {
            _ = [Float](repeating: 1, count: 11).withUnsafeBufferPointer { PackedMatrix(.transposed, rows: 3, depth: 4, a: $0, lda: 3) }
        }
        await #expect(processExitsWith: .failure) {
            let packed = [Float](repeating: 1, count: 12).withUnsafeBufferPointer { PackedMatrix(.asStored, rows: 3, depth: 4, a: $0, lda: 4) }
            var c = [Float](repeating: 0, count: 6)
            [Float](repeating: 1, count: 7).withUnsafeBufferPointer { b in
                c.withUnsafeMutableBufferPointer { c in sgemm(packed, .asStored, n: 2, b: b, ldb: 2, c: c, ldc: 2) }
            }
        }
    }

    @Test("scratch buffers are aligned to a cache line and hold what was asked")
    func alignedBuffer() {
        for count in [0, 1, 17, 4096] {
            let buffer = AlignedBuffer(count: count)
            buffer.withUnsafeMutableBufferPointer { floats in
                #expect(floats.count == count)
                #expect(Int(bitPattern: floats.baseAddress) % 64 == 0)
                floats.initialize(repeating: 1)
                #expect(floats.allSatisfy { $0 == 1 })
            }
        }
    }

    @Test("a small product worked by hand")
    func byHand() {
        // [1 2 3]   [ 7  8]   [ 58  64]
        // [4 5 6] · [ 9 10] = [139 154]
        //           [11 12]
        var c: [Float] = [1, 1, 1, 1]
        sgemm(.asStored, .asStored, m: 2, n: 2, k: 3, alpha: 1, a: [1, 2, 3, 4, 5, 6], lda: 3, b: [7, 8, 9, 10, 11, 12], ldb: 2, beta: 10, c: &c, ldc: 2)
        #expect(c == [68, 74, 149, 164])
        // The same A used transposed: Aᵀ (3×2) · [1 0; 0 1] picks its columns.
        var d = [Float](repeating: 0, count: 6)
        sgemm(.transposed, .asStored, m: 3, n: 2, k: 2, a: [1, 2, 3, 4, 5, 6], lda: 3, b: [1, 0, 0, 1], ldb: 2, c: &d, ldc: 2)
        #expect(d == [1, 4, 2, 5, 3, 6])
    }

    @Test("the values of C do not depend on the thread count", arguments: [Shape(m: 600, n: 200, k: 400), Shape(m: 20, n: 2000, k: 300)])
    func threadCountInvariance(shape: Shape) {
        var random = SeededGenerator(seed: 11)
        let a = random.floats(shape.m * shape.k, in: -1..<1), b = random.floats(shape.k * shape.n, in: -1..<1)
        var results: [[Float]] = []
        for threads in [1, 2, 3, 8] {
            var c = [Float](repeating: 0, count: shape.m * shape.n)
            sgemm(.asStored, .asStored, m: shape.m, n: shape.n, k: shape.k, a: a, lda: shape.k, b: b, ldb: shape.n, c: &c, ldc: shape.n, threads: threads)
            results.append(c)
        }
        #expect(results.allSatisfy { $0 == results[0] })
    }

    @Test("the values of C depend neither on MC and NC nor on which fused kernel computes them", arguments: [Shape(m: 257, n: 1100, k: 600), Shape(m: 5, n: 70, k: 1)])
    func blockingAndKernelInvariance(shape: Shape) {
        var random = SeededGenerator(seed: 13)
        let a = random.floats(shape.m * shape.k, in: -1..<1), b = random.floats(shape.k * shape.n, in: -1..<1)
        let c0 = random.floats(shape.m * shape.n, in: -1..<1)
        for fused in [false, true] {
            var results: [[Float]] = []
            for kernel in GEMMKernel.available where kernel.fusedMultiplyAdd == fused {
                for blocking in [CacheBlocking.running, CacheBlocking(mc: 24, nc: 256), CacheBlocking(mc: 384, nc: 1024)] {
                    var c = c0
                    run(kernel, .asStored, .asStored, m: shape.m, n: shape.n, k: shape.k, alpha: 0.5, a: a, lda: shape.k, b: b, ldb: shape.n,
                        beta: -2, c: &c, ldc: shape.n, threads: 2, blocking: blocking)
                    results.append(c)
                }
            }
            #expect(results.allSatisfy { $0 == results[0] }, "fused \(fused)")
        }
    }

    @Test("op(A) packed once gives the same values, bit for bit, as op(A) packed per call", arguments: shapes)
    func packedA(shape: Shape) {
        let (m, n, k) = (shape.m, shape.n, shape.k)
        var random = SeededGenerator(seed: UInt64(m + 7 * n + 13 * k))
        for transA in [Transpose.asStored, .transposed] {
            let lda = (transA == .asStored ? k : m) + 3
            let a = random.floats((transA == .asStored ? m : k) * lda, in: -1..<1)
            let b = random.floats(k * n, in: -1..<1)
            let c0 = random.floats(m * n, in: -1..<1)
            var expected = c0
            sgemm(transA, .asStored, m: m, n: n, k: k, alpha: 0.5, a: a, lda: lda, b: b, ldb: n, beta: 2, c: &expected, ldc: n, threads: 2)
            var c = c0
            a.withUnsafeBufferPointer { a in
                let packed = PackedMatrix(transA, rows: m, depth: k, a: a, lda: lda)
                b.withUnsafeBufferPointer { b in
                    c.withUnsafeMutableBufferPointer { c in
                        sgemm(packed, .asStored, n: n, alpha: 0.5, b: b, ldb: n, beta: 2, c: c, ldc: n, threads: 2)
                    }
                }
            }
            #expect(c == expected, "\(shape.testDescription) \(transA)")
        }
    }

    /// Seeded random operands of one shape and transpose pair, views `padding` wider than
    /// their matrices, and the reference product op(A) · op(B) computed by the naive loop.
    struct Operands {
        let shape: Shape
        let transA: Transpose, transB: Transpose
        let lda: Int, ldb: Int, ldc: Int
        let a: [Float], b: [Float], c0: [Float]
        /// op(A) · op(B), the naive loop's sum for every element (alpha 1, beta 0), ldc apart.
        let product: [Float]

        init(_ shape: Shape, _ transA: Transpose, _ transB: Transpose, padding: Int) {
            let (m, n, k) = (shape.m, shape.n, shape.k)
            let (aRows, aColumns) = transA == .asStored ? (m, k) : (k, m)
            let (bRows, bColumns) = transB == .asStored ? (k, n) : (n, k)
            (self.shape, self.transA, self.transB) = (shape, transA, transB)
            (lda, ldb, ldc) = (aColumns + padding, bColumns + padding, n + padding)
            var random = SeededGenerator(seed: UInt64(m * 1_000_003 + n * 1009 + k))
            a = random.floats(aRows * lda, in: -1..<1)
            b = random.floats(bRows * ldb, in: -1..<1)
            c0 = random.floats(m * ldc, in: -1..<1)
            var product = c0
            naiveSGEMM(transA, transB, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, c: &product, ldc: ldc)
            self.product = product
        }
    }

    /// Runs `sgemm` and compares every element of C with alpha · product + beta · C, which is
    /// exactly what the naive loop computes for that alpha and beta; the padding columns of
    /// each view must stay untouched.
    private func check(_ operands: Operands, alpha: Float, beta: Float, kernel: GEMMKernel, threads: Int) {
        let (m, n, k) = (operands.shape.m, operands.shape.n, operands.shape.k)
        let ldc = operands.ldc
        var c = operands.c0
        run(kernel, operands.transA, operands.transB, m: m, n: n, k: k, alpha: alpha, a: operands.a, lda: operands.lda,
            b: operands.b, ldb: operands.ldb, beta: beta, c: &c, ldc: ldc, threads: threads)

        // Both results are within k·ε·Σ|a||b| of the exact value (a standard bound for
        // a sum of k products), so they are within twice that of each other; all inputs
        // are below 1 in magnitude, so Σ|a||b| ≤ k.
        let tolerance = 2 * Float(k + 2) * Float.ulpOfOne * (abs(alpha) * Float(k) + abs(beta))
        var worst: Float = 0
        for i in 0..<m {
            for j in 0..<ldc {
                let index = i * ldc + j
                if j >= n {
                    #expect(c[index] == operands.c0[index], "padding of C written at (\(i), \(j))")
                } else {
                    let expected = beta == 0 ? alpha * operands.product[index] : alpha * operands.product[index] + beta * operands.c0[index]
                    worst = max(worst, abs(c[index] - expected))
                }
            }
        }
        #expect(worst <= tolerance, "\(operands.shape.testDescription) \(operands.transA)/\(operands.transB) alpha \(alpha) beta \(beta) \(kernel): max error \(worst) > \(tolerance)")
    }

    private func run(
        _ kernel: GEMMKernel, _ transA: Transpose, _ transB: Transpose,
        m: Int, n: Int, k: Int, alpha: Float, a: [Float], lda: Int, b: [Float], ldb: Int,
        beta: Float, c: inout [Float], ldc: Int, threads: Int, blocking: CacheBlocking = .running
    ) {
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                c.withUnsafeMutableBufferPointer { c in
                    sgemm(kernel, blocking: blocking, transA, transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc, threads: threads)
                }
            }
        }
    }
}
