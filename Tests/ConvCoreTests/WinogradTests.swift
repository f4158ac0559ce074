import SeededRandom
import Testing
import _TestSupport

@testable import ConvCore

/// A stride-1 3×3 correlation of `source` computed exactly (in Double), with the error
/// bound F(2×2, 3×3) promises for each value (`WinogradTransform`):
/// (C + 8) · u · (Σ_c Aᵀ [(|G||g_c||G|ᵀ) ⊙ (|B|ᵀ|d_c||B|)] A + |bias|), for the tiles
/// the lowering cuts: result (y, x) lies in tile (y/2, x/2), which reads source rows
/// 2·(y/2) − top … + 3 and columns 2·(x/2) − left … + 3.
struct WinogradReference {
    var batch: Int, groups: Int, inPerGroup: Int, outPerGroup: Int
    var source: Size2D, result: Size2D, top: Int, left: Int
    /// kernel(group, o, c, i, j): the weight result channel o takes from source channel c at tap (i, j).
    var kernel: (Int, Int, Int, Int, Int) -> Double
    var bias: [Float]?

    static let g: [[Double]] = [[1, 0, 0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0, 0, 1]]
    static let bT: [[Double]] = [[1, 0, -1, 0], [0, 1, 1, 0], [0, -1, 1, 0], [0, 1, 0, -1]]
    static let aT: [[Double]] = [[1, 1, 1, 0], [0, 1, -1, -1]]

    func compute(_ x: [Float]) -> (exact: [Double], bound: [Double]) {
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
                        (0..<16).map { e in
                            var sum = 0.0
                            for i in 0..<3 { for j in 0..<3 { sum += abs(Self.g[e / 4][i] * kernel(group, o, c, i, j) * Self.g[e % 4][j]) } }
                            return sum
                        }
                    }
                    for y in 0..<result.height {
                        for xOut in 0..<result.width {
                            var value = b, absolute = 0.0
                            let (tileTop, tileLeft) = (2 * (y / 2) - top, 2 * (xOut / 2) - left)
                            for c in 0..<inPerGroup {
                                let channel = group * inPerGroup + c
                                for i in 0..<3 {
                                    for j in 0..<3 { value += kernel(group, o, c, i, j) * pixel(n, channel, y - top + i, xOut - left + j) }
                                }
                                for e in 0..<16 {
                                    let (a, bb) = (e / 4, e % 4)
                                    let weight = abs(Self.aT[y % 2][a] * Self.aT[xOut % 2][bb])
                                    guard weight > 0 else { continue }
                                    var v = 0.0
                                    for r in 0..<4 { for s in 0..<4 { v += abs(Self.bT[a][r] * pixel(n, channel, tileTop + r, tileLeft + s) * Self.bT[bb][s]) } }
                                    absolute += weight * absoluteU[c][e] * v
                                }
                            }
                            let index = (((n * groups + group) * outPerGroup + o) * result.height + y) * result.width + xOut
                            exact[index] = value
                            bound[index] = 1.01 * Double(inPerGroup + 8) * u * (absolute + abs(b))
                        }
                    }
                }
            }
        }
        return (exact, bound)
    }

    /// The layer's forward pass.
    static func forward(_ conv: Conv2D, _ input: Tensor) throws -> WinogradReference {
        let geometry = try conv.geometry(for: Size2D(height: input.shape[2], width: input.shape[3]))
        let (inPerGroup, outPerGroup) = (conv.inChannels / conv.groups, conv.outChannels / conv.groups)
        let w = conv.weight.scalars
        return WinogradReference(batch: input.shape[0], groups: conv.groups, inPerGroup: inPerGroup, outPerGroup: outPerGroup,
                                 source: geometry.input, result: geometry.output, top: geometry.height.padBefore, left: geometry.width.padBefore,
                                 kernel: { g, o, c, i, j in Double(w[(((g * outPerGroup + o) * inPerGroup + c) * 3 + i) * 3 + j]) },
                                 bias: conv.bias?.scalars)
    }

    /// The layer's input gradient: the output gradient correlated with the turned kernels.
    static func inputGradient(_ conv: Conv2D, _ input: Tensor) throws -> WinogradReference {
        let geometry = try conv.geometry(for: Size2D(height: input.shape[2], width: input.shape[3]))
        let (inPerGroup, outPerGroup) = (conv.inChannels / conv.groups, conv.outChannels / conv.groups)
        let w = conv.weight.scalars
        return WinogradReference(batch: input.shape[0], groups: conv.groups, inPerGroup: outPerGroup, outPerGroup: inPerGroup,
                                 source: geometry.output, result: geometry.input,
                                 top: 2 - geometry.height.padBefore, left: 2 - geometry.width.padBefore,
                                 kernel: { g, c, o, i, j in Double(w[(((g * outPerGroup + o) * inPerGroup + c) * 3 + 2 - i) * 3 + 2 - j]) },
                                 bias: nil)
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
    @Test("the kernel transform is G g Gᵀ, and turning the kernel moves its elements by σ = (0 3)")
    func kernelTransform() throws {
        var random = SeededGenerator(seed: 5)
        let g = random.floats(9, in: -1..<1)
        func transform(_ kernel: [Float]) -> [Float] {
            var u = [Float](repeating: 0, count: 16)
            kernel.withUnsafeBufferPointer { k in u.withUnsafeMutableBufferPointer { WinogradTransform.kernel(k.baseAddress!, into: $0.baseAddress!, stride: 1) } }
            return u
        }
        let u = transform(g)
        for e in 0..<16 {
            var exact = 0.0
            for i in 0..<3 { for j in 0..<3 { exact += WinogradReference.g[e / 4][i] * Double(g[3 * i + j]) * WinogradReference.g[e % 4][j] } }
            #expect(u[e] == Float(exact), "element \(e): rounded once from Double")
        }
        let turned = transform(Array(g.reversed()))
        for e in 0..<16 { #expect(turned[e] == u[WinogradTransform.turned(e)], "element \(e)") }
    }

    @Test("edge shapes: 1×1 to 2×2 outputs, odd sides, rows of 1…70 tiles, padding 0…3, groups, chunks across tile rows, many channels")
    func edgeShapes() throws {
        var random = SeededGenerator(seed: 40)
        let shapes: [(input: Size2D, padding: Padding, inPerGroup: Int, out: Int, groups: Int, batch: Int)] = [
            (Size2D(1), .explicit(Size2D(1)), 1, 1, 1, 1),
            (Size2D(3), .valid, 2, 3, 1, 2),
            (Size2D(height: 4, width: 3), .valid, 3, 2, 1, 1),
            (Size2D(height: 5, width: 9), .same, 4, 5, 2, 2),
            (Size2D(height: 2, width: 140), .explicit(Size2D(height: 1, width: 2)), 3, 4, 1, 1),
            (Size2D(height: 13, width: 1), .explicit(Size2D(height: 0, width: 3)), 2, 3, 3, 1),
            (Size2D(height: 19, width: 15), .explicit(Size2D(1)), 40, 12, 1, 1),
            (Size2D(height: 9, width: 11), .explicit(Size2D(2)), 70, 5, 1, 2),
            (Size2D(height: 6, width: 7), .explicit(Size2D(3)), 5, 6, 1, 1),
        ]
        for (index, shape) in shapes.enumerated() {
            let conv = try Conv2D(weight: random.tensor([shape.out * shape.groups, shape.inPerGroup, 3, 3]), bias: random.tensor([shape.out * shape.groups]),
                                  padding: shape.padding, groups: shape.groups)
            let input = try random.tensor([shape.batch, shape.inPerGroup * shape.groups, shape.input.height, shape.input.width])
            let forward = try WinogradReference.forward(conv, input).compute(input.scalars)
            for threads in [1, 2, 3] {
                expectWithinBound(try conv(input, threads: threads, algorithm: .winograd), forward, "shape \(index), \(threads) threads")
            }
            let outputGradient = try random.tensor(try conv(input).shape)
            let gradients = try conv.backward(input: input, outputGradient: outputGradient, threads: 2, algorithm: .winograd)
            expectWithinBound(gradients.input, try WinogradReference.inputGradient(conv, input).compute(outputGradient.scalars), "shape \(index), input gradient")
            let gemm = try conv.backward(input: input, outputGradient: outputGradient, threads: 2, algorithm: .gemm)
            #expect(gradients.weight == gemm.weight && gradients.bias == gemm.bias, "shape \(index): the parameters' gradients are gemm's")
        }
    }

    @Test("a layer whose chunks are cut thinner for threads gives the same bits on 1, 2 and 7 threads")
    func sameBits() throws {
        var random = SeededGenerator(seed: 41)
        let conv = try Conv2D(weight: random.tensor([20, 48, 3, 3]), bias: random.tensor([20]), padding: .same)
        let input = try random.tensor([1, 48, 30, 34])
        let lowering = WinogradLowering(conv, try conv.geometry(for: Size2D(height: 30, width: 34)))
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
        let bytes = WinogradLowering.workspaceBytes(conv, try conv.geometry(for: Size2D(height: 1080, width: 1920)))
        #expect(bytes <= 2 * WinogradLowering.targetWorkspaceBytes)
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
