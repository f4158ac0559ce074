import ConvCore
import Reporting

/// The initializers by the names the command line uses (`--init`), with PyTorch's
/// defaults: Xavier's gain is 1 and Kaiming's √2 unless one is given (`kaiming_*_`'s
/// default is `nonlinearity='leaky_relu', a=0`, whose gain is √2, ReLU's), Kaiming keeps
/// the variance of the forward pass (`mode='fan_in'`) unless told `fan_out`.
public enum InitScheme: String, CaseIterable, Sendable {
    case zeros, ones, constant, uniform, normal
    case xavierUniform = "xavier-uniform", xavierNormal = "xavier-normal"
    case kaimingUniform = "kaiming-uniform", kaimingNormal = "kaiming-normal"
    case frameworkDefault = "default"

    public static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }

    /// Kaiming's gain when none is given: PyTorch's, that of leaky ReLU with a = 0.
    public static let kaimingDefaultGain = Float(2).squareRoot()
    /// The value of `constant`.
    public static let constantValue: Float = 0.1
    /// The bounds of `uniform`, U(−1, 1).
    public static let uniformBounds: (lower: Float, upper: Float) = (-1, 1)

    /// What `--help` says of the schemes whose parameters are fixed.
    public static let parametersHelp = "constant is 0.1, uniform U(−1, 1); xavier-* use gain 1 and kaiming-* gain √2\n(PyTorch's defaults) unless --gain says otherwise"

    /// Is this a variance-scaling scheme, which takes a gain?
    public var takesGain: Bool { [.xavierUniform, .xavierNormal, .kaimingUniform, .kaimingNormal].contains(self) }

    /// - Parameters:
    ///   - standardDeviation: of `normal`, N(0, σ²).
    ///   - gain: for Xavier and Kaiming instead of their default.
    ///   - mode: which fan Kaiming keeps the variance of.
    public func initializer(standardDeviation: Float = 1, gain: Float? = nil, mode: Initializer.FanMode = .fanIn) -> Initializer {
        switch self {
        case .zeros: .zeros
        case .ones: .ones
        case .constant: .constant(Self.constantValue)
        case .uniform: .uniform(lower: Self.uniformBounds.lower, upper: Self.uniformBounds.upper)
        case .normal: .normal(mean: 0, standardDeviation: standardDeviation)
        case .xavierUniform: .xavierUniform(gain: gain ?? 1)
        case .xavierNormal: .xavierNormal(gain: gain ?? 1)
        case .kaimingUniform: .kaimingUniform(gain: gain ?? Self.kaimingDefaultGain, mode: mode)
        case .kaimingNormal: .kaimingNormal(gain: gain ?? Self.kaimingDefaultGain, mode: mode)
        case .frameworkDefault: .frameworkDefault
        }
    }

    /// An initializer of this scheme by name and parameters, as reports show it:
    /// "normal(std=0.0625)", "xavier-uniform(gain=1.667)", "default".
    public func name(of initializer: Initializer) -> String {
        switch initializer {
        case .normal(_, let deviation): "normal(std=\(compact(Double(deviation))))"
        case .constant(let value): "constant(\(compact(Double(value))))"
        case .xavierUniform(let gain), .xavierNormal(let gain):
            "\(rawValue)(gain=\(compact(Double(gain))))"
        case .kaimingUniform(let gain, let mode), .kaimingNormal(let gain, let mode):
            "\(rawValue)(gain=\(compact(Double(gain)))\(mode == .fanOut ? ", fan_out" : ""))"
        default: rawValue
        }
    }
}
