import Foundation

/// An element-wise activation: the nonlinearity between layers, and its derivative for
/// the backward pass.
///
/// | activation | f(x)                               | f′(x)                   |
/// |------------|------------------------------------|-------------------------|
/// | none       | x (the identity)                   | 1                       |
/// | relu       | max(0, x)                          | 1 if x > 0, else 0      |
/// | leakyrelu  | x if x > 0, else 0.01·x            | 1 if x > 0, else 0.01   |
/// | sigmoid    | 1 / (1 + e^−x), computed stably     | f(x)·(1 − f(x))          |
/// | tanh       | tanh x                             | 1 − f(x)²               |
/// | relu6      | min(max(0, x), 6)                  | 1 if 0 < x < 6, else 0  |
/// | hardswish  | x · relu6(x + 3) / 6               | 0 if x ≤ −3, 1 if x ≥ 3, else x/3 + ½ |
///
/// The Leaky ReLU slope is PyTorch's default, 0.01. Sigmoid never computes e^x for a large
/// positive x: for x < 0 it uses e^x / (1 + e^x), so ±1000 give 0 and 1, not NaN. Sigmoid
/// and tanh run eight values at a time (`VectorExponential`), within a few ulp of the
/// exact values.
///
/// ReLU6 (`nn.ReLU6`, MobileNetV2) and hard swish (`nn.Hardswish`, MobileNetV3: Howard et
/// al. 2019, "Searching for MobileNetV3") take PyTorch's values at their kinks, where the
/// derivative is a convention: ReLU6's is hardtanh's, 0 at 0 and at 6; hard swish's is 0 at
/// −3 and 1 at 3, the outer pieces' values (x/3 + ½ would give −½ and 3/2). Both pass a
/// NaN through, and their derivative at a NaN is 1, as PyTorch's backward passes have it.
public enum Activation: String, CaseIterable, Sendable {
    /// No nonlinearity: f(x) = x. Named "none" where users type it.
    case identity = "none"
    case relu
    case leakyReLU = "leakyrelu"
    case sigmoid
    case tanh
    case relu6
    case hardSwish = "hardswish"

    public static let leakySlope: Float = 0.01

    public func callAsFunction(_ x: Float) -> Float {
        switch self {
        case .identity: x
        case .relu: max(0, x)
        case .leakyReLU: x > 0 ? x : Self.leakySlope * x
        // The vector functions in one lane, so that a value and a tensor agree bit for bit.
        case .sigmoid: VectorExponential.sigmoid(SIMD8(repeating: x))[0]
        case .tanh: VectorExponential.tanh(SIMD8(repeating: x))[0]
        case .relu6: Self.relu6(x)
        case .hardSwish: Self.hardSwish(x)
        }
    }

    /// f′ at x, given y = f(x) (sigmoid and tanh are cheapest from their output).
    public func derivative(at x: Float, output y: Float) -> Float {
        switch self {
        case .identity: 1
        case .relu: x > 0 ? 1 : 0
        case .leakyReLU: x > 0 ? 1 : Self.leakySlope
        case .sigmoid: y * (1 - y)
        case .tanh: 1 - y * y
        case .relu6: Self.relu6Derivative(x)
        case .hardSwish: Self.hardSwishDerivative(x)
        }
    }

    /// The nonlinearity an initializer's gain should be computed for.
    public var nonlinearity: Nonlinearity {
        switch self {
        case .identity: .linear
        case .relu: .relu
        case .leakyReLU: .leakyReLU(negativeSlope: Self.leakySlope)
        case .sigmoid: .sigmoid
        case .tanh: .tanh
        // PyTorch's calculate_gain has no entry for either (it raises "Unsupported
        // nonlinearity"). Both are ReLU made bounded (ReLU6) or smooth near 0 (hard swish),
        // and torchvision's MobileNetV2 and V3, which use them, initialize their convolutions
        // with kaiming_normal_(mode="fan_out"), whose default gain is √2: ReLU's.
        case .relu6, .hardSwish: .relu
        }
    }

    /// f applied to every value; the switch is taken once, outside the loop, so that every
    /// activation runs as a vector loop.
    public func forward(_ input: Tensor) -> Tensor {
        switch self {
        case .identity: input
        case .relu: input.map { max(0, $0) }
        case .leakyReLU: input.map { $0 > 0 ? $0 : Self.leakySlope * $0 }
        case .relu6: input.map(Self.relu6)
        case .hardSwish: input.map(Self.hardSwish)
        case .sigmoid: input.mapVectors(VectorExponential.sigmoid)
        case .tanh: input.mapVectors(VectorExponential.tanh)
        }
    }

    /// ∂L/∂input = ∂L/∂output ⊙ f′(input), given the forward pass's input and output.
    /// - Throws: `ShapeError` when the three shapes differ.
    public func backward(input: Tensor, output: Tensor, outputGradient: Tensor) throws(ShapeError) -> Tensor {
        guard input.shape == output.shape && input.shape == outputGradient.shape else {
            throw ShapeError("an activation's input \(input.shape), output \(output.shape) and output gradient \(outputGradient.shape) must have one shape")
        }
        // One pass that writes a new tensor: the shapes, hence the counts, are equal.
        return try Tensor(shape: input.shape, unsafeUninitialized: { gradient in
            input.withUnsafeBufferPointer { x in
                output.withUnsafeBufferPointer { y in
                    outputGradient.withUnsafeBufferPointer { dy in
                        switch self {
                        case .identity: for i in gradient.indices { gradient[i] = dy[i] }
                        case .relu: for i in gradient.indices { gradient[i] = dy[i] * (x[i] > 0 ? 1 : 0) }
                        case .leakyReLU: for i in gradient.indices { gradient[i] = dy[i] * (x[i] > 0 ? 1 : Self.leakySlope) }
                        case .relu6: for i in gradient.indices { gradient[i] = dy[i] * Self.relu6Derivative(x[i]) }
                        case .hardSwish: for i in gradient.indices { gradient[i] = dy[i] * Self.hardSwishDerivative(x[i]) }
                        case .sigmoid: for i in gradient.indices { gradient[i] = dy[i] * (y[i] * (1 - y[i])) }
                        case .tanh: for i in gradient.indices { gradient[i] = dy[i] * (1 - y[i] * y[i]) }
                        }
                    }
                }
            }
        })
    }

    // Comparisons that a NaN fails, so that it falls through to the last case, as in PyTorch;
    // selects, not branches, so that the loops over a tensor stay vector loops.

    @inline(__always)
    private static func relu6(_ x: Float) -> Float { x < 0 ? 0 : x > 6 ? 6 : x }

    @inline(__always)
    private static func hardSwish(_ x: Float) -> Float { x * relu6(x + 3) / 6 }

    /// PyTorch's hardtanh backward with bounds 0 and 6: 0 where x ≤ 0 or x ≥ 6.
    @inline(__always)
    private static func relu6Derivative(_ x: Float) -> Float { x <= 0 || x >= 6 ? 0 : 1 }

    /// PyTorch's hardswish backward: 0 where x ≤ −3, x/3 + ½ where x < 3, else 1.
    @inline(__always)
    private static func hardSwishDerivative(_ x: Float) -> Float { x <= -3 ? 0 : x < 3 ? x / 3 + 0.5 : 1 }
}

/// Softmax and log-softmax over the last axis of [N, C] (each row a vector of logits),
/// computed stably: the row's maximum is subtracted first, so e^(x − max) ≤ 1 never
/// overflows, and log-softmax is x − max − log Σ e^(x − max), never the log of 0.
public enum Softmax {
    /// softmax(x)_i = e^(x_i − max) / Σ_j e^(x_j − max).
    public static func forward(_ logits: Tensor) -> Tensor {
        rowwise(logits, logits) { row, _, out in
            let largest = row.max() ?? 0
            for (i, x) in zip(out.indices, row) { out[i] = Foundation.exp(x - largest) }
            let sum = out.reduce(0, +)
            for i in out.indices { out[i] /= sum }
        }
    }

    /// log softmax(x)_i = x_i − max − log Σ_j e^(x_j − max).
    public static func logForward(_ logits: Tensor) -> Tensor {
        rowwise(logits, logits) { row, _, out in
            let largest = row.max() ?? 0
            let logSum = Foundation.log(row.reduce(0) { $0 + Foundation.exp($1 - largest) })
            for (i, x) in zip(out.indices, row) { out[i] = x - largest - logSum }
        }
    }

    /// From y = softmax(x): ∂L/∂x = y ⊙ (∂L/∂y − Σ_j y_j · ∂L/∂y_j).
    /// - Throws: `ShapeError` when the two shapes differ.
    public static func backward(output: Tensor, outputGradient: Tensor) throws(ShapeError) -> Tensor {
        try checkShapes(output, outputGradient)
        return rowwise(output, outputGradient) { y, dy, out in
            let dot = zip(y, dy).reduce(0) { $0 + $1.0 * $1.1 }
            for (i, (y, dy)) in zip(out.indices, zip(y, dy)) { out[i] = y * (dy - dot) }
        }
    }

    /// From z = log softmax(x): ∂L/∂x = ∂L/∂z − softmax(x) · Σ_j ∂L/∂z_j.
    /// - Throws: `ShapeError` when the two shapes differ.
    public static func logBackward(output: Tensor, outputGradient: Tensor) throws(ShapeError) -> Tensor {
        try checkShapes(output, outputGradient)
        return rowwise(output, outputGradient) { z, dz, out in
            let sum = dz.reduce(0, +)
            for (i, (z, dz)) in zip(out.indices, zip(z, dz)) { out[i] = dz - Foundation.exp(z) * sum }
        }
    }

    private static func checkShapes(_ output: Tensor, _ outputGradient: Tensor) throws(ShapeError) {
        guard output.shape == outputGradient.shape else {
            throw ShapeError("the output gradient has shape \(outputGradient.shape); the softmax's output is \(output.shape)")
        }
    }

    /// `body` applied to each row of `a` with the same row of `b` (of the same shape),
    /// writing the result's row in place: no array per row.
    private static func rowwise(_ a: Tensor, _ b: Tensor, _ body: (ArraySlice<Float>, ArraySlice<Float>, UnsafeMutableBufferPointer<Float>) -> Void) -> Tensor {
        let width = a.shape.last ?? 1
        var result = a
        result.withUnsafeMutableBufferPointer { values in
            for start in stride(from: 0, to: a.count, by: max(1, width)) {
                body(a.scalars[start..<start + width], b.scalars[start..<start + width], values.extracting(start..<start + width))
            }
        }
        return result
    }
}
