/// Winograd's minimal filtering algorithm F(2×2, 3×3), as Lavin and Gray brought it to
/// convolutional networks ("Fast Algorithms for Convolutional Neural Networks", 2016):
/// a 2×2 block of outputs of a 3×3 kernel from a 4×4 tile of inputs, with 16 products
/// where the definition takes 36.
///
///     Y = Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d Bᵀᵀ) ] A
///
///          ⎡1  0  0⎤         ⎡1  0 −1  0⎤         ⎡1  1  1  0⎤
///     G =  ⎢½  ½  ½⎥    Bᵀ = ⎢0  1  1  0⎥    Aᵀ = ⎣0  1 −1 −1⎦
///          ⎢½ −½  ½⎥         ⎢0 −1  1  0⎥
///          ⎣0  0  1⎦         ⎣0  1  0 −1⎦
///
/// g is the 3×3 kernel, d the 4×4 input tile, ⊙ the element-wise product. The kernel's
/// transform U = G g Gᵀ is computed once and serves every tile: the seeds' weight sharing
/// in another basis. Summed over input channels, the 16 element-wise products of a tile
/// become 16 matrix products, U_ξ (out × in) · V_ξ (in × tiles), one per element ξ = 4a + b
/// of the 4×4 transforms.
///
/// Rounding: the kernel transform is computed in Double and rounded once; the input
/// transform rounds twice per element, the product once, the sum over C channels C − 1
/// times and the output transform four times, the bias once. To first order the computed
/// output differs from the exact one by at most
///
///     (C + 8) · u · ( Σ_c Aᵀ [ (|G| |g_c| |G|ᵀ) ⊙ (|B|ᵀ |d_c| |B|) ] A  +  |bias| )
///
/// with u = 2⁻²⁴ and the absolute values taken element by element: the same computation
/// with every term made positive. Unlike the definition's error, this is not bounded by
/// Σ |w| |x|: the transforms pair weights with pixels the definition never multiplies,
/// and their terms cancel in exact arithmetic only. The tests hold every output to this
/// bound; docs/convolution.md gives the error measured on a network layer.
enum WinogradTransform {
    /// A tile's side: 4 inputs give 2 outputs of a 3-wide kernel.
    static let tileInputs = 4
    static let tileOutputs = 2
    /// Elements of a transformed tile, and matrix products per pass: 4 × 4.
    static let elements = 16

    /// U = G g Gᵀ of one 3×3 kernel g (`g[3i + j]`), element ξ = 4a + b at `u[ξ · stride]`,
    /// computed in Double and rounded once.
    static func kernel(_ g: UnsafePointer<Float>, into u: UnsafeMutablePointer<Float>, stride: Int) {
        // Row a of G g, three values.
        func row(_ a: Int) -> (Double, Double, Double) {
            func column(_ j: Int) -> Double {
                let (g0, g1, g2) = (Double(g[j]), Double(g[3 + j]), Double(g[6 + j]))
                switch a {
                case 0: return g0
                case 1: return (g0 + g1 + g2) / 2
                case 2: return (g0 - g1 + g2) / 2
                default: return g2
                }
            }
            return (column(0), column(1), column(2))
        }
        // (G g) Gᵀ: four values from each row.
        for a in 0..<4 {
            let (r0, r1, r2) = row(a)
            u[(4 * a) * stride] = Float(r0)
            u[(4 * a + 1) * stride] = Float((r0 + r1 + r2) / 2)
            u[(4 * a + 2) * stride] = Float((r0 - r1 + r2) / 2)
            u[(4 * a + 3) * stride] = Float(r2)
        }
    }

    /// The element of the transform of the kernel turned by 180° that equals element ξ of
    /// U: turning g swaps the first and last rows of G, so element (a, b) moves to
    /// (σa, σb) with σ = (0 3). The input gradient convolves with turned kernels.
    static func turned(_ element: Int) -> Int {
        func swap(_ i: Int) -> Int { i == 0 ? 3 : i == 3 ? 0 : i }
        return 4 * swap(element / 4) + swap(element % 4)
    }

    /// V = Bᵀ d B for eight tiles side by side, each element ξ = 4a + b handed to `store`;
    /// `d(r, s)` is pixel (r, s) of the eight 4×4 tiles.
    @inline(__always)
    static func input(_ d: (_ row: Int, _ column: Int) -> SIMD8<Float>, _ store: (_ element: Int, _ value: SIMD8<Float>) -> Void) {
        for a in 0..<4 {
            // Row a of Bᵀ d.
            @inline(__always) func down(_ s: Int) -> SIMD8<Float> {
                switch a {
                case 0: d(0, s) - d(2, s)
                case 1: d(1, s) + d(2, s)
                case 2: d(2, s) - d(1, s)
                default: d(1, s) - d(3, s)
                }
            }
            let (t0, t1, t2, t3) = (down(0), down(1), down(2), down(3))
            store(4 * a, t0 - t2)
            store(4 * a + 1, t1 + t2)
            store(4 * a + 2, t2 - t1)
            store(4 * a + 3, t1 - t3)
        }
    }

    /// Y = Aᵀ m A for eight tiles side by side, `m(ξ)` their element ξ: the 2×2 outputs
    /// (top left, top right, bottom left, bottom right), each plus `bias`.
    @inline(__always)
    static func output(_ m: (_ element: Int) -> SIMD8<Float>, bias: SIMD8<Float>)
        -> (SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>) {
        @inline(__always) func column(_ b: Int) -> (top: SIMD8<Float>, bottom: SIMD8<Float>) {
            let (m1, m2) = (m(4 + b), m(8 + b))
            return (m(b) + m1 + m2, m1 - m2 - m(12 + b))
        }
        let (c0, c1, c2, c3) = (column(0), column(1), column(2), column(3))
        return (c0.top + c1.top + c2.top + bias, c1.top - c2.top - c3.top + bias,
                c0.bottom + c1.bottom + c2.bottom + bias, c1.bottom - c2.bottom - c3.bottom + bias)
    }
}
