import Foundation
import Testing

@testable import Safetensors

/// Reads a fixture from `Fixtures/`.
func fixture(_ name: String) throws -> [UInt8] {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name)")
    return Array(try Data(contentsOf: url))
}

/// Expects the same floats bit for bit: signed zeros and NaN payloads count.
func expectBits(_ actual: [Float], _ expected: [Float], sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual.map(\.bitPattern) == expected.map(\.bitPattern), sourceLocation: sourceLocation)
}

struct SafetensorsReaderTests {
    /// mixed.safetensors, written by `safetensors.numpy.save_file` (make-fixtures.py).
    static func mixed() throws -> SafetensorsFile { try SafetensorsFile(reading: try fixture("mixed.safetensors")) }

    @Test("a file from the Python library: names, dtypes, shapes and metadata as it wrote them")
    func mixedFixture() throws {
        let file = try Self.mixed()
        #expect(file.metadata == ["format": "np", "source": "make-fixtures.py"])
        let layout: [String: (DType, [Int])] = [
            "f32": (.f32, [3, 4]), "f16": (.f16, [4, 4]), "bf16": (.bf16, [13]), "f64": (.f64, [7]), "i64": (.i64, [2, 3]),
            "step": (.i64, []), "i32": (.i32, [2]), "u8": (.u8, [3]), "empty": (.f32, [0, 3]),
        ]
        #expect(Set(file.tensors.keys) == Set(layout.keys))
        for (name, (dtype, shape)) in layout {
            #expect(file[name]?.dtype == dtype, "\(name)")
            #expect(file[name]?.shape == shape, "\(name)")
        }
        // The order the library laid them out in (its header lists them in data order).
        #expect(file.layoutOrder == ["i64", "step", "f64", "empty", "f32", "i32", "bf16", "f16", "u8"])
    }

    @Test("F32 as stored, bit for bit")
    func f32() throws {
        let values = try #require(try Self.mixed()["f32"]).floats()
        expectBits(values, [0, -0.0, 1.5, -2.25, .infinity, -.infinity, .nan, 0x1p-126, 0x1p-149, .greatestFiniteMagnitude, 0.1, Float(1.0 / 3.0)])
    }

    @Test("F16 widened exactly: zeros, subnormals, the largest value, infinities, NaN payloads")
    func f16() throws {
        let values = try #require(try Self.mixed()["f16"]).floats()
        // 0x0000 0x8000 0x0001 0x03FF 0x0400 0x3C00 0xC000 0x3555 0x7BFF 0x7C00 0xFC00, then
        // NaNs 0x7E00 0x7C01 0xFE01 (payload shifted up 13 bits), then 0x8001 0x0200.
        expectBits(values, [
            0, -0.0, 0x1p-24, 1023 * 0x1p-24, 0x1p-14, 1, -2, 0x1.554p-2, 65504, .infinity, -.infinity,
            Float(bitPattern: 0x7FC0_0000), Float(bitPattern: 0x7F80_2000), Float(bitPattern: 0xFFC0_2000),
            -0x1p-24, 0x1p-15,
        ])
    }

    @Test("BF16 widened exactly: the top half of an F32")
    func bf16() throws {
        let values = try #require(try Self.mixed()["bf16"]).floats()
        expectBits(values, [
            0, -0.0, 0x1p-133, 127 * 0x1p-133, 0x1p-126, 1, -3, 0x1.FEp127, .infinity, -.infinity,
            Float(bitPattern: 0x7FC0_0000), Float(bitPattern: 0x7F81_0000), 0x1.56p-2,
        ])
    }

    @Test("F64: doubles() exact; floats() rounded to nearest, ties to even, overflow to infinity")
    func f64() throws {
        let tensor = try #require(try Self.mixed()["f64"])
        #expect(try tensor.doubles() == [0.1, -1e300, 1e-50, .pi, 0x1p-149, 1 + 0x1p-24, 1 + 3 * 0x1p-24])
        // Float(Double.pi) rounds up to 0x1.921FB6p1; Float.pi is rounded down.
        expectBits(try tensor.floats(), [0.1, -.infinity, 0, 0x1.921FB6p1, 0x1p-149, 1, 1 + 0x1p-22])
    }

    @Test("integers: I64 at both extremes, a scalar, and narrower types widened")
    func integers() throws {
        let file = try Self.mixed()
        #expect(try file["i64"]?.int64s() == [.min, -1, 0, 1, .max, 12_345_678_901_234])
        #expect(try file["step"]?.int64s() == [12_345_678_901_234])
        #expect(file["step"]?.elementCount == 1)
        #expect(try file["i32"]?.int64s() == [-2_147_483_648, 7])
        #expect(try file["u8"]?.int64s() == [0, 200, 255])
        #expect(try file["f32"]?.doubles().count == 12)
    }

    @Test("a tensor of no elements: shape [0, 3], no bytes, no values")
    func empty() throws {
        let tensor = try #require(try Self.mixed()["empty"])
        #expect(tensor.elementCount == 0 && tensor.bytes.isEmpty)
        #expect(try tensor.floats() == [])
    }

    @Test("accessors refuse dtypes they do not convert, naming both")
    func wrongDType() throws {
        let file = try Self.mixed()
        #expect(throws: SafetensorsError(.wrongDType, "floats() reads F32, F16, BF16 or F64; this tensor is I64")) { try file["step"]!.floats() }
        #expect(throws: SafetensorsError(.wrongDType, "int64s() reads I64, I32, I16, I8, U32, U16 or U8; this tensor is F32")) { try file["f32"]!.int64s() }
        #expect(throws: SafetensorsError(.wrongDType, "doubles() reads F64, F32, F16 or BF16; this tensor is U8")) { try file["u8"]!.doubles() }
    }

    @Test("the library's file of no tensors")
    func noTensors() throws {
        #expect(try SafetensorsFile(reading: try fixture("no-tensors.safetensors")) == SafetensorsFile())
    }

    @Test("the buffer form reads what the array form reads")
    func bufferForm() throws {
        let bytes = try fixture("mixed.safetensors")
        let fromBuffer = try bytes.withUnsafeBytes { buffer throws(SafetensorsError) in try SafetensorsFile(reading: buffer) }
        #expect(fromBuffer == (try Self.mixed()))
    }
}
