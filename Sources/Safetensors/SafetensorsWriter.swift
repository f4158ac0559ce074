extension SafetensorsFile {
    /// The file's bytes, exactly as `safetensors.numpy.save` / `safetensors.torch.save`
    /// (the Rust crate's `serialize`) write the same tensors and metadata.
    ///
    /// The header is compact JSON (no spaces), `__metadata__` first when there is any,
    /// then each tensor as `{"dtype":…,"shape":[…],"data_offsets":[begin,end]}` in
    /// `layoutOrder`, strings escaped as serde_json escapes them; it is padded with spaces
    /// to a multiple of 8 bytes, so that the data that follows starts 8-byte aligned.
    /// Then each tensor's bytes, in the same order, with nothing between them.
    ///
    /// One difference: the libraries write metadata in hash order, which changes from
    /// run to run when there are two keys or more; this writer sorts the keys (as UTF-8
    /// bytes), so that the same contents always give the same file.
    ///
    /// Throws `.invalidTensor` for a tensor named `__metadata__` (the reader would take it
    /// for the metadata) and `.headerTooLarge` for a header above 100 MB, which no reader
    /// accepts: the crate refuses both too.
    public func encoded() throws(SafetensorsError) -> [UInt8] {
        guard tensors[Self.metadataKey] == nil else {
            throw SafetensorsError(.invalidTensor, "a tensor cannot be named \(quoted(Self.metadataKey)): the header keeps the metadata under that key", tensor: Self.metadataKey)
        }
        let order = layoutOrder
        var header: [UInt8] = [UInt8(ascii: "{")]
        if !metadata.isEmpty {
            appendJSONString(Self.metadataKey, to: &header)
            header += Array(":{".utf8)
            for (i, key) in metadata.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }).enumerated() {
                if i > 0 { header.append(UInt8(ascii: ",")) }
                appendJSONString(key, to: &header)
                header.append(UInt8(ascii: ":"))
                appendJSONString(metadata[key]!, to: &header)
            }
            header.append(UInt8(ascii: "}"))
        }
        var dataCount = 0
        for (i, name) in order.enumerated() {
            let tensor = tensors[name]!
            if i > 0 || !metadata.isEmpty { header.append(UInt8(ascii: ",")) }
            appendJSONString(name, to: &header)
            header += Array(#":{"dtype":"\#(tensor.dtype.rawValue)","shape":["#.utf8)
            header += Array(tensor.shape.map(String.init).joined(separator: ",").utf8)
            header += Array(#"],"data_offsets":[\#(dataCount),\#(dataCount + tensor.bytes.count)]}"#.utf8)
            dataCount += tensor.bytes.count
        }
        header.append(UInt8(ascii: "}"))
        header += [UInt8](repeating: UInt8(ascii: " "), count: (8 - header.count % 8) % 8)
        guard header.count <= Self.defaultHeaderLimit else {
            throw SafetensorsError(.headerTooLarge, "the header would be \(header.count) bytes, above the limit of \(Self.defaultHeaderLimit) that readers accept")
        }

        var file: [UInt8] = []
        file.reserveCapacity(8 + header.count + dataCount)
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { file += $0 }
        file += header
        for name in order { file += tensors[name]!.bytes }
        return file
    }
}
