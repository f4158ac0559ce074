import Reporting

/// How much memory a command may plan to use at once (inputs, outputs, activations for the
/// backward pass, weights, gradients, workspaces) before it refuses to start: 4 GiB by
/// default, `--memory-limit` to change it. Every estimate is made before allocating.
public let defaultMemoryLimit = 4 << 30

/// Refuses work that would need more than `limit` bytes.
/// - Parameters:
///   - bytes: the estimate; infinite when the sizes overflow.
///   - what: what needs it, in words that name the culprit ("--depth 100, --batch 256 and
///     --width 256", "the image 'big.pgm'").
///   - kind: `.usage` when options ask for it, `.badInput` when a file's contents do.
func checkMemory(_ bytes: Double, limit: Int, for what: String, kind: UserError.Kind = .usage) throws(UserError) {
    guard bytes <= Double(limit) else {
        let needed = bytes.isFinite ? "about \(binaryBytes(bytes))" : "more memory than can be counted"
        throw UserError(kind, "\(what) would need \(needed); the limit is \(binaryBytes(Double(limit))) (raise it with --memory-limit)")
    }
}
