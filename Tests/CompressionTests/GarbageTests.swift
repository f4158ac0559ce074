import Testing

@testable import Compression

/// Random and damaged inputs: each decoder returns or throws, never traps or hangs.
struct GarbageTests {
    /// Decodes `bytes` every way; returns how many ways succeeded.
    @discardableResult
    private func decodeEveryWay(_ bytes: [UInt8]) -> Int {
        var successes = 0
        if (try? Inflate.decompress(raw: bytes, maximumOutputBytes: 1 << 20)) != nil { successes += 1 }
        if (try? Gzip.decompress(bytes, maximumOutputBytes: 1 << 20)) != nil { successes += 1 }
        if (try? Zlib.decompress(bytes, maximumOutputBytes: 1 << 20)) != nil { successes += 1 }
        return successes
    }

    @Test("10,000 seeded random inputs, as raw deflate, gzip (with a valid header) and zlib (with a valid header)")
    func randomBytes() {
        var rng = SplitMix64(seed: 1951)
        for _ in 0..<10_000 {
            let count = Int.random(in: 0...300, using: &rng)
            let noise = (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) }
            decodeEveryWay(noise)
            _ = try? Gzip.decompress([0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3] + noise, maximumOutputBytes: 1 << 20)
            _ = try? Zlib.decompress([0x78, 0x9C] + noise, maximumOutputBytes: 1 << 20)
        }
    }

    @Test("10,000 damaged copies of real files: bytes changed, bits flipped, cut, spliced")
    func damagedFiles() throws {
        let files = try ["text-6.gz", "binary-1.gz", "flags.gz", "multi.gz", "text-fixed.deflate", "binary-stored.deflate", "text.zlib"].map(fixture)
        var rng = SplitMix64(seed: 1952)
        for i in 0..<10_000 {
            var bytes = files[i % files.count]
            switch Int.random(in: 0..<4, using: &rng) {
            case 0:
                for _ in 0..<Int.random(in: 1...4, using: &rng) {
                    bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
                }
            case 1:
                bytes[Int.random(in: 0..<bytes.count, using: &rng)] ^= 1 << UInt8.random(in: 0..<8, using: &rng)
            case 2:
                bytes.removeLast(Int.random(in: 1...bytes.count, using: &rng))
            default:
                let other = files[Int.random(in: 0..<files.count, using: &rng)]
                bytes = Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &rng)) + other.suffix(Int.random(in: 0...other.count, using: &rng)))
            }
            decodeEveryWay(bytes)
        }
    }
}
