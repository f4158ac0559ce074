import ConvCore

/// The population standard deviation of a tensor's values, two passes in Double; nil
/// when a value is not finite.
func standardDeviation(_ tensor: Tensor) -> Double? {
    guard !tensor.scalars.isEmpty, tensor.scalars.allSatisfy({ $0.isFinite }) else { return nil }
    let n = Double(tensor.scalars.count)
    let mean = tensor.scalars.reduce(0.0) { $0 + Double($1) } / n
    let variance = tensor.scalars.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / n
    return variance.isFinite ? variance.squareRoot() : nil
}
