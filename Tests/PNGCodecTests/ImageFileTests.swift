import Netpbm
import PNGCodec
import Testing

struct ImageFileTests {
    @Test("a PNG and the PGM of the same pixels read to the same image; the format and the dropped alpha are said")
    func eitherFormat() throws {
        let png = try ImageFile(reading: try fixture("imagemagick-gray-alpha8.png"), pixelLimit: 1 << 20)
        let pgm = try ImageFile(reading: try fixture("gray-alpha8.pgm"), pixelLimit: 1 << 20)
        #expect(png.format == .png && pgm.format == .netpbm)
        #expect(png.image.unitValues == pgm.image.unitValues)
        #expect((png.image.width, png.image.height, png.image.channels) == (pgm.image.width, pgm.image.height, 1))
        #expect(png.omissions == ["alpha dropped"])
        #expect(pgm.omissions.isEmpty)
        let opaque = try ImageFile(reading: try fixture("imagemagick-gray8.png"), pixelLimit: 1 << 20)
        #expect(opaque.omissions.isEmpty)
    }

    @Test("a PNG's errors and size refusals keep their byte; a Netpbm's keep their line")
    func errors() throws {
        #expect(throws: ImageFileError.self) { try ImageFile(reading: try fixture("bad-adler.png"), pixelLimit: 1 << 20) }
        let gray = try fixture("imagemagick-gray8.png")
        do {
            _ = try ImageFile(reading: gray, pixelLimit: 10)
            Issue.record("read past the pixel limit")
        } catch {
            #expect(error.claimedSize != nil && error.location == "byte 16")
        }
        do {
            _ = try ImageFile(reading: Array("P2\n2 2\n0\n".utf8), pixelLimit: 10)
            Issue.record("read maxval 0")
        } catch {
            #expect(error.location.hasSuffix("(line 3)") && error.claimedSize == nil)
        }
    }

    @Test("a PNG has no second image", arguments: [1, 2])
    func index(index: Int) throws {
        #expect(throws: ImageFileError.self) { try ImageFile(reading: try fixture("imagemagick-gray8.png"), image: index, pixelLimit: 1 << 20) }
    }

    @Test("files of other formats are named in the error", arguments: [
        ([0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10], "JPEG"), (Array("GIF89a..".utf8), "GIF"), (Array("BM6\u{0}\u{0}".utf8), "BMP"),
        (Array("RIFF\u{0}\u{0}WEBP".utf8), "WebP"), ([0x49, 0x49, 0x2A, 0x00, 8, 0], "TIFF"),
    ] as [([UInt8], String)])
    func otherFormats(bytes: [UInt8], name: String) {
        do {
            _ = try ImageFile(reading: bytes, pixelLimit: 1 << 20)
            Issue.record("read a \(name) file")
        } catch {
            #expect(error.message.hasPrefix("a \(name) file, which conv-demo does not read"), "\(error)")
        }
    }
}
