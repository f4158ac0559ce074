import ConvCore
import Testing
import Training

/// A network of one Linear layer n → 1 with weight `w` (and an optional bias), whose
/// gradient after `step` is exactly `gradient`: for L = Σ ∂L/∂y · y with y = x · wᵀ,
/// x = `gradient` and ∂L/∂y = 1, ∂L/∂w = x.
private struct OneLayer {
    var network: Sequential

    init(_ w: [Float], bias: [Float]? = nil) throws {
        network = Sequential([try Linear(weight: try Tensor(shape: [1, w.count], scalars: w),
                                         bias: try bias.map { try Tensor(shape: [1], scalars: $0) })])
    }

    /// One optimizer step with ∂L/∂w = `gradient` (and ∂L/∂b = 1 with a bias).
    mutating func step(_ optimizer: inout SGD, gradient: [Float]) throws {
        _ = try network.forward(try Tensor(shape: [1, gradient.count], scalars: gradient), mode: .training)
        _ = try network.backward(try Tensor(shape: [1, 1], scalars: [1]))
        #expect(network.gradients[0].scalars == gradient)
        optimizer.step(&network)
    }

    var weights: [Float] { network.parameters[0].scalars }
}

struct SGDTests {
    @Test("one step worked by hand: w ← w − α(∇L + λw)")
    func plainStep() throws {
        var layer = try OneLayer([1, -2])
        var sgd = SGD(learningRate: 0.1, weightDecay: 0.5)
        try layer.step(&sgd, gradient: [3, 4])
        // g + λw = [3 + 0.5·1, 4 + 0.5·(−2)] = [3.5, 3]; w − 0.1 · that = [0.65, −2.3]
        #expect(zip(layer.weights, [0.65, -2.3]).allSatisfy { abs($0 - $1) < 1e-6 }, "\(layer.weights)")
    }

    @Test("momentum: the first step uses the gradient, later ones μ·v + g")
    func momentum() throws {
        var layer = try OneLayer([0])
        var sgd = SGD(learningRate: 1, momentum: 0.9)
        try layer.step(&sgd, gradient: [1])
        #expect(layer.weights == [-1])
        try layer.step(&sgd, gradient: [1])
        #expect(layer.weights == [Float(-2.9)])  // v = 0.9 · 1 + 1
        try layer.step(&sgd, gradient: [1])
        #expect(abs(layer.weights[0] - (-5.61)) < 1e-6)  // v = 0.9 · 1.9 + 1 = 2.71
    }

    @Test("momentum and weight decay together, two steps worked by hand")
    func momentumAndDecay() throws {
        var layer = try OneLayer([1, -2])
        var sgd = SGD(learningRate: 0.1, momentum: 0.9, weightDecay: 0.5)
        try layer.step(&sgd, gradient: [3, 4])
        // d = [3.5, 3] = v; w = [0.65, −2.3]
        try layer.step(&sgd, gradient: [1, -1])
        // d = [1 + 0.325, −1 − 1.15] = [1.325, −2.15]; v = 0.9 · [3.5, 3] + d = [4.475, 0.55]
        // w = [0.65 − 0.4475, −2.3 − 0.055] = [0.2025, −2.355]
        #expect(zip(layer.weights, [0.2025, -2.355]).allSatisfy { abs($0 - $1) < 1e-6 }, "\(layer.weights)")
    }

    @Test("with decaysBiases false, 1-D parameters are not decayed")
    func biasesExcluded() throws {
        var layer = try OneLayer([1], bias: [1])
        var sgd = SGD(learningRate: 1, weightDecay: 0.5, decaysBiases: false)
        try layer.step(&sgd, gradient: [0])
        #expect(layer.weights == [0.5])                  // 1 − (0 + 0.5 · 1)
        #expect(layer.network.parameters[1].scalars == [0])  // 1 − ∂L/∂b = 1 − 1, no decay
    }

    @Test("the weights are updated in place and the velocities made once: no storage moves between steps")
    func inPlace() throws {
        var layer = try OneLayer([1, 2, 3])
        var sgd = SGD(learningRate: 0.1, momentum: 0.9, weightDecay: 0.01)
        try layer.step(&sgd, gradient: [1, 1, 1])
        func address(_ tensor: Tensor) -> UnsafeRawPointer? { tensor.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) } }
        let weights = address(layer.network.parameters[0])
        for _ in 0..<5 {
            try layer.step(&sgd, gradient: [0.5, -1, 2])
            #expect(address(layer.network.parameters[0]) == weights)
        }
    }

    @Test("one optimizer for two networks of the same parameter count but other sizes stops the program")
    func otherNetworkTraps() async {
        await #expect(processExitsWith: .failure) {
            var sgd = SGD(learningRate: 0.1, momentum: 0.9)
            var small = try! OneLayer([1, 2])
            try! small.step(&sgd, gradient: [1, 1])
            var large = try! OneLayer([1, 2, 3, 4])
            try! large.step(&sgd, gradient: [1, 1, 1, 1])
        }
    }
}
