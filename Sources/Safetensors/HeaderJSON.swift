/// A JSON value of a safetensors header, with the file offset of its first byte so that
/// errors can point at it. Objects keep their members in file order, duplicates refused.
struct JSONValue {
    enum Kind {
        case object([Member])
        case array([JSONValue])
        case string(String)
        /// The number's text as written, checked against the JSON grammar.
        case number(String)
        case bool(Bool)
        case null
    }

    struct Member {
        let key: String
        /// The file offset of the key's opening quote.
        let offset: Int
        let value: JSONValue
    }

    let kind: Kind
    let offset: Int

    /// "an object", "a string", …: what was found, for messages.
    var typeName: String {
        switch kind {
        case .object: "an object"
        case .array: "an array"
        case .string: "a string"
        case .number: "a number"
        case .bool: "a boolean"
        case .null: "null"
        }
    }
}

/// A strict RFC 8259 parser for a safetensors header.
///
/// Not Foundation's `JSONSerialization`, which silently keeps one of two duplicate keys
/// and forgets the order and offsets. This one refuses what serde_json refuses (trailing
/// commas, comments, leading zeros, control characters in strings, lone surrogates,
/// nesting past 128 levels) and also duplicate keys in any object (serde_json keeps the
/// last for a map): a header in which one name means two things is refused.
struct HeaderParser {
    static let maximumDepth = 128

    let bytes: UnsafeRawBufferPointer
    /// The file offset of `bytes[0]`: 8, after the header length.
    let base: Int
    var position = 0

    init(bytes: UnsafeRawBufferPointer, base: Int) {
        self.bytes = bytes
        self.base = base
    }

    /// The whole header: one value, with only whitespace around it (the writer pads with
    /// spaces to a multiple of 8 bytes).
    mutating func document() throws(SafetensorsError) -> JSONValue {
        skipWhitespace()
        let value = try self.value(depth: 1)
        skipWhitespace()
        guard position == bytes.count else { throw error("\(describe(bytes[position])) after the end of the JSON value") }
        return value
    }

    // MARK: - Values

    private mutating func value(depth: Int) throws(SafetensorsError) -> JSONValue {
        guard position < bytes.count else { throw error("the header ends where a JSON value should start") }
        let start = base + position
        switch bytes[position] {
        case UInt8(ascii: "{"): return JSONValue(kind: .object(try object(depth: depth)), offset: start)
        case UInt8(ascii: "["): return JSONValue(kind: .array(try array(depth: depth)), offset: start)
        case UInt8(ascii: "\""): return JSONValue(kind: .string(try string()), offset: start)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return JSONValue(kind: .number(try number()), offset: start)
        case UInt8(ascii: "t"): try literal("true"); return JSONValue(kind: .bool(true), offset: start)
        case UInt8(ascii: "f"): try literal("false"); return JSONValue(kind: .bool(false), offset: start)
        case UInt8(ascii: "n"): try literal("null"); return JSONValue(kind: .null, offset: start)
        case let byte: throw error("\(describe(byte)) cannot start a JSON value")
        }
    }

    private mutating func object(depth: Int) throws(SafetensorsError) -> [JSONValue.Member] {
        try checkDepth(depth)
        position += 1  // {
        var members: [JSONValue.Member] = []
        var seen: [String: Int] = [:]
        skipWhitespace()
        if peek == UInt8(ascii: "}") { position += 1; return members }
        while true {
            skipWhitespace()
            guard peek == UInt8(ascii: "\"") else { throw error(expected: "a string key in a JSON object") }
            let keyOffset = base + position
            let key = try string()
            if let first = seen[key] {
                let what = depth == 1 ? (key == SafetensorsFile.metadataKey ? "the metadata" : "tensor \(quoted(key))") : "key \(quoted(key))"
                throw SafetensorsError(.duplicateName, "\(what) appears twice in one JSON object (first at byte \(first))",
                                       offset: keyOffset, tensor: depth == 1 && key != SafetensorsFile.metadataKey ? key : nil)
            }
            seen[key] = keyOffset
            skipWhitespace()
            guard peek == UInt8(ascii: ":") else { throw error(expected: "':' after an object key") }
            position += 1
            skipWhitespace()
            members.append(JSONValue.Member(key: key, offset: keyOffset, value: try value(depth: depth + 1)))
            skipWhitespace()
            switch peek {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "}"): position += 1; return members
            default: throw error(expected: "',' or '}' after an object member")
            }
        }
    }

    private mutating func array(depth: Int) throws(SafetensorsError) -> [JSONValue] {
        try checkDepth(depth)
        position += 1  // [
        var elements: [JSONValue] = []
        skipWhitespace()
        if peek == UInt8(ascii: "]") { position += 1; return elements }
        while true {
            skipWhitespace()
            elements.append(try value(depth: depth + 1))
            skipWhitespace()
            switch peek {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "]"): position += 1; return elements
            default: throw error(expected: "',' or ']' after an array element")
            }
        }
    }

    /// A string from its opening quote; the header was checked to be UTF-8 beforehand.
    private mutating func string() throws(SafetensorsError) -> String {
        position += 1  // "
        var utf8: [UInt8] = []
        while true {
            guard let byte = peek else { throw error("the header ends inside a string") }
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                return String(decoding: utf8, as: UTF8.self)
            case UInt8(ascii: "\\"):
                position += 1
                guard let escape = peek else { throw error("the header ends inside a string") }
                position += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(escape)
                case UInt8(ascii: "b"): utf8.append(0x08)
                case UInt8(ascii: "f"): utf8.append(0x0C)
                case UInt8(ascii: "n"): utf8.append(0x0A)
                case UInt8(ascii: "r"): utf8.append(0x0D)
                case UInt8(ascii: "t"): utf8.append(0x09)
                case UInt8(ascii: "u"): utf8.append(contentsOf: String(try unicodeEscape()).utf8)
                default:
                    position -= 1
                    throw error("\\\(describe(escape).dropFirst().dropLast()) is not a JSON escape")
                }
            case 0x00..<0x20:
                throw error("control character \(describe(byte)) inside a string (JSON requires it escaped)")
            default:
                utf8.append(byte)
                position += 1
            }
        }
    }

    /// The scalar of a `\uXXXX` escape (the `\u` consumed), a surrogate pair taken whole.
    private mutating func unicodeEscape() throws(SafetensorsError) -> Unicode.Scalar {
        let start = position - 2
        let high = try hex4()
        switch high {
        case 0xD800...0xDBFF:
            guard peek == UInt8(ascii: "\\"), position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: "u") else {
                throw error("lone leading surrogate \\u\(hex(high)) in a string", at: start)
            }
            position += 2
            let low = try hex4()
            guard (0xDC00...0xDFFF).contains(low) else { throw error("lone leading surrogate \\u\(hex(high)) in a string", at: start) }
            return Unicode.Scalar(0x10000 + (high - 0xD800) << 10 + (low - 0xDC00))!
        case 0xDC00...0xDFFF:
            throw error("lone trailing surrogate \\u\(hex(high)) in a string", at: start)
        default:
            return Unicode.Scalar(high)!
        }
    }

    private mutating func hex4() throws(SafetensorsError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = peek, let digit = hexDigit(byte) else { throw error(expected: "four hexadecimal digits after \\u") }
            value = value << 4 | digit
            position += 1
        }
        return value
    }

    /// A number's text, checked against `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    private mutating func number() throws(SafetensorsError) -> String {
        let start = position
        if peek == UInt8(ascii: "-") { position += 1 }
        guard let first = peek, isDigit(first) else { throw error(expected: "a digit in a number") }
        position += 1
        if first == UInt8(ascii: "0"), let next = peek, isDigit(next) { throw error("a number with a leading zero") }
        skipDigits()
        if peek == UInt8(ascii: ".") {
            position += 1
            guard let digit = peek, isDigit(digit) else { throw error(expected: "a digit after the decimal point") }
            skipDigits()
        }
        if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
            position += 1
            if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { position += 1 }
            guard let digit = peek, isDigit(digit) else { throw error(expected: "a digit in the exponent") }
            skipDigits()
        }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
    }

    private mutating func literal(_ word: StaticString) throws(SafetensorsError) {
        let text = UnsafeRawBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        guard position + text.count <= bytes.count, bytes[position..<position + text.count].elementsEqual(text) else {
            throw error(expected: "the literal \(word)")
        }
        position += text.count
    }

    // MARK: - Bytes

    private var peek: UInt8? { position < bytes.count ? bytes[position] : nil }

    private mutating func skipWhitespace() {
        while let byte = peek, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { position += 1 }
    }

    private mutating func skipDigits() {
        while let byte = peek, isDigit(byte) { position += 1 }
    }

    private func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }

    private func hexDigit(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    private func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    private func checkDepth(_ depth: Int) throws(SafetensorsError) {
        guard depth <= Self.maximumDepth else { throw error("JSON nested deeper than \(Self.maximumDepth) levels") }
    }

    private func error(_ message: String, at position: Int? = nil) -> SafetensorsError {
        SafetensorsError(.invalidJSON, "header JSON: \(message)", offset: base + (position ?? self.position))
    }

    private func error(expected what: String) -> SafetensorsError {
        error("expected \(what), found \(peek.map(describe) ?? "the end of the header")")
    }
}

/// A byte for a message: `'x'` when printable ASCII, `0xNN` otherwise.
func describe(_ byte: UInt8) -> String {
    (0x21...0x7E).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : "0x\(String(byte, radix: 16, uppercase: true))"
}

/// A name for a message: JSON-quoted, and cut to 80 characters, since a hostile header
/// may hold a name of 100 MB.
func quoted(_ name: String) -> String {
    var json: [UInt8] = []
    appendJSONString(name.count > 80 ? String(name.prefix(80)) : name, to: &json)
    return String(decoding: json, as: UTF8.self) + (name.count > 80 ? "…" : "")
}

/// Appends `text` as a JSON string, escaped exactly as serde_json escapes (and so as the
/// Python and Rust libraries write): `\"`, `\\`, `\b`, `\f`, `\n`, `\r`, `\t`, other
/// control characters as `\u00xx` with lowercase hex; everything else, `/`, DEL and
/// non-ASCII included, as its UTF-8 bytes.
func appendJSONString(_ text: String, to json: inout [UInt8]) {
    let hexDigits = Array("0123456789abcdef".utf8)
    json.append(UInt8(ascii: "\""))
    for byte in text.utf8 {
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): json += [UInt8(ascii: "\\"), byte]
        case 0x08: json += Array(#"\b"#.utf8)
        case 0x0C: json += Array(#"\f"#.utf8)
        case 0x0A: json += Array(#"\n"#.utf8)
        case 0x0D: json += Array(#"\r"#.utf8)
        case 0x09: json += Array(#"\t"#.utf8)
        case 0x00..<0x20: json += Array(#"\u00"#.utf8) + [hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0xF)]]
        default: json.append(byte)
        }
    }
    json.append(UInt8(ascii: "\""))
}
