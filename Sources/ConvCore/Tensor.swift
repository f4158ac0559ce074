/// A dense array of floats with a shape, row-major (the last axis varies fastest), as in
/// PyTorch: a batch of images is [N, C, H, W], a batch of feature vectors [N, F].
///
/// The invariant the kernels rely on: there are exactly as many scalars as the product of
/// the shape. It is checked where a tensor is made (the product too, which must fit in an
/// `Int`) and kept by construction after that: the shape never changes, and the scalars
/// can be changed one by one, in place, or replaced by an array of the same count, never
/// shortened or lengthened.
public struct Tensor: Equatable, Sendable {
    public let shape: [Int]
    /// The scalars, row-major. Read-only: a computed property over private storage, so that
    /// not even a key path can write it.
    public var scalars: [Float] { storage }
    private var storage: [Float]

    /// - Throws: `ShapeError` when a dimension is negative, the product of the shape does
    ///   not fit in an `Int`, or `scalars.count` is not that product.
    public init(shape: [Int], scalars: [Float]) throws(ShapeError) {
        let count = try Tensor.count(of: shape)
        guard scalars.count == count else {
            throw ShapeError("a tensor of shape \(shape) holds \(count) values, not \(scalars.count)")
        }
        self.shape = shape
        storage = scalars
    }

    /// A tensor of the given shape filled with `value`.
    /// - Throws: `ShapeError` when a dimension is negative or the product does not fit in an `Int`.
    public init(shape: [Int], repeating value: Float = 0) throws(ShapeError) {
        self.shape = shape
        storage = [Float](repeating: value, count: try Tensor.count(of: shape))
    }

    /// A tensor whose scalars are written by `initializer` into uninitialized storage of
    /// the shape's count; it must set every one of them (the operations use it for outputs
    /// they overwrite).
    /// - Throws: `ShapeError` when a dimension is negative or the product does not fit in an `Int`.
    package init(shape: [Int], unsafeUninitialized initializer: (UnsafeMutableBufferPointer<Float>) -> Void) throws(ShapeError) {
        let count = try Tensor.count(of: shape)
        self.shape = shape
        storage = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            initializer(buffer)
            initialized = count
        }
    }

    /// The number of scalars, the product of the shape.
    public var count: Int { storage.count }

    /// The scalar at the given index, one integer per axis.
    public subscript(_ index: Int...) -> Float {
        get { storage[offset(index)] }
        set { storage[offset(index)] = newValue }
    }

    /// The same scalars seen with another shape of the same count (a flatten, or its undoing).
    /// - Throws: `ShapeError` when the counts differ.
    public func reshaped(to shape: [Int]) throws(ShapeError) -> Tensor {
        try Tensor(shape: shape, scalars: scalars)
    }

    /// `transform` applied to every scalar; the shape stays. Inlined, so that a simple
    /// transform (ReLU's `max(0, x)`) becomes a vector loop rather than a call per scalar.
    @inline(__always)
    public func map(_ transform: (Float) -> Float) -> Tensor {
        var result = self
        result.storage = [Float](unsafeUninitializedCapacity: storage.count) { buffer, initialized in
            storage.withUnsafeBufferPointer { source in
                for index in source.indices { buffer[index] = transform(source[index]) }
            }
            initialized = storage.count
        }
        return result
    }

    /// A tensor of this shape whose values are `transform` of this one's, eight at a time;
    /// the last count mod 8 go through it padded with zeros, which are then dropped.
    @inline(__always)
    func mapVectors(_ transform: (SIMD8<Float>) -> SIMD8<Float>) -> Tensor {
        var result = self
        result.storage = [Float](unsafeUninitializedCapacity: storage.count) { output, initialized in
            storage.withUnsafeBufferPointer { input in
                let (source, target) = (VectorReader(input, input.indices), VectorWriter(output, input.indices))
                for i in stride(from: 0, to: input.count, by: 8) { target.store(transform(source[i]), at: i) }
            }
            initialized = storage.count
        }
        return result
    }

    /// Replaces every scalar at once.
    /// - Throws: `ShapeError` when `newScalars` does not have this tensor's count.
    public mutating func replaceScalars(with newScalars: [Float]) throws(ShapeError) {
        guard newScalars.count == storage.count else {
            throw ShapeError("a tensor of shape \(shape) holds \(storage.count) values, not \(newScalars.count)")
        }
        storage = newScalars
    }

    /// Runs `body` on the scalars, to read them at full speed.
    public func withUnsafeBufferPointer<Result, Failure: Error>(
        _ body: (UnsafeBufferPointer<Float>) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        var result: Result?
        var failure: Failure?
        storage.withUnsafeBufferPointer { buffer in
            do throws(Failure) { result = try body(buffer) } catch { failure = error }
        }
        if let failure { throw failure }
        return result!
    }

    /// Runs `body` on the scalars, to change them in place at full speed; their number
    /// cannot change.
    public mutating func withUnsafeMutableBufferPointer<Result, Failure: Error>(
        _ body: (UnsafeMutableBufferPointer<Float>) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        var result: Result?
        var failure: Failure?
        storage.withUnsafeMutableBufferPointer { buffer in
            do throws(Failure) { result = try body(buffer) } catch { failure = error }
        }
        if let failure { throw failure }
        return result!
    }

    /// The number of scalars of a shape: the product of its dimensions, checked.
    ///
    /// The check does not depend on the order of the dimensions: a shape whose nonzero
    /// dimensions multiply beyond `Int.max` is refused even when another dimension is 0
    /// and the product would be 0, since its other sizes overflow whatever uses them.
    /// - Throws: `ShapeError` when a dimension is negative or the product does not fit in an `Int`.
    public static func count(of shape: [Int]) throws(ShapeError) -> Int {
        var product = 1
        var empty = false
        for dimension in shape {
            guard dimension >= 0 else { throw ShapeError("a tensor's dimensions must not be negative; got \(shape)") }
            guard dimension > 0 else { empty = true; continue }
            let (next, overflow) = product.multipliedReportingOverflow(by: dimension)
            guard !overflow else { throw ShapeError("a tensor of shape \(shape) would hold more values than an Int can count") }
            product = next
        }
        return empty ? 0 : product
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
