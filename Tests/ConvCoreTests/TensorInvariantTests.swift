import Foundation
import SeededRandom
import Testing
import _TestSupport

@testable import ConvCore

/// The invariants the kernels rely on, which only the types keep: a tensor holds exactly
/// the product of its shape in scalars; a layer's parameters keep the shapes its checks
/// were made with; an empty batch is a shape like any other; a shape too large to count
/// is an error, never a trap or a wrapped number.
struct TensorInvariantTests {
    // MARK: - Tensor: count, shape, and the only ways to change the scalars

    @Test("the overflow check does not depend on the order of the dimensions, even with a 0 among them")
    func overflowWhateverTheOrder() throws {
        for shape in [[0, 1 << 62, 1 << 62], [1 << 62, 1 << 62, 0], [1 << 62, 0, 1 << 62]] {
            #expect(throws: ShapeError("a tensor of shape \(shape) would hold more values than an Int can count")) { try Tensor.count(of: shape) }
        }
        #expect(try Tensor.count(of: [0, 1 << 40, 1 << 20]) == 0)
        #expect(try Tensor.count(of: []) == 1)
    }

    @Test("a tensor cannot be made with the wrong count, a negative dimension or a shape whose count overflows")
    func construction() throws {
        #expect(throws: ShapeError("a tensor of shape [2, 3] holds 6 values, not 5")) { try Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5]) }
        #expect(throws: ShapeError("a tensor of shape [2, 3] holds 6 values, not 7")) { try Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6, 7]) }
        #expect(throws: ShapeError("a tensor of shape [0, 4] holds 0 values, not 1")) { try Tensor(shape: [0, 4], scalars: [1]) }
        // [-2, -3] multiplies to 6: the count alone would let it through.
        #expect(throws: ShapeError("a tensor's dimensions must not be negative; got [-2, -3]")) { try Tensor(shape: [-2, -3], scalars: [1, 2, 3, 4, 5, 6]) }
        #expect(throws: ShapeError("a tensor's dimensions must not be negative; got [3, -1]")) { try Tensor(shape: [3, -1]) }
        // 2⁶² · 4 wraps to 0 in 64 bits: a wrapping product would accept no scalars.
        #expect(throws: ShapeError("a tensor of shape [4611686018427387904, 4] would hold more values than an Int can count")) {
            try Tensor(shape: [1 << 62, 4], scalars: [])
        }
        #expect(throws: ShapeError("a tensor of shape [4294967296, 4294967296] would hold more values than an Int can count")) {
            try Tensor(shape: [1 << 32, 1 << 32], repeating: 1)
        }
        #expect(throws: ShapeError("a tensor of shape [9223372036854775807, 2] would hold more values than an Int can count")) {
            try Tensor(shape: [Int.max, 2])
        }

        let scalar = try Tensor(shape: [], scalars: [5])
        #expect(scalar.count == 1 && scalar[] == 5)
        let empty = try Tensor(shape: [0, 1 << 31, 1 << 31])
        #expect(empty.count == 0 && empty.scalars.isEmpty)
        let filled = try Tensor(shape: [2, 3], repeating: 0.5)
        #expect(filled.count == 6 && filled.scalars == [Float](repeating: 0.5, count: 6))
    }

    @Test("Tensor.count(of:) is the product of the shape, checked")
    func countOfShape() throws {
        #expect(try Tensor.count(of: []) == 1)
        #expect(try Tensor.count(of: [0, 5]) == 0)
        #expect(try Tensor.count(of: [2, 3, 4]) == 24)
        #expect(try Tensor.count(of: [1 << 31, 1 << 31]) == 1 << 62)
        #expect(throws: ShapeError("a tensor's dimensions must not be negative; got [2, -1, 0]")) { try Tensor.count(of: [2, -1, 0]) }
        #expect(throws: ShapeError("a tensor of shape [3037000500, 3037000500] would hold more values than an Int can count")) {
            try Tensor.count(of: [3_037_000_500, 3_037_000_500])  // just above √(2⁶³)
        }
    }

    @Test("replaceScalars takes exactly the tensor's count; anything else throws and leaves the tensor as it was")
    func replaceScalars() throws {
        var tensor = try Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        let original = tensor
        #expect(throws: ShapeError("a tensor of shape [2, 3] holds 6 values, not 5")) { try tensor.replaceScalars(with: [9, 9, 9, 9, 9]) }
        #expect(tensor == original)
        #expect(throws: ShapeError("a tensor of shape [2, 3] holds 6 values, not 7")) { try tensor.replaceScalars(with: [Float](repeating: 9, count: 7)) }
        #expect(tensor == original)
        #expect(throws: ShapeError("a tensor of shape [2, 3] holds 6 values, not 0")) { try tensor.replaceScalars(with: []) }
        #expect(tensor == original)
        try tensor.replaceScalars(with: [6, 5, 4, 3, 2, 1])
        #expect(tensor.shape == [2, 3] && tensor.scalars == [6, 5, 4, 3, 2, 1])
    }

    @Test("reshaped keeps the scalars and needs the same count; a shape of that count with negative dimensions throws too")
    func reshaped() throws {
        let tensor = try Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        let flat = try tensor.reshaped(to: [6])
        #expect(flat.shape == [6] && flat.scalars == tensor.scalars)
        let turned = try tensor.reshaped(to: [3, 1, 2])
        #expect(turned[2, 0, 1] == 6 && turned[1, 0, 0] == 3)
        #expect(throws: ShapeError("a tensor of shape [4, 2] holds 8 values, not 6")) { try tensor.reshaped(to: [4, 2]) }
        #expect(throws: ShapeError("a tensor of shape [5] holds 5 values, not 6")) { try tensor.reshaped(to: [5]) }
        #expect(throws: ShapeError("a tensor's dimensions must not be negative; got [-2, -3]")) { try tensor.reshaped(to: [-2, -3]) }
        #expect(throws: ShapeError("a tensor of shape [4611686018427387904, 4, 6] would hold more values than an Int can count")) {
            try tensor.reshaped(to: [1 << 62, 4, 6])
        }
    }

    @Test("the subscript, map and the mutable buffer change values in place, never the count or the shape")
    func inPlaceChanges() throws {
        var tensor = try Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        #expect(tensor[1, 2] == 6 && tensor[0, 1] == 2)  // row-major: the last axis varies fastest
        tensor[1, 0] = 40
        #expect(tensor.scalars == [1, 2, 3, 40, 5, 6])
        let count = tensor.withUnsafeMutableBufferPointer { buffer in
            for i in buffer.indices { buffer[i] *= 2 }
            return buffer.count
        }
        #expect(count == 6)
        #expect(tensor.shape == [2, 3] && tensor.scalars == [2, 4, 6, 80, 10, 12])
        #expect(tensor.withUnsafeBufferPointer { $0.count } == tensor.count)
        let negated = tensor.map { -$0 }
        #expect(negated.shape == [2, 3] && negated.scalars == [-2, -4, -6, -80, -10, -12])
        // Value semantics: a copy changed is not the original changed.
        var copy = tensor
        copy[0, 0] = 99
        #expect(tensor[0, 0] == 2)
    }

    @Test("an index outside the shape traps rather than reach another element")
    func indexOutsideTheShape() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let tensor = orExitSuccessfully { try Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6]) }
            _ = tensor[0, 3]  // flat index 3 exists: it is [1, 0]
        }
        expectStandardError(of: result, contains: "Tensor: index [0, 3] out of shape [2, 3]")
        let wrongRank = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let tensor = orExitSuccessfully { try Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6]) }
            _ = tensor[4]
        }
        expectStandardError(of: wrongRank, contains: "Tensor: 1 indices for shape [2, 3]")
    }

    // MARK: - Parameters keep their shapes

    @Test("updateParameters may change a parameter's values in place, in the order of `parameters`")
    func updateKeepingShapes() throws {
        var conv = try Conv2D(weight: Tensor(shape: [4, 3, 3, 3]), bias: Tensor(shape: [4]), groups: 2)
        var visited: [Int] = []
        conv.updateParameters { index, parameter in
            visited.append(index)
            parameter = parameter.map { _ in Float(index + 1) }
        }
        #expect(visited == [0, 1])
        #expect(conv.weight.shape == [4, 3, 3, 3] && conv.weight.scalars.allSatisfy { $0 == 1 })
        #expect(try #require(conv.bias).scalars == [2, 2, 2, 2])
        #expect(conv.parameters == [conv.weight, try #require(conv.bias)])
        #expect(conv.inChannels == 6 && conv.outChannels == 4)

        var linear = try Linear(weight: Tensor(shape: [2, 3]))
        linear.updateParameters { index, parameter in
            visited.append(index)
            parameter[1, 2] = 7
        }
        #expect(visited == [0, 1, 0])
        #expect(linear.weight.scalars == [0, 0, 0, 0, 0, 7] && linear.parameters == [linear.weight])

        var norm = try BatchNorm(channels: 3)
        norm.updateParameters { index, parameter in
            visited.append(index)
            parameter.withUnsafeMutableBufferPointer { $0[0] = 5 }
        }
        #expect(visited == [0, 1, 0, 0, 1])
        #expect(norm.weight.scalars == [5, 1, 1] && norm.bias.scalars == [5, 0, 0] && norm.parameters == [norm.weight, norm.bias])
        #expect(norm.runningMean.scalars == [0, 0, 0] && norm.runningVariance.scalars == [1, 1, 1])
    }

    @Test("the former misuse, a groups-2 convolution given a weight of another shape, traps in updateParameters")
    func groupedWeightOfAnotherShapeTraps() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            // [4, 3, 3, 3] in 2 groups: 6 input channels. [4, 1, 3, 3] would make it 2.
            var conv = orExitSuccessfully { try Conv2D(weight: Tensor(shape: [4, 3, 3, 3]), groups: 2) }
            let wrong = orExitSuccessfully { try Tensor(shape: [4, 1, 3, 3]) }
            conv.updateParameters { index, parameter in
                if index == 0 { parameter = wrong }
            }
        }
        expectStandardError(of: result, contains: "parameter 0 has shape [4, 3, 3, 3]; an update may change its values, not make it [4, 1, 3, 3]")
    }

    @Test("a bias, a Linear weight or a batch-norm scale of another shape traps too")
    func otherParametersOfAnotherShapeTrap() async {
        let bias = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var conv = orExitSuccessfully { try Conv2D(weight: Tensor(shape: [4, 3, 3, 3]), bias: Tensor(shape: [4]), groups: 2) }
            let wrong = orExitSuccessfully { try Tensor(shape: [2]) }
            conv.updateParameters { index, parameter in
                if index == 1 { parameter = wrong }
            }
        }
        expectStandardError(of: bias, contains: "parameter 1 has shape [4]; an update may change its values, not make it [2]")
        let linear = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var layer = orExitSuccessfully { try Linear(weight: Tensor(shape: [2, 3])) }
            layer.updateParameters { _, parameter in
                parameter = orExitSuccessfully { try parameter.reshaped(to: [3, 2]) }  // the same count, another shape
            }
        }
        expectStandardError(of: linear, contains: "parameter 0 has shape [2, 3]; an update may change its values, not make it [3, 2]")
        let scale = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var norm = orExitSuccessfully { try BatchNorm(channels: 3) }
            norm.updateParameters { index, parameter in
                if index == 0 { parameter = orExitSuccessfully { try Tensor(shape: [4], repeating: 1) } }
            }
        }
        expectStandardError(of: scale, contains: "parameter 0 has shape [3]; an update may change its values, not make it [4]")
    }

    @Test("no other public way changes a layer's parameters or a tensor's scalars: what is stored is private or a let, and no key path writes it")
    func noOtherWay() throws {
        // `conv.weight = w`, `conv.bias = w`, `linear.weight = w`, `norm.runningMean = w`,
        // `tensor.scalars = []` and `tensor.scalars.append(1)` do not compile here, even with
        // @testable. What a test can check when it runs: the stored properties are the ones
        // listed (Mirror sees every one, so one added later fails here), and no key path to
        // a public property writes, not even cast to WritableKeyPath (a key path to a
        // `private(set) var` stored property would: hence the computed properties).
        let conv = try Conv2D(weight: Tensor(shape: [4, 3, 3, 3]), bias: Tensor(shape: [4]), groups: 2)
        // (`packedWeights`, internal, is replaced whenever the weight is set.)
        #expect(storedProperties(of: conv) == ["storedWeight", "storedBias", "packedWeights", "stride", "padding", "dilation", "groups"])
        #expect(!isWritable(\Conv2D.weight) && !isWritable(\Conv2D.bias) && !isWritable(\Conv2D.stride)
                && !isWritable(\Conv2D.padding) && !isWritable(\Conv2D.dilation) && !isWritable(\Conv2D.groups))

        let linear = try Linear(weight: Tensor(shape: [2, 3]))
        #expect(storedProperties(of: linear) == ["storedWeight", "storedBias"])
        #expect(!isWritable(\Linear.weight) && !isWritable(\Linear.bias))

        let norm = try BatchNorm(channels: 2)
        #expect(storedProperties(of: norm) == ["gamma", "beta", "storedRunningMean", "storedRunningVariance", "storedBatchesTracked", "momentum", "epsilon", "lastNormalization"])
        #expect(!isWritable(\BatchNorm.weight) && !isWritable(\BatchNorm.bias) && !isWritable(\BatchNorm.runningMean)
                && !isWritable(\BatchNorm.runningVariance) && !isWritable(\BatchNorm.batchesTracked) && !isWritable(\BatchNorm.momentum) && !isWritable(\BatchNorm.epsilon))

        let dropout = try Dropout(probability: 0.5, seed: 1)
        #expect(storedProperties(of: dropout) == ["probability", "random", "mask"])
        #expect(!isWritable(\Dropout.probability))

        let pool = try Pooling2D(.max)
        #expect(storedProperties(of: pool) == ["kind", "kernelSize", "stride", "padding"])
        #expect(!isWritable(\Pooling2D.kind) && !isWritable(\Pooling2D.kernelSize) && !isWritable(\Pooling2D.stride) && !isWritable(\Pooling2D.padding))

        let tensor = try Tensor(shape: [2], scalars: [1, 2])
        #expect(storedProperties(of: tensor) == ["shape", "storage"])
        #expect(!isWritable(\Tensor.shape) && !isWritable(\Tensor.scalars))

        // A copy of a parameter is a value: changing it does not reach the layer.
        var weight = conv.weight
        weight[0, 0, 0, 0] = 5
        #expect(conv.weight[0, 0, 0, 0] == 0)
    }

    @Test("a weight [4, 1, 3, 3] in 2 groups is another layer, of 2 input channels, and its own checks hold")
    func anotherWeightIsAnotherLayer() throws {
        let conv = try Conv2D(weight: Tensor(shape: [4, 1, 3, 3]), groups: 2)
        #expect(conv.inChannels == 2)
        #expect(throws: ShapeError("a convolution input is [N, 2, H, W] for this layer; got [1, 6, 5, 5]")) { try conv(Tensor(shape: [1, 6, 5, 5])) }
        #expect(throws: ShapeError("a convolution input is [N, 2, H, W] for this layer; got [1, 6, 5, 5]")) {
            try conv.backward(input: Tensor(shape: [1, 6, 5, 5]), outputGradient: Tensor(shape: [1, 4, 3, 3]))
        }
        #expect(throws: ShapeError("a convolution input is [N, 2, H, W] for this layer; got [1, 6, 5, 5]")) { try convolutionByDefinition(conv, Tensor(shape: [1, 6, 5, 5])) }
        #expect(throws: ShapeError("groups 3 must be at least 1 and divide the 4 output channels")) { try Conv2D(weight: Tensor(shape: [4, 1, 3, 3]), groups: 3) }
        #expect(try conv(Tensor(shape: [1, 2, 5, 5])).shape == [1, 4, 3, 3])
    }

    // MARK: - A batch of 0 is a shape like any other

    @Test("Conv2D on a batch of 0: an output of 0 images of the right shape, empty input gradients, zero weight and bias gradients")
    func convolutionOfAnEmptyBatch() throws {
        for (weightShape, groups, stride, padding, input, output) in [
            ([6, 2, 3, 3], 2, Size2D(2), Padding.explicit(Size2D(1)), [0, 4, 7, 9], [0, 6, 4, 5]),  // ⌊(7 + 2 − 3)/2⌋ + 1, ⌊(9 + 2 − 3)/2⌋ + 1
            ([5, 3, 1, 1], 1, Size2D(1), Padding.valid, [0, 3, 6, 2], [0, 5, 6, 2]),                // pointwise: no im2col
            ([3, 1, 2, 4], 3, Size2D(1), Padding.same, [0, 3, 5, 5], [0, 3, 5, 5]),                  // depthwise
        ] {
            var random = SeededGenerator(seed: 40)
            let conv = try Conv2D(weight: random.tensor(weightShape), bias: random.tensor([weightShape[0]]), stride: stride, padding: padding, groups: groups)
            let x = try Tensor(shape: input)
            for threads in [1, 2] {
                let y = try conv(x, threads: threads)
                #expect(y.shape == output && y.count == 0 && y.scalars.isEmpty, "\(weightShape) threads \(threads)")
                let gradients = try conv.backward(input: x, outputGradient: Tensor(shape: output), threads: threads)
                #expect(gradients.input.shape == input && gradients.input.count == 0)
                #expect(gradients.weight == (try Tensor(shape: weightShape)), "∂L/∂weight: a sum of no terms")
                #expect(gradients.bias == (try Tensor(shape: [weightShape[0]])), "∂L/∂bias: a sum of no terms")
            }
            #expect(try convolutionByDefinition(conv, x).shape == output)
            var wrong = output
            wrong[3] += 1
            #expect(throws: ShapeError("the output gradient has shape \(wrong); this layer's output is \(output)")) {
                try conv.backward(input: x, outputGradient: Tensor(shape: wrong))
            }
        }
    }

    @Test("Linear on a batch of 0: [0, in] → [0, out], empty input gradient, zero weight and bias gradients")
    func linearOfAnEmptyBatch() throws {
        var random = SeededGenerator(seed: 41)
        let layer = try Linear(weight: random.tensor([3, 5]), bias: random.tensor([3]))
        let x = try Tensor(shape: [0, 5])
        for threads in [1, 2] {
            let y = try layer(x, threads: threads)
            #expect(y.shape == [0, 3] && y.scalars.isEmpty)
            let gradients = try layer.backward(input: x, outputGradient: Tensor(shape: [0, 3]), threads: threads)
            #expect(gradients.input.shape == [0, 5] && gradients.input.scalars.isEmpty)
            #expect(gradients.weight == (try Tensor(shape: [3, 5])), "∂L/∂weight: a sum of no terms")
            #expect(gradients.bias == (try Tensor(shape: [3])), "∂L/∂bias: a sum of no terms")
        }
        #expect(throws: ShapeError("the output gradient has shape [1, 3]; this layer's output is [0, 3]")) {
            try layer.backward(input: x, outputGradient: Tensor(shape: [1, 3]))
        }
    }

    @Test("pooling, flatten and activations on a batch of 0: empty outputs and gradients of the right shapes", arguments: [Pooling2D.Kind.max, .average])
    func parameterlessOperationsOfAnEmptyBatch(kind: Pooling2D.Kind) throws {
        let pool = try Pooling2D(kind, kernelSize: Size2D(height: 2, width: 3), stride: Size2D(height: 2, width: 1))
        let x = try Tensor(shape: [0, 3, 6, 7])
        let y = try pool(x)
        #expect(y.shape == [0, 3, 3, 5] && y.scalars.isEmpty)  // ⌊(6 − 2)/2⌋ + 1, ⌊(7 − 3)/1⌋ + 1
        let gradient = try pool.backward(input: x, outputGradient: Tensor(shape: [0, 3, 3, 5]))
        #expect(gradient.shape == [0, 3, 6, 7] && gradient.scalars.isEmpty)

        let flat = try Flatten()(x)
        #expect(flat.shape == [0, 126] && flat.scalars.isEmpty)
        #expect(try Flatten().backward(input: x, outputGradient: flat).shape == [0, 3, 6, 7])
        let activated = Activation.sigmoid.forward(flat)
        #expect(activated.shape == [0, 126])
        #expect(try Activation.sigmoid.backward(input: flat, output: activated, outputGradient: flat).shape == [0, 126])
        #expect(Softmax.forward(flat).shape == [0, 126] && Softmax.logForward(flat).shape == [0, 126])
    }

    // MARK: - Shapes too large to count are errors

    @Test("a Conv2D output too large to count, from a one-pixel input, is a ShapeError in every pass")
    func convolutionOutputTooLarge() throws {
        let input = try Tensor(shape: [1, 1, 1, 1], scalars: [1])
        // A 3×3 kernel, padding 2³⁰ on each side: 2³¹ − 1 outputs per axis, (2³¹ − 1)²
        // positions (they fit), times 4 channels (they do not).
        let wide = try Conv2D(weight: Tensor(shape: [4, 1, 3, 3]), padding: .explicit(Size2D(1 << 30)))
        let tooMany = ShapeError("a tensor of shape [1, 4, 2147483647, 2147483647] would hold more values than an Int can count")
        #expect(try wide.geometry(for: Size2D(1)).positions == 2_147_483_647 * 2_147_483_647)
        #expect(throws: tooMany) { try wide(input) }
        #expect(throws: tooMany) { try convolutionByDefinition(wide, input) }
        #expect(throws: ShapeError("the output gradient has shape [1, 4, 1, 1]; this layer's output is [1, 4, 2147483647, 2147483647]")) {
            try wide.backward(input: input, outputGradient: Tensor(shape: [1, 4, 1, 1]))
        }
        // Padding 2³¹: the layer is refused when it is made, since on an input the kernel
        // fits (3 pixels) its 2³² + 1 outputs per axis multiply beyond an Int.
        #expect(throws: ShapeError("the output positions, 4294967297 × 4294967297, exceed the largest 64-bit integer (9223372036854775807)")) {
            try Conv2D(weight: Tensor(shape: [4, 1, 3, 3]), padding: .explicit(Size2D(1 << 31)))
        }
    }

    @Test("an empty input whose other dimensions are hostile cannot be made; one with a zero-sized plane is a ShapeError, not a trap")
    func hostileEmptyInputs() throws {
        // No values, but sizes whose products would overflow whatever uses them.
        #expect(throws: ShapeError("a tensor of shape [0, 1, 1099511627776, 1099511627776] would hold more values than an Int can count")) {
            try Tensor(shape: [0, 1, 1 << 40, 1 << 40])
        }
        let conv = try Conv2D(weight: Tensor(shape: [2, 1, 1, 1]))
        let flatPlane = try Tensor(shape: [2, 1, 0, 5])
        #expect(throws: ShapeError("input height 0 must be at least 1")) { try conv(flatPlane) }
        #expect(throws: ShapeError("input height 0 must be at least 1")) { try Pooling2D(.max)(flatPlane) }
        #expect(throws: ShapeError("a batch norm input is [N, 1, …] for this layer (1 channels); got [2, 1, 0, 5]")) {
            var norm = try BatchNorm(channels: 1)
            _ = try norm.forward(flatPlane, mode: .evaluation)
        }
        #expect(throws: ShapeError("flatten needs an input [N, …]; got a scalar")) { try Flatten()(Tensor(shape: [], scalars: [1])) }
    }

    @Test("a layer too large to count, or a dilation too large to compute with, is a ShapeError before anything is allocated")
    func hostileLayers() throws {
        var random = SeededGenerator(seed: 42)
        #expect(throws: ShapeError("a tensor of shape [4294967296, 4294967296] would hold more values than an Int can count")) {
            try Linear(inFeatures: 1 << 32, outFeatures: 1 << 32, using: &random)
        }
        #expect(throws: ShapeError("a tensor's dimensions must not be negative; got [3, -2]")) { try Linear(inFeatures: -2, outFeatures: 3, using: &random) }
        #expect(throws: ShapeError("height: input 9223372036854775807, kernel 3, dilation 9223372036854775807 or padding 0+0 too large to compute with")) {
            try Conv2D(weight: Tensor(shape: [1, 1, 3, 3]), dilation: Size2D(Int.max))
        }
        // A dilation whose span just fits in an Int makes a layer, which no input fits.
        let spread = try Conv2D(weight: Tensor(shape: [1, 1, 3, 3]), dilation: Size2D(Int.max / 2))
        #expect(throws: ShapeError("kernel height 3 at dilation 4611686018427387903 spans 9223372036854775807 pixels and is larger than the input height 5")) {
            try spread(Tensor(shape: [1, 1, 5, 5]))
        }
    }
}

// MARK: - Helpers

/// The labels of a value's stored properties, in declaration order.
private func storedProperties(of value: Any) -> [String] {
    Mirror(reflecting: value).children.map { $0.label ?? "?" }
}

/// Whether a key path may write, whatever its static type says: a key path to a stored
/// `private(set) var` is a WritableKeyPath at run time wherever it is formed, and casting
/// it (`as? WritableKeyPath`) writes around the private setter; one to a `let` or to a
/// get-only computed property is not.
private func isWritable<Root, Value>(_ keyPath: KeyPath<Root, Value>) -> Bool {
    keyPath is WritableKeyPath<Root, Value>
}

/// For the body of an exit test that expects a trap: `make()`, or, when it throws, an exit
/// with status 0, so that a setup that fails cannot pass for the trap.
private func orExitSuccessfully<T>(_ make: () throws -> T) -> T {
    do { return try make() } catch { exit(EXIT_SUCCESS) }
}

/// Expects an exit test's standard error to hold the precondition's message. Only a debug
/// build prints it; a release build traps with no message, and only the status is checked.
private func expectStandardError(of result: ExitTest.Result?, contains message: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #if DEBUG
    guard let result else { return }  // the exit test failed, and said so
    let standardError = String(decoding: result.standardErrorContent, as: UTF8.self)
    #expect(standardError.contains(message), "standard error: \(standardError)", sourceLocation: sourceLocation)
    #endif
}
