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

        mutating func forward(_ input: Tensor, mode: BatchNorm.Mode, threads: Int?) throws(ShapeError) -> UnitTrace {
            switch self {
            case .layer(var layer):
                defer { self = .layer(layer) }
                return .layer(try layer.forward(input, mode: mode, threads: threads))
            case .residual(var block):
                defer { self = .residual(block) }
                return .residual(try block.forward(input, mode: mode, threads: threads))
            }
        }

        /// ∂L/∂input and ∂L/∂parameters (in the order of `parameters`).
        func backward(_ trace: UnitTrace, outputGradient: Tensor, threads: Int?) throws(ShapeError) -> (input: Tensor, parameters: [Tensor]) {
            switch (self, trace) {
            case (.layer(let layer), .layer(let layerTrace)):
                let gradients = try layer.backward(layerTrace, outputGradient: outputGradient, threads: threads)
                return (gradients.input, gradients.parameters)
            case (.residual(let block), .residual(let blockTrace)):
                let gradients = try block.backward(blockTrace, outputGradient: outputGradient, threads: threads)
                return (gradients.input, gradients.parameters)
            default:
                preconditionFailure("LayerStack.backward: the trace is not this stack's")
            }
        }
    }

    var units: [Unit]

    /// What the forward pass keeps for the backward pass.
    struct Trace {
        var input: Tensor
        var units: [UnitTrace]
        /// The stack's input, then every unit's output: `outputs[i + 1]` is unit i's.
        var outputs: [Tensor] { [input] + units.map(\.output) }
        var output: Tensor { units.last?.output ?? input }
    }

    enum UnitTrace {
        case layer(ActivatedLayer<L>.Trace)
        case residual(ResidualBlock<L>.Trace)

        var output: Tensor {
            switch self {
            case .layer(let trace): trace.output
            case .residual(let trace): trace.output
            }
        }
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
        var trace = Trace(input: input, units: [])
        for index in units.indices {
            progress(index)
            trace.units.append(try units[index].forward(trace.output, mode: mode, threads: threads))
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
            let gradients = try units[index].backward(trace.units[index], outputGradient: gradient, threads: threads)
            gradient = gradients.input
            parameterGradients.append(gradients.parameters)
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
