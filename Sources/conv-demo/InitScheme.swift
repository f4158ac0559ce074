import ConvCore

/// The initializers by the names the command line uses (`--init`), with the gains
/// PyTorch uses by default: Xavier's gain is 1 unless one is given; Kaiming's is that of
/// the nonlinearity that follows (`calculateGain`).
enum InitScheme: String, CaseIterable {
    case zeros, ones, constant, uniform, normal
    case xavierUniform = "xavier-uniform", xavierNormal = "xavier-normal"
    case kaimingUniform = "kaiming-uniform", kaimingNormal = "kaiming-normal"
    case frameworkDefault = "default"

    static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }

    /// - Parameters:
    ///   - standardDeviation: of `normal`, N(0, σ²).
    ///   - gain: for Xavier and Kaiming instead of their default.
    ///   - constant: the value of `constant`.
    func initializer(for activation: Activation, standardDeviation: Float = 1, gain: Float? = nil, constant: Float = 0.1) -> Initializer {
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

extension ParsedArguments {
    /// A value that must be one of `allowed`, if given.
    func choice(_ name: String, from allowed: [String]) throws -> String? {
        guard let value = string(name) else { return nil }
        guard allowed.contains(value) else {
            throw CLIError.usage("\(name): '\(value)' is not one of \(allowed.joined(separator: ", "))", command: command)
        }
        return value
    }
}
