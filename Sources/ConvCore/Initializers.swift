import SeededRandom

/// How a layer's weights start, with PyTorch's definitions (`torch.nn.init`).
///
/// For a weight of shape [out, in, k…] (a Linear [out, in], a Conv2D [out, in/groups,
/// kh, kw]) the fans are fan_in = in · k… and fan_out = out · k… (`Fans`):
///
/// | initializer                        | distribution                                   |
/// |------------------------------------|------------------------------------------------|
/// | zeros, ones, constant(v)           | every weight the same                          |
/// | uniform(a, b)                      | U(a, b)                                        |
/// | normal(mean, std)                  | N(mean, std²); N(0, 1) is "random initialization" |
/// | Xavier/Glorot uniform (gain)       | U(±gain·√(6 / (fan_in + fan_out)))             |
/// | Xavier/Glorot normal (gain)        | N(0, (gain·√(2 / (fan_in + fan_out)))²)        |
/// | Kaiming/He uniform (gain, mode)    | U(±gain·√(3 / fan)), fan = fan_in or fan_out   |
/// | Kaiming/He normal (gain, mode)     | N(0, (gain / √fan)²)                           |
/// | framework default                  | U(±1/√fan_in): Kaiming uniform with a = √5      |
///
/// Glorot and Bengio, "Understanding the difficulty of training deep feedforward neural
/// networks", 2010; He, Zhang, Ren and Sun, "Delving deep into rectifiers", 2015. The
/// framework default is what PyTorch's `nn.Linear` and `nn.Conv2d` do on creation: their
/// `reset_parameters` calls `kaiming_uniform_(weight, a=√5)`, whose gain √(2/(1 + 5))
/// makes the bound 1/√fan_in; their bias is drawn from U(±1/√fan_in) too.
public enum Initializer: Equatable, Sendable {
    case zeros
    case ones
    case constant(Float)
    case uniform(lower: Float, upper: Float)
    case normal(mean: Float, standardDeviation: Float)
    case xavierUniform(gain: Float)
    case xavierNormal(gain: Float)
    case kaimingUniform(gain: Float, mode: FanMode)
    case kaimingNormal(gain: Float, mode: FanMode)
    case frameworkDefault

    /// Which fan Kaiming keeps the variance for: the forward pass's (fan_in) or the
    /// backward pass's (fan_out).
    public enum FanMode: Equatable, Sendable {
        case fanIn
        case fanOut
    }

    /// Kaiming initialization for the nonlinearity that follows, as PyTorch's
    /// `kaiming_*_(tensor, a, mode, nonlinearity)`: the gain is `calculateGain`'s.
    public static func kaimingUniform(_ nonlinearity: Nonlinearity, mode: FanMode = .fanIn) -> Initializer {
        .kaimingUniform(gain: nonlinearity.gain, mode: mode)
    }

    public static func kaimingNormal(_ nonlinearity: Nonlinearity, mode: FanMode = .fanIn) -> Initializer {
        .kaimingNormal(gain: nonlinearity.gain, mode: mode)
    }

    /// A weight of `shape` drawn from this initializer.
    /// - Throws: `ShapeError` when the shape has a negative dimension or too many values,
    ///   or a variance-scaling initializer meets fewer than 2 dimensions (the fans are
    ///   undefined then, as in PyTorch).
    public func tensor(_ shape: [Int], using random: inout SeededGenerator) throws(ShapeError) -> Tensor {
        let count = try Tensor.count(of: shape)
        func uniform(_ bound: Float) -> [Float] { random.floats(count, in: -bound..<bound) }
        func normal(_ deviation: Float) -> [Float] { (0..<count).map { _ in random.nextNormal(standardDeviation: deviation) } }
        let values: [Float]
        switch self {
        case .zeros: values = [Float](repeating: 0, count: count)
        case .ones: values = [Float](repeating: 1, count: count)
        case .constant(let value): values = [Float](repeating: value, count: count)
        case .uniform(let lower, let upper): values = random.floats(count, in: lower..<upper)
        case .normal(let mean, let deviation): values = (0..<count).map { _ in random.nextNormal(mean: mean, standardDeviation: deviation) }
        case .xavierUniform(let gain):
            let fans = try Fans(shape)
            values = uniform(gain * (6 / Float(fans.fanIn + fans.fanOut)).squareRoot())
        case .xavierNormal(let gain):
            let fans = try Fans(shape)
            values = normal(gain * (2 / Float(fans.fanIn + fans.fanOut)).squareRoot())
        case .kaimingUniform(let gain, let mode): values = uniform(gain * (3 / Float(try Fans(shape)[mode])).squareRoot())
        case .kaimingNormal(let gain, let mode): values = normal(gain / Float(try Fans(shape)[mode]).squareRoot())
        case .frameworkDefault: values = uniform(1 / Float(try Fans(shape).fanIn).squareRoot())
        }
        return try Tensor(shape: shape, scalars: values)
    }
}

extension Initializer {
    /// A layer's bias of `count` values. PyTorch's default draws it from U(±1/√fan_in), the
    /// fan_in of the layer's weight; the other initializers as for any tensor.
    public func bias(_ count: Int, fanIn: Int, using random: inout SeededGenerator) throws(ShapeError) -> Tensor {
        guard self == .frameworkDefault else { return try tensor([count], using: &random) }
        let bound = 1 / Float(fanIn).squareRoot()
        return try Initializer.uniform(lower: -bound, upper: bound).tensor([count], using: &random)
    }
}

/// fan_in and fan_out of a weight [out, in, k…], as PyTorch's
/// `_calculate_fan_in_and_fan_out`: fan_in = in · k…, fan_out = out · k…. For a Conv2D
/// weight [out, in/groups, kh, kw] that is (in/groups)·kh·kw and out·kh·kw.
public struct Fans: Equatable, Sendable {
    public let fanIn: Int
    public let fanOut: Int

    /// - Throws: `ShapeError` for fewer than 2 dimensions, or a count too large for an `Int`.
    public init(_ shape: [Int]) throws(ShapeError) {
        guard shape.count >= 2 else { throw ShapeError("fan_in and fan_out need a weight of at least 2 dimensions; got \(shape)") }
        let receptiveField = try Tensor.count(of: Array(shape.dropFirst(2)))
        fanIn = try Tensor.count(of: [shape[1], receptiveField])
        fanOut = try Tensor.count(of: [shape[0], receptiveField])
    }

    subscript(mode: Initializer.FanMode) -> Int { mode == .fanIn ? fanIn : fanOut }
}

/// The nonlinearity after a layer, for `calculateGain`: the factor by which an
/// initializer scales its standard deviation so that the activations keep their size.
public enum Nonlinearity: Equatable, Sendable {
    case linear
    case conv
    case sigmoid
    case tanh
    case relu
    case leakyReLU(negativeSlope: Float)

    /// PyTorch's `calculate_gain`: 1 for linear, conv and sigmoid, 5/3 for tanh, √2 for
    /// ReLU, √(2 / (1 + slope²)) for Leaky ReLU.
    public var gain: Float {
        switch self {
        case .linear, .conv, .sigmoid: 1
        case .tanh: 5.0 / 3
        case .relu: Float(2).squareRoot()
        case .leakyReLU(let slope): (2 / (1 + slope * slope)).squareRoot()
        }
    }
}
