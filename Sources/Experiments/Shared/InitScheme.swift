import ConvCore

/// The initializers by the names the command line uses (`--init`), with the gains
/// PyTorch uses by default: Xavier's gain is 1 unless one is given; Kaiming's is that of
/// the nonlinearity that follows (`calculateGain`).
public enum InitScheme: String, CaseIterable, Sendable {
    case zeros, ones, constant, uniform, normal
    case xavierUniform = "xavier-uniform", xavierNormal = "xavier-normal"
    case kaimingUniform = "kaiming-uniform", kaimingNormal = "kaiming-normal"
    case frameworkDefault = "default"

    public static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }

    /// - Parameters:
    ///   - standardDeviation: of `normal`, N(0, σ²).
    ///   - gain: for Xavier and Kaiming instead of their default.
    ///   - constant: the value of `constant`.
    public func initializer(for activation: Activation, standardDeviation: Float = 1, gain: Float? = nil, constant: Float = 0.1) -> Initializer {
        switch self {
        case .zeros: .zeros
        case .ones: .ones
        case .constant: .constant(constant)
        case .uniform: .uniform(lower: -1, upper: 1)
        case .normal: .normal(mean: 0, standardDeviation: standardDeviation)
        case .xavierUniform: .xavierUniform(gain: gain ?? 1)
        case .xavierNormal: .xavierNormal(gain: gain ?? 1)
        case .kaimingUniform: .kaimingUniform(gain: gain ?? activation.nonlinearity.gain, mode: .fanIn)
        case .kaimingNormal: .kaimingNormal(gain: gain ?? activation.nonlinearity.gain, mode: .fanIn)
        case .frameworkDefault: .frameworkDefault
        }
    }
}
