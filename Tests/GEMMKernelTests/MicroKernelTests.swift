import SeededRandom
import Testing

/// The micro-kernel's source (linked here from `_GEMMKernelsPortable`) compiled into this
/// test target for every vector width and arithmetic, whatever the running CPU: the
/// 16-lane tile is the AVX-512 kernel's, which this way is tested on any machine. Each
/// tile is held to a scalar model of the same arithmetic, bit for bit: Σₚ a·b in order
/// of p, each step fused or rounded twice, then alpha · sum + beta · C. Both widths equal
/// the same model, so the AVX-512 kernel gives the AVX2 kernel's bits.
struct MicroKernelTests {
    /// One tile's operands: packed panels of A (MR per step of k) and B (NR per step), and C
    /// with a leading dimension wider than the tile.
    struct Operands {
        let depth, mr, nr, ldc: Int
        let a, b, c: [Float]

        init(depth: Int, mr: Int, nr: Int, seed: UInt64) {
            var random = SeededGenerator(seed: seed)
            (self.depth, self.mr, self.nr, ldc) = (depth, mr, nr, nr + 3)
            a = random.floats(mr * depth, in: -1..<1)
            b = random.floats(nr * depth, in: -1..<1)
            c = random.floats(mr * (nr + 3), in: -1..<1)
        }

        /// C[i, j] after the kernel, in the scalar model.
        func expected(_ i: Int, _ j: Int, alpha: Float, beta: Float, fused: Bool) -> Float {
            var sum: Float = 0
            for p in 0..<depth {
                sum = fused ? sum.addingProduct(a[p * mr + i], b[p * nr + j]) : sum + a[p * mr + i] * b[p * nr + j]
            }
            let scaled = alpha * sum
            return beta == 0 ? scaled : scaled + beta * c[i * ldc + j]
        }
    }

    /// Runs one kernel on every part of a tile that can exist, with and without beta.
    func check<Vector: SIMD, Arithmetic: MultiplyAdd>(_: MicroKernel<Vector, Arithmetic>.Type, depth: Int, seed: UInt64) where Vector.Scalar == Float {
        typealias Kernel = MicroKernel<Vector, Arithmetic>
        let (mr, nr, lanes) = (Kernel.mr, Kernel.nr, Vector.scalarCount)
        let operands = Operands(depth: depth, mr: mr, nr: nr, seed: seed)
        for (alpha, beta) in [(Float(1), Float(0)), (-0.75, 1.5)] {
            for rows in Set([1, 2, mr - 1, mr]).sorted() {
                for columns in Set([1, lanes - 1, lanes, lanes + 1, nr - 1, nr]).sorted() {
                    // With beta = 0, C starts as NaN: it must never be read.
                    var c = beta == 0 ? [Float](repeating: .nan, count: operands.c.count) : operands.c
                    operands.a.withUnsafeBufferPointer { a in
                        operands.b.withUnsafeBufferPointer { b in
                            c.withUnsafeMutableBufferPointer { c in
                                Kernel.multiply(depth: depth, a: a.baseAddress!, b: b.baseAddress!, alpha: alpha, beta: beta,
                                                c: c.baseAddress!, ldc: operands.ldc, rows: rows, columns: columns)
                            }
                        }
                    }
                    for i in 0..<mr {
                        for j in 0..<operands.ldc {
                            let index = i * operands.ldc + j
                            if i < rows && j < columns {
                                let expected = operands.expected(i, j, alpha: alpha, beta: beta, fused: Arithmetic.isFused)
                                #expect(c[index] == expected, "\(Kernel.self) depth \(depth), tile \(rows)×\(columns): C[\(i), \(j)] = \(c[index]), not \(expected)")
                            } else {
                                let untouched = beta == 0 ? c[index].isNaN : c[index] == operands.c[index]
                                #expect(untouched, "\(Kernel.self) wrote C[\(i), \(j)] outside its \(rows)×\(columns) tile")
                            }
                        }
                    }
                }
            }
        }
    }

    @Test("every tile equals the scalar model of its arithmetic, bit for bit, and writes nothing else", arguments: [0, 1, 2, 7, 64, 513])
    func tilesMatchTheModel(depth: Int) {
        check(MicroKernel<SIMD8<Float>, SeparateMultiplyAdd>.self, depth: depth, seed: UInt64(depth))
        check(MicroKernel<SIMD16<Float>, SeparateMultiplyAdd>.self, depth: depth, seed: UInt64(depth))
        #if GEMM_FMA || arch(arm64)
        check(MicroKernel<SIMD8<Float>, FusedMultiplyAdd>.self, depth: depth, seed: UInt64(depth))
        check(MicroKernel<SIMD16<Float>, FusedMultiplyAdd>.self, depth: depth, seed: UInt64(depth))
        #endif
    }
}
