import ConvCore

/// A deep network as the experiments build it: units in sequence, each a layer (Linear or
/// Conv2D) with an optional batch norm and an activation, or a residual block. init-stats
/// measures what flows through one; stability trains one.
struct LayerStack<L: Layer>: Sendable {
    enum Unit: Sendable {
        case layer(ActivatedLayer<L>)
        case residual(ResidualBlock<L>)

        var parameters: [Tensor] {
            get {
                switch self {
                case .layer(let layer): layer.parameters
                case .residual(let block): block.parameters
                }
            }
            set {
                switch self {
                case .layer(var layer):
                    layer.parameters = newValue
                    self = .layer(layer)
                case .residual(var block):
                    block.parameters = newValue
                    self = .residual(block)
                }
            }
        }
    }

    var units: [Unit]

    /// What the forward pass keeps for the backward pass.
    struct Trace {
        /// The stack's input, then every unit's output: `outputs[i + 1]` is unit i's.
        var outputs: [Tensor]
        var units: [UnitTrace]
        var output: Tensor { outputs[outputs.count - 1] }
    }

    enum UnitTrace {
        case layer(ActivatedLayer<L>.Trace)
        case residual(ResidualBlock<L>.Trace)
    }

    /// What the backward pass computes.
    struct Backward {
        /// ∂L/∂parameters, in the order of `parameters`.
        var parameters: [Tensor]
        /// ∂L/∂(unit i's output) at index i: how strongly each depth is told to change.
        var outputs: [Tensor]
    }

    /// The forward pass. `mode` is the batch norms' (training also updates their running
    /// statistics); `progress` hears the index of each unit as it starts.
    mutating func forward(_ input: Tensor, mode: BatchNorm.Mode, threads: Int?, progress: (Int) -> Void = { _ in }) throws(ShapeError) -> Trace {
        var trace = Trace(outputs: [input], units: [])
        for index in units.indices {
            progress(index)
            switch units[index] {
            case .layer(var layer):
                let layerTrace = try layer.forward(trace.output, mode: mode, threads: threads)
                units[index] = .layer(layer)
                trace.units.append(.layer(layerTrace))
                trace.outputs.append(layerTrace.output)
            case .residual(var block):
                let blockTrace = try block.forward(trace.output, mode: mode, threads: threads)
                units[index] = .residual(block)
                trace.units.append(.residual(blockTrace))
                trace.outputs.append(blockTrace.output)
            }
        }
        return trace
    }

    /// The backward pass from ∂L/∂output; `progress` hears the index of each unit as it
    /// starts, from the last.
    func backward(_ trace: Trace, outputGradient: Tensor, threads: Int?, progress: (Int) -> Void = { _ in }) throws(ShapeError) -> Backward {
        var gradient = outputGradient
        var parameterGradients: [[Tensor]] = []
        var outputGradients: [Tensor] = []
        for index in units.indices.reversed() {
            progress(index)
            outputGradients.append(gradient)
            switch (units[index], trace.units[index]) {
            case (.layer(let layer), .layer(let layerTrace)):
                let gradients = try layer.backward(layerTrace, outputGradient: gradient, threads: threads)
                gradient = gradients.input
                parameterGradients.append(gradients.parameters)
            case (.residual(let block), .residual(let blockTrace)):
                let gradients = try block.backward(blockTrace, outputGradient: gradient, threads: threads)
                gradient = gradients.input
                parameterGradients.append(gradients.parameters)
            default:
                preconditionFailure("LayerStack.backward: the trace is not this stack's")
            }
        }
        return Backward(parameters: parameterGradients.reversed().flatMap { $0 }, outputs: outputGradients.reversed())
    }

    /// Every unit's parameters, in order: what an optimizer updates.
    var parameters: [Tensor] {
        get { units.flatMap(\.parameters) }
        set {
            let counts = units.map(\.parameters.count)
            precondition(newValue.count == counts.reduce(0, +), "LayerStack.parameters: \(newValue.count) tensors for \(counts.reduce(0, +))")
            var start = 0
            for (index, count) in counts.enumerated() {
                units[index].parameters = Array(newValue[start..<start + count])
                start += count
            }
        }
    }
}
