/// Whether a network is learning or being used, as PyTorch's `module.train()` and
/// `module.eval()`: batch normalization takes the batch's statistics while training and its
/// running statistics otherwise.
public enum Mode: Sendable {
    case training
    case evaluation
}
