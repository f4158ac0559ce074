/// F(4×4, 3×3): 36 products for 16 outputs where the definition takes 144.
///
///          ⎡ ¼     0    0 ⎤         ⎡4  0 −5  0  1  0⎤
///          ⎢−⅙   −⅙   −⅙ ⎥         ⎢0 −4 −4  1  1  0⎥         ⎡1  1  1  1  1  0⎤
///     G =  ⎢−⅙    ⅙   −⅙ ⎥    Bᵀ = ⎢0  4 −4 −1  1  0⎥    Aᵀ = ⎢0  1 −1  2 −2  0⎥
///          ⎢1/24 1/12  ⅙ ⎥         ⎢0 −2 −1  2  1  0⎥         ⎢0  1  1  4  4  0⎥
///          ⎢1/24 −1/12 ⅙ ⎥         ⎢0  2 −1 −2  1  0⎥         ⎣0  1 −1  8 −8  1⎦
///          ⎣ 0     0    1 ⎦         ⎣0  4  0 −5  0  1⎦
///
/// (the points 0, ±1, ±2 and ∞). Each row of Bᵀ is computed two roundings deep (sums of
/// pairs first: (x3 + x4) − 4(x1 + x2)), each row of Aᵀ three, along each of the two
/// directions; with the kernel's, the product's and the bias's roundings: C + 12.
enum WinogradF4x4: WinogradTiling {
    static let tileOutputs = 4
    static let roundings = 12
    static let scratchVectors = 36

    /// Row a of G applied to three values (multiplying by the reciprocals: a division
    /// takes several times as long, and Double's rounding is far below Float's).
    static func rowOfG(_ a: Int, _ x0: Double, _ x1: Double, _ x2: Double) -> Double {
        let (sixth, twelfth, twentyFourth) = (1.0 / 6, 1.0 / 12, 1.0 / 24)
        switch a {
        case 0: return x0 / 4
        case 1: return -(x0 + x1 + x2) * sixth
        case 2: return -(x0 - x1 + x2) * sixth
        case 3: return x0 * twentyFourth + x1 * twelfth + x2 * sixth
        case 4: return x0 * twentyFourth - x1 * twelfth + x2 * sixth
        default: return x2
        }
    }

    /// Row a of Bᵀ applied to six values.
    @inline(__always)
    private static func bT(_ a: Int, _ x: (Int) -> SIMD8<Float>) -> SIMD8<Float> {
        switch a {
        case 0: multiplyAdd(x(4), SIMD8(repeating: 4), x(0)) - 5 * x(2)
        case 1: (x(3) + x(4)) - 4 * (x(1) + x(2))
        case 2: (x(4) - x(3)) + 4 * (x(1) - x(2))
        case 3: (x(4) - x(2)) + 2 * (x(3) - x(1))
        case 4: (x(4) - x(2)) - 2 * (x(3) - x(1))
        default: multiplyAdd(x(5), SIMD8(repeating: 4), x(1)) - 5 * x(3)
        }
    }

    @inline(__always)
    static func input(_ rows: (_ r: Int) -> UnsafePointer<Float>, scratch: UnsafeMutableRawPointer,
                      _ store: (_ element: Int, _ value: SIMD8<Float>) -> Void) {
        let stride = MemoryLayout<SIMD8<Float>>.stride
        // Along each row first: columns 4k … 4k + 31 split four ways give each tile's
        // columns 0 … 3, and 4k + 4 … 4k + 35 its columns 4 and 5.
        for r in 0..<6 {
            let near = UnsafeRawPointer(rows(r)).loadUnaligned(as: SIMD32<Float>.self)
            let far = UnsafeRawPointer(rows(r) + 4).loadUnaligned(as: SIMD32<Float>.self)
            let (even, odd) = (near.evenHalf, near.oddHalf)
            let (c0, c1, c2, c3) = (even.evenHalf, odd.evenHalf, even.oddHalf, odd.oddHalf)
            let (c4, c5) = (far.evenHalf.evenHalf, far.oddHalf.evenHalf)
            for b in 0..<6 {
                let value = bT(b) { s in
                    switch s { case 0: c0; case 1: c1; case 2: c2; case 3: c3; case 4: c4; default: c5 }
                }
                scratch.storeBytes(of: value, toByteOffset: (6 * r + b) * stride, as: SIMD8<Float>.self)
            }
        }
        // Then down each column.
        for b in 0..<6 {
            for a in 0..<6 {
                store(6 * a + b, bT(a) { r in scratch.loadUnaligned(fromByteOffset: (6 * r + b) * stride, as: SIMD8<Float>.self) })
            }
        }
    }

    /// Row r of Aᵀ applied to six values, with the pair sums and differences shared.
    @inline(__always)
    private static func aT(_ x: (Int) -> SIMD8<Float>) -> (SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>) {
        let (x1, x2, x3, x4) = (x(1), x(2), x(3), x(4))
        let (sum12, difference12, sum34, difference34) = (x1 + x2, x1 - x2, x3 + x4, x3 - x4)
        return (x(0) + sum12 + sum34, multiplyAdd(difference12, SIMD8(repeating: 2), difference34),
                multiplyAdd(sum12, SIMD8(repeating: 4), sum34), multiplyAdd(difference12, SIMD8(repeating: 8), difference34) + x(5))
    }

    @inline(__always)
    static func output(_ m: (_ element: Int) -> SIMD8<Float>, bias: SIMD8<Float>,
                       _ store: (_ row: Int, _ values: UnsafePointer<Float>) -> Void) {
        withUnsafeTemporaryAllocation(of: SIMD8<Float>.self, capacity: 24) { scratch in
            // Down each column b first: four values.
            for b in 0..<6 {
                let (y0, y1, y2, y3) = aT { a in m(6 * a + b) }
                (scratch[b], scratch[6 + b], scratch[12 + b], scratch[18 + b]) = (y0, y1, y2, y3)
            }
            // Then along each row, the four outputs of each tile side by side.
            for r in 0..<4 {
                let (y0, y1, y2, y3) = aT { b in scratch[6 * r + b] }
                var even = SIMD16<Float>(), odd = SIMD16<Float>()
                (even.evenHalf, even.oddHalf) = (y0 + bias, y2 + bias)
                (odd.evenHalf, odd.oddHalf) = (y1 + bias, y3 + bias)
                var row = SIMD32<Float>()
                (row.evenHalf, row.oddHalf) = (even, odd)
                withUnsafeBytes(of: row) { store(r, $0.baseAddress!.assumingMemoryBound(to: Float.self)) }
            }
        }
    }
}
