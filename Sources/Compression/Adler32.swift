/// The Adler-32 checksum of zlib streams (RFC 1950, section 8.2): two sums modulo 65521,
/// `a` = 1 + the bytes, `b` = the sum of the successive values of `a`; the checksum is
/// `b << 16 | a`. `Adler32.checksum("Wikipedia")` is 0x11E60398.
///
/// Incremental like `CRC32`. The modulo is taken every 5552 bytes, the most that can be
/// added before `b` could overflow 32 bits (zlib's NMAX).
public struct Adler32: Equatable, Sendable {
    private var a: UInt32 = 1
    private var b: UInt32 = 0

    /// The checksum of no bytes: 1.
    public init() {}

    /// The Adler-32 of everything passed to `update` so far.
    public var value: UInt32 { b << 16 | a }

    /// The Adler-32 of `bytes`, in one call.
    public static func checksum(_ bytes: some Sequence<UInt8>) -> UInt32 {
        var adler = Adler32()
        adler.update(bytes)
        return adler.value
    }

    /// Adds `bytes` to the checksum.
    public mutating func update(_ bytes: some Sequence<UInt8>) {
        let done: Void? = bytes.withContiguousStorageIfAvailable { update(UnsafeRawBufferPointer($0)) }
        if done == nil {
            for byte in bytes {
                a = (a + UInt32(byte)) % Self.modulus
                b = (b + a) % Self.modulus
            }
        }
    }

    /// Adds the bytes of `buffer` to the checksum.
    public mutating func update(_ buffer: UnsafeRawBufferPointer) {
        var offset = 0
        while offset < buffer.count {
            let end = min(buffer.count, offset + Self.nmax)
            while offset < end {
                a &+= UInt32(buffer[offset])
                b &+= a
                offset += 1
            }
            a %= Self.modulus
            b %= Self.modulus
        }
    }

    /// The largest prime below 2^16.
    static let modulus: UInt32 = 65521
    /// The most bytes after which `b` still fits in 32 bits: 255·n(n+1)/2 + (n+1)(65520) < 2^32.
    static let nmax = 5552
}
