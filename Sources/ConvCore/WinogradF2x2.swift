/// F(2×2, 3×3): 16 products for 4 outputs where the definition takes 36.
///
///          ⎡1  0  0⎤         ⎡1  0 −1  0⎤         ⎡1  1  1  0⎤
///     G =  ⎢½  ½  ½⎥    Bᵀ = ⎢0  1  1  0⎥    Aᵀ = ⎣0  1 −1 −1⎦
///          ⎢½ −½  ½⎥         ⎢0 −1  1  0⎥
///          ⎣0  0  1⎦         ⎣0  1  0 −1⎦
///
/// Each input element is two additions deep, each output four (two per direction), so
/// with the kernel's, the product's and the bias's roundings: C + 8.
enum WinogradF2x2: WinogradTiling {
    static let tileOutputs = 2
    static let roundings = 8
    static let scratchVectors = 0

    /// Row a of G applied to three values.
    static func rowOfG(_ a: Int, _ x0: Double, _ x1: Double, _ x2: Double) -> Double {
        switch a {
        case 0: x0
        case 1: (x0 + x1 + x2) / 2
        case 2: (x0 - x1 + x2) / 2
        default: x2
        }
    }

    /// Bᵀ applied to four values.
    @inline(__always)
    private static func bT(_ a: Int, _ x: (Int) -> SIMD8<Float>) -> SIMD8<Float> {
        switch a {
        case 0: x(0) - x(2)
        case 1: x(1) + x(2)
        case 2: x(2) - x(1)
        default: x(1) - x(3)
        }
    }

    @inline(__always)
    static func input(_ rows: (_ r: Int) -> UnsafePointer<Float>, scratch: UnsafeMutableRawPointer,
                      _ store: (_ element: Int, _ value: SIMD8<Float>) -> Void) {
        // Columns 2k … 2k + 15 and 2k + 2 … 2k + 17 of each row, split into even and odd:
        // each tile's columns 0, 1 and 2, 3.
        @inline(__always) func pair(_ r: Int, _ shift: Int) -> SIMD16<Float> {
            UnsafeRawPointer(rows(r) + shift).loadUnaligned(as: SIMD16<Float>.self)
        }
        let (near0, near1, near2, near3) = (pair(0, 0), pair(1, 0), pair(2, 0), pair(3, 0))
        let (far0, far1, far2, far3) = (pair(0, 2), pair(1, 2), pair(2, 2), pair(3, 2))
        @inline(__always) func d(_ r: Int, _ s: Int) -> SIMD8<Float> {
            let vector = s < 2 ? (r == 0 ? near0 : r == 1 ? near1 : r == 2 ? near2 : near3)
                : (r == 0 ? far0 : r == 1 ? far1 : r == 2 ? far2 : far3)
            return s % 2 == 0 ? vector.evenHalf : vector.oddHalf
        }
        for a in 0..<4 {
            // Row a of Bᵀ d, then (Bᵀ d) B.
            let (t0, t1, t2, t3) = (bT(a) { d($0, 0) }, bT(a) { d($0, 1) }, bT(a) { d($0, 2) }, bT(a) { d($0, 3) })
            for b in 0..<4 { store(4 * a + b, bT(b) { s in s == 0 ? t0 : s == 1 ? t1 : s == 2 ? t2 : t3 }) }
        }
    }

    @inline(__always)
    static func output(_ m: (_ element: Int) -> SIMD8<Float>, bias: SIMD8<Float>,
                       _ store: (_ row: Int, _ values: UnsafePointer<Float>) -> Void) {
        // Aᵀ down each column b, then along each row.
        @inline(__always) func column(_ b: Int) -> (top: SIMD8<Float>, bottom: SIMD8<Float>) {
            let (m1, m2) = (m(4 + b), m(8 + b))
            return (m(b) + m1 + m2, m1 - m2 - m(12 + b))
        }
        let (c0, c1, c2, c3) = (column(0), column(1), column(2), column(3))
        var row = SIMD16<Float>()
        row.evenHalf = c0.top + c1.top + c2.top + bias
        row.oddHalf = c1.top - c2.top - c3.top + bias
        withUnsafeBytes(of: row) { store(0, $0.baseAddress!.assumingMemoryBound(to: Float.self)) }
        row.evenHalf = c0.bottom + c1.bottom + c2.bottom + bias
        row.oddHalf = c1.bottom - c2.bottom - c3.bottom + bias
        withUnsafeBytes(of: row) { store(1, $0.baseAddress!.assumingMemoryBound(to: Float.self)) }
    }
}
