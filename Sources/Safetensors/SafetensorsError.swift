/// A file that is not a valid safetensors file, or a tensor used as what it is not: what
/// is wrong, and where — the byte of the file and the tensor, when there is one.
public struct SafetensorsError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Which rule was broken; the cases follow the Rust crate's `SafeTensorError`, with
    /// JSON and schema errors told apart.
    public enum Kind: Equatable, Sendable {
        /// Fewer than the 8 bytes of the header length.
        case headerTooSmall
        /// A header length above the limit (100 MB unless told otherwise).
        case headerTooLarge
        /// A header length that runs past the end of the file.
        case invalidHeaderLength
        /// Header bytes that are not UTF-8.
        case invalidUTF8
        /// A header that is not JSON.
        case invalidJSON
        /// JSON that is not a safetensors header: a wrong type, a missing or unknown field.
        case invalidHeader
        /// A dtype name this reader does not know.
        case unknownDType
        /// A name (tensor, field or metadata key) that appears twice in one JSON object.
        case duplicateName
        /// A shape whose element count, or whose size in bits, overflows `Int`.
        case overflow
        /// A sub-byte dtype whose elements do not fill whole bytes.
        case misaligned
        /// `data_offsets` that end before they begin, leave a gap, overlap the tensor
        /// before, or run past the data.
        case invalidOffsets
        /// `data_offsets` spanning a byte count other than shape × dtype size.
        case sizeMismatch
        /// Data bytes after the last tensor.
        case incompleteBuffer
        /// A tensor that cannot be built as asked, or a name that cannot be written.
        case invalidTensor
        /// An accessor asked for values the tensor's dtype does not hold.
        case wrongDType
    }

    public let kind: Kind
    /// One line saying what is wrong, naming the tensor where there is one.
    public let message: String
    /// Offset from the start of the file of the byte where the problem is, when it is
    /// in a file.
    public let offset: Int?
    /// The tensor concerned, when there is one.
    public let tensor: String?

    public init(_ kind: Kind, _ message: String, offset: Int? = nil, tensor: String? = nil) {
        self.kind = kind
        self.message = message
        self.offset = offset
        self.tensor = tensor
    }

    /// "byte 61: tensor "b" starts at data byte 4, but the tensor before it ends at 8: …"
    public var description: String { offset.map { "byte \($0): \(message)" } ?? message }
}
