extension TensorEntry {
    /// The values as `Float`, row-major: F32 as stored; F16 and BF16 widened exactly
    /// (subnormals, infinities, signed zeros and NaN payloads kept); F64 rounded to
    /// nearest, ties to even (overflowing to ±infinity, underflowing to ±0).
    ///
    /// Throws `.wrongDType` for any other dtype.
    public func floats() throws(SafetensorsError) -> [Float] {
        switch dtype {
        case .f32: return words(UInt32.self).map { Float(bitPattern: $0) }
        case .f16: return words(UInt16.self).map(Self.float(fromHalf:))
        case .bf16: return words(UInt16.self).map { Float(bitPattern: UInt32($0) << 16) }
        case .f64: return words(UInt64.self).map { Float(Double(bitPattern: $0)) }
        default: throw wrongDType("floats()", reads: "F32, F16, BF16 or F64")
        }
    }

    /// The values as `Double`, row-major, every conversion exact: F64 as stored, F32,
    /// F16 and BF16 widened.
    ///
    /// Throws `.wrongDType` for any other dtype.
    public func doubles() throws(SafetensorsError) -> [Double] {
        switch dtype {
        case .f64: return words(UInt64.self).map { Double(bitPattern: $0) }
        case .f32, .f16, .bf16: return try floats().map(Double.init)
        default: throw wrongDType("doubles()", reads: "F64, F32, F16 or BF16")
        }
    }

    /// The values as `Int64`, row-major: I64 as stored, and the narrower integers I32,
    /// I16, I8, U32, U16, U8 widened (exactly). U64 is refused, since it may not fit.
    ///
    /// Throws `.wrongDType` for any other dtype.
    public func int64s() throws(SafetensorsError) -> [Int64] {
        switch dtype {
        case .i64: return words(UInt64.self).map { Int64(bitPattern: $0) }
        case .i32: return words(UInt32.self).map { Int64(Int32(bitPattern: $0)) }
        case .i16: return words(UInt16.self).map { Int64(Int16(bitPattern: $0)) }
        case .i8: return bytes.map { Int64(Int8(bitPattern: $0)) }
        case .u32: return words(UInt32.self).map { Int64($0) }
        case .u16: return words(UInt16.self).map { Int64($0) }
        case .u8: return bytes.map { Int64($0) }
        default: throw wrongDType("int64s()", reads: "I64, I32, I16, I8, U32, U16 or U8")
        }
    }

    /// IEEE binary16 bits to the binary32 of the same value. Every binary16 value is a
    /// binary32 value, so this is exact: a normal number rebiases its exponent (15 → 127)
    /// and shifts its fraction up 13 bits; a subnormal, fraction × 2⁻²⁴, is a normal
    /// binary32; infinity and NaN keep their sign and payload.
    static func float(fromHalf half: UInt16) -> Float {
        let sign = UInt32(half & 0x8000) << 16
        let exponent = UInt32(half >> 10) & 0x1F
        let fraction = UInt32(half & 0x3FF)
        switch exponent {
        case 0x1F: return Float(bitPattern: sign | 0x7F80_0000 | fraction << 13)
        case 0: return Float(bitPattern: sign | (Float(fraction) * 0x1p-24).bitPattern)
        default: return Float(bitPattern: sign | (exponent + 127 - 15) << 23 | fraction << 13)
        }
    }

    /// The bytes read as little-endian words; `bytes.count` is a multiple of the width
    /// for every dtype the accessors read.
    private func words<Word: FixedWidthInteger>(_: Word.Type) -> [Word] {
        let width = Word.bitWidth / 8
        return bytes.withUnsafeBytes { raw in
            (0..<raw.count / width).map { Word(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * width, as: Word.self)) }
        }
    }

    private func wrongDType(_ accessor: String, reads: String) -> SafetensorsError {
        SafetensorsError(.wrongDType, "\(accessor) reads \(reads); this tensor is \(dtype.rawValue)")
    }
}
