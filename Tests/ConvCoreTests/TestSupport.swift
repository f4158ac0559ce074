import Testing

@testable import ConvCore

extension SeededGenerator {
    /// A tensor of the given shape with entries uniform in [-1, 1).
    mutating func tensor(_ shape: [Int]) -> Tensor {
        Tensor(shape: shape, scalars: floats(shape.reduce(1, *), in: -1..<1))
    }

    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.count))
    }
}

extension Tensor {
    /// The element-wise absolute value, to bound rounding errors: a sum of products
    /// computed in float is within (terms + 1)·ε·Σ|products| of the exact sum.
    var magnitude: Tensor { Tensor(shape: shape, scalars: scalars.map(abs)) }
}

/// Σ a·b over all elements, in Double.
func dot(_ a: Tensor, _ b: Tensor) -> Double {
    zip(a.scalars, b.scalars).reduce(0) { $0 + Double($1.0) * Double($1.1) }
}

/// Expects `actual` to equal `expected` element by element within `tolerance[i]`.
func expectClose(_ actual: Tensor, _ expected: Tensor, tolerance: [Float], _ comment: String, sourceLocation: SourceLocation = #_sourceLocation) {
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

/// Checks an analytic gradient against central differences of a loss that is linear in
/// the variable (L = Σ dy · layer(x) is linear in x, in the weight and in the bias), so
/// the difference quotient is exact up to rounding for any step; a step of 1 keeps the
/// rounding small. Checks `samples` coordinates chosen by `random`.
func expectGradient(
    _ analytic: Tensor, of variable: Tensor, loss: (Tensor) -> Double, samples: Int, random: inout SeededGenerator,
    _ comment: String, sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(analytic.shape == variable.shape, "\(comment): gradient shape", sourceLocation: sourceLocation)
    let indices = variable.scalars.count <= samples
        ? Array(variable.scalars.indices)
        : (0..<samples).map { _ in random.int(0...(variable.scalars.count - 1)) }
    for index in indices {
        var plus = variable, minus = variable
        plus.scalars[index] += 1
        minus.scalars[index] -= 1
        let numeric = (loss(plus) - loss(minus)) / 2
        let error = abs(numeric - Double(analytic.scalars[index]))
        #expect(error <= 1e-3 * max(1, abs(numeric)), "\(comment): ∂L/∂[\(index)] analytic \(analytic.scalars[index]), numeric \(numeric)", sourceLocation: sourceLocation)
    }
}

/// Checks an analytic gradient against central differences (L(v + h) − L(v − h)) / 2h of
/// a loss that is not linear in the variable (batch normalization, an activation): every
/// coordinate, within `tolerance` · max(1, |numeric|). The variable's values should be of
/// order 1, so that h = 10⁻² is small against them and large against float rounding.
func expectNumericGradient(
    _ analytic: Tensor, of variable: Tensor, loss: (Tensor) -> Double, step: Float = 1e-2, tolerance: Double = 2e-3,
    _ comment: String, sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(analytic.shape == variable.shape, "\(comment): gradient shape", sourceLocation: sourceLocation)
    for index in variable.scalars.indices {
        var plus = variable, minus = variable
        plus.scalars[index] += step
        minus.scalars[index] -= step
        let numeric = (loss(plus) - loss(minus)) / Double(plus.scalars[index] - minus.scalars[index])
        let error = abs(numeric - Double(analytic.scalars[index]))
        #expect(error <= tolerance * max(1, abs(numeric)), "\(comment): ∂L/∂[\(index)] analytic \(analytic.scalars[index]), numeric \(numeric)", sourceLocation: sourceLocation)
    }
}
