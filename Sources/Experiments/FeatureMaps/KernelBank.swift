/// A named 2-D kernel for `featuremap`: rows of weights, applied by cross-correlation (as
/// PyTorch's conv2d: not flipped).
public struct NamedKernel: Equatable, Sendable {
    public let name: String
    public let height: Int
    public let width: Int
    /// Row by row, top to bottom.
    public let weights: [Float]

    public init(name: String, height: Int, width: Int, weights: [Float]) {
        (self.name, self.height, self.width, self.weights) = (name, height, width, weights)
    }
}

/// The standard bank: the usual 3×3 image-processing kernels, as textbooks and Wikipedia's
/// "Kernel (image processing)" page give them. Under cross-correlation, sobel-x and
/// prewitt-x respond positively where brightness grows to the right, sobel-y and
/// prewitt-y where it grows downwards.
public enum KernelBank {
    public static let kernels: [NamedKernel] = [
        kernel("identity", [0, 0, 0, 0, 1, 0, 0, 0, 0]),
        kernel("box-blur", Array(repeating: 1, count: 9), divisor: 9),
        kernel("gaussian", [1, 2, 1, 2, 4, 2, 1, 2, 1], divisor: 16),
        kernel("sharpen", [0, -1, 0, -1, 5, -1, 0, -1, 0]),
        kernel("sobel-x", [-1, 0, 1, -2, 0, 2, -1, 0, 1]),
        kernel("sobel-y", [-1, -2, -1, 0, 0, 0, 1, 2, 1]),
        kernel("prewitt-x", [-1, 0, 1, -1, 0, 1, -1, 0, 1]),
        kernel("prewitt-y", [-1, -1, -1, 0, 0, 0, 1, 1, 1]),
        kernel("laplacian", [0, 1, 0, 1, -4, 1, 0, 1, 0]),
        kernel("emboss", [-2, -1, 0, -1, 1, 1, 0, 1, 2]),
        kernel("outline", [-1, -1, -1, -1, 8, -1, -1, -1, -1]),
    ]

    public static var names: [String] { kernels.map(\.name) }

    public static func named(_ name: String) -> NamedKernel? { kernels.first { $0.name == name } }

    private static func kernel(_ name: String, _ weights: [Float], divisor: Float = 1) -> NamedKernel {
        NamedKernel(name: name, height: 3, width: 3, weights: weights.map { $0 / divisor })
    }
}
