/// The contents of a safetensors file (huggingface/safetensors): named tensors and
/// string metadata.
///
/// Read with `init(reading:)`, which checks everything the Rust crate checks before it
/// trusts an offset; written with `encoded()`, byte for byte as the Python and Rust
/// libraries write the same tensors. Names are unique (the header is a JSON object);
/// the order of tensors in a file is not part of the contents, since the writer derives
/// it from dtypes and names (`layoutOrder`).
public struct SafetensorsFile: Equatable, Sendable {
    /// The largest header a reader accepts unless told otherwise, and the largest the
    /// writer writes: 100 MB, the crate's `MAX_HEADER_SIZE`.
    public static let defaultHeaderLimit = 100_000_000

    /// The header key that holds the metadata rather than a tensor.
    public static let metadataKey = "__metadata__"

    public var tensors: [String: TensorEntry]
    /// The header's `__metadata__`: free-form strings (PyTorch files often carry
    /// `"format": "pt"`). Empty when absent, and then not written.
    public var metadata: [String: String]

    public init(tensors: [String: TensorEntry] = [:], metadata: [String: String] = [:]) {
        self.tensors = tensors
        self.metadata = metadata
    }

    public subscript(name: String) -> TensorEntry? {
        get { tensors[name] }
        set { tensors[name] = newValue }
    }

    /// The names in the order the writer lays the tensors out, as the crate's `prepare`
    /// does: by dtype in descending alignment (`DType` declaration order, reversed: I64
    /// and F64 first, BOOL and the sub-byte types last), then by name, compared as UTF-8
    /// bytes (Rust's `String` order). Each tensor then starts at a multiple of its
    /// element size.
    public var layoutOrder: [String] {
        tensors.keys.sorted { left, right in
            let (l, r) = (tensors[left]!.dtype.rank, tensors[right]!.dtype.rank)
            return l != r ? l > r : left.utf8.lexicographicallyPrecedes(right.utf8)
        }
    }
}
