import Testing

@testable import Safetensors

struct SafetensorsWriterTests {
    /// The tensors and metadata make-fixtures.py gives `safetensors.numpy.save_file` to
    /// make written.safetensors: a small network's state dict, with names whose byte
    /// order is not their numeric order, a non-ASCII name, an F64, an F16, a scalar I64
    /// and an empty tensor.
    static let written = SafetensorsFile(
        tensors: [
            "0.weight": TensorEntry(floats: (0..<18).map { Float($0 - 9) / 8 }, shape: [2, 1, 3, 3]),
            "0.bias": TensorEntry(floats: [0.5, -0.25], shape: [2]),
            "10.weight": TensorEntry(floats: [1], shape: [1]),
            "2.weight": TensorEntry(floats: [2, 3], shape: [1, 2]),
            "1.running_mean": TensorEntry(floats: [0, 0.125], shape: [2]),
            "1.running_var": TensorEntry(floats: [1, 0.75], shape: [2]),
            "1.num_batches_tracked": TensorEntry(int64s: [7], shape: []),
            "fc.weight": TensorEntry(doubles: [0.1, 0.2, 0.3], shape: [3]),
            "half": try! TensorEntry(dtype: .f16, shape: [2], bytes: [0x00, 0x3C, 0x00, 0xC0]),
            "layer.é": TensorEntry(floats: [4], shape: [1]),
            "empty": TensorEntry(floats: [], shape: [0]),
        ],
        metadata: ["note": "tab\there \"quoted\" back\\slash\nline\r\u{1}\u{1F}\u{8}\u{C}\u{7F} / é ∑ 🙂"])

    @Test("byte for byte what safetensors.numpy.save_file writes for the same tensors and metadata")
    func byteIdenticalToPython() throws {
        let python = try fixture("written.safetensors")
        let ours = try Self.written.encoded()
        #expect(ours == python)
        if ours != python {
            let first = (0..<min(ours.count, python.count)).first { ours[$0] != python[$0] } ?? min(ours.count, python.count)
            Issue.record("first difference at byte \(first): \(String(decoding: ours.prefix(first + 40).suffix(80), as: UTF8.self))")
        }
        #expect(try SafetensorsFile(reading: python) == Self.written)
    }

    @Test("no tensors and no metadata: {} padded to 8 bytes, as the library writes it")
    func noTensors() throws {
        #expect(try SafetensorsFile().encoded() == (try fixture("no-tensors.safetensors")))
        #expect(try SafetensorsFile().encoded() == [8, 0, 0, 0, 0, 0, 0, 0] + Array("{}      ".utf8))
    }

    @Test("the Python library's files read and rewrite to the same contents, in its layout order")
    func rewrite() throws {
        for name in ["mixed.safetensors", "written.safetensors", "no-tensors.safetensors"] {
            let file = try SafetensorsFile(reading: try fixture(name))
            let again = try SafetensorsFile(reading: try file.encoded())
            #expect(again == file, "\(name)")
            #expect(again.layoutOrder == file.layoutOrder, "\(name)")
        }
    }

    @Test("the header is padded with spaces to a multiple of 8; the data follows at once", arguments: 0..<9)
    func padding(nameLength: Int) throws {
        let file = SafetensorsFile(tensors: [String(repeating: "w", count: nameLength + 1): TensorEntry(floats: [1, 2], shape: [2])])
        let bytes = try file.encoded()
        let length = Int(bytes[0]) | Int(bytes[1]) << 8
        #expect(length % 8 == 0)
        #expect(bytes.count == 8 + length + 8)
        let json = bytes[8..<8 + length]
        let end = try #require(json.lastIndex(of: UInt8(ascii: "}")))
        #expect(json[(end + 1)...].allSatisfy { $0 == UInt8(ascii: " ") } && json.endIndex - end - 1 < 8)
        #expect(try SafetensorsFile(reading: bytes) == file)
    }

    @Test("metadata keys are written sorted, so the same contents always give the same bytes")
    func metadataOrder() throws {
        let file = SafetensorsFile(tensors: ["x": TensorEntry(floats: [1], shape: [1])], metadata: ["b": "2", "a": "1", "é": "3", "Z": "0"])
        let bytes = try file.encoded()
        let header = String(decoding: bytes[8..<8 + Int(bytes[0])], as: UTF8.self)
        #expect(header.hasPrefix(#"{"__metadata__":{"Z":"0","a":"1","b":"2","é":"3"},"x":"#))
        #expect(try SafetensorsFile(reading: bytes) == file)
    }

    @Test("scalars, every dtype, sub-byte types in whole bytes: written and read back")
    func everyDType() throws {
        var file = SafetensorsFile(metadata: ["format": "pt"])
        for (i, dtype) in DType.allCases.enumerated() {
            let shape = dtype.bitSize % 8 == 0 ? [2, 1] : [4]  // 4 × 4 or 4 × 6 bits: whole bytes
            let size = shape.reduce(1, *) * dtype.bitSize / 8
            file["t\(i)"] = try TensorEntry(dtype: dtype, shape: shape, bytes: (0..<size).map { UInt8(truncatingIfNeeded: i * 31 + $0) })
        }
        file["scalar.f32"] = TensorEntry(floats: [-1.5], shape: [])
        file["scalar.i64"] = TensorEntry(int64s: [.min], shape: [])
        let again = try SafetensorsFile(reading: try file.encoded())
        #expect(again == file)
        #expect(try again["scalar.f32"]?.floats() == [-1.5])
        #expect(try again["scalar.i64"]?.int64s() == [.min])
        // Laid out by descending rank: the 8-byte types first, then the sub-byte types and BOOL.
        #expect(again.layoutOrder.prefix(3) == ["t\(DType.allCases.firstIndex(of: .u64)!)", "scalar.i64", "t\(DType.allCases.firstIndex(of: .i64)!)"])
        #expect(again.layoutOrder.suffix(4).map { again[$0]!.dtype } == [.f6E3M2, .f6E2M3, .f4, .bool])
    }

    @Test("tensors whose bytes do not match their shape are refused when built")
    func badTensors() throws {
        #expect(throws: SafetensorsError(.invalidTensor, "a F32 tensor of shape [2, 2] holds 16 bytes, not 12")) {
            try TensorEntry(dtype: .f32, shape: [2, 2], bytes: [UInt8](repeating: 0, count: 12))
        }
        #expect(throws: SafetensorsError(.invalidTensor, "dimension -1 of shape [2, -1] is negative")) {
            try TensorEntry(dtype: .f32, shape: [2, -1], bytes: [])
        }
        #expect(throws: SafetensorsError(.misaligned, "shape [3] of F4 is 12 bits, not whole bytes")) {
            try TensorEntry(dtype: .f4, shape: [3], bytes: [0, 0])
        }
        #expect(throws: SafetensorsError(.overflow, "shape [4294967296, 4294967296] has more elements than Int can count")) {
            try TensorEntry(dtype: .u8, shape: [1 << 32, 1 << 32], bytes: [])
        }
    }

    @Test("a tensor named __metadata__ is refused: the file would read back as metadata")
    func metadataName() {
        let file = SafetensorsFile(tensors: ["__metadata__": TensorEntry(floats: [1], shape: [1])])
        #expect(throws: SafetensorsError(.invalidTensor, #"a tensor cannot be named "__metadata__": the header keeps the metadata under that key"#, tensor: "__metadata__")) {
            try file.encoded()
        }
    }
}
