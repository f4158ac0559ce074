import ConvCore

/// `init-stats`' experiment: a random batch, N(0, 1), through a deep stack of layers
/// (Linear width → width, or 3×3 Conv2D of `width` channels on 16×16 with padding
/// `same`), all without bias and initialized the same way, each followed by the same
/// activation. It records the standard deviation of every layer's output, then sends a
/// random gradient N(0, 1) back from the top (L = Σ g · output) and records the standard
/// deviation of the gradient reaching every layer's output.
///
/// The same layers can be put together three more ways: with a batch norm (training mode,
/// γ = 1, β = 0) between every layer and its activation, or in residual blocks of two
/// layers, y = x + second(activation(first(x))), whose second layer starts as drawn or
/// scaled by 1/√blocks. A residual stack is measured at the blocks' outputs: after every
/// second layer.
struct InitStatsExperiment {
    var depth = 100
    var width = 256
    var batch = 256
    var convolution = false
    var seed: UInt64 = 1
    var threads = 1

    /// Side of the feature maps of the convolutional variant.
    static let spatial = 16

    /// How the layers are put together.
    enum Network: String, CaseIterable {
        case plain
        case batchNorm = "batchnorm"
        case residual
        case residualScaled = "residual-scaled"

        var isResidual: Bool { self == .residual || self == .residualScaled }
    }

    struct Run {
        var initializer: String
        var activation: Activation
        var network: Network
        /// The layer after which each entry of `std` and `gradientStd` was measured.
        var layers: [Int]
        /// Standard deviation of the output after `layers[i]` at index i; nil where not finite.
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

    func run(_ initializer: Initializer, named name: String, activation: Activation, network: Network = .plain, progress: (String) -> Void) throws -> Run {
        var random = SeededGenerator(seed: seed)
        let shape = convolution ? [batch, width, Self.spatial, Self.spatial] : [batch, width]
        let input = Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { _ in random.nextNormal() })
        let label = "\(name), \(activation.rawValue)\(network == .plain ? "" : ", \(network.rawValue)")"
        var run = Run(initializer: name, activation: activation, network: network, layers: [], std: [], gradientStd: [], inputStd: standardDeviation(input) ?? 1)
        if convolution {
            try measure(&run, input: input, initializer, label: label, random: &random, progress: progress) { try Conv2D(weight: $0, padding: .same) }
        } else {
            try measure(&run, input: input, initializer, label: label, random: &random, progress: progress) { try Linear(weight: $0) }
        }
        return run
    }

    private func measure<L: Layer>(
        _ run: inout Run, input: Tensor, _ initializer: Initializer, label: String, random: inout SeededGenerator,
        progress: (String) -> Void, layer make: (Tensor) throws -> L
    ) throws {
        let weightShape = convolution ? [width, width, 3, 3] : [width, width]
        func layer(scaledBy scale: Float = 1) throws -> L {
            var weight = initializer.tensor(weightShape, using: &random)
            if scale != 1 { weight.scalars = weight.scalars.map { $0 * scale } }
            return try make(weight)
        }
        var stack: LayerStack<L>
        switch run.network {
        case .plain, .batchNorm:
            stack = LayerStack(units: try (0..<depth).map { _ in
                .layer(ActivatedLayer(try layer(), normalization: run.network == .batchNorm ? BatchNorm(channels: width) : nil, activation: run.activation))
            })
        case .residual, .residualScaled:
            let blocks = depth / 2
            let scale = run.network == .residualScaled ? 1 / Float(blocks).squareRoot() : 1
            stack = LayerStack(units: try (0..<blocks).map { _ in
                .residual(ResidualBlock(first: try layer(), activation: run.activation, second: try layer(scaledBy: scale)))
            })
        }
        let layersPerUnit = depth / stack.units.count

        let trace = try stack.forward(input, mode: .training, threads: threads) { index in
            progress("\(label): layer \((index + 1) * layersPerUnit)/\(depth) forward")
        }
        for (index, output) in trace.outputs.dropFirst().enumerated() {
            let layer = (index + 1) * layersPerUnit
            let deviation = standardDeviation(output)
            run.layers.append(layer)
            run.std.append(deviation)
            if run.nonfiniteAt == nil && output.scalars.contains(where: { !$0.isFinite }) { run.nonfiniteAt = layer }
            if run.explodedAt == nil && (deviation ?? .infinity) > 1e6 * run.inputStd { run.explodedAt = layer }
            if run.vanishedAt == nil, let deviation, deviation < 1e-6 * run.inputStd { run.vanishedAt = layer }
        }

        let gradient = Tensor(shape: input.shape, scalars: (0..<input.scalars.count).map { _ in random.nextNormal() })
        let backward = try stack.backward(trace, outputGradient: gradient, threads: threads) { index in
            progress("\(label): layer \((index + 1) * layersPerUnit)/\(depth) backward")
        }
        run.gradientStd = backward.outputs.map(standardDeviation)
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
