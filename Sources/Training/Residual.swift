import ConvCore

/// A residual block (He et al., 2016): the input plus a learned correction,
///
///     y = after(F(x) + S(x))
///
/// where F, the branch, is any network, S, the shortcut, is the identity or a small
/// network that gives x the branch's shape where F changes it (ResNet's strided 1×1
/// convolution and batch norm, `downsample` in torchvision), and `after` is what follows
/// the sum (ResNet's ReLU), nothing by default.
///
/// Why it keeps deep networks trainable: the identity path hands the gradient from the
/// output straight to the input, ∂L/∂x = ∂L/∂y + (∂F/∂x)ᵀ ∂L/∂y, so however small the
/// branch's share becomes, the gradient does not vanish through a stack of blocks. The
/// price is that each block adds F(x)'s variance to x's: a deep stack grows unless the
/// branch starts small (docs/stable-training.md).
///
/// Its parameters are the branch's, then the shortcut's, then those of `after`.
public struct Residual: Module {
    /// F. Read-only from outside: it changes through `updateParameters` and the passes.
    public var branch: Sequential { storedBranch }
    /// S, nil for the identity.
    public var shortcut: Sequential? { storedShortcut }
    /// What follows the sum; empty for nothing.
    public var after: Sequential { storedAfter }
    /// The name the shortcut's layers go under in a checkpoint.
    public let shortcutName: String
    private var storedBranch: Sequential
    private var storedShortcut: Sequential?
    private var storedAfter: Sequential

    public init(_ branch: Sequential, shortcut: Sequential? = nil, shortcutName: String = "shortcut", after: Sequential = Sequential([])) {
        storedBranch = branch
        storedShortcut = shortcut
        self.shortcutName = shortcutName
        storedAfter = after
    }

    /// - Throws: `ShapeError` when a layer does not fit its input, or F(x) does not have
    ///   S(x)'s shape and cannot be added to it.
    public mutating func forward(_ input: Tensor, mode: Mode, threads: Int?) throws(ShapeError) -> Tensor {
        let correction = try storedBranch.forward(input, mode: mode, threads: threads)
        let passed = try storedShortcut?.forward(input, mode: mode, threads: threads) ?? input
        guard correction.shape == passed.shape else {
            throw ShapeError("a residual block's branch maps \(input.shape) to \(correction.shape), its shortcut to \(passed.shape); they must agree to be added")
        }
        let sum = correction.adding(passed)
        return storedAfter.modules.isEmpty ? sum : try storedAfter.forward(sum, mode: mode, threads: threads)
    }

    /// Back through `after`, then through the branch and the shortcut, whose input
    /// gradients add up: the sum's gradient reaches the input along both paths.
    public mutating func backward(input: Tensor, output: Tensor, outputGradient: Tensor, threads: Int?) throws(ShapeError) -> (input: Tensor, parameters: [Tensor]) {
        let sumGradient = storedAfter.modules.isEmpty ? outputGradient : try storedAfter.backward(outputGradient, threads: threads)
        let throughBranch = try storedBranch.backward(sumGradient, threads: threads)
        let throughShortcut = try storedShortcut?.backward(sumGradient, threads: threads) ?? sumGradient
        return (throughBranch.adding(throughShortcut), storedBranch.gradients + (storedShortcut?.gradients ?? []) + storedAfter.gradients)
    }

    public var parameters: [Tensor] { branch.parameters + (shortcut?.parameters ?? []) + after.parameters }

    public mutating func updateParameters(_ update: (_ index: Int, _ parameter: inout Tensor) -> Void) {
        storedBranch.updateParameters(update)
        var offset = storedBranch.parameters.count
        if storedShortcut != nil {
            let first = offset
            storedShortcut!.updateParameters { index, parameter in update(first + index, &parameter) }
            offset += storedShortcut!.parameters.count
        }
        let first = offset
        storedAfter.updateParameters { index, parameter in update(first + index, &parameter) }
    }

    /// Every layer inside with its full name under `prefix`, in place: the branch's and
    /// `after`'s under the block's own name, the shortcut's under `prefix.shortcutName`.
    mutating func updateLayers(prefix: String, _ body: (String, inout any Module) throws(CheckpointError) -> Void) throws(CheckpointError) {
        try storedBranch.updateLayers(prefix: prefix, body)
        if storedShortcut != nil { try storedShortcut!.updateLayers(prefix: NetworkSpec.path(prefix, shortcutName), body) }
        try storedAfter.updateLayers(prefix: prefix, body)
    }
}

private extension Tensor {
    /// This tensor plus another of the same shape, element by element.
    func adding(_ other: Tensor) -> Tensor {
        var sum = self
        sum.withUnsafeMutableBufferPointer { values in
            other.withUnsafeBufferPointer { other in
                for i in values.indices { values[i] += other[i] }
            }
        }
        return sum
    }
}
