import Testing

@testable import Compression

struct ChecksumTests {
    @Test("CRC-32: the catalogue's check value and other known values")
    func crc32KnownValues() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(CRC32.checksum([UInt8]()) == 0)
        #expect(CRC32().value == 0)
        #expect(CRC32.checksum(Array("The quick brown fox jumps over the lazy dog".utf8)) == 0x414F_A339)
        #expect(CRC32.checksum([UInt8](repeating: 0, count: 32)) == 0x190A_55AD)
        #expect(CRC32.checksum([UInt8](repeating: 0xFF, count: 32)) == 0xFF6C_AB0B)
    }

    @Test("CRC-32: pieces of any size give the one-shot value; a sequence without contiguous storage too")
    func crc32Incremental() {
        var rng = SplitMix64(seed: 1)
        let data = (0..<5000).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let whole = CRC32.checksum(data)
        for _ in 0..<50 {
            var crc = CRC32()
            var start = 0
            while start < data.count {
                let end = min(data.count, start + Int.random(in: 0...40, using: &rng))
                crc.update(data[start..<end])
                start = end
            }
            #expect(crc.value == whole)
        }
        #expect(CRC32.checksum(data.lazy.map { $0 }) == whole)  // the byte-at-a-time path
        #expect(CRC32.checksum(AnySequence(data)) == whole)
    }

    @Test("CRC-32: the value in each gzip trailer is the CRC of the file gzip compressed")
    func crc32AgainstGzip() throws {
        for (plain, gz) in [("text.txt", "text-6.gz"), ("binary.bin", "binary-6.gz")] {
            let trailer = Array(try fixture(gz).suffix(8))
            let expected = UInt32(trailer[0]) | UInt32(trailer[1]) << 8 | UInt32(trailer[2]) << 16 | UInt32(trailer[3]) << 24
            #expect(CRC32.checksum(try fixture(plain)) == expected, "\(plain)")
        }
    }

    @Test("Adler-32: known values, and past the 5552-byte modulo interval")
    func adler32() throws {
        #expect(Adler32.checksum(Array("Wikipedia".utf8)) == 0x11E6_0398)
        #expect(Adler32.checksum([UInt8]()) == 1)
        // zlib.adler32(b"\xff" * 100000) == 0x149a302c (Python's zlib), the worst case for the sums.
        #expect(Adler32.checksum([UInt8](repeating: 0xFF, count: 100_000)) == 0x149A_302C)
        var adler = Adler32()
        for _ in 0..<100 { adler.update([UInt8](repeating: 0xFF, count: 1000)) }
        #expect(adler.value == 0x149A_302C)
        #expect(Adler32.checksum(AnySequence([UInt8](repeating: 0xFF, count: 100_000))) == 0x149A_302C)
        // The trailer of zlib.compress(text).
        let stream = try fixture("text.zlib")
        let trailer = stream.suffix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        #expect(Adler32.checksum(try fixture("text.txt")) == trailer)
    }
}
