import ConvCore

/// `init-stats`' experiment: a random batch, N(0, 1), through a deep stack of layers
/// (Linear width → width, or 3×3 Conv2D of `width` channels on 16×16 with padding
/// `same`), all without bias and initialized the same way, each followed by the same
/// activation. It records the standard deviation of every layer's output, then sends a
/// random gradient N(0, 1) back from the top (L = Σ g · output) and records the standard
/// deviation of the gradient reaching every layer's output.
struct InitStatsExperiment {
    var depth = 100
    var width = 256
    var batch = 256
    var convolution = false
    var seed: UInt64 = 1
    var threads = 1

    /// Side of the feature maps of the convolutional variant.
    static let spatial = 16

    struct Run {
        var initializer: String
        var activation: Activation
        /// Standard deviation of layer l's output at index l − 1; nil where not finite.
        var std: [Double?]
        var gradientStd: [Double?]
        var inputStd: Double
        /// First layer whose std is not finite or above 10⁶ × the input's.
        var explodedAt: Int?
        /// First layer with an infinite or NaN value.
        var nonfiniteAt: Int?
        /// First layer whose std is below 10⁻⁶ × the input's.
        var vanishedAt: Int?
    }

    func run(_ initializer: Initializer, named name: String, activation: Activation, progress: (String) -> Void) throws -> Run {
        var random = SeededGenerator(seed: seed)
        let shape = convolution ? [batch, width, Self.spatial, Self.spatial] : [batch, width]
        let input = Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { _ in random.nextNormal() })
        let layers = try (0..<depth).map { _ in
            try Layer(initializer.tensor(convolution ? [width, width, 3, 3] : [width, width], using: &random))
        }

        // Forward, keeping every pre-activation and activation for the way back.
        var inputs = [input], preactivations: [Tensor] = []
        var std: [Double?] = [], run = Run(initializer: name, activation: activation, std: [], gradientStd: [], inputStd: standardDeviation(input) ?? 1)
        for (index, layer) in layers.enumerated() {
            progress("\(name), \(activation.rawValue): layer \(index + 1)/\(depth) forward")
            let z = try layer.forward(inputs[index], threads: threads)
            let x = activation.forward(z)
            preactivations.append(z)
            inputs.append(x)
            let deviation = standardDeviation(x)
            std.append(deviation)
            if run.nonfiniteAt == nil && x.scalars.contains(where: { !$0.isFinite }) { run.nonfiniteAt = index + 1 }
            if run.explodedAt == nil && (deviation ?? .infinity) > 1e6 * run.inputStd { run.explodedAt = index + 1 }
            if run.vanishedAt == nil, let deviation, deviation < 1e-6 * run.inputStd { run.vanishedAt = index + 1 }
        }
        run.std = std

        var gradient = Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { _ in random.nextNormal() })
        var gradientStd = [Double?](repeating: nil, count: depth)
        for index in stride(from: depth - 1, through: 0, by: -1) {
            progress("\(name), \(activation.rawValue): layer \(index + 1)/\(depth) backward")
            gradientStd[index] = standardDeviation(gradient)
            let throughActivation = activation.backward(input: preactivations[index], output: inputs[index + 1], outputGradient: gradient)
            gradient = try layers[index].inputGradient(input: inputs[index], outputGradient: throughActivation, threads: threads)
        }
        run.gradientStd = gradientStd
        return run
    }

    /// A layer of the stack: a Linear or a Conv2D (3×3, padding same), both bias-free.
    private enum Layer {
        case linear(Linear)
        case conv(Conv2D)

        init(_ weight: Tensor) throws {
            self = weight.shape.count == 2 ? .linear(try Linear(weight: weight)) : .conv(try Conv2D(weight: weight, padding: .same))
        }

        func forward(_ x: Tensor, threads: Int) throws -> Tensor {
            switch self {
            case .linear(let layer): try layer(x, threads: threads)
            case .conv(let layer): try layer(x, threads: threads)
            }
        }

        func inputGradient(input: Tensor, outputGradient: Tensor, threads: Int) throws -> Tensor {
            switch self {
            case .linear(let layer): try layer.backward(input: input, outputGradient: outputGradient, threads: threads).input
            case .conv(let layer): try layer.backward(input: input, outputGradient: outputGradient, threads: threads).input
            }
        }
    }
}

/// The population standard deviation of a tensor's values, two passes in Double; nil
/// when a value is not finite.
func standardDeviation(_ tensor: Tensor) -> Double? {
    guard !tensor.scalars.isEmpty, tensor.scalars.allSatisfy({ $0.isFinite }) else { return nil }
    let n = Double(tensor.scalars.count)
    let mean = tensor.scalars.reduce(0.0) { $0 + Double($1) } / n
    let variance = tensor.scalars.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / n
    return variance.isFinite ? variance.squareRoot() : nil
}
