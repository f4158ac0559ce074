/// A layer followed by an optional batch normalization and an activation,
///
///     y = activation(BN(layer(x)))     or     y = activation(layer(x))
///
/// the unit deep networks are stacked from (torchvision's `Conv2dNormActivation`). The
/// batch norm sits between the layer and the activation, as in Ioffe & Szegedy, so in
/// training mode the activation sees inputs of mean 0 and variance 1 (before γ and β).
public struct ActivatedLayer<L: Layer>: Sendable {
    public var layer: L
    public var normalization: BatchNorm?
    public let activation: Activation

    /// What the forward pass keeps for the backward pass.
    public struct Trace: Sendable {
        public var input: Tensor
        /// layer(x).
        public var preactivation: Tensor
        public var normalization: BatchNorm.Trace?
        public var output: Tensor
    }

    /// What the backward pass computes.
    public struct Backward: Sendable {
        public var input: Tensor
        public var layer: Gradients
        public var normalization: Gradients?

        /// ∂L/∂parameters, in the order of `ActivatedLayer.parameters`.
        public var parameters: [Tensor] { layer.parameters + (normalization?.parameters ?? []) }
    }

    public init(_ layer: L, normalization: BatchNorm? = nil, activation: Activation) {
        self.layer = layer
        self.normalization = normalization
        self.activation = activation
    }

    /// The forward pass; `mode` is the batch norm's (training also updates its running
    /// statistics).
    public mutating func forward(_ input: Tensor, mode: BatchNorm.Mode = .training, threads: Int? = nil) throws(ShapeError) -> Trace {
        let preactivation = try layer(input, threads: threads)
        let normalized = try normalization?.forward(preactivation, mode: mode)
        return Trace(input: input, preactivation: preactivation, normalization: normalized,
                     output: activation.forward(normalized?.output ?? preactivation))
    }

    /// The backward pass from ∂L/∂y: through the activation, the batch norm, the layer.
    public func backward(_ trace: Trace, outputGradient: Tensor, threads: Int? = nil) throws(ShapeError) -> Backward {
        var gradient = activation.backward(input: trace.normalization?.output ?? trace.preactivation, output: trace.output, outputGradient: outputGradient)
        var normalizationGradients: Gradients?
        if let normalization, let normalized = trace.normalization {
            let gradients = try normalization.backward(normalized, outputGradient: gradient)
            normalizationGradients = gradients
            gradient = gradients.input
        }
        let layerGradients = try layer.backward(input: trace.input, outputGradient: gradient, threads: threads)
        return Backward(input: layerGradients.input, layer: layerGradients, normalization: normalizationGradients)
    }

    /// The layer's weight and bias (if any), then the batch norm's γ and β (if any): what an
    /// optimizer updates.
    public var parameters: [Tensor] {
        get { [layer.weight] + (layer.bias.map { [$0] } ?? []) + (normalization.map { [$0.weight, $0.bias] } ?? []) }
        set {
            precondition(newValue.count == parameters.count, "ActivatedLayer.parameters: \(newValue.count) tensors for \(parameters.count)")
            layer.weight = newValue[0]
            if layer.bias != nil { layer.bias = newValue[1] }
            if normalization != nil {
                normalization!.weight = newValue[newValue.count - 2]
                normalization!.bias = newValue[newValue.count - 1]
            }
        }
    }
}
