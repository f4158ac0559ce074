import Testing

@testable import Safetensors

/// A file of `header` (its length written in front, unless `length` says otherwise) and
/// `data`.
private func file(_ header: String, data: [UInt8] = [], length: UInt64? = nil) -> [UInt8] {
    let json = Array(header.utf8)
    return withUnsafeBytes(of: (length ?? UInt64(json.count)).littleEndian, Array.init) + json + data
}

/// A file of raw header bytes, for headers that are not UTF-8.
private func file(headerBytes json: [UInt8]) -> [UInt8] {
    withUnsafeBytes(of: UInt64(json.count).littleEndian, Array.init) + json
}

/// Expects `bytes` refused with `kind`, a one-line message containing `text`, and, when
/// given, the byte and the tensor.
private func expectRefused(_ bytes: [UInt8], _ kind: SafetensorsError.Kind, _ text: String, offset: Int? = nil, tensor: String? = nil,
                           headerLimit: Int = SafetensorsFile.defaultHeaderLimit, sourceLocation: SourceLocation = #_sourceLocation) {
    do {
        let read = try SafetensorsFile(reading: bytes, headerLimit: headerLimit)
        Issue.record("accepted: \(read)", sourceLocation: sourceLocation)
    } catch {
        #expect(error.kind == kind, "\(error)", sourceLocation: sourceLocation)
        #expect(error.message.contains(text), "\(error)", sourceLocation: sourceLocation)
        #expect(!error.message.contains("\n"), sourceLocation: sourceLocation)
        if let offset { #expect(error.offset == offset, "\(error)", sourceLocation: sourceLocation) }
        if let tensor { #expect(error.tensor == tensor, "\(error)", sourceLocation: sourceLocation) }
    }
}

/// `{"name": {"dtype": dtype, "shape": shape, "data_offsets": offsets}, ...}`
private func header(_ tensors: [(String, String, String, String)], metadata: String? = nil) -> String {
    let members = (metadata.map { [#""__metadata__":\#($0)"#] } ?? [])
        + tensors.map { #""\#($0.0)":{"dtype":"\#($0.1)","shape":\#($0.2),"data_offsets":\#($0.3)}"# }
    return "{" + members.joined(separator: ",") + "}"
}

struct SafetensorsHostileInputTests {
    @Test("shorter than the 8-byte header length")
    func truncated() {
        expectRefused([], .headerTooSmall, "the file is 0 bytes long")
        expectRefused([1], .headerTooSmall, "the file is 1 byte long")
        expectRefused([2, 0, 0, 0, 0, 0, 0], .headerTooSmall, "the file is 7 bytes long; a safetensors file starts with an 8-byte header length", offset: 0)
        let whole = file(header([("w", "F32", "[2]", "[0,8]")]), data: [UInt8](repeating: 0, count: 8))
        for cut in [9, whole.count - 9, whole.count - 1] {
            expectRefused(Array(whole.prefix(cut)), cut < whole.count - 8 ? .invalidHeaderLength : .invalidOffsets, cut < whole.count - 8 ? "runs past the end" : "past the end of the data")
        }
    }

    @Test("header lengths past the end of the file or above the limit")
    func headerLength() {
        expectRefused(file("{}", length: 100), .invalidHeaderLength, "header length 100 runs past the end of the file, which has 2 bytes after the length", offset: 0)
        expectRefused(file("{}", length: UInt64.max), .headerTooLarge, "header length 18446744073709551615 is above the limit of 100000000 bytes")
        expectRefused(file("{}", length: 100_000_001), .headerTooLarge, "above the limit")
        expectRefused(file("{}", length: 100_000_000), .invalidHeaderLength, "runs past the end")  // at the limit: only too long for this file
        expectRefused(file("{}      "), .headerTooLarge, "header length 8 is above the limit of 4 bytes", headerLimit: 4)
        expectRefused(file("{}", length: 1), .invalidJSON, "header JSON: expected a string key in a JSON object, found the end of the header", offset: 9)
    }

    @Test("a header that is not UTF-8 is refused at its first bad byte")
    func notUTF8() {
        expectRefused(file(headerBytes: Array(#"{"a"#.utf8) + [0xFF] + Array(#"":{}}"#.utf8)), .invalidUTF8, "byte 0xFF", offset: 11)
        expectRefused(file(headerBytes: Array(#"{"é"#.utf8) + [0xC0, 0xAF, 0x22, 0x7D]), .invalidUTF8, "0xC0", offset: 12)   // overlong '/'
        expectRefused(file(headerBytes: [0x7B, 0x22, 0xED, 0xA0, 0x80, 0x22, 0x7D]), .invalidUTF8, "0xED", offset: 10)  // a surrogate
        expectRefused(file(headerBytes: [0x7B, 0x22, 0xE2, 0x88]), .invalidUTF8, "0xE2", offset: 10)                    // cut short
    }

    @Test("a header that is not JSON, or is JSON but not an object", arguments: [
        ("", "the header ends where a JSON value should start"),
        ("{", "expected a string key in a JSON object, found the end of the header"),
        (#"{"a":}"#, "'}' cannot start a JSON value"),
        (#"{"a":{},}"#, "expected a string key in a JSON object, found '}'"),
        (#"{"a" {}}"#, "expected ':' after an object key, found '{'"),
        ("{} x", "'x' after the end of the JSON value"),
        ("{}\u{0}", "0x0 after the end of the JSON value"),
        (#"{"a":[01]}"#, "a number with a leading zero"),
        (#"{"a":[1.]}"#, "expected a digit after the decimal point"),
        (#"{"a":"\ud800"}"#, #"lone leading surrogate \uD800"#),
        (#"{"a":"\udc00"}"#, #"lone trailing surrogate \uDC00"#),
        (#"{"a":"\x"}"#, #"\x is not a JSON escape"#),
        ("{\"a\u{9}\":{}}", "control character 0x9 inside a string"),
        (#"{"a":tru}"#, "expected the literal true"),
        ("// comment\n{}", "'/' cannot start a JSON value"),
    ])
    func notJSON(header: String, message: String) {
        expectRefused(file(header), .invalidJSON, "header JSON: " + message)
    }

    @Test("deep nesting is refused, not a stack overflow")
    func deepNesting() {
        let deep = #"{"a":"# + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}"
        expectRefused(file(deep), .invalidJSON, "JSON nested deeper than 128 levels", offset: 8 + 5 + 127)
    }

    @Test("JSON that is not a header")
    func notAHeader() {
        expectRefused(file("[]"), .invalidHeader, "the header is an array, not a JSON object", offset: 8)
        expectRefused(file(#"{"w":[1]}"#), .invalidHeader, #"tensor "w": is an array, not an object with dtype, shape and data_offsets"#, tensor: "w")
        expectRefused(file(#"{"w":{"dtype":"F32","shape":[0]}}"#), .invalidHeader, #"tensor "w": has no data_offsets"#)
        expectRefused(file(#"{"w":{"dtype":"F32","shape":[0],"data_offset":[0,0],"data_offsets":[0,0]}}"#), .invalidHeader,
                      #"tensor "w": unknown field "data_offset" (a tensor has dtype, shape and data_offsets)"#, offset: 8 + 32)
        expectRefused(file(#"{"w":{"dtype":32,"shape":[0],"data_offsets":[0,0]}}"#), .invalidHeader, "dtype is a number, not a string")
        expectRefused(file(header([("w", "F32", "[0]", "[0,0,0]")])), .invalidHeader, "data_offsets is an array, not an array [begin, end]")
        expectRefused(file(header([("w", "F32", "0", "[0,0]")])), .invalidHeader, "shape is a number, not an array")
    }

    @Test("an unknown dtype is refused, naming the tensor")
    func unknownDType() {
        expectRefused(file(header([("w", "F128", "[1]", "[0,16]")])), .unknownDType, #"tensor "w": unknown dtype "F128""#, offset: 8 + 14, tensor: "w")
        expectRefused(file(header([("w", "f32", "[1]", "[0,4]")])), .unknownDType, #"unknown dtype "f32""#)  // names are case-sensitive
    }

    @Test("shape entries must be non-negative integers", arguments: ["-1", "2.0", "1e1", "\"2\"", "null", "true"])
    func badShapeEntry(entry: String) {
        expectRefused(file(header([("w", "F32", "[1,\(entry)]", "[0,4]")])), .invalidHeader, #"tensor "w": a shape entry is "#, tensor: "w")
    }

    @Test("element counts and sizes that overflow are refused before any arithmetic on offsets")
    func overflow() {
        expectRefused(file(header([("w", "F32", "[4294967296,4294967296]", "[0,4]")])), .overflow,
                      #"shape [4294967296, 4294967296] of tensor "w" has more elements than Int can count"#, tensor: "w")
        expectRefused(file(header([("w", "F64", "[4611686018427387904]", "[0,8]")])), .overflow, "has more bits than Int can count")
        expectRefused(file(header([("w", "U8", "[18446744073709551616]", "[0,8]")])), .overflow, "a shape entry 18446744073709551616 does not fit in Int")
        expectRefused(file(header([("w", "U8", "[1]", "[0,99999999999999999999]")])), .overflow, "data_offsets' end 99999999999999999999 does not fit in Int")
        expectRefused(file(header([("w", "F4", "[3]", "[0,2]")])), .misaligned, "shape [3] of tensor \"w\" of F4 is 12 bits, not whole bytes")
    }

    @Test("data_offsets: reversed, overlapping, leaving a gap, past the end, of the wrong size, short of the end")
    func offsets() {
        let eight = [UInt8](repeating: 0, count: 8), sixteen = [UInt8](repeating: 0, count: 16)
        expectRefused(file(header([("a", "F32", "[1]", "[4,0]")]), data: eight), .invalidOffsets, #"tensor "a": data_offsets [4, 0] end before they begin"#, tensor: "a")
        expectRefused(file(header([("a", "F32", "[2]", "[0,8]"), ("b", "F32", "[2]", "[4,12]")]), data: sixteen), .invalidOffsets,
                      #"tensor "b" starts at data byte 4, inside tensor "a", which ends at 8: tensors may not overlap"#, tensor: "b")
        expectRefused(file(header([("a", "F32", "[2]", "[0,8]"), ("b", "F32", "[2]", "[0,8]")]), data: eight), .invalidOffsets,
                      #"tensor "b" starts at data byte 0, inside tensor "a""#)
        expectRefused(file(header([("a", "F32", "[1]", "[0,4]"), ("b", "F32", "[1]", "[8,12]")]), data: sixteen), .invalidOffsets,
                      #"tensor "b" starts at data byte 8, but tensor "a" before it ends at 4: a gap of 4 bytes"#)
        expectRefused(file(header([("a", "F32", "[1]", "[4,8]")]), data: eight), .invalidOffsets, #"tensor "a" is the first in the data but starts at data byte 4, not 0"#)
        expectRefused(file(header([("a", "F32", "[4]", "[0,16]")]), data: eight), .invalidOffsets,
                      #"tensor "a" ends at data byte 16, past the end of the data, which has 8 bytes"#)
        expectRefused(file(header([("a", "F32", "[3]", "[0,8]")]), data: eight), .sizeMismatch,
                      #"tensor "a", F32 of shape [3], needs 12 bytes, but data_offsets [0, 8] span 8"#)
        let short = header([("a", "F32", "[1]", "[0,4]")])
        expectRefused(file(short, data: eight), .incompleteBuffer, "the tensors cover 4 of the 8 data bytes: 4 bytes after the last tensor belong to none",
                      offset: 8 + short.utf8.count + 4)
        expectRefused(file("{}", data: [0]), .incompleteBuffer, "the tensors cover 0 of the 1 data bytes")
    }

    @Test("tensors listed out of data order are read, as the crate sorts them by offset")
    func listedOutOfOrder() throws {
        let data: [UInt8] = [1, 0, 0, 0, 0, 0, 0, 0] + withUnsafeBytes(of: Float(2.5).bitPattern.littleEndian, Array.init)
        let read = try SafetensorsFile(reading: file(header([("b", "F32", "[1]", "[8,12]"), ("z", "F32", "[0]", "[8,8]"), ("a", "I64", "[]", "[0,8]")]), data: data))
        #expect(try read["a"]?.int64s() == [1])
        #expect(try read["b"]?.floats() == [2.5])
        #expect(read["z"]?.elementCount == 0)
    }

    @Test("a name twice in one JSON object is refused: tensors, fields, metadata keys")
    func duplicates() {
        let w = #""w":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}"#
        expectRefused(file("{\(w),\(w)}"), .duplicateName, #"tensor "w" appears twice in one JSON object (first at byte 9)"#, offset: 9 + w.utf8.count + 1, tensor: "w")
        expectRefused(file(#"{"w":{"dtype":"F32","dtype":"F32","shape":[0],"data_offsets":[0,0]}}"#), .duplicateName, #"key "dtype" appears twice"#)
        expectRefused(file(#"{"__metadata__":{"a":"1","a":"2"}}"#), .duplicateName, #"key "a" appears twice"#)
        expectRefused(file(#"{"__metadata__":{},"__metadata__":{}}"#), .duplicateName, "the metadata appears twice")
        // Swift's String equality is canonical equivalence: "é" precomposed and decomposed
        // cannot be two keys of one dictionary, so they are a duplicate here.
        expectRefused(file("{\"\u{E9}\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]},\"e\u{301}\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}}"),
                      .duplicateName, "appears twice")
    }

    @Test("metadata must map strings to strings; null reads as none")
    func metadata() throws {
        expectRefused(file(#"{"__metadata__":{"epoch":3}}"#), .invalidHeader, #"metadata "epoch" is a number, not a string"#, offset: 8 + 25)
        expectRefused(file(#"{"__metadata__":{"a":{"b":"c"}}}"#), .invalidHeader, #"metadata "a" is an object, not a string"#)
        expectRefused(file(#"{"__metadata__":["a"]}"#), .invalidHeader, #""__metadata__" is an array, not an object of strings"#)
        #expect(try SafetensorsFile(reading: file(#"{"__metadata__":null}"#)) == SafetensorsFile())
        let escaped = try SafetensorsFile(reading: file(#"{"__metadata__":{"k\u00e9\/":"\ud83d\ude42\n"}}"#))
        #expect(escaped.metadata == ["ké/": "🙂\n"])
    }

    @Test("padding after the JSON may be any whitespace, as serde_json allows")
    func padding() throws {
        #expect(try SafetensorsFile(reading: file("\t{}\r\n ")) == SafetensorsFile())
    }

    @Test("names in messages are quoted and cut: a hostile name stays one short line")
    func longNames() {
        let name = #"\n"# + String(repeating: "n", count: 10_000)  // a newline, escaped in the JSON
        expectRefused(file(header([(name, "X", "[1]", "[0,1]")])), .unknownDType, #"tensor "\n"# + String(repeating: "n", count: 79) + #""…: unknown dtype "X""#)
    }
}

/// Seeded garbage: random bytes, random headers of JSON-ish characters, and the Python
/// library's files with bytes changed or cut. Each read either succeeds with tensors
/// whose bytes match their shapes or throws a `SafetensorsError`; none may trap.
struct SafetensorsGarbageTests {
    /// SplitMix64: this target has no other dependency to borrow a generator from.
    struct Numbers {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func next(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
    }

    private func check(_ bytes: [UInt8]) -> Bool {
        guard let read = try? SafetensorsFile(reading: bytes) else { return false }
        for tensor in read.tensors.values {
            #expect(tensor.bytes.count * 8 == tensor.elementCount * tensor.dtype.bitSize)
        }
        #expect((try? SafetensorsFile(reading: try read.encoded())) == read)
        return true
    }

    @Test("random bytes, random headers and damaged real files: refused or read, never a crash", arguments: 0..<4)
    func garbage(seed: UInt64) throws {
        var numbers = Numbers(state: seed)
        let originals = try ["mixed.safetensors", "written.safetensors"].map(fixture)
        let alphabet = Array(#"{}[]:,"0123456789-.eE truenull\"\u__metadata__dtypeshapedata_offsetsF32I64BF16"#.utf8) + [0xC3, 0xA9, 0xFF, 0x00]
        var accepted = 0
        for _ in 0..<500 {
            let raw = (0..<numbers.next(40)).map { _ in UInt8(truncatingIfNeeded: numbers.next()) }
            _ = check(raw)

            let json = (0..<numbers.next(80)).map { _ in alphabet[numbers.next(alphabet.count)] }
            let data = (0..<numbers.next(24)).map { _ in UInt8(truncatingIfNeeded: numbers.next()) }
            if check(withUnsafeBytes(of: UInt64(json.count).littleEndian, Array.init) + json + data) { accepted += 1 }

            var damaged = originals[numbers.next(originals.count)]
            for _ in 0...numbers.next(4) {
                let at = numbers.next(damaged.count)
                switch numbers.next(3) {
                case 0: damaged[at] = UInt8(truncatingIfNeeded: numbers.next())
                case 1: damaged[at] ^= 1 << UInt8(numbers.next(8))
                default: damaged.removeSubrange(at...)
                }
                if damaged.isEmpty { break }
            }
            if check(damaged) { accepted += 1 }
        }
        #expect(accepted < 1000)  // the loop ran; most garbage is refused
    }
}
