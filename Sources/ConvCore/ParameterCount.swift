/// The parameters and multiply-accumulates (MACs) of one layer, counted exactly in 64-bit
/// integers. A count too large for 64 bits is a `ShapeError` that says which count,
/// never a trap or a wrapped number.
///
/// Conventions, as in most parameter counters: MACs exclude the bias additions, and a
/// layer does about 2 · MACs floating-point operations.
public struct ParameterCount: Equatable, Sendable {
    public let weights: Int
    public let biases: Int
    /// weights + biases.
    public let parameters: Int
    public let macs: Int

    public init(weights: Int, biases: Int, macs: Int) throws(ShapeError) {
        self.init(uncheckedWeights: weights, biases: biases, macs: macs, parameters: try exactSum("the parameters", weights, biases))
    }

    private init(uncheckedWeights weights: Int, biases: Int, macs: Int, parameters: Int? = nil) {
        self.weights = weights
        self.biases = biases
        self.macs = macs
        self.parameters = parameters ?? weights + biases
    }

    /// No parameters, no multiply-accumulates: activations, pooling, flatten.
    public static let zero = ParameterCount(uncheckedWeights: 0, biases: 0, macs: 0)

    /// Bytes of the parameters stored as float32.
    public var bytes: Int {
        get throws(ShapeError) { try exactProduct("the parameters' bytes", parameters, 4) }
    }

    /// A convolution: one kernel of (inChannels / groups) · kh · kw weights per output
    /// channel, shared by every output position; one bias per output channel.
    /// MACs = Hout · Wout · outChannels · (inChannels / groups) · kh · kw.
    public static func convolution(
        inChannels: Int, outChannels: Int, kernel: Size2D, groups: Int, bias: Bool, outputPositions: Int
    ) throws(ShapeError) -> ParameterCount {
        let weights = try exactProduct("the convolution's weights", outChannels, inChannels / groups, kernel.height, kernel.width)
        return try ParameterCount(
            weights: weights, biases: bias ? outChannels : 0,
            macs: try exactProduct("the convolution's multiply-accumulates", weights, outputPositions))
    }

    /// The same layer without weight sharing (a locally connected layer): a kernel and a
    /// bias of its own at every output position. Its MACs are the convolution's; its
    /// parameters are the convolution's times the number of positions.
    public static func locallyConnected(
        inChannels: Int, outChannels: Int, kernel: Size2D, groups: Int, bias: Bool, outputPositions: Int
    ) throws(ShapeError) -> ParameterCount {
        let weights = try exactProduct("the locally connected layer's weights", outputPositions, outChannels, inChannels / groups, kernel.height, kernel.width)
        return try ParameterCount(
            weights: weights, biases: bias ? try exactProduct("the locally connected layer's biases", outputPositions, outChannels) : 0,
            macs: weights)
    }

    /// A fully-connected layer: a weight for every (input, output) pair, a bias per output.
    /// MACs = in · out.
    public static func fullyConnected(inFeatures: Int, outFeatures: Int, bias: Bool) throws(ShapeError) -> ParameterCount {
        let weights = try exactProduct("the fully-connected layer's weights", inFeatures, outFeatures)
        return try ParameterCount(weights: weights, biases: bias ? outFeatures : 0, macs: weights)
    }
}

/// The product of `factors`, or a `ShapeError` naming `what` when it does not fit in 64 bits.
package func exactProduct(_ what: String, _ factors: Int...) throws(ShapeError) -> Int {
    var product = 1
    for factor in factors {
        let (next, overflow) = product.multipliedReportingOverflow(by: factor)
        guard !overflow else { throw tooLarge(what, factors.map(String.init).joined(separator: " × ")) }
        product = next
    }
    return product
}

/// The sum of `terms`, or a `ShapeError` naming `what` when it does not fit in 64 bits.
package func exactSum(_ what: String, _ terms: Int...) throws(ShapeError) -> Int {
    var sum = 0
    for term in terms {
        let (next, overflow) = sum.addingReportingOverflow(term)
        guard !overflow else { throw tooLarge(what, terms.map(String.init).joined(separator: " + ")) }
        sum = next
    }
    return sum
}

private func tooLarge(_ what: String, _ expression: String) -> ShapeError {
    ShapeError("\(what), \(expression), exceed the largest 64-bit integer (\(Int.max))")
}
