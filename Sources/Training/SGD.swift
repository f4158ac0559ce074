import ConvCore

/// Stochastic gradient descent with momentum and weight decay, as PyTorch's
/// `torch.optim.SGD` (dampening 0, no Nesterov):
///
///     g ← ∇L(w) + weightDecay · w        (weight decay, PyTorch's `weight_decay`)
///     v ← momentum · v + g               (the first step sets v = g)
///     w ← w − learningRate · v
///
/// Weight decay is the gradient of an L2 penalty: minimizing L(w) + λ‖w‖² adds 2λw to the
/// gradient, so the update w ← w − α(∇L + 2λw) is `weightDecay = 2λ` here
/// (docs/weight-decay.md). Biases are usually left out of the decay; with
/// `decaysBiases == false`, parameters of one dimension (biases, batch norm's γ and β) are
/// not decayed.
///
/// The weights are updated in place, through the network's parameter visitor; the velocity
/// buffers are made at the first step and reused at every step after it.
public struct SGD: Sendable {
    public var learningRate: Float
    public var momentum: Float
    public var weightDecay: Float
    public var decaysBiases: Bool
    /// v for every parameter, from the first step on (with momentum).
    private var velocities: [[Float]] = []

    public init(learningRate: Float, momentum: Float = 0, weightDecay: Float = 0, decaysBiases: Bool = true) {
        self.learningRate = learningRate
        self.momentum = momentum
        self.weightDecay = weightDecay
        self.decaysBiases = decaysBiases
    }

    /// One step on every parameter of `network` with its gradient from the last backward
    /// pass. The network must be the same at every step: the velocities are kept by
    /// parameter.
    public mutating func step(_ network: inout Sequential) {
        let first = velocities.isEmpty
        if first && momentum != 0 {
            velocities = network.gradients.map { [Float](repeating: 0, count: $0.count) }
        }
        precondition(momentum == 0 || velocities.count == network.gradients.count,
                     "SGD.step: \(velocities.count) velocities for \(network.gradients.count) parameters; a network of its own needs an optimizer of its own")
        let (learningRate, momentum) = (self.learningRate, self.momentum)
        network.updateParameters { index, parameter, gradient in
            let decay = decaysBiases || parameter.shape.count > 1 ? weightDecay : 0
            parameter.withUnsafeMutableBufferPointer { w in
                gradient.withUnsafeBufferPointer { g in
                    precondition(g.count == w.count && (momentum == 0 || velocities[index].count == w.count),
                                 "SGD.step: parameter \(index) of \(w.count) values has a gradient or velocity of another size")
                    if momentum == 0 {
                        for i in w.indices { w[i] -= learningRate * (g[i] + decay * w[i]) }
                    } else {
                        velocities[index].withUnsafeMutableBufferPointer { v in
                            for i in w.indices {
                                let direction = g[i] + decay * w[i]
                                v[i] = first ? direction : momentum * v[i] + direction
                                w[i] -= learningRate * v[i]
                            }
                        }
                    }
                }
            }
        }
    }
}
