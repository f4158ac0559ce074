/// What a safetensors file's header says, checked, without its tensors' bytes: enough to
/// list a checkpoint's tensors and shapes however large it is. `SafetensorsFile` reads
/// the data through it.
public struct SafetensorsHeader: Sendable {
    /// A tensor the header lists: its name, dtype, shape and bytes in the data.
    public struct Entry: Sendable {
        public let name: String
        public let dtype: DType
        public let shape: [Int]
        /// Offsets in the data, which starts at `dataStart`.
        let begin: Int
        let end: Int
        /// shape × dtype size, in bytes.
        let size: Int
        /// The file offset of the `data_offsets` value, where layout errors point.
        let offsetsOffset: Int

        public var elementCount: Int { shape.reduce(1, *) }
    }

    /// The tensors in the order of their data.
    public let entries: [Entry]
    public let metadata: [String: String]
    /// The file offset of the first tensor's bytes: 8 + the header's length.
    public let dataStart: Int

    /// The length of a file's header, from its first 8 bytes (little-endian), so that a
    /// reader knows how much to read.
    public static func headerLength(_ first8: [UInt8]) -> UInt64? {
        guard first8.count >= 8 else { return nil }
        return first8.prefix(8).reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    }

    /// - Parameters:
    ///   - bytes: the file's first bytes, at least the 8-byte length and the header (the
    ///     whole file will do).
    ///   - fileSize: the file's length in bytes, which the tensors must tile.
    public init(reading bytes: UnsafeRawBufferPointer, fileSize: Int, headerLimit: Int = SafetensorsFile.defaultHeaderLimit) throws(SafetensorsError) {
        guard fileSize >= 8, bytes.count >= 8 else {
            throw SafetensorsError(.headerTooSmall, "the file is \(fileSize) byte\(fileSize == 1 ? "" : "s") long; a safetensors file starts with an 8-byte header length", offset: 0)
        }
        let length = UInt64(littleEndian: bytes.loadUnaligned(as: UInt64.self))
        guard length <= UInt64(max(headerLimit, 0)) else {
            throw SafetensorsError(.headerTooLarge, "header length \(length) is above the limit of \(headerLimit) bytes", offset: 0)
        }
        guard length <= UInt64(fileSize - 8), length <= UInt64(bytes.count - 8) else {
            throw SafetensorsError(.invalidHeaderLength, "header length \(length) runs past the end of the file, which has \(fileSize - 8) bytes after the length", offset: 0)
        }
        let headerEnd = 8 + Int(length)
        let header = UnsafeRawBufferPointer(rebasing: bytes[8..<headerEnd])
        if let invalid = firstInvalidUTF8(header) {
            throw SafetensorsError(.invalidUTF8, "the header is not UTF-8: byte \(describe(header[invalid])) does not belong here", offset: 8 + invalid)
        }
        var parser = HeaderParser(bytes: header, base: 8)
        let json = try parser.document()
        guard case .object(let members) = json.kind else {
            throw SafetensorsError(.invalidHeader, "the header is \(json.typeName), not a JSON object", offset: json.offset)
        }

        var metadata: [String: String] = [:]
        var entries: [Entry] = []
        for member in members {
            if member.key == SafetensorsFile.metadataKey {
                metadata = try Self.metadata(member.value)
            } else {
                entries.append(try Entry(member))
            }
        }

        // Sorted by offsets, as `Metadata::try_from` sorts them: files need not list the
        // tensors in data order. Ties (tensors of no bytes at one offset) by name.
        entries.sort { ($0.begin, $0.end) != ($1.begin, $1.end) ? ($0.begin, $0.end) < ($1.begin, $1.end) : $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
        let dataCount = fileSize - headerEnd
        var covered = 0
        var previous: String?
        for entry in entries {
            let name = quoted(entry.name)
            guard entry.begin == covered else {
                let message = switch (previous, entry.begin < covered) {
                case (nil, _): "tensor \(name) is the first in the data but starts at data byte \(entry.begin), not 0"
                case (let before?, true): "tensor \(name) starts at data byte \(entry.begin), inside tensor \(quoted(before)), which ends at \(covered): tensors may not overlap"
                case (let before?, false): "tensor \(name) starts at data byte \(entry.begin), but tensor \(quoted(before)) before it ends at \(covered): a gap of \(entry.begin - covered) bytes"
                }
                throw SafetensorsError(.invalidOffsets, message, offset: entry.offsetsOffset, tensor: entry.name)
            }
            guard entry.end <= dataCount else {
                throw SafetensorsError(.invalidOffsets, "tensor \(name) ends at data byte \(entry.end), past the end of the data, which has \(dataCount) bytes", offset: entry.offsetsOffset, tensor: entry.name)
            }
            guard entry.end - entry.begin == entry.size else {
                throw SafetensorsError(.sizeMismatch, "tensor \(name), \(entry.dtype.rawValue) of shape \(entry.shape), needs \(entry.size) bytes, but data_offsets [\(entry.begin), \(entry.end)] span \(entry.end - entry.begin)", offset: entry.offsetsOffset, tensor: entry.name)
            }
            covered = entry.end
            previous = entry.name
        }
        guard covered == dataCount else {
            throw SafetensorsError(.incompleteBuffer, "the tensors cover \(covered) of the \(dataCount) data bytes: \(dataCount - covered) bytes after the last tensor belong to none", offset: headerEnd + covered)
        }
        (self.entries, self.metadata, dataStart) = (entries, metadata, headerEnd)
    }

    /// `__metadata__`: an object of strings; `null` reads as none, as serde's `Option` does.
    private static func metadata(_ value: JSONValue) throws(SafetensorsError) -> [String: String] {
        if case .null = value.kind { return [:] }
        guard case .object(let members) = value.kind else {
            throw SafetensorsError(.invalidHeader, "\(quoted(SafetensorsFile.metadataKey)) is \(value.typeName), not an object of strings", offset: value.offset)
        }
        var metadata: [String: String] = [:]
        for member in members {
            guard case .string(let text) = member.value.kind else {
                throw SafetensorsError(.invalidHeader, "metadata \(quoted(member.key)) is \(member.value.typeName), not a string", offset: member.value.offset)
            }
            metadata[member.key] = text
        }
        return metadata
    }
}

/// One tensor's header entry, its fields checked one by one, its offsets not yet
/// checked against the other tensors or the data.
extension SafetensorsHeader.Entry {
    fileprivate init(_ member: JSONValue.Member) throws(SafetensorsError) {
        name = member.key
        let tensor = "tensor \(quoted(member.key))"
        func fail(_ message: String, _ kind: SafetensorsError.Kind = .invalidHeader, at offset: Int) -> SafetensorsError {
            SafetensorsError(kind, "\(tensor): \(message)", offset: offset, tensor: member.key)
        }
        guard case .object(let fields) = member.value.kind else {
            throw fail("is \(member.value.typeName), not an object with dtype, shape and data_offsets", at: member.value.offset)
        }
        var dtypeValue: JSONValue?, shapeValue: JSONValue?, offsetsValue: JSONValue?
        for field in fields {
            switch field.key {
            case "dtype": dtypeValue = field.value
            case "shape": shapeValue = field.value
            case "data_offsets": offsetsValue = field.value
            default: throw fail("unknown field \(quoted(field.key)) (a tensor has dtype, shape and data_offsets)", at: field.offset)
            }
        }
        guard let dtypeValue, let shapeValue, let offsetsValue else {
            let missing = [("dtype", dtypeValue), ("shape", shapeValue), ("data_offsets", offsetsValue)].first { $0.1 == nil }!.0
            throw fail("has no \(missing)", at: member.value.offset)
        }

        guard case .string(let dtypeName) = dtypeValue.kind else { throw fail("dtype is \(dtypeValue.typeName), not a string", at: dtypeValue.offset) }
        guard let dtype = DType(rawValue: dtypeName) else { throw fail("unknown dtype \(quoted(dtypeName))", .unknownDType, at: dtypeValue.offset) }
        self.dtype = dtype

        guard case .array(let dimensions) = shapeValue.kind else { throw fail("shape is \(shapeValue.typeName), not an array", at: shapeValue.offset) }
        var shape: [Int] = []
        for dimension in dimensions { shape.append(try Self.count(dimension, "a shape entry", member.key)) }
        self.shape = shape
        size = try TensorEntry.byteCount(dtype: dtype, shape: shape, name: member.key, offset: shapeValue.offset)

        guard case .array(let offsets) = offsetsValue.kind, offsets.count == 2 else {
            throw fail("data_offsets is \(offsetsValue.typeName), not an array [begin, end]", at: offsetsValue.offset)
        }
        begin = try Self.count(offsets[0], "data_offsets' begin", member.key)
        end = try Self.count(offsets[1], "data_offsets' end", member.key)
        offsetsOffset = offsetsValue.offset
        guard begin <= end else { throw fail("data_offsets [\(begin), \(end)] end before they begin", .invalidOffsets, at: offsetsValue.offset) }
    }

    /// A non-negative JSON integer: digits only, as serde reads a `usize` (no sign,
    /// fraction or exponent), at most `Int.max`.
    private static func count(_ value: JSONValue, _ what: String, _ name: String) throws(SafetensorsError) -> Int {
        let tensor = "tensor \(quoted(name))"
        guard case .number(let text) = value.kind, text.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else {
            let found = if case .number(let text) = value.kind { text.count > 30 ? "\(text.prefix(30))…" : text } else { value.typeName }
            throw SafetensorsError(.invalidHeader, "\(tensor): \(what) is \(found), not a non-negative integer", offset: value.offset, tensor: name)
        }
        guard let count = Int(text) else {
            throw SafetensorsError(.overflow, "\(tensor): \(what) \(text.count > 30 ? "\(text.prefix(30))…" : text) does not fit in Int", offset: value.offset, tensor: name)
        }
        return count
    }
}

/// The offset of the first byte that is not part of a valid UTF-8 sequence (overlong
/// forms, surrogates and values above U+10FFFF are invalid), or nil.
private func firstInvalidUTF8(_ bytes: UnsafeRawBufferPointer) -> Int? {
    var offset = 0
    while offset < bytes.count, bytes[offset] < 0x80 { offset += 1 }  // ASCII, the usual header
    guard offset < bytes.count else { return nil }
    var iterator = UnsafeRawBufferPointer(rebasing: bytes[offset...]).makeIterator()
    var parser = Unicode.UTF8.ForwardParser()
    while true {
        switch parser.parseScalar(from: &iterator) {
        case .valid(let scalar): offset += scalar.count
        case .emptyInput: return nil
        case .error: return offset
        }
    }
}
