import Reporting

/// How much memory an experiment may plan to keep at once (activations for the backward
/// pass, weights, gradients) before it refuses to start: 4 GiB by default.
public let defaultMemoryLimit = 4 << 30

/// A usage error when `bytes`, which `settings` would keep, exceed `limit`.
func checkMemory(_ bytes: Double, limit: Int, settings: String) throws(UserError) {
    guard bytes <= Double(limit) else {
        throw UserError(.usage, "\(settings) would keep \(decimalUnits(bytes, "B")) of activations and weights; the limit is \(decimalUnits(Double(limit), "B"))")
    }
}
