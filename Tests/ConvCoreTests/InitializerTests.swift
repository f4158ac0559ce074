import SeededRandom
import Testing
import _TestSupport

@testable import ConvCore

struct InitializerTests {
    @Test("fans as PyTorch computes them: Linear [out, in] and Conv2D [out, in/groups, kh, kw]")
    func fans() throws {
        func fans(_ shape: [Int]) throws -> [Int] { [try Fans(shape).fanIn, try Fans(shape).fanOut] }
        #expect(try fans([10, 784]) == [784, 10])
        #expect(try fans([64, 3, 7, 7]) == [147, 3136])
        #expect(try fans([64, 16, 3, 3]) == [144, 576])  // 64 → 64 channels in 4 groups
    }

    @Test("fewer than 2 dimensions have no fans: an error for Fans and for every variance-scaling initializer, as in PyTorch")
    func fansNeedTwoDimensions() {
        #expect(throws: ShapeError("fan_in and fan_out need a weight of at least 2 dimensions; got [5]")) { try Fans([5]) }
        #expect(throws: ShapeError("fan_in and fan_out need a weight of at least 2 dimensions; got []")) { try Fans([]) }
        var random = SeededGenerator(seed: 1)
        for initializer in [Initializer.xavierUniform(gain: 1), .xavierNormal(gain: 1), .kaimingUniform(.relu), .kaimingNormal(.relu), .frameworkDefault] {
            #expect(throws: ShapeError("fan_in and fan_out need a weight of at least 2 dimensions; got [5]"), "\(initializer)") {
                try initializer.tensor([5], using: &random)
            }
        }
        #expect(throws: ShapeError("a tensor of shape [4294967296, 4294967296] would hold more values than an Int can count")) {
            try Initializer.zeros.tensor([1 << 32, 1 << 32], using: &random)
        }
        #expect(throws: ShapeError("a tensor's dimensions must not be negative; got [-2, -3]")) {
            try Initializer.ones.tensor([-2, -3], using: &random)
        }
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
    func distributions(case c: Case) throws {
        let (initializer, standardDeviation, bound) = (c.initializer, c.standardDeviation, c.bound)
        var random = SeededGenerator(seed: 1)
        let shape = [256, 64, 3, 3]  // fan_in 576, fan_out 2304
        let stats = statistics(try initializer.tensor(shape, using: &random))
        #expect(abs(stats.mean) < 0.02 * standardDeviation)
        #expect(abs(stats.std / standardDeviation - 1) < 0.02, "std \(stats.std), expected \(standardDeviation)")
        if let bound {
            #expect(Double(stats.largest) <= bound)
            #expect(Double(stats.largest) > 0.99 * bound)
        }
    }

    @Test("zeros, ones and constants are exactly that")
    func constants() throws {
        var random = SeededGenerator(seed: 1)
        #expect(try Initializer.zeros.tensor([3, 2], using: &random).scalars == [0, 0, 0, 0, 0, 0])
        #expect(try Initializer.ones.tensor([2, 2], using: &random).scalars == [1, 1, 1, 1])
        #expect(try Initializer.constant(0.25).tensor([1, 3], using: &random).scalars == [0.25, 0.25, 0.25])
    }

    @Test("the same seed gives the same weights")
    func repeatable() throws {
        var a = SeededGenerator(seed: 42), b = SeededGenerator(seed: 42)
        #expect(try Initializer.kaimingNormal(.relu).tensor([8, 8], using: &a) == Initializer.kaimingNormal(.relu).tensor([8, 8], using: &b))
    }

    @Test("PyTorch's nn.Linear: weights, then biases, both from U(±1/√fan_in); other bias initializers as for any tensor")
    func linearAndBias() throws {
        var random = SeededGenerator(seed: 6), replay = SeededGenerator(seed: 6)
        let layer = try Linear(inFeatures: 400, outFeatures: 300, using: &random)
        let bound = 1 / Float(400).squareRoot()
        #expect(layer.weight.shape == [300, 400])
        #expect(layer.weight == (try Initializer.frameworkDefault.tensor([300, 400], using: &replay)))
        let bias = try #require(layer.bias)
        #expect(bias == (try Initializer.frameworkDefault.bias(300, fanIn: 400, using: &replay)))
        #expect(bias.shape == [300])
        #expect(bias.scalars.allSatisfy { abs($0) <= bound })
        #expect(bias.scalars.map(abs).max()! > 0.95 * bound)  // 300 draws all below 0.95: 0.95³⁰⁰ ≈ 2e-7
        #expect(try Initializer.constant(0.5).bias(3, fanIn: 400, using: &random).scalars == [0.5, 0.5, 0.5])
        #expect(try Linear(inFeatures: 4, outFeatures: 2, weights: .ones, biases: nil, using: &random).bias == nil)
    }
}
