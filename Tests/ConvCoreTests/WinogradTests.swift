import SeededRandom
import Testing
import _TestSupport

@testable import ConvCore

/// A stride-1 3×3 correlation of `source` computed exactly (in Double), with the error
/// bound F(m×m, 3×3) promises for each value (`WinogradTiling`):
/// (C + roundings) · u · (Σ_c Aᵀ [(|G||g_c||G|ᵀ) ⊙ (|B|ᵀ|d_c||B|)] A + |bias|), for the
/// tiles the lowering cuts: result (y, x) lies in tile (y/m, x/m), which reads source rows
/// m·(y/m) − top … + m + 1 and columns m·(x/m) − left … + m + 1.
struct WinogradReference {
    var batch: Int, groups: Int, inPerGroup: Int, outPerGroup: Int
    var source: Size2D, result: Size2D, top: Int, left: Int
    /// kernel(group, o, c, i, j): the weight result channel o takes from source channel c at tap (i, j).
    var kernel: (Int, Int, Int, Int, Int) -> Double
    var bias: [Float]?
    var tile: WinogradTile

    /// Each tiling's matrices, as the papers give them, and its roundings.
    var matrices: (g: [[Double]], bT: [[Double]], aT: [[Double]], roundings: Int) {
        switch tile {
        case .f2x2:
            ([[1, 0, 0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0, 0, 1]],
             [[1, 0, -1, 0], [0, 1, 1, 0], [0, -1, 1, 0], [0, 1, 0, -1]],
             [[1, 1, 1, 0], [0, 1, -1, -1]], 8)
        case .f4x4:
            ([[1.0 / 4, 0, 0], [-1.0 / 6, -1.0 / 6, -1.0 / 6], [-1.0 / 6, 1.0 / 6, -1.0 / 6], [1.0 / 24, 1.0 / 12, 1.0 / 6], [1.0 / 24, -1.0 / 12, 1.0 / 6], [0, 0, 1]],
             [[4, 0, -5, 0, 1, 0], [0, -4, -4, 1, 1, 0], [0, 4, -4, -1, 1, 0], [0, -2, -1, 2, 1, 0], [0, 2, -1, -2, 1, 0], [0, 4, 0, -5, 0, 1]],
             [[1, 1, 1, 1, 1, 0], [0, 1, -1, 2, -2, 0], [0, 1, 1, 4, 4, 0], [0, 1, -1, 8, -8, 1]], 12)
        }
    }

    func compute(_ x: [Float]) -> (exact: [Double], bound: [Double]) {
        let (g, bT, aT, roundings) = matrices
        let (m, side) = (aT.count, bT.count)
        let resultCount = batch * groups * outPerGroup * result.height * result.width
        var exact = [Double](repeating: 0, count: resultCount), bound = exact
        func pixel(_ n: Int, _ channel: Int, _ row: Int, _ column: Int) -> Double {
            guard row >= 0, row < source.height, column >= 0, column < source.width else { return 0 }
            return Double(x[((n * groups * inPerGroup + channel) * source.height + row) * source.width + column])
        }
        let u = 0x1p-24
        for n in 0..<batch {
            for group in 0..<groups {
                for o in 0..<outPerGroup {
                    let b = Double(bias?[group * outPerGroup + o] ?? 0)
                    // |U|_ab per input channel.
                    let absoluteU = (0..<inPerGroup).map { c in
                        (0..<side * side).map { e in
                            var sum = 0.0
                            for i in 0..<3 { for j in 0..<3 { sum += abs(g[e / side][i] * kernel(group, o, c, i, j) * g[e % side][j]) } }
                            return sum
                        }
                    }
                    for y in 0..<result.height {
                        for xOut in 0..<result.width {
                            var value = b, absolute = 0.0
                            let (tileTop, tileLeft) = (m * (y / m) - top, m * (xOut / m) - left)
                            for c in 0..<inPerGroup {
                                let channel = group * inPerGroup + c
                                for i in 0..<3 {
                                    for j in 0..<3 { value += kernel(group, o, c, i, j) * pixel(n, channel, y - top + i, xOut - left + j) }
                                }
                                for e in 0..<side * side {
                                    let (a, bb) = (e / side, e % side)
                                    let weight = abs(aT[y % m][a] * aT[xOut % m][bb])
                                    guard weight > 0 else { continue }
                                    var v = 0.0
                                    for r in 0..<side { for s in 0..<side { v += abs(bT[a][r] * pixel(n, channel, tileTop + r, tileLeft + s) * bT[bb][s]) } }
                                    absolute += weight * absoluteU[c][e] * v
                                }
                            }
                            let index = (((n * groups + group) * outPerGroup + o) * result.height + y) * result.width + xOut
                            exact[index] = value
                            bound[index] = 1.01 * Double(inPerGroup + roundings) * u * (absolute + abs(b))
                        }
                    }
                }
            }
        }
        return (exact, bound)
    }

    /// The layer's forward pass, with the tiling it chooses.
    static func forward(_ conv: Conv2D, _ input: Tensor) throws -> WinogradReference {
        let geometry = try conv.geometry(for: Size2D(height: input.shape[2], width: input.shape[3]))
        let (inPerGroup, outPerGroup) = (conv.inChannels / conv.groups, conv.outChannels / conv.groups)
        let w = conv.weight.scalars
        return WinogradReference(batch: input.shape[0], groups: conv.groups, inPerGroup: inPerGroup, outPerGroup: outPerGroup,
                                 source: geometry.input, result: geometry.output, top: geometry.height.padBefore, left: geometry.width.padBefore,
                                 kernel: { g, o, c, i, j in Double(w[(((g * outPerGroup + o) * inPerGroup + c) * 3 + i) * 3 + j]) },
                                 bias: conv.bias?.scalars, tile: WinogradTile.chosen(conv, geometry))
    }

    /// The layer's input gradient: the output gradient correlated with the turned kernels,
    /// with the forward pass's tiling.
    static func inputGradient(_ conv: Conv2D, _ input: Tensor) throws -> WinogradReference {
        let geometry = try conv.geometry(for: Size2D(height: input.shape[2], width: input.shape[3]))
        let (inPerGroup, outPerGroup) = (conv.inChannels / conv.groups, conv.outChannels / conv.groups)
        let w = conv.weight.scalars
        return WinogradReference(batch: input.shape[0], groups: conv.groups, inPerGroup: outPerGroup, outPerGroup: inPerGroup,
                                 source: geometry.output, result: geometry.input,
                                 top: 2 - geometry.height.padBefore, left: 2 - geometry.width.padBefore,
                                 kernel: { g, c, o, i, j in Double(w[(((g * outPerGroup + o) * inPerGroup + c) * 3 + 2 - i) * 3 + 2 - j]) },
                                 bias: nil, tile: WinogradTile.chosen(conv, geometry))
    }
}

/// Expects every value within its bound of the exact one.
func expectWithinBound(_ actual: Tensor, _ reference: (exact: [Double], bound: [Double]), _ comment: String,
                       sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual.count == reference.exact.count, "\(comment): count", sourceLocation: sourceLocation)
    var failures = 0
    for (index, value) in actual.scalars.enumerated() where index < reference.exact.count {
        let error = abs(Double(value) - reference.exact[index])
        if !(error <= reference.bound[index]) && failures < 3 {
            failures += 1
            Issue.record("\(comment): value \(index) is \(value), exact \(reference.exact[index]), error \(error) > bound \(reference.bound[index])",
                         sourceLocation: sourceLocation)
        }
    }
}

struct WinogradTests {
    @Test("the kernel transform is G g Gᵀ, rounded once from Double", arguments: [WinogradTile.f2x2, .f4x4])
    func kernelTransform(tile: WinogradTile) throws {
        var random = SeededGenerator(seed: 5)
        let g = random.floats(9, in: -1..<1)
        let reference = WinogradReference(batch: 0, groups: 1, inPerGroup: 1, outPerGroup: 1, source: Size2D(1), result: Size2D(1), top: 0, left: 0,
                                          kernel: { _, _, _, _, _ in 0 }, bias: nil, tile: tile)
        let matrix = reference.matrices.g
        var u = [Float](repeating: 0, count: matrix.count * matrix.count)
        g.withUnsafeBufferPointer { k in
            u.withUnsafeMutableBufferPointer { u in
                switch tile {
                case .f2x2: WinogradF2x2.kernel(k.baseAddress!, into: u.baseAddress!)
                case .f4x4: WinogradF4x4.kernel(k.baseAddress!, into: u.baseAddress!)
                }
            }
        }
        for e in 0..<u.count {
            var exact = 0.0
            for i in 0..<3 { for j in 0..<3 { exact += matrix[e / matrix.count][i] * Double(g[3 * i + j]) * matrix[e % matrix.count][j] } }
            #expect(abs(Double(u[e]) - exact) <= 0x1p-24 * abs(exact) * 1.0001, "\(tile) element \(e)")
        }
    }

    @Test("the rule: F(4×4) with a tile per channel of 4×4 tiles, else F(2×2) with a tile per channel of 2×2 tiles")
    func tiling() throws {
        func choice(_ channels: Int, _ side: Int) throws -> WinogradTile? {
            let conv = try Conv2D(weight: Tensor(shape: [channels, channels, 3, 3]), padding: .same)
            return WinogradTile.fitting(conv, try conv.geometry(for: Size2D(side)))?.tile
        }
        #expect(try choice(64, 56) == .f4x4, "196 4×4 tiles ≥ 64")
        #expect(try choice(128, 56) == .f4x4)
        #expect(try choice(128, 28) == .f2x2, "49 4×4 tiles < 128 ≤ 196 2×2 tiles")
        #expect(try choice(64, 14) == nil, "49 2×2 tiles < 64")
        #expect(try choice(512, 7) == nil)
    }

    /// A tiling's forward pass (or, given ∂L/∂out, the input gradient), whatever tiling the layer would choose.
    static func run(_ tile: WinogradTile, _ conv: Conv2D, _ x: Tensor, inputGradient: Bool, input: Size2D, threads: Int) throws -> Tensor {
        let geometry = try conv.geometry(for: input)
        let shape = inputGradient ? [x.shape[0], conv.inChannels, input.height, input.width]
            : [x.shape[0], conv.outChannels, geometry.height.output, geometry.width.output]
        return try Tensor(shape: shape) { y in
            x.withUnsafeBufferPointer { x in
                conv.weight.withUnsafeBufferPointer { w in
                    (inputGradient ? [] : conv.bias?.scalars ?? []).withUnsafeBufferPointer { b in
                        tile.run(conv, geometry, inputGradient: inputGradient, batch: shape[0], x, w, b.isEmpty ? nil : b, y, threads: threads)
                    }
                }
            }
        }
    }

    @Test("edge shapes: 1×1 to 4×4 outputs, odd sides, rows of 1…70 tiles, padding 0…3, groups, chunks across tile rows, many channels",
          arguments: [WinogradTile.f2x2, .f4x4])
    func edgeShapes(tile: WinogradTile) throws {
        var random = SeededGenerator(seed: 40)
        let shapes: [(input: Size2D, padding: Padding, inPerGroup: Int, out: Int, groups: Int, batch: Int)] = [
            (Size2D(1), .explicit(Size2D(1)), 1, 1, 1, 1),
            (Size2D(3), .valid, 2, 3, 1, 2),
            (Size2D(height: 4, width: 3), .valid, 3, 2, 1, 1),
            (Size2D(height: 5, width: 9), .same, 4, 5, 2, 2),
            (Size2D(height: 6, width: 6), .valid, 3, 2, 1, 1),
            (Size2D(height: 2, width: 140), .explicit(Size2D(height: 1, width: 2)), 3, 4, 1, 1),
            (Size2D(height: 13, width: 1), .explicit(Size2D(height: 0, width: 3)), 2, 3, 3, 1),
            (Size2D(height: 13, width: 15), .explicit(Size2D(1)), 40, 4, 1, 1),
            (Size2D(height: 9, width: 11), .explicit(Size2D(2)), 70, 3, 1, 1),
            (Size2D(height: 6, width: 7), .explicit(Size2D(3)), 5, 6, 1, 1),
            (Size2D(height: 17, width: 37), .explicit(Size2D(1)), 6, 4, 1, 1),
        ]
        for (index, shape) in shapes.enumerated() {
            let conv = try Conv2D(weight: random.tensor([shape.out * shape.groups, shape.inPerGroup, 3, 3]), bias: random.tensor([shape.out * shape.groups]),
                                  padding: shape.padding, groups: shape.groups)
            let input = try random.tensor([shape.batch, shape.inPerGroup * shape.groups, shape.input.height, shape.input.width])
            var reference = try WinogradReference.forward(conv, input)
            reference.tile = tile
            let forward = reference.compute(input.scalars)
            for threads in [1, 2, 3] {
                expectWithinBound(try Self.run(tile, conv, input, inputGradient: false, input: shape.input, threads: threads), forward,
                                  "\(tile) shape \(index), \(threads) threads")
            }
            let outputGradient = try random.tensor(try conv(input).shape)
            var gradientReference = try WinogradReference.inputGradient(conv, input)
            gradientReference.tile = tile
            expectWithinBound(try Self.run(tile, conv, outputGradient, inputGradient: true, input: shape.input, threads: 2),
                              gradientReference.compute(outputGradient.scalars), "\(tile) shape \(index), input gradient")
        }
    }

    @Test("through the layer: winograd's input gradient within its bound, the parameters' gradients gemm's")
    func layerBackward() throws {
        var random = SeededGenerator(seed: 42)
        for (channels, side, tile) in [(12, 9, WinogradTile.f2x2), (4, 9, .f4x4)] {
            let conv = try Conv2D(weight: random.tensor([channels, channels, 3, 3]), bias: random.tensor([channels]), padding: .same)
            #expect(WinogradTile.chosen(conv, try conv.geometry(for: Size2D(side))) == tile)
            let input = try random.tensor([2, channels, side, side])
            let outputGradient = try random.tensor(input.shape)
            let gradients = try conv.backward(input: input, outputGradient: outputGradient, threads: 2, algorithm: .winograd)
            expectWithinBound(gradients.input, try WinogradReference.inputGradient(conv, input).compute(outputGradient.scalars), "\(channels) channels")
            let gemm = try conv.backward(input: input, outputGradient: outputGradient, threads: 2, algorithm: .gemm)
            #expect(gradients.weight == gemm.weight && gradients.bias == gemm.bias, "\(channels) channels")
        }
    }

    @Test("a layer whose chunks are cut thinner for threads gives the same bits on 1, 2 and 7 threads")
    func sameBits() throws {
        var random = SeededGenerator(seed: 41)
        let conv = try Conv2D(weight: random.tensor([20, 48, 3, 3]), bias: random.tensor([20]), padding: .same)
        let input = try random.tensor([1, 48, 30, 34])
        let geometry = try conv.geometry(for: Size2D(height: 30, width: 34))
        #expect(WinogradTile.chosen(conv, geometry) == .f4x4)
        let lowering = WinogradLowering<WinogradF4x4>(conv, geometry)
        #expect(lowering.chunkTiles(batch: 1, threads: 1) > lowering.chunkTiles(batch: 1, threads: 7))
        let one = try conv(input, threads: 1, algorithm: .winograd)
        let upstream = try random.tensor(one.shape)
        let oneBackward = try conv.backward(input: input, outputGradient: upstream, threads: 1, algorithm: .winograd)
        for threads in [2, 7] {
            #expect(try conv(input, threads: threads, algorithm: .winograd) == one, "\(threads) threads")
            #expect(try conv.backward(input: input, outputGradient: upstream, threads: threads, algorithm: .winograd).input == oneBackward.input, "\(threads) threads")
        }
    }

    @Test("a 3×3 layer of 1080p planes and 64 channels plans chunks, not whole planes")
    func boundedWorkspace() throws {
        let conv = try Conv2D(weight: Tensor(shape: [64, 64, 3, 3]), padding: .same)
        let geometry = try conv.geometry(for: Size2D(height: 1080, width: 1920))
        #expect(WinogradLowering<WinogradF2x2>(conv, geometry).workspaceBytes <= 2 * WinogradLowering<WinogradF2x2>.targetWorkspaceBytes)
        #expect(WinogradLowering<WinogradF4x4>(conv, geometry).workspaceBytes <= 2 * WinogradLowering<WinogradF4x4>.targetWorkspaceBytes)
    }

    @Test("winograd asked of a layer it does not compute is an error that says why", arguments: [
        (Size2D(5), Size2D(1), Size2D(1)), (Size2D(3), Size2D(2), Size2D(1)), (Size2D(3), Size2D(1), Size2D(2)),
    ])
    func notComputed(kernel: Size2D, stride: Size2D, dilation: Size2D) throws {
        let conv = try Conv2D(weight: Tensor(shape: [2, 2, kernel.height, kernel.width]), stride: stride, dilation: dilation)
        let input = try Tensor(shape: [1, 2, 12, 12])
        let message = "winograd computes 3×3 kernels with stride 1 and dilation 1; this layer has kernel \(kernel), stride \(stride), dilation \(dilation)"
        #expect(throws: ShapeError(message)) { try conv(input, algorithm: .winograd) }
        let upstream = try Tensor(shape: try conv(input).shape)
        #expect(throws: ShapeError(message)) { try conv.backward(input: input, outputGradient: upstream, algorithm: .winograd) }
    }
}
