import Foundation
import Testing

@testable import ConvCore

struct InitializerTests {
    @Test("fans as PyTorch computes them: Linear [out, in] and Conv2D [out, in/groups, kh, kw]")
    func fans() {
        func fans(_ shape: [Int]) -> [Int] { [Fans(shape).fanIn, Fans(shape).fanOut] }
        #expect(fans([10, 784]) == [784, 10])
        #expect(fans([64, 3, 7, 7]) == [147, 3136])
        #expect(fans([64, 16, 3, 3]) == [144, 576])  // 64 → 64 channels in 4 groups
    }

    @Test("calculateGain: 1 for linear, conv and sigmoid, 5/3 for tanh, √2 for ReLU, √(2/(1+a²)) for Leaky ReLU")
    func gains() {
        #expect(Nonlinearity.linear.gain == 1)
        #expect(Nonlinearity.conv.gain == 1)
        #expect(Nonlinearity.sigmoid.gain == 1)
        #expect(Nonlinearity.tanh.gain == Float(5.0 / 3.0))
        #expect(Nonlinearity.relu.gain == Float(2).squareRoot())
        #expect(Nonlinearity.leakyReLU(negativeSlope: 0.01).gain == (2 / (1 + Float(0.0001))).squareRoot())
        #expect(abs(Nonlinearity.leakyReLU(negativeSlope: Float(5).squareRoot()).gain - Float(1.0 / 3).squareRoot()) < 1e-6)
    }

    /// Mean, standard deviation and largest magnitude of a tensor's values.
    private func statistics(_ t: Tensor) -> (mean: Double, std: Double, largest: Float) {
        let n = Double(t.scalars.count)
        let mean = t.scalars.reduce(0.0) { $0 + Double($1) } / n
        let variance = t.scalars.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / n
        return (mean, variance.squareRoot(), t.scalars.map(abs).max() ?? 0)
    }

    /// An initializer with the standard deviation it should produce on a [256, 64, 3, 3]
    /// weight (fan_in 576, fan_out 2304), and its bound when uniform.
    struct Case: Sendable, CustomTestStringConvertible {
        let initializer: Initializer
        let standardDeviation: Double
        let bound: Double?
        var testDescription: String { "\(initializer)" }
    }

    static let cases: [Case] = [
        Case(initializer: .normal(mean: 0, standardDeviation: 1), standardDeviation: 1, bound: nil),
        Case(initializer: .normal(mean: 0, standardDeviation: 0.05), standardDeviation: 0.05, bound: nil),
        Case(initializer: .uniform(lower: -0.3, upper: 0.3), standardDeviation: 0.3 / 3.0.squareRoot(), bound: 0.3),
        Case(initializer: .xavierUniform(gain: 1), standardDeviation: (2.0 / 2880).squareRoot(), bound: (6.0 / 2880).squareRoot()),
        Case(initializer: .xavierNormal(gain: 5.0 / 3), standardDeviation: 5.0 / 3 * (2.0 / 2880).squareRoot(), bound: nil),
        Case(initializer: .kaimingUniform(.relu, mode: .fanIn), standardDeviation: (2.0 / 576).squareRoot(), bound: (6.0 / 576).squareRoot()),
        Case(initializer: .kaimingNormal(.relu, mode: .fanOut), standardDeviation: (2.0 / 2304).squareRoot(), bound: nil),
        Case(initializer: .frameworkDefault, standardDeviation: 1 / 576.0.squareRoot() / 3.0.squareRoot(), bound: 1 / 576.0.squareRoot()),
    ]

    @Test("each initializer draws from its distribution: standard deviation within 2%, bound reached (seed 1, 147,456 values)", arguments: cases)
    func distributions(case c: Case) {
        let (initializer, standardDeviation, bound) = (c.initializer, c.standardDeviation, c.bound)
        var random = SeededGenerator(seed: 1)
        let shape = [256, 64, 3, 3]  // fan_in 576, fan_out 2304
        let stats = statistics(initializer.tensor(shape, using: &random))
        #expect(abs(stats.mean) < 0.02 * standardDeviation)
        #expect(abs(stats.std / standardDeviation - 1) < 0.02, "std \(stats.std), expected \(standardDeviation)")
        if let bound {
            #expect(Double(stats.largest) <= bound)
            #expect(Double(stats.largest) > 0.99 * bound)
        }
    }

    @Test("zeros, ones and constants are exactly that")
    func constants() {
        var random = SeededGenerator(seed: 1)
        #expect(Initializer.zeros.tensor([3, 2], using: &random).scalars == [0, 0, 0, 0, 0, 0])
        #expect(Initializer.ones.tensor([2, 2], using: &random).scalars == [1, 1, 1, 1])
        #expect(Initializer.constant(0.25).tensor([1, 3], using: &random).scalars == [0.25, 0.25, 0.25])
    }

    @Test("the same seed gives the same weights")
    func repeatable() {
        var a = SeededGenerator(seed: 42), b = SeededGenerator(seed: 42)
        #expect(Initializer.kaimingNormal(.relu).tensor([8, 8], using: &a) == Initializer.kaimingNormal(.relu).tensor([8, 8], using: &b))
    }

    @Test("the portable logarithm agrees with the platform's to a few ulps, from tiny to huge")
    func portableLogarithm() {
        var random = SeededGenerator(seed: 5)
        let values = [1, 2, 0.5, 1e-300, 1e300, .leastNormalMagnitude, 0.999_999_999, 1.000_000_001, 2.0.squareRoot()]
            + (0..<2000).map { _ in Double(random.nextUnitFloat()) + 1e-9 }
        for x in values {
            let error = abs(portableLog(x) - Foundation.log(x))
            #expect(error <= 4 * max(abs(Foundation.log(x)).ulp, Double.leastNormalMagnitude), "ln \(x): \(portableLog(x)) vs \(Foundation.log(x))")
        }
    }

    @Test("normal values: mean 0, variance 1, and the fraction beyond 1σ, 2σ and 3σ of a normal distribution")
    func normalShape() {
        var random = SeededGenerator(seed: 2)
        let values = (0..<200_000).map { _ in Double(random.nextNormal()) }
        let mean = values.reduce(0, +) / Double(values.count)
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)
        #expect(abs(mean) < 0.01)
        #expect(abs(variance - 1) < 0.01)
        for (sigmas, fraction) in [(1.0, 0.3173), (2.0, 0.0455), (3.0, 0.0027)] {
            let beyond = Double(values.filter { abs($0) > sigmas }.count) / Double(values.count)
            #expect(abs(beyond - fraction) < 0.1 * fraction + 0.0005, "beyond \(sigmas)σ: \(beyond), expected \(fraction)")
        }
    }
}
