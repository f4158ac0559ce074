extension SafetensorsFile {
    /// Reads a safetensors file: an 8-byte little-endian header length N, N bytes of
    /// UTF-8 JSON, then the tensors' bytes.
    ///
    /// Checks what the Rust crate's `SafeTensors::read_metadata` and `Metadata::validate`
    /// check, in the same order, before any offset is used: at least 8 bytes; N at most
    /// `headerLimit` and within the file; the header UTF-8, JSON, and an object whose
    /// `__metadata__` maps strings to strings and whose other members are tensors with a
    /// known `dtype`, a `shape` of non-negative integers and `data_offsets` [begin, end]
    /// with begin ≤ end; elements × bits per element not overflowing, in whole bytes.
    /// Sorted by offset, the tensors must tile the data exactly: each starting where the
    /// one before ends (the first at 0), spanning shape × dtype size bytes, the last
    /// ending at the end of the file.
    ///
    /// Stricter than the crate in three ways, each refusing a header whose meaning is in
    /// doubt: a name that appears twice in one JSON object (serde_json keeps the last);
    /// an unknown field in a tensor (serde ignores it, so a misspelt `data_offset` would
    /// go unseen); two names that Swift's `String` holds equal (canonically equivalent
    /// Unicode, such as "é" precomposed and decomposed), which are reported as a
    /// duplicate. Padding after the JSON may be any JSON whitespace, as serde_json allows.
    ///
    /// Every failure is a `SafetensorsError` naming the rule, the byte and the tensor.
    public init(reading bytes: UnsafeRawBufferPointer, headerLimit: Int = defaultHeaderLimit) throws(SafetensorsError) {
        let header = try SafetensorsHeader(reading: bytes, fileSize: bytes.count, headerLimit: headerLimit)
        let data = UnsafeRawBufferPointer(rebasing: bytes[header.dataStart...])
        var tensors: [String: TensorEntry] = [:]
        for entry in header.entries {
            tensors[entry.name] = TensorEntry(unchecked: entry.dtype, shape: entry.shape, bytes: Array(UnsafeRawBufferPointer(rebasing: data[entry.begin..<entry.end])))
        }
        self.init(tensors: tensors, metadata: header.metadata)
    }

    /// Reads a safetensors file held in an array; see the buffer form.
    public init(reading bytes: [UInt8], headerLimit: Int = defaultHeaderLimit) throws(SafetensorsError) {
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(SafetensorsError) in try SafetensorsFile(reading: buffer, headerLimit: headerLimit) }
        }
        self = try result.get()
    }
}
