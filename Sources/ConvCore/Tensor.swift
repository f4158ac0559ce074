/// A dense array of floats with a shape, row-major (the last axis varies fastest), as in
/// PyTorch: a batch of images is [N, C, H, W], a batch of feature vectors [N, F].
public struct Tensor: Equatable, Sendable {
    public let shape: [Int]
    public var scalars: [Float]

    /// - Precondition: `scalars.count` is the product of `shape`.
    public init(shape: [Int], scalars: [Float]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor: negative dimension in \(shape)")
        precondition(scalars.count == shape.reduce(1, *), "Tensor: \(scalars.count) scalars for shape \(shape)")
        self.shape = shape
        self.scalars = scalars
    }

    /// A tensor of the given shape filled with `value`.
    public init(shape: [Int], repeating value: Float = 0) {
        self.init(shape: shape, scalars: [Float](repeating: value, count: shape.reduce(1, *)))
    }

    /// A tensor whose scalars are written by `initializer` into uninitialized storage,
    /// which must set every one of them (the layers use it for outputs they overwrite).
    init(shape: [Int], unsafeUninitialized initializer: (UnsafeMutableBufferPointer<Float>) -> Void) {
        let count = shape.reduce(1, *)
        self.init(shape: shape, scalars: [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            initializer(buffer)
            initialized = count
        })
    }

    /// The scalar at the given index, one integer per axis.
    public subscript(_ index: Int...) -> Float {
        get { scalars[offset(index)] }
        set { scalars[offset(index)] = newValue }
    }

    private func offset(_ index: [Int]) -> Int {
        precondition(index.count == shape.count, "Tensor: \(index.count) indices for shape \(shape)")
        var offset = 0
        for (i, size) in zip(index, shape) {
            precondition(i >= 0 && i < size, "Tensor: index \(index) out of shape \(shape)")
            offset = offset * size + i
        }
        return offset
    }
}
