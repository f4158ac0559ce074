import ConvCore
import SeededRandom
import Testing

// What the test targets share: seeded random tensors, comparisons within a tolerance, and
// gradient checks by finite differences. Not API: a target of the tests only.

extension SeededGenerator {
    /// A tensor of the given shape with entries uniform in [-1, 1).
    public mutating func tensor(_ shape: [Int]) throws -> Tensor {
        try Tensor(shape: shape, scalars: floats(try Tensor.count(of: shape), in: -1..<1))
    }

    /// A whole number uniform in `range`.
    public mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.count))
    }
}

extension Tensor {
    /// The element-wise absolute value, to bound rounding errors: a sum of products
    /// computed in float is within (terms + 1)·ε·Σ|products| of the exact sum.
    public var magnitude: Tensor { map(abs) }

    /// This tensor with `delta` added to its scalar at flat `index`.
    public func adding(_ delta: Float, at index: Int) -> Tensor {
        var changed = self
        changed.withUnsafeMutableBufferPointer { $0[index] += delta }
        return changed
    }
}

/// Σ a·b over all elements, in Double.
public func dot(_ a: Tensor, _ b: Tensor) -> Double {
    zip(a.scalars, b.scalars).reduce(0) { $0 + Double($1.0) * Double($1.1) }
}

/// Expects `actual` to equal `expected` element by element within `tolerance[i]`.
public func expectClose(_ actual: Tensor, _ expected: Tensor, tolerance: [Float], _ comment: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual.shape == expected.shape, "\(comment): shape", sourceLocation: sourceLocation)
    guard actual.shape == expected.shape else { return }
    var worst: (index: Int, excess: Float)? = nil
    for i in actual.scalars.indices {
        let excess = abs(actual.scalars[i] - expected.scalars[i]) - tolerance[i]
        if !(excess <= 0), excess > (worst?.excess ?? -1) { worst = (i, excess.isNaN ? .infinity : excess) }
    }
    if let worst {
        Issue.record("\(comment): element \(worst.index) is \(actual.scalars[worst.index]), expected \(expected.scalars[worst.index]) ± \(tolerance[worst.index])", sourceLocation: sourceLocation)
    }
}

/// Checks an analytic gradient against central differences (L(v + h) − L(v − h)) / 2h of
/// `loss`, at every coordinate of `variable` (or at `samples` of them chosen by `random`),
/// within `tolerance` · max(1, |numeric|). For a loss that is linear in the variable any
/// step is exact up to rounding; for one that is not (batch normalization, an activation)
/// the variable's values should be of order 1, so that h = 10⁻² is small against them and
/// large against float rounding.
public func expectNumericGradient(
    _ analytic: Tensor, of variable: Tensor, loss: (Tensor) throws -> Double, step: Float = 1e-2, tolerance: Double = 2e-3,
    samples: Int? = nil, random: inout SeededGenerator,
    _ comment: String, sourceLocation: SourceLocation = #_sourceLocation
) rethrows {
    #expect(analytic.shape == variable.shape, "\(comment): gradient shape", sourceLocation: sourceLocation)
    let indices = samples.map { count in variable.count <= count ? Array(0..<variable.count) : (0..<count).map { _ in random.int(0...(variable.count - 1)) } }
        ?? Array(0..<variable.count)
    for index in indices {
        let (plus, minus) = (variable.adding(step, at: index), variable.adding(-step, at: index))
        let numeric = (try loss(plus) - loss(minus)) / Double(plus.scalars[index] - minus.scalars[index])
        let error = abs(numeric - Double(analytic.scalars[index]))
        #expect(error <= tolerance * max(1, abs(numeric)), "\(comment): ∂L/∂[\(index)] analytic \(analytic.scalars[index]), numeric \(numeric)", sourceLocation: sourceLocation)
    }
}

/// `expectNumericGradient` at every coordinate, for callers without a generator.
public func expectNumericGradient(
    _ analytic: Tensor, of variable: Tensor, loss: (Tensor) throws -> Double, step: Float = 1e-2, tolerance: Double = 2e-3,
    _ comment: String, sourceLocation: SourceLocation = #_sourceLocation
) rethrows {
    var unused = SeededGenerator(seed: 0)
    try expectNumericGradient(analytic, of: variable, loss: loss, step: step, tolerance: tolerance, random: &unused, comment, sourceLocation: sourceLocation)
}
