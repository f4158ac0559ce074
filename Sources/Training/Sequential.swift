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
    /// The input of every module, then the network's output, from the last forward pass.
    public var activations: [Tensor] { storedActivations }
    /// ∂L/∂parameters from the last backward pass, in the order of `parameters`; empty
    /// before the first.
    public var gradients: [Tensor] { storedGradients }
    private var storedModules: [any Module]
    private var storedActivations: [Tensor] = []
    /// Gradient clipping scales them in place (`GradientClipping.swift`).
    var storedGradients: [Tensor] = []

    public init(_ modules: [any Module]) {
        storedModules = modules
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

    /// Replaces the parameters of the modules at the keys with the tensors given (a
    /// checkpoint's), in the order of each module's `parameters`.
    /// - Precondition: each tensor has the shape of the parameter it replaces.
    mutating func replaceParameters(_ values: [Int: [Tensor]]) {
        for (index, tensors) in values {
            storedModules[index].updateParameters { local, parameter in
                precondition(tensors[local].shape == parameter.shape, "Sequential: a loaded parameter of the wrong shape")
                parameter = tensors[local]
            }
        }
    }

    /// Sets the running statistics of the batch norm at `index`.
    /// - Precondition: the module at `index` is a `BatchNorm`.
    mutating func setRunningStatistics(ofModule index: Int, mean: Tensor, variance: Tensor, batchesTracked: Int) throws(ShapeError) {
        var norm = storedModules[index] as! BatchNorm
        try norm.setRunningStatistics(mean: mean, variance: variance, batchesTracked: batchesTracked)
        storedModules[index] = norm
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
