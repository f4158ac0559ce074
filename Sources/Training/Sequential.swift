import ConvCore

/// Modules applied one after another, any mix of them, as PyTorch's `nn.Sequential`: a
/// convolutional network is
///
///     Sequential([conv, Activation.relu, maxPool, conv, Activation.relu, maxPool,
///                 Flatten(), linear, Activation.relu, linear])
///
/// The network keeps what flows through it. After `forward`, `activations` holds the
/// input of every module and, last, the output; `backward` runs the modules in reverse
/// over them, the chain rule one module at a time, and leaves ∂L/∂parameters in
/// `gradients`, in the order of `parameters`. An optimizer then visits every parameter
/// with its gradient, in place, through `updateParameters(_:)`.
///
/// What it holds is read-only from outside (computed properties over private storage):
/// the modules change only through `updateParameters`, the activations and gradients only
/// by a pass.
public struct Sequential: Module {
    public var modules: [any Module] { storedModules }
    /// Each module's name, the prefix of its tensors' names in a checkpoint: its position
    /// ("0", "1", …) unless the spec named it.
    public let names: [String]
    /// The input of every module, then the network's output, from the last forward pass.
    public var activations: [Tensor] { storedActivations }
    /// ∂L/∂parameters from the last backward pass, in the order of `parameters`; empty
    /// before the first.
    public var gradients: [Tensor] { storedGradients }
    private var storedModules: [any Module]
    private var storedActivations: [Tensor] = []
    /// Gradient clipping scales them in place (`GradientClipping.swift`).
    var storedGradients: [Tensor] = []

    /// - Precondition: `names`, when given, has a distinct name for each module.
    public init(_ modules: [any Module], names: [String]? = nil) {
        precondition(names == nil || (names!.count == modules.count && Set(names!).count == modules.count),
                     "Sequential: a distinct name for each module")
        storedModules = modules
        self.names = names ?? modules.indices.map(String.init)
    }

    /// The forward pass, keeping every activation for the backward pass; `progress` hears
    /// the index of each module as it starts.
    public mutating func forward(_ input: Tensor, mode: Mode, threads: Int? = nil, progress: (Int) -> Void) throws(ShapeError) -> Tensor {
        storedActivations = [input]
        storedActivations.reserveCapacity(storedModules.count + 1)
        for index in storedModules.indices {
            progress(index)
            storedActivations.append(try storedModules[index].forward(storedActivations[index], mode: mode, threads: threads))
        }
        return storedActivations[storedModules.count]
    }

    public mutating func forward(_ input: Tensor, mode: Mode, threads: Int? = nil) throws(ShapeError) -> Tensor {
        try forward(input, mode: mode, threads: threads) { _ in }
    }

    /// The backward pass of the last forward pass, from ∂L/∂output to ∂L/∂input, leaving
    /// ∂L/∂parameters in `gradients`. `observe` hears, for each module from the last, its
    /// index and the gradient that reaches its output.
    /// - Throws: `ShapeError` when no forward pass came before, or `outputGradient` is not
    ///   the output's shape.
    public mutating func backward(_ outputGradient: Tensor, threads: Int? = nil, observe: (_ module: Int, _ outputGradient: Tensor) -> Void) throws(ShapeError) -> Tensor {
        try backward(outputGradient, threads: threads, inputGradient: true, observe: observe)!
    }

    /// The backward pass for training: ∂L/∂parameters into `gradients`, without ∂L/∂input
    /// (the input is data), which spares the first module's input gradient.
    public mutating func backwardParameters(_ outputGradient: Tensor, threads: Int? = nil) throws(ShapeError) {
        _ = try backward(outputGradient, threads: threads, inputGradient: false) { _, _ in }
    }

    private mutating func backward(_ outputGradient: Tensor, threads: Int?, inputGradient: Bool,
                                   observe: (_ module: Int, _ outputGradient: Tensor) -> Void) throws(ShapeError) -> Tensor? {
        guard activations.count == modules.count + 1 else {
            throw ShapeError("a network's backward pass needs its forward pass first")
        }
        guard outputGradient.shape == activations[modules.count].shape else {
            throw ShapeError("the output gradient has shape \(outputGradient.shape); the network's output is \(activations[modules.count].shape)")
        }
        var gradient = outputGradient
        var parameterGradients = [[Tensor]](repeating: [], count: modules.count)
        for index in modules.indices.reversed() {
            observe(index, gradient)
            if index == 0 && !inputGradient {
                parameterGradients[0] = try storedModules[0].parameterGradients(
                    input: activations[0], output: activations[1], outputGradient: gradient, threads: threads)
                break
            }
            let result = try storedModules[index].backward(
                input: activations[index], output: activations[index + 1], outputGradient: gradient, threads: threads)
            gradient = result.input
            parameterGradients[index] = result.parameters
        }
        storedGradients = parameterGradients.flatMap { $0 }
        return inputGradient ? gradient : nil
    }

    public mutating func backward(_ outputGradient: Tensor, threads: Int? = nil) throws(ShapeError) -> Tensor {
        try backward(outputGradient, threads: threads) { _, _ in }
    }

    /// As a module inside another network: the backward pass of its own last forward pass.
    public mutating func backward(input: Tensor, output: Tensor, outputGradient: Tensor, threads: Int?) throws(ShapeError) -> (input: Tensor, parameters: [Tensor]) {
        (try backward(outputGradient, threads: threads), gradients)
    }

    /// Every module's parameters, in order.
    public var parameters: [Tensor] { modules.flatMap(\.parameters) }

    public mutating func updateParameters(_ update: (_ index: Int, _ parameter: inout Tensor) -> Void) {
        var offset = 0
        for index in storedModules.indices {
            let first = offset
            storedModules[index].updateParameters { local, parameter in update(first + local, &parameter) }
            offset += storedModules[index].parameters.count
        }
    }

    /// Every layer with its full name under `prefix`, blocks opened (a nested network's
    /// layers under its name, a residual block's as `Residual` names them), in order.
    public func forEachLayer(prefix: String = "", _ body: (_ name: String, _ layer: any Module) -> Void) {
        for (name, module) in zip(names, storedModules) {
            let path = NetworkSpec.path(prefix, name)
            switch module {
            case let inner as Sequential: inner.forEachLayer(prefix: path, body)
            case let block as Residual:
                block.branch.forEachLayer(prefix: path, body)
                block.shortcut?.forEachLayer(prefix: NetworkSpec.path(path, block.shortcutName), body)
                block.after.forEachLayer(prefix: path, body)
            default: body(path, module)
            }
        }
    }

    /// `forEachLayer`, in place: how a checkpoint's tensors go into the network.
    mutating func updateLayers(prefix: String = "", _ body: (String, inout any Module) throws(CheckpointError) -> Void) throws(CheckpointError) {
        for index in storedModules.indices {
            let path = NetworkSpec.path(prefix, names[index])
            switch storedModules[index] {
            case var inner as Sequential:
                try inner.updateLayers(prefix: path, body)
                storedModules[index] = inner
            case var block as Residual:
                try block.updateLayers(prefix: path, body)
                storedModules[index] = block
            default:
                try body(path, &storedModules[index])
            }
        }
    }

    /// Visits every parameter with its gradient from the last backward pass, in place: the
    /// optimizer's step.
    /// - Precondition: a backward pass came before.
    public mutating func updateParameters(_ update: (_ index: Int, _ parameter: inout Tensor, _ gradient: Tensor) -> Void) {
        let gradients = self.gradients
        var visited = 0
        updateParameters { index, parameter in
            precondition(index < gradients.count, "Sequential: parameter \(index) has no gradient; run the backward pass first")
            precondition(gradients[index].shape == parameter.shape, "Sequential: parameter \(index) is \(parameter.shape), its gradient \(gradients[index].shape)")
            update(index, &parameter, gradients[index])
            visited += 1
        }
        precondition(visited == gradients.count, "Sequential: \(gradients.count) gradients for \(visited) parameters")
    }
}
