import Compression
import Netpbm

extension PNGImage {
    /// Reads a PNG file: every colour type and bit depth of the PNG specification (W3C
    /// second edition = ISO/IEC 15948:2004), interlaced (Adam7) or not, into a
    /// `NetpbmImage` as the type's table says; alpha and tRNS are dropped.
    ///
    /// The steps, each checked, each failure a `PNGError` naming what is wrong and where,
    /// never a trap:
    /// 1. the signature and the chunks (`PNGDatastream`: sections 5.2–5.6 and 11.2): CRCs,
    ///    IHDR first and valid, PLTE where and when allowed, IDAT consecutive, unknown
    ///    critical chunks refused, ancillary ones skipped, IEND last with nothing after it;
    /// 2. the size: an IHDR claiming more than `pixelLimit` pixels is refused before
    ///    anything is allocated, and the claimed size fixes the exact number of bytes the
    ///    filtered scanlines have, height × (1 + ⌈width × bits per pixel / 8⌉) summed over
    ///    the passes (sections 7.2, 8.2);
    /// 3. the IDAT chunks' data, concatenated, is one zlib stream (section 10) decompressed
    ///    with `Zlib` and a limit of exactly that size: a stream that would decompress to
    ///    more is refused when its output reaches the limit, so a small file cannot make
    ///    the reader allocate more than its header's image needs; a stream that ends with
    ///    fewer bytes, or is followed by more data, is refused too;
    /// 4. each scanline's filter is undone (section 9: types 0–4, any other refused), in
    ///    place;
    /// 5. the pixels are unpacked and placed (sections 7.2, 8.2), palette indices looked up
    ///    (one beyond the palette refused).
    ///
    /// Memory: the file, the decompressed scanlines (the size above) and the samples (two
    /// bytes each), nothing more; all bounded by `pixelLimit` and the file's size.
    public init(reading bytes: UnsafeRawBufferPointer, pixelLimit: Int = defaultPixelLimit) throws(PNGError) {
        let stream = try PNGDatastream(bytes, pixelLimit: pixelLimit)
        let header = stream.header
        let dataStart = stream.imageData[0].lowerBound
        let (count, overflow) = (header.width * header.height).multipliedReportingOverflow(by: header.outputChannels)
        guard !overflow, let layout = ReducedImage.layout(of: header) else {
            throw PNGError("the image data of a \(header) image is too large to address", offset: dataStart)
        }
        var data = try Self.decompress(stream.imageData, in: bytes, exactly: layout.byteCount, header: header)

        var samples = [UInt16](repeating: 0, count: count)
        for (pass, image) in layout.passes.enumerated() where image.byteCount > 0 {
            let ofPass = header.interlace == .adam7 ? " of pass \(pass + 1)" : ""
            do {
                try ScanlineFilter.reconstruct(image, in: &data, filterUnit: header.filterUnit)
            } catch {
                throw PNGError("scanline \(error.row)\(ofPass) has filter type \(error.type): the types are 0 (None), 1 (Sub), 2 (Up), 3 (Average) and 4 (Paeth)",
                               offset: dataStart, imageDataOffset: error.offset)
            }
            do {
                try PixelUnpacking.unpack(image, from: data, header: header, palette: stream.palette, into: &samples)
            } catch {
                throw PNGError("pixel (\(error.x), \(error.y)) has palette index \(error.index), beyond the palette's \(stream.palette?.count ?? 0) entries",
                               offset: dataStart, imageDataOffset: error.offset)
            }
        }
        let image: NetpbmImage = header.outputChannels == 1
            ? .graymap(width: header.width, height: header.height, maxval: header.maxval, samples: samples)
            : .pixmap(width: header.width, height: header.height, maxval: header.maxval, samples: samples)
        self.init(header: header, image: image, ignoredTransparency: stream.hasTransparency)
    }

    /// Reads a PNG file held in an array; see the buffer form.
    public init(reading bytes: [UInt8], pixelLimit: Int = defaultPixelLimit) throws(PNGError) {
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(PNGError) in try PNGImage(reading: buffer, pixelLimit: pixelLimit) }
        }
        self = try result.get()
    }

    /// The zlib stream in the IDAT chunks' data `ranges` of `bytes`, decompressed to
    /// exactly `size` bytes: more is refused when the output reaches `size`, fewer when
    /// the stream ends.
    private static func decompress(_ ranges: [Range<Int>], in bytes: UnsafeRawBufferPointer, exactly size: Int,
                                   header: PNGHeader) throws(PNGError) -> [UInt8] {
        let output: [UInt8]
        do {
            if ranges.count == 1 {
                output = try Zlib.decompress(UnsafeRawBufferPointer(rebasing: bytes[ranges[0]]), maximumOutputBytes: size)
            } else {
                var stream: [UInt8] = []
                stream.reserveCapacity(ranges.reduce(0) { $0 + $1.count })
                for range in ranges { stream.append(contentsOf: bytes[range]) }
                output = try Zlib.decompress(stream, maximumOutputBytes: size)
            }
        } catch {
            let at = fileOffset(ofStreamOffset: error.offset, in: ranges)
            if error.outputLimit != nil {
                throw PNGError("the image data decompresses to more than the \(size) bytes of a \(header) image's scanlines", offset: at)
            }
            throw PNGError("the image data is not a valid zlib stream: \(error.message)", offset: at)
        }
        guard output.count == size else {
            throw PNGError("the image data decompresses to \(output.count) bytes; a \(header) image's scanlines are \(size)",
                           offset: ranges[ranges.count - 1].upperBound)
        }
        return output
    }

    /// Where byte `offset` of the concatenated IDAT data is in the file; past its end, the
    /// end of the last IDAT chunk's data.
    private static func fileOffset(ofStreamOffset offset: Int, in ranges: [Range<Int>]) -> Int {
        var start = 0
        for range in ranges {
            if offset < start + range.count { return range.lowerBound + (offset - start) }
            start += range.count
        }
        return ranges[ranges.count - 1].upperBound
    }
}
