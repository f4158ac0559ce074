import GEMM
import ConvCore
import Reporting
import SeededRandom
import Training

/// init-stats' experiment: a random batch, N(0, 1), through a deep stack of layers
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
public struct InitStatsExperiment: Sendable {
    public var depth = 100
    public var width = 256
    public var batch = 256
    public var convolution = false
    public var seed: UInt64 = 1
    /// At most this many threads (default: every core the process may run on).
    public var threads = availableCores
    /// The runs, in order.
    public var configurations: [Configuration] = []
    /// Where the command writes the plot, which the text names; nil for none.
    public var plotFile: String?
    /// The most the runs may keep in memory, in bytes.
    public var memoryLimit = defaultMemoryLimit

    /// Side of the feature maps of the convolutional variant.
    public static let spatial = 16

    public init() {}

    /// How the layers are put together.
    public enum Network: String, CaseIterable, Sendable {
        case plain
        case batchNorm = "batchnorm"
        case residual
        case residualScaled = "residual-scaled"

        public var isResidual: Bool { self == .residual || self == .residualScaled }
    }

    /// One run: an initializer and its name, the activation after every layer, how the
    /// layers are put together.
    public struct Configuration: Sendable {
        public var name: String
        public var initializer: Initializer
        public var activation: Activation
        public var network: Network

        public init(name: String, initializer: Initializer, activation: Activation, network: Network = .plain) {
            (self.name, self.initializer, self.activation, self.network) = (name, initializer, activation, network)
        }
    }

    public struct Run: Sendable {
        public var initializer: String
        public var activation: Activation
        public var network: Network
        /// The layer after which each entry of `std` and `gradientStd` was measured.
        public var layers: [Int]
        /// Standard deviation of the output after `layers[i]` at index i; nil where not finite.
        public var std: [Double?]
        public var gradientStd: [Double?]
        public var inputStd: Double
        /// First layer whose std is not finite or above 10⁶ × the input's.
        public var explodedAt: Int?
        /// First layer with an infinite or NaN value.
        public var nonfiniteAt: Int?
        /// First layer whose std is below 10⁻⁶ × the input's.
        public var vanishedAt: Int?
    }

    /// The standard comparison, in its order: N(0, 1) and N(0, 1/n) without activation,
    /// Xavier with tanh (gain 1 and 5/3), Kaiming with ReLU, Xavier (gain 1) with ReLU, the
    /// framework default with ReLU, and zeros.
    public static func comparison(width: Int, convolution: Bool) -> [Configuration] {
        let fanIn = Float(width * (convolution ? 9 : 1))
        let runs: [(InitScheme, Initializer, Activation)] = [
            (.normal, .normal(mean: 0, standardDeviation: 1), .identity),
            (.normal, .normal(mean: 0, standardDeviation: 1 / fanIn.squareRoot()), .identity),
            (.xavierUniform, .xavierUniform(gain: 1), .tanh),
            (.xavierUniform, .xavierUniform(gain: 5.0 / 3), .tanh),
            (.kaimingNormal, .kaimingNormal(.relu), .relu),
            (.xavierUniform, .xavierUniform(gain: 1), .relu),
            (.frameworkDefault, .frameworkDefault, .relu),
            (.zeros, .zeros, .identity),
        ]
        return runs.map { Configuration(name: $0.name(of: $1), initializer: $1, activation: $2) }
    }


    /// Bytes the largest run of these networks keeps: per layer its output and output
    /// gradient, its pre-activation and, with batch normalization, the normalized values
    /// and the batch norm's output; and its weight with the weight's gradient.
    public func bytesKept(networks: [Network]) -> Double {
        let perLayer = Double(batch) * Double(width) * (convolution ? Double(Self.spatial * Self.spatial) : 1)
        let weights = Double(width) * Double(width) * (convolution ? 9 : 1)
        return (perLayer * (networks.contains(.batchNorm) ? 5 : 3) + 2 * weights) * Double(depth + 1) * 4
    }

    /// Checks the settings against every configuration before any work.
    /// - Throws: `UserError` (usage), naming the option to change.
    public func validate() throws(UserError) {
        let networks = configurations.map(\.network)
        if networks.contains(.batchNorm) && batch == 1 && !convolution {
            throw UserError(.usage, "--batchnorm needs --batch 2 or more: batch statistics need more than one value per channel")
        }
        if networks.contains(where: \.isResidual) && depth % 2 != 0 {
            throw UserError(.usage, "--residual needs an even --depth: its blocks hold two layers each; got \(depth)")
        }
        try checkMemory(bytesKept(networks: networks), limit: memoryLimit, for: "--depth \(depth), --batch \(batch) and --width \(width)")
    }

    /// Every configuration in turn; `progress` hears what is being computed.
    /// - Throws: `UserError` for settings that do not fit (see `validate`).
    public func run(progress: (String) -> Void) throws(UserError) -> InitStatsResult {
        try validate()
        var runs: [Run] = []
        for (index, configuration) in configurations.enumerated() {
            do {
                runs.append(try run(configuration) { progress("run \(index + 1)/\(configurations.count): \($0)") })
            } catch {
                throw UserError(.usage, error.message)
            }
        }
        return InitStatsResult(experiment: self, runs: runs)
    }

    /// One configuration: the forward pass measured at every unit's output, the backward
    /// pass at every unit's output gradient.
    public func run(_ configuration: Configuration, progress: (String) -> Void) throws(ShapeError) -> Run {
        guard depth >= 1, !configuration.network.isResidual || depth % 2 == 0 else {
            throw ShapeError("a stack of residual blocks of two layers needs an even depth; got \(depth)")
        }
        var random = SeededGenerator(seed: seed)
        let shape = convolution ? [batch, width, Self.spatial, Self.spatial] : [batch, width]
        let input = try Tensor(shape: shape, scalars: (0..<(try Tensor.count(of: shape))).map { _ in random.nextNormal() })
        let network = configuration.network
        let label = "\(configuration.name), \(configuration.activation.rawValue)\(network == .plain ? "" : ", \(network.rawValue)")"
        var run = Run(initializer: configuration.name, activation: configuration.activation, network: network,
                      layers: [], std: [], gradientStd: [], inputStd: standardDeviation(input) ?? 1)

        /// A layer without bias, its weight drawn (and scaled) as the configuration says.
        func layer(scaledBy scale: Float = 1) throws(ShapeError) -> any Module {
            let weight = try configuration.initializer.tensor(convolution ? [width, width, 3, 3] : [width, width], using: &random)
            let scaled = scale == 1 ? weight : weight.map { $0 * scale }
            return convolution ? try Conv2D(weight: scaled, padding: .same) as any Module : try Linear(weight: scaled)
        }
        let activation: [any Module] = configuration.activation == .identity ? [] : [configuration.activation]
        // The stack's units, whose outputs are measured: a layer with its batch norm and
        // activation, or a residual block.
        var units: [any Module] = []
        switch network {
        case .plain, .batchNorm:
            for _ in 0..<depth {
                let normalization: [any Module] = network == .batchNorm ? [try BatchNorm(channels: width)] : []
                units.append(Sequential([try layer()] + normalization + activation))
            }
        case .residual, .residualScaled:
            let blocks = depth / 2
            let scale = network == .residualScaled ? 1 / Float(blocks).squareRoot() : 1
            for _ in 0..<blocks {
                let first = try layer()
                units.append(Residual(Sequential([first] + activation + [try layer(scaledBy: scale)])))
            }
        }
        var stack = Sequential(units)
        let layersPerUnit = depth / units.count

        _ = try stack.forward(input, mode: .training, threads: threads) { index in
            progress("\(label): layer \((index + 1) * layersPerUnit)/\(depth) forward")
        }
        for (index, output) in stack.activations.dropFirst().enumerated() {
            let layer = (index + 1) * layersPerUnit
            let deviation = standardDeviation(output)
            run.layers.append(layer)
            run.std.append(deviation)
            if run.nonfiniteAt == nil && output.scalars.contains(where: { !$0.isFinite }) { run.nonfiniteAt = layer }
            if run.explodedAt == nil && (deviation ?? .infinity) > 1e6 * run.inputStd { run.explodedAt = layer }
            if run.vanishedAt == nil, let deviation, deviation < 1e-6 * run.inputStd { run.vanishedAt = layer }
        }

        let gradient = try Tensor(shape: input.shape, scalars: (0..<input.count).map { _ in random.nextNormal() })
        var gradientStd = [Double?](repeating: nil, count: units.count)
        _ = try stack.backward(gradient, threads: threads) { index, outputGradient in
            progress("\(label): layer \((index + 1) * layersPerUnit)/\(depth) backward")
            gradientStd[index] = standardDeviation(outputGradient)
        }
        run.gradientStd = gradientStd
        return run
    }

    var layerName: String {
        convolution
            ? "3×3 Conv2D layers, \(width) channels on \(InitStatsExperiment.spatial)×\(InitStatsExperiment.spatial), padding same"
            : "Linear layers \(width) → \(width)"
    }

}
