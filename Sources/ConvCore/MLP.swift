/// A multilayer perceptron: Linear layers with an activation after every one but the
/// last. The small networks the experiments train.
public struct MLP: Sendable {
    public private(set) var layers: [Linear]
    public let activation: Activation

    /// What the forward pass keeps for the backward pass.
    public struct Trace: Sendable {
        /// The input of every layer (the first is the network's input).
        public var inputs: [Tensor]
        /// Every layer's output before its activation.
        public var preactivations: [Tensor]
        public var output: Tensor
    }

    /// Layers of `sizes[0]` → `sizes[1]` → …, weights from `weights`, biases from `biases`
    /// (`.frameworkDefault` there means U(±1/√fan_in), as PyTorch's `nn.Linear`).
    public init(sizes: [Int], activation: Activation, weights: Initializer, biases: Initializer, using random: inout SeededGenerator) throws(ShapeError) {
        guard sizes.count >= 2, sizes.allSatisfy({ $0 >= 1 }) else { throw ShapeError("an MLP needs at least two sizes, all at least 1; got \(sizes)") }
        var layers: [Linear] = []
        for (inputs, outputs) in zip(sizes, sizes.dropFirst()) {
            let weight = weights.tensor([outputs, inputs], using: &random)
            let biasInitializer = biases == .frameworkDefault
                ? Initializer.uniform(lower: -1 / Float(inputs).squareRoot(), upper: 1 / Float(inputs).squareRoot()) : biases
            layers.append(try Linear(weight: weight, bias: biasInitializer.tensor([outputs], using: &random)))
        }
        self.layers = layers
        self.activation = activation
    }

    public func forward(_ input: Tensor, threads: Int? = nil) throws(ShapeError) -> Trace {
        var trace = Trace(inputs: [input], preactivations: [], output: input)
        for (index, layer) in layers.enumerated() {
            let z = try layer(trace.output, threads: threads)
            trace.preactivations.append(z)
            trace.output = index == layers.count - 1 ? z : activation.forward(z)
            if index < layers.count - 1 { trace.inputs.append(trace.output) }
        }
        return trace
    }

    /// ∂L/∂parameters, in the order of `parameters`, from ∂L/∂output.
    public func backward(_ trace: Trace, outputGradient: Tensor, threads: Int? = nil) throws(ShapeError) -> [Tensor] {
        var gradient = outputGradient
        var parameterGradients: [Tensor] = []
        for index in stride(from: layers.count - 1, through: 0, by: -1) {
            if index < layers.count - 1 {
                gradient = activation.backward(input: trace.preactivations[index], output: trace.inputs[index + 1], outputGradient: gradient)
            }
            let gradients = try layers[index].backward(input: trace.inputs[index], outputGradient: gradient, threads: threads)
            parameterGradients = [gradients.weight, gradients.bias!] + parameterGradients
            gradient = gradients.input
        }
        return parameterGradients
    }

    /// Weight and bias of every layer, in order: what an optimizer updates.
    public var parameters: [Tensor] {
        get { layers.flatMap { [$0.weight, $0.bias!] } }
        set {
            for index in layers.indices {
                layers[index].weight = newValue[2 * index]
                layers[index].bias = newValue[2 * index + 1]
            }
        }
    }
}
