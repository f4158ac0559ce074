/// One tensor of a safetensors file: its dtype, its shape and its bytes, little-endian
/// and row-major, exactly as the file stores them.
///
/// The bytes are always `elementCount × dtype.bitSize / 8` long: every initializer
/// checks it, and nothing else can change them. Values are read through the typed
/// accessors (`floats()`, `doubles()`, `int64s()`), which convert from the stored dtype.
public struct TensorEntry: Equatable, Sendable {
    public let dtype: DType
    /// The dimensions, outermost first; `[]` is a scalar (one element), and a 0 anywhere
    /// makes a tensor of no elements.
    public let shape: [Int]
    /// The stored bytes, little-endian, row-major (C order).
    public let bytes: [UInt8]

    /// The product of `shape`: 1 for a scalar.
    public var elementCount: Int { shape.reduce(1, *) }

    /// A tensor from its stored bytes, for any dtype (F16 and BF16 included, whose values
    /// Swift has no portable type for).
    ///
    /// Throws `.invalidTensor` for a negative dimension or a byte count other than
    /// `elementCount × dtype.bitSize / 8`, `.overflow` when that product overflows, and
    /// `.misaligned` when a 4- or 6-bit dtype does not fill whole bytes.
    public init(dtype: DType, shape: [Int], bytes: [UInt8]) throws(SafetensorsError) {
        if let negative = shape.first(where: { $0 < 0 }) {
            throw SafetensorsError(.invalidTensor, "dimension \(negative) of shape \(shape) is negative")
        }
        let size = try Self.byteCount(dtype: dtype, shape: shape, name: nil)
        guard bytes.count == size else {
            throw SafetensorsError(.invalidTensor, "a \(dtype.rawValue) tensor of shape \(shape) holds \(size) bytes, not \(bytes.count)")
        }
        self.init(unchecked: dtype, shape: shape, bytes: bytes)
    }

    /// An F32 tensor. Precondition: `values.count` is the product of `shape`.
    public init(floats values: [Float], shape: [Int]) {
        Self.checkCount(values.count, shape)
        self.init(unchecked: .f32, shape: shape, bytes: Self.littleEndianBytes(values.map(\.bitPattern)))
    }

    /// An F64 tensor. Precondition: `values.count` is the product of `shape`.
    public init(doubles values: [Double], shape: [Int]) {
        Self.checkCount(values.count, shape)
        self.init(unchecked: .f64, shape: shape, bytes: Self.littleEndianBytes(values.map(\.bitPattern)))
    }

    /// An I64 tensor, such as batch norm's `num_batches_tracked` (shape `[]`).
    /// Precondition: `values.count` is the product of `shape`.
    public init(int64s values: [Int64], shape: [Int]) {
        Self.checkCount(values.count, shape)
        self.init(unchecked: .i64, shape: shape, bytes: Self.littleEndianBytes(values.map { UInt64(bitPattern: $0) }))
    }

    /// A tensor whose shape and byte count the caller has already checked.
    init(unchecked dtype: DType, shape: [Int], bytes: [UInt8]) {
        self.dtype = dtype
        self.shape = shape
        self.bytes = bytes
    }

    /// `elementCount × dtype.bitSize / 8`, the way the crate's `validate` computes it:
    /// overflow and bits that do not fill whole bytes are errors. `shape` is non-negative.
    static func byteCount(dtype: DType, shape: [Int], name: String?, offset: Int? = nil) throws(SafetensorsError) -> Int {
        let of = name.map { " of tensor \(quoted($0))" } ?? ""
        var count = 1
        for dimension in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow else {
                throw SafetensorsError(.overflow, "shape \(shape)\(of) has more elements than Int can count", offset: offset, tensor: name)
            }
            count = product
        }
        let (bits, overflow) = count.multipliedReportingOverflow(by: dtype.bitSize)
        guard !overflow else {
            throw SafetensorsError(.overflow, "shape \(shape)\(of) of \(dtype.rawValue) has more bits than Int can count", offset: offset, tensor: name)
        }
        guard bits % 8 == 0 else {
            throw SafetensorsError(.misaligned, "shape \(shape)\(of) of \(dtype.rawValue) is \(bits) bits, not whole bytes", offset: offset, tensor: name)
        }
        return bits / 8
    }

    private static func checkCount(_ count: Int, _ shape: [Int]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "TensorEntry: negative dimension in shape \(shape)")
        var elements = 1
        for dimension in shape {
            let (product, overflow) = elements.multipliedReportingOverflow(by: dimension)
            precondition(!overflow, "TensorEntry: shape \(shape) overflows Int")
            elements = product
        }
        precondition(count == elements, "TensorEntry: \(count) values for shape \(shape), which holds \(elements)")
    }

    private static func littleEndianBytes<Word: FixedWidthInteger>(_ words: [Word]) -> [UInt8] {
        let width = Word.bitWidth / 8
        return [UInt8](unsafeUninitializedCapacity: words.count * width) { buffer, count in
            let raw = UnsafeMutableRawBufferPointer(buffer)
            for (i, word) in words.enumerated() {
                raw.storeBytes(of: word.littleEndian, toByteOffset: i * width, as: Word.self)
            }
            count = words.count * width
        }
    }
}
