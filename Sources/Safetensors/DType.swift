/// The element types a safetensors file may hold, named as the file names them.
///
/// Declared in the order of the Rust crate's `Dtype` enum (safetensors/src/tensor.rs),
/// which is increasing alignment: the writer lays tensors out by descending rank, so
/// that every tensor starts at an offset that is a multiple of its element size: 8-byte
/// types first, then 4-, 2- and 1-byte ones, then the 6- and 4-bit types and BOOL (the
/// crate declares BOOL first, so it comes last).
public enum DType: String, CaseIterable, Sendable, Hashable {
    case bool = "BOOL"
    /// MXF4 (OCP microscaling formats): 4 bits.
    case f4 = "F4"
    /// MXF6 E2M3: 6 bits.
    case f6E2M3 = "F6_E2M3"
    /// MXF6 E3M2: 6 bits.
    case f6E3M2 = "F6_E3M2"
    case u8 = "U8"
    case i8 = "I8"
    case f8E5M2 = "F8_E5M2"
    case f8E4M3 = "F8_E4M3"
    case f8E8M0 = "F8_E8M0"
    case f8E4M3FNUZ = "F8_E4M3FNUZ"
    case f8E5M2FNUZ = "F8_E5M2FNUZ"
    case i16 = "I16"
    case u16 = "U16"
    /// IEEE 754 binary16: 1 sign bit, 5 exponent bits, 10 fraction bits.
    case f16 = "F16"
    /// bfloat16: the top 16 bits of an IEEE 754 binary32.
    case bf16 = "BF16"
    case i32 = "I32"
    case u32 = "U32"
    case f32 = "F32"
    /// Complex numbers of two F32 parts.
    case c64 = "C64"
    case f64 = "F64"
    case i64 = "I64"
    case u64 = "U64"

    /// Bits per element: 4 and 6 for the microscaling floats, a multiple of 8 otherwise.
    /// A tensor's bytes are `elementCount × bitSize / 8`, which must be whole.
    public var bitSize: Int {
        switch self {
        case .f4: 4
        case .f6E2M3, .f6E3M2: 6
        case .bool, .u8, .i8, .f8E5M2, .f8E4M3, .f8E8M0, .f8E4M3FNUZ, .f8E5M2FNUZ: 8
        case .i16, .u16, .f16, .bf16: 16
        case .i32, .u32, .f32: 32
        case .c64, .f64, .i64, .u64: 64
        }
    }

    /// Position in the crate's declaration order (its `Ord`): the writer's layout key.
    var rank: Int { Self.ranks[self]! }

    private static let ranks = Dictionary(uniqueKeysWithValues: allCases.enumerated().map { ($1, $0) })
}
