/// One of Winograd's minimal filtering algorithms F(m×m, 3×3), as Lavin and Gray brought
/// them to convolutional networks ("Fast Algorithms for Convolutional Neural Networks",
/// 2016): an m×m block of outputs of a 3×3 kernel from an (m + 2)×(m + 2) tile of inputs,
/// with (m + 2)² products where the definition takes 9m².
///
///     Y = Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d B) ] A
///
/// g is the 3×3 kernel, d the input tile, ⊙ the element-wise product; G, Bᵀ and Aᵀ are
/// each tiling's matrices (`WinogradF2x2`, `WinogradF4x4`). The kernel's transform
/// U = G g Gᵀ is computed once and serves every tile: the seeds' weight sharing in
/// another basis. Summed over input channels, a tile's element-wise products become
/// (m + 2)² matrix products, U_ξ (out × in) · V_ξ (in × tiles), one per element ξ.
///
/// Rounding: the kernel transform is computed in Double and rounded once; the input
/// transform, the product, the sum over C channels (C − 1 additions), the output
/// transform and the bias round along paths at most C + `roundings` long. To first order
/// the computed output differs from the exact one by at most
///
///     (C + roundings) · u · ( Σ_c Aᵀ [ (|G| |g_c| |G|ᵀ) ⊙ (|B|ᵀ |d_c| |B|) ] A  +  |bias| )
///
/// with u = 2⁻²⁴ and the absolute values taken element by element: the same computation
/// with every term made positive. Unlike the definition's error, this is not bounded by
/// Σ |w| |x|: the transforms pair weights with pixels the definition never multiplies,
/// and their terms cancel in exact arithmetic only, the more so the larger m (F(4×4)'s
/// matrices hold 4, 5 and 8). The tests hold every output to this bound; docs/convolution.md
/// gives the error measured on a network layer. The bound ignores overflow: F(4×4)'s input
/// transform multiplies a tile's pixels by up to 100 in sum, so pixels beyond about 3·10³⁶
/// overflow to infinity where the definition's sums would not.
protocol WinogradTiling: Sendable {
    /// m: outputs per tile side; a tile reads m + 2 input rows and columns.
    static var tileOutputs: Int { get }
    /// (m + 2)²: elements of a transformed tile, and GEMMs per chunk of tiles.
    static var elements: Int { get }
    /// The longest path of roundings from an operand to an output, beyond the C − 1
    /// additions of the sum over channels.
    static var roundings: Int { get }

    /// Row a of G applied to three values, in Double.
    static func rowOfG(_ a: Int, _ x0: Double, _ x1: Double, _ x2: Double) -> Double

    /// Eight-lane vectors of scratch `input` needs (the tile between its two passes).
    static var scratchVectors: Int { get }

    /// V = Bᵀ d B for eight tiles side by side, each element ξ handed to `store`. Tile
    /// k's row r is columns m·k … m·k + m + 1 from `rows(r)`; whole vectors are read, up to
    /// 9m floats from `rows(r)`. `scratch` holds `scratchVectors` vectors (any alignment).
    static func input(_ rows: (_ r: Int) -> UnsafePointer<Float>, scratch: UnsafeMutableRawPointer,
                      _ store: (_ element: Int, _ value: SIMD8<Float>) -> Void)

    /// Y = Aᵀ M A + bias for eight tiles side by side, `m(ξ)` their element ξ: each of
    /// the m output rows handed to `store` as 8m floats, the eight tiles' m outputs in turn.
    static func output(_ m: (_ element: Int) -> SIMD8<Float>, bias: SIMD8<Float>,
                       _ store: (_ row: Int, _ values: UnsafePointer<Float>) -> Void)
}

extension WinogradTiling {
    static var elements: Int { (tileOutputs + 2) * (tileOutputs + 2) }

    /// U = G g Gᵀ of one 3×3 kernel g (`g[3i + j]`), element ξ = (m + 2)·a + b at `u[ξ]`,
    /// computed in Double and rounded once.
    static func kernel(_ g: UnsafePointer<Float>, into u: UnsafeMutablePointer<Float>) {
        let side = tileOutputs + 2
        for a in 0..<side {
            // Row a of G g, then (G g) Gᵀ.
            let (r0, r1, r2) = (rowOfG(a, Double(g[0]), Double(g[3]), Double(g[6])), rowOfG(a, Double(g[1]), Double(g[4]), Double(g[7])),
                                rowOfG(a, Double(g[2]), Double(g[5]), Double(g[8])))
            for b in 0..<side { u[side * a + b] = Float(rowOfG(b, r0, r1, r2)) }
        }
    }
}
