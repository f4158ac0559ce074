import GEMM
import SeededRandom
import Testing
import _TestSupport

@testable import ConvCore

/// The forward pass keeps its packed weights between calls: each call must still compute
/// with the layer's weights as they are, never with what was packed before they changed.
struct PackedWeightsTests {
    /// A 3×3 layer, and inputs on which it takes gemm, F(2×2) and F(4×4).
    static let cases: [(algorithm: ConvAlgorithm, side: Int, layout: PackedWeights.Layout)] = [
        (.gemm, 9, .gemm), (.winograd, 10, .winograd(.f2x2)), (.winograd, 40, .winograd(.f4x4)),
    ]

    @Test("packed once, kept for the next call; a new weight packs again, and a copy keeps the old one", arguments: 0..<cases.count)
    func keptUntilTheWeightChanges(index: Int) throws {
        let (algorithm, side, layout) = Self.cases[index]
        var random = SeededGenerator(seed: 40 + UInt64(index))
        var conv = try Conv2D(weight: random.tensor([40, 36, 3, 3]), bias: random.tensor([40]), padding: .same)
        let input = try random.tensor([2, 36, side, side])
        if algorithm == .winograd { #expect(WinogradTile.chosen(conv, try conv.geometry(for: Size2D(side))) == (side == 10 ? .f2x2 : .f4x4)) }

        let first = try conv(input, algorithm: algorithm)
        #expect(conv.packedWeights.holds(layout))
        #expect(try conv(input, algorithm: algorithm) == first, "the kept packing gives the same bits")

        let before = conv
        conv.updateParameters { i, parameter in
            if i == 0 { parameter = parameter.map { -0.5 * $0 + 0.25 } }
        }
        #expect(!conv.packedWeights.holds(layout))
        let changed = try conv(input, algorithm: algorithm)
        expectClose(changed, try convolutionByDefinition(conv, input), tolerance: try Conv2DTests.tolerance(conv, input).map { 4 * $0 }, "after the update")
        #expect(try before(input, algorithm: algorithm) == first, "the copy taken before keeps its weights and their packing")
    }

    @Test("a layer keeps at most the limit: past it the packing is made per call and not held")
    func bounded() throws {
        var random = SeededGenerator(seed: 3)
        let conv = try Conv2D(weight: random.tensor([4, 2, 3, 3]))
        let large = conv.packedWeights.matrices(.gemm) {
            // One row, padded to the kernels' six: 6 · depth floats, just past the limit.
            let row = [Float](repeating: 1, count: PackedWeights.limitBytes / (6 * 4) + 1)
            return [row.withUnsafeBufferPointer { PackedMatrix(.asStored, rows: 1, depth: $0.count, a: $0, lda: $0.count) }]
        }
        #expect(large.count == 1 && !conv.packedWeights.holds(.gemm))
    }
}
