import ConvCore

/// A residual block (He et al., 2016): the input plus a learned correction,
///
///     y = x + F(x)
///
/// where F, the branch, is any network that keeps x's shape: two Linear or Conv2D layers
/// with an activation between them (and batch normalization, if wanted).
///
/// Why it keeps deep networks trainable: the identity path hands the gradient from the
/// output straight to the input, ∂L/∂x = ∂L/∂y + (∂F/∂x)ᵀ ∂L/∂y, so however small the
/// branch's share becomes, the gradient does not vanish through a stack of blocks. The
/// price is that each block adds F(x)'s variance to x's: a deep stack grows unless the
/// branch starts small (docs/stable-training.md).
public struct Residual: Module {
    /// F. Read-only from outside: it changes through `updateParameters` and the passes.
    public var branch: Sequential { storedBranch }
    private var storedBranch: Sequential

    public init(_ branch: Sequential) {
        storedBranch = branch
    }

    /// - Throws: `ShapeError` when a layer does not fit its input, or F(x) does not have x's
    ///   shape and cannot be added to it.
    public mutating func forward(_ input: Tensor, mode: Mode, threads: Int?) throws(ShapeError) -> Tensor {
        let correction = try storedBranch.forward(input, mode: mode, threads: threads)
        guard correction.shape == input.shape else {
            throw ShapeError("a residual block's branch maps \(input.shape) to \(correction.shape); it must keep the shape to be added to its input")
        }
        return correction.adding(input)
    }

    /// Back through the branch, plus the identity path's ∂L/∂y.
    public mutating func backward(input: Tensor, output: Tensor, outputGradient: Tensor, threads: Int?) throws(ShapeError) -> (input: Tensor, parameters: [Tensor]) {
        (try storedBranch.backward(outputGradient, threads: threads).adding(outputGradient), storedBranch.gradients)
    }

    public var parameters: [Tensor] { branch.parameters }

    public mutating func updateParameters(_ update: (_ index: Int, _ parameter: inout Tensor) -> Void) {
        storedBranch.updateParameters(update)
    }
}

private extension Tensor {
    /// This tensor plus another of the same shape, element by element.
    func adding(_ other: Tensor) -> Tensor {
        var sum = self
        sum.withUnsafeMutableBufferPointer { values in
            for i in values.indices { values[i] += other.scalars[i] }
        }
        return sum
    }
}
