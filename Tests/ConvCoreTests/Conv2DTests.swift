import SeededRandom
import Testing
import _TestSupport

@testable import ConvCore

struct Conv2DTests {
    /// One random layer and input: kernel 1…7, stride 1…3, padding 0…3 or same/valid,
    /// dilation 1…3, groups 1, 2 or depthwise, bias or not, batch 1…2, every size chosen
    /// per axis; redrawn until the kernel fits the padded input.
    /// A random layer and input; for `winograd`, one it computes (3×3, stride 1, dilation 1).
    static func randomCase(_ random: inout SeededGenerator, for algorithm: ConvAlgorithm? = nil) throws -> (Conv2D, Tensor) {
        while true {
            let groupChoice = random.int(0...2)
            let groups = [1, 2, random.int(1...4)][groupChoice]
            let inPerGroup = groupChoice == 2 ? 1 : random.int(1...3)
            let outPerGroup = random.int(1...3)
            let winograd = algorithm == .winograd
            let kernel = winograd ? Size2D(3) : Size2D(height: random.int(1...7), width: random.int(1...7))
            let dilation = winograd ? Size2D(1) : Size2D(height: random.int(1...3), width: random.int(1...3))
            let paddingChoice = random.int(0...5)
            let padding: Padding = paddingChoice == 4 ? .same : paddingChoice == 5 ? .valid
                : .explicit(Size2D(height: random.int(0...3), width: random.int(0...3)))
            let stride = padding == .same || winograd ? Size2D(1) : Size2D(height: random.int(1...3), width: random.int(1...3))
            let input = Size2D(height: random.int(1...14), width: random.int(1...14))
            let batch = random.int(1...2)
            let weight = try random.tensor([groups * outPerGroup, inPerGroup, kernel.height, kernel.width])
            let bias = random.int(0...1) == 1 ? try random.tensor([groups * outPerGroup]) : nil
            guard let conv = try? Conv2D(weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation, groups: groups),
                  (try? conv.geometry(for: input)) != nil
            else { continue }
            return (conv, try random.tensor([batch, groups * inPerGroup, input.height, input.width]))
        }
    }

    /// The rounding bound for each output: (taps + 2)·ε·(Σ|w||x| + |b|), twice, since
    /// both the lowering and the reference round.
    static func tolerance(_ conv: Conv2D, _ input: Tensor) throws -> [Float] {
        let absolute = try Conv2D(weight: conv.weight.magnitude, bias: conv.bias?.magnitude, stride: conv.stride,
                                  padding: conv.padding, dilation: conv.dilation, groups: conv.groups)
        let taps = Float(conv.weight.shape.dropFirst().reduce(1, *) + 2)
        return try convolutionByDefinition(absolute, input.magnitude).scalars.map { 2 * taps * .ulpOfOne * $0 + 1e-6 }
    }

    @Test("every algorithm equals the seven-loop definition on 300 random layers", arguments: ConvAlgorithm.allCases)
    func matchesDefinition(algorithm: ConvAlgorithm) throws {
        var random = SeededGenerator(seed: 2024)
        for trial in 0..<300 {
            let (conv, input) = try Self.randomCase(&random, for: algorithm)
            let actual = try conv(input, threads: 1 + trial % 3, algorithm: algorithm)
            let comment = "\(algorithm) trial \(trial): kernel \(conv.kernelSize) stride \(conv.stride) padding \(conv.padding) dilation \(conv.dilation) groups \(conv.groups) input \(input.shape)"
            if algorithm == .winograd {
                // Held to its own error bound, against the exact value.
                expectWithinBound(actual, try WinogradReference.forward(conv, input).compute(input.scalars), comment)
            } else {
                expectClose(actual, try convolutionByDefinition(conv, input), tolerance: try Self.tolerance(conv, input), comment)
            }
        }
    }

    @Test("k = n: a kernel as large as the input gives one output per channel, a dot product")
    func kernelAsLargeAsInput() throws {
        var random = SeededGenerator(seed: 5)
        let input = try random.tensor([1, 2, 5, 4])
        let conv = try Conv2D(weight: random.tensor([3, 2, 5, 4]), bias: random.tensor([3]))
        let output = try conv(input)
        #expect(output.shape == [1, 3, 1, 1])
        for o in 0..<3 {
            let kernel = try Tensor(shape: [40], scalars: Array(conv.weight.scalars[o * 40..<(o + 1) * 40]))
            let expected = dot(kernel, try input.reshaped(to: [40])) + Double(try #require(conv.bias).scalars[o])
            #expect(abs(Double(output.scalars[o]) - expected) < 1e-5)
        }
    }

    @Test("cross-correlation, not convolution: the kernel is not flipped")
    func crossCorrelationByHand() throws {
        // [1 2 3]                    out[y, x] = in[y, x] − in[y+1, x+1]
        // [4 5 6]  ⋆  [1  0]   =     [1−5 2−6]   [−4 −4]
        // [7 8 9]     [0 −1]         [4−8 5−9] = [−4 −4]   (a flipped kernel would give +4)
        let input = try Tensor(shape: [1, 1, 3, 3], scalars: [1, 2, 3, 4, 5, 6, 7, 8, 9])
        let conv = try Conv2D(weight: Tensor(shape: [1, 1, 2, 2], scalars: [1, 0, 0, -1]))
        #expect(try conv(input).scalars == [-4, -4, -4, -4])
    }

    @Test("stride 2 with padding 1, counted by hand: each output counts the ones in its window")
    func strideAndPaddingByHand() throws {
        // A 4×4 image of ones, a 3×3 kernel of ones, padding 1, stride 2: ⌊(4 + 2 − 3)/2⌋ + 1 = 2
        // per side. The window at (0, 0) covers rows and columns −1…1: 2×2 pixels inside.
        let input = try Tensor(shape: [1, 1, 4, 4], repeating: 1)
        let conv = try Conv2D(weight: Tensor(shape: [1, 1, 3, 3], repeating: 1), bias: Tensor(shape: [1], scalars: [0.5]),
                              stride: Size2D(2), padding: .explicit(Size2D(1)))
        #expect(try conv(input).scalars == [4.5, 6.5, 6.5, 9.5])
    }

    @Test("groups: each output channel sees only its group's input channels")
    func groupsByHand() throws {
        // Two groups of 1×1 kernels: output 0 = 2 · input 0, output 1 = 3 · input 1.
        let input = try Tensor(shape: [1, 2, 1, 2], scalars: [1, 2, 10, 20])
        let conv = try Conv2D(weight: Tensor(shape: [2, 1, 1, 1], scalars: [2, 3]), groups: 2)
        #expect(try conv(input).scalars == [2, 4, 30, 60])
    }

    @Test("padding 'same' keeps the size; an even kernel puts the extra pixel at the bottom/right")
    func samePaddingByHand() throws {
        // Kernel 2 wide: total padding 1, on the right. The window at x reads in[x] and in[x+1].
        let input = try Tensor(shape: [1, 1, 1, 3], scalars: [1, 2, 3])
        let conv = try Conv2D(weight: Tensor(shape: [1, 1, 1, 2], scalars: [1, 10]), padding: .same)
        #expect(try conv(input).scalars == [21, 32, 3])
    }

    @Test("all three gradients agree with finite differences on random layers, for every algorithm", arguments: ConvAlgorithm.allCases)
    func gradientsMatchFiniteDifferences(algorithm: ConvAlgorithm) throws {
        var random = SeededGenerator(seed: 77)
        for trial in 0..<40 {
            let (conv, input) = try Self.randomCase(&random, for: algorithm)
            try expectGradientsMatchFiniteDifferences(conv, input, threads: 1 + trial % 2, algorithm: algorithm, samples: 12, random: &random,
                "\(algorithm) trial \(trial): kernel \(conv.kernelSize) stride \(conv.stride) padding \(conv.padding) dilation \(conv.dilation) groups \(conv.groups)")
        }
    }

    /// Checks ∂L/∂input, ∂L/∂weight and ∂L/∂bias of L = Σ dy · conv(x), for a random dy,
    /// against finite differences at `samples` coordinates of each.
    private func expectGradientsMatchFiniteDifferences(
        _ conv: Conv2D, _ input: Tensor, threads: Int = 1, algorithm: ConvAlgorithm? = nil, samples: Int, random: inout SeededGenerator, _ comment: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let outputGradient = try random.tensor(try conv(input).shape)
        let gradients = try conv.backward(input: input, outputGradient: outputGradient, threads: threads, algorithm: algorithm)
        func loss(_ layer: Conv2D, _ x: Tensor) throws -> Double { dot(try layer(x, algorithm: algorithm), outputGradient) }
        try expectNumericGradient(gradients.input, of: input, loss: { try loss(conv, $0) }, step: 1, tolerance: 1e-3, samples: samples, random: &random,
                           "\(comment), input", sourceLocation: sourceLocation)
        try expectNumericGradient(gradients.weight, of: conv.weight, loss: { w in try loss(conv.replacing(parameter: 0, with: w), input) },
                           step: 1, tolerance: 1e-3, samples: samples, random: &random, "\(comment), weight", sourceLocation: sourceLocation)
        if let bias = conv.bias, let biasGradient = gradients.bias {
            try expectNumericGradient(biasGradient, of: bias, loss: { b in try loss(conv.replacing(parameter: 1, with: b), input) },
                               step: 1, tolerance: 1e-3, samples: samples, random: &random, "\(comment), bias", sourceLocation: sourceLocation)
        } else {
            #expect(gradients.bias == nil, "\(comment): a layer without bias has no bias gradient", sourceLocation: sourceLocation)
        }
    }

    @Test("the definition summed in Double is exact on small integers, where the Float one is too, and close to it elsewhere")
    func exactDefinition() throws {
        var random = SeededGenerator(seed: 6)
        let integers = try Conv2D(weight: Tensor(shape: [3, 2, 3, 3], scalars: (0..<54).map { Float($0 % 7) - 3 }),
                                  bias: Tensor(shape: [3], scalars: [1, -2, 0.5]), padding: .same)
        let input = try Tensor(shape: [1, 2, 5, 6], scalars: (0..<60).map { Float($0 % 5) })
        let exact = try exactConvolution(integers, input)
        #expect(exact.shape == [1, 3, 5, 6])
        #expect(exact.values == (try convolutionByDefinition(integers, input)).scalars.map(Double.init))
        let (conv, x) = try Self.randomCase(&random)
        let float = try convolutionByDefinition(conv, x)
        expectClose(float, try Tensor(shape: float.shape, scalars: try exactConvolution(conv, x).values.map(Float.init)),
                    tolerance: try Self.tolerance(conv, x), "random layer")
    }

    @Test("the weight gradient sums one contribution per position: weight sharing in the chain rule")
    func weightGradientSumsOverPositions() throws {
        // A 1×1 kernel on an n-pixel image with ∂L/∂out = 1 everywhere: ∂L/∂w = Σ pixels,
        // one term per position where the shared weight was used.
        let input = try Tensor(shape: [1, 1, 3, 4], scalars: (1...12).map(Float.init))
        let conv = try Conv2D(weight: Tensor(shape: [1, 1, 1, 1], scalars: [0.5]), bias: Tensor(shape: [1]))
        let gradients = try conv.backward(input: input, outputGradient: Tensor(shape: [1, 1, 3, 4], repeating: 1))
        #expect(gradients.weight.scalars == [78])
        #expect(gradients.bias?.scalars == [12])
        #expect(gradients.input.scalars == [Float](repeating: 0.5, count: 12))
    }

    @Test("a layer too large for one tile is cut into tiles, and the values do not change")
    func tiles() throws {
        var random = SeededGenerator(seed: 9)
        // 64 channels × 7×7 taps = 3136 rows of the column matrix, 20 × 20 positions:
        // more than one workspace holds.
        let conv = try Conv2D(weight: random.tensor([2, 64, 7, 7]), bias: random.tensor([2]), padding: .explicit(Size2D(1)))
        let input = try random.tensor([1, 64, 24, 24])
        let geometry = try conv.geometry(for: Size2D(24))
        let plan = Lowering(conv, geometry).plan(batch: 1, threads: 1, splitForThreads: false)
        #expect(geometry.positions == 400)
        #expect(3136 * 400 * 4 > LoweringPlan.targetWorkspaceBytes)
        #expect(plan.tilesPerImage > 1)
        #expect(plan.tilesPerImage * plan.tilePositions >= 400)
        let expected = try convolutionByDefinition(conv, input)
        let tolerance = try Self.tolerance(conv, input)
        for threads in [1, 2, 3] {
            expectClose(try conv(input, threads: threads), expected, tolerance: tolerance, "threads \(threads)")
        }
        try expectGradientsMatchFiniteDifferences(conv, input, samples: 8, random: &random, "tiled")
    }

    @Test("the forward and backward values do not depend on the thread count, for every algorithm", arguments: ConvAlgorithm.allCases)
    func threadCountInvariance(algorithm: ConvAlgorithm) throws {
        var random = SeededGenerator(seed: 31)
        let conv = try Conv2D(weight: random.tensor([8, 3, 3, 3]), bias: random.tensor([8]), padding: .same)
        let input = try random.tensor([2, 3, 40, 50])
        let outputs = try [1, 2, 4].map { try conv(input, threads: $0, algorithm: algorithm) }
        #expect(outputs.allSatisfy { $0 == outputs[0] })
        let outputGradient = try random.tensor(outputs[0].shape)
        let gradients = try [1, 2, 4].map { try conv.backward(input: input, outputGradient: outputGradient, threads: $0, algorithm: algorithm) }
        #expect(gradients.allSatisfy { $0.input == gradients[0].input && $0.weight == gradients[0].weight })
    }

    @Test("translation equivariance: shift the input by the stride, the output shifts by one")
    func translationEquivariance() throws {
        var random = SeededGenerator(seed: 13)
        for stride in 1...3 {
            let conv = try Conv2D(weight: random.tensor([2, 1, 3, 3]), stride: Size2D(stride))
            let input = try random.tensor([1, 1, 20, 20])
            // The same image moved `stride` pixels right and down, zeros coming in.
            var shifted = try Tensor(shape: input.shape)
            for y in stride..<20 {
                for x in stride..<20 { shifted[0, 0, y, x] = input[0, 0, y - stride, x - stride] }
            }
            let output = try conv(input), moved = try conv(shifted)
            let side = output.shape[3]
            for o in 0..<2 {
                for y in 0..<(side - 1) {
                    for x in 0..<(side - 1) {
                        #expect(moved[0, o, y + 1, x + 1] == output[0, o, y, x], "stride \(stride) at (\(o), \(y), \(x))")
                    }
                }
            }
        }
    }

    @Test("a 1920×1080 layer with 64 channels plans a workspace of at most 64 MiB")
    func boundedWorkspace() throws {
        let conv = try Conv2D(weight: Tensor(shape: [64, 64, 3, 3]), padding: .same)
        let lowering = Lowering(conv, try conv.geometry(for: Size2D(height: 1080, width: 1920)))
        for threads in [1, 2, 8, 64] {
            for split in [false, true] {
                let plan = lowering.plan(batch: 1, threads: threads, splitForThreads: split)
                #expect(plan.workspaceBytes <= LoweringPlan.workspaceLimitBytes)
                #expect(plan.workspaceFloats * 4 <= LoweringPlan.targetWorkspaceBytes)
                #expect(plan.tilesPerImage * plan.tilePositions >= 1080 * 1920)
            }
        }
        // The whole column matrix would be 576 × 2,073,600 floats: 4.8 GB.
        #expect(lowering.rows * lowering.positions * 4 > 4_000_000_000)
    }

    @Test("a 1×1 kernel with stride 1 and no padding skips im2col, and still equals the definition")
    func pointwise() throws {
        var random = SeededGenerator(seed: 3)
        let conv = try Conv2D(weight: random.tensor([5, 4, 1, 1]), bias: random.tensor([5]))
        let input = try random.tensor([2, 4, 6, 7])
        #expect(Lowering(conv, try conv.geometry(for: Size2D(height: 6, width: 7))).isPointwise)
        expectClose(try conv(input), try convolutionByDefinition(conv, input), tolerance: try Self.tolerance(conv, input), "pointwise")
        try expectGradientsMatchFiniteDifferences(conv, input, samples: 10, random: &random, "pointwise")
    }

    @Test("mistakes in a layer or its input are errors that name the culprit", arguments: [
        ([4, 3, 3], 1, "a convolution weight is [outChannels, inChannels/groups, kh, kw], all at least 1; got [4, 3, 3]"),
        ([4, 3, 3, 3], 3, "groups 3 must be at least 1 and divide the 4 output channels"),
        ([4, 3, 3, 3], 0, "groups 0 must be at least 1 and divide the 4 output channels"),
    ])
    func layerErrors(weightShape: [Int], groups: Int, message: String) throws {
        let weight = try Tensor(shape: weightShape)
        #expect(throws: ShapeError(message)) { try Conv2D(weight: weight, groups: groups) }
    }

    @Test("an input that does not fit the layer is an error, not a crash")
    func inputErrors() throws {
        let conv = try Conv2D(weight: Tensor(shape: [2, 3, 5, 5]))
        #expect(throws: ShapeError("a convolution input is [N, 3, H, W] for this layer; got [1, 2, 8, 8]")) { try conv(Tensor(shape: [1, 2, 8, 8])) }
        #expect(throws: ShapeError("kernel height 5 is larger than the input height 4")) { try conv(Tensor(shape: [1, 3, 4, 8])) }
        #expect(throws: ShapeError("bias has shape [3]; it needs one value per output channel: [2]")) {
            try Conv2D(weight: Tensor(shape: [2, 3, 5, 5]), bias: Tensor(shape: [3]))
        }
        #expect(throws: ShapeError("stride 0 (width) must be at least 1: it is the step from one window to the next")) {
            try Conv2D(weight: Tensor(shape: [2, 3, 5, 5]), stride: Size2D(height: 1, width: 0))
        }
        #expect(throws: ShapeError.self) { try conv.backward(input: Tensor(shape: [1, 3, 8, 8]), outputGradient: Tensor(shape: [1, 2, 3, 3])) }
    }
}

struct Conv2DBackwardThreadsTests {
    @Test("the backward pass gives the same bits on 1, 2 and 5 threads: the weight gradient is summed in fixed chunks", arguments: ConvAlgorithm.allCases)
    func sameBits(algorithm: ConvAlgorithm) throws {
        var random = SeededGenerator(seed: 8)
        let conv = try Conv2D(weight: try random.tensor([6, 3, 3, 3]), bias: try random.tensor([6]), padding: .explicit(Size2D(1)))
        let input = try random.tensor([9, 3, 12, 10])
        let upstream = try random.tensor([9, 6, 12, 10])
        let one = try conv.backward(input: input, outputGradient: upstream, threads: 1, algorithm: algorithm)
        for threads in [2, 5] {
            let many = try conv.backward(input: input, outputGradient: upstream, threads: threads, algorithm: algorithm)
            #expect(many.weight == one.weight && many.input == one.input && many.bias == one.bias, "\(algorithm), \(threads) threads")
        }
        let parametersOnly = try conv.backward(input: input, outputGradient: upstream, threads: 2, inputGradient: false, algorithm: algorithm)
        #expect(parametersOnly.weight == one.weight && parametersOnly.input.count == 0)
    }

    @Test("one image's tiles run in parallel: the same bits on 1, 2 and 3 threads, and the input gradient of the same image in a batch of two", arguments: [1, 2])
    func oneImageInTiles(groups: Int) throws {
        var random = SeededGenerator(seed: 21 + UInt64(groups))
        // 147 rows (3 channels × 7 × 7) and 60 × 65 positions: three tiles of the 1 MiB workspace.
        let layer = try Conv2D(weight: random.tensor([8, 3, 7, 7]), bias: random.tensor([8]), stride: Size2D(2), padding: .explicit(Size2D(3)), groups: groups)
        let input = try random.tensor([1, 3 * groups, 120, 130])
        let upstream = try random.tensor(try layer(input).shape)
        let one = try layer.backward(input: input, outputGradient: upstream, threads: 1, algorithm: .gemm)
        for threads in [2, 3] {
            let many = try layer.backward(input: input, outputGradient: upstream, threads: threads, algorithm: .gemm)
            #expect(many.weight == one.weight && many.input == one.input, "\(threads) threads")
        }
        // In a batch of two the pieces are the images, each folded tile by tile as it goes.
        let pair = try layer.backward(input: Tensor(shape: [2] + input.shape.dropFirst(), scalars: input.scalars + input.scalars),
                                      outputGradient: Tensor(shape: [2] + upstream.shape.dropFirst(), scalars: upstream.scalars + upstream.scalars),
                                      threads: 2, algorithm: .gemm)
        #expect(Array(pair.input.scalars.prefix(input.count)) == one.input.scalars)
        let doubled = try Tensor(shape: one.weight.shape, scalars: one.weight.scalars.map { 2 * $0 })
        let scale = doubled.scalars.map(abs).max() ?? 1
        expectClose(pair.weight, doubled, tolerance: [Float](repeating: 1e-5 * scale, count: doubled.count), "weight gradient, batch of two")
        try expectNumericGradient(one.weight, of: layer.weight, loss: { w in dot(try layer.replacing(parameter: 0, with: w)(input), upstream) },
                                  step: 1, tolerance: 1e-3, samples: 12, random: &random, "weight")
    }
}
