/// Stochastic gradient descent with momentum and weight decay, as PyTorch's
/// `torch.optim.SGD` (dampening 0, no Nesterov):
///
///     g ← ∇L(w) + weightDecay · w        (weight decay, PyTorch's `weight_decay`)
///     v ← momentum · v + g               (the first step sets v = g)
///     w ← w − learningRate · v
///
/// Weight decay is the gradient of an L2 penalty: minimizing L(w) + λ‖w‖² adds 2λw to the
/// gradient, so the update w ← w − α(∇L + 2λw) of the seed material is `weightDecay =
/// 2λ` here (docs/weight-decay.md). Biases are usually left out of the decay; with
/// `decaysBiases == false`, parameters of one dimension (biases) are not decayed.
public struct SGD: Sendable {
    public var learningRate: Float
    public var momentum: Float
    public var weightDecay: Float
    public var decaysBiases: Bool
    private var velocities: [[Float]] = []

    public init(learningRate: Float, momentum: Float = 0, weightDecay: Float = 0, decaysBiases: Bool = true) {
        self.learningRate = learningRate
        self.momentum = momentum
        self.weightDecay = weightDecay
        self.decaysBiases = decaysBiases
    }

    /// One step on every parameter with its gradient. The parameters must come in the
    /// same order at every step: the momentum buffers are kept by position.
    public mutating func step(_ parameters: inout [Tensor], gradients: [Tensor]) {
        precondition(parameters.count == gradients.count, "SGD.step: \(parameters.count) parameters, \(gradients.count) gradients")
        let first = velocities.isEmpty
        for (index, gradient) in gradients.enumerated() {
            precondition(parameters[index].shape == gradient.shape, "SGD.step: parameter \(index) is \(parameters[index].shape), its gradient \(gradient.shape)")
            let decay = decaysBiases || parameters[index].shape.count > 1 ? weightDecay : 0
            var direction = zip(gradient.scalars, parameters[index].scalars).map { $0 + decay * $1 }
            if momentum != 0 {
                if first {
                    velocities.append(direction)
                } else {
                    for i in direction.indices { velocities[index][i] = momentum * velocities[index][i] + direction[i] }
                    direction = velocities[index]
                }
            }
            for i in direction.indices { parameters[index].scalars[i] -= learningRate * direction[i] }
        }
    }
}
