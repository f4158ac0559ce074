/// The CRC-32 of gzip, PNG, zip and Ethernet (IEEE 802.3): reflected, polynomial
/// 0xEDB88320, initial value and final XOR 0xFFFFFFFF. `CRC32.checksum("123456789")` is
/// 0xCBF43926, the check value in every CRC catalogue.
///
/// Incremental: `update` any number of times, in pieces of any size, and `value` is the CRC
/// of everything so far. The gzip trailer (RFC 1952, section 2.3.1) holds this CRC of the
/// uncompressed data.
///
/// Table-driven, eight bytes per step ("slicing-by-8", Kounavis and Berry, Intel 2005):
/// table 0 is the classic byte-at-a-time table; table k advances a byte through k more
/// zero bytes, so eight lookups XOR-ed together consume eight bytes.
public struct CRC32: Equatable, Sendable {
    /// The register, pre-inverted: the CRC of the bytes so far is `~state`.
    private var state: UInt32 = 0xFFFF_FFFF

    /// The CRC of no bytes: 0.
    public init() {}

    /// The CRC-32 of everything passed to `update` so far.
    public var value: UInt32 { ~state }

    /// The CRC-32 of `bytes`, in one call.
    public static func checksum(_ bytes: some Sequence<UInt8>) -> UInt32 {
        var crc = CRC32()
        crc.update(bytes)
        return crc.value
    }

    /// Adds `bytes` to the checksum.
    public mutating func update(_ bytes: some Sequence<UInt8>) {
        let done: Void? = bytes.withContiguousStorageIfAvailable { update(UnsafeRawBufferPointer($0)) }
        if done == nil {
            for byte in bytes { state = Self.table[Int((state ^ UInt32(byte)) & 0xFF)] ^ (state >> 8) }
        }
    }

    /// Adds the bytes of `buffer` to the checksum.
    public mutating func update(_ buffer: UnsafeRawBufferPointer) {
        guard let base = buffer.baseAddress else { return }
        var crc = state
        var offset = 0
        let count = buffer.count
        Self.table.withUnsafeBufferPointer { t in
            while count - offset >= 8 {
                let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
                let low = UInt32(truncatingIfNeeded: word) ^ crc
                let high = UInt32(truncatingIfNeeded: word >> 32)
                crc = t[7 * 256 + Int(low & 0xFF)] ^ t[6 * 256 + Int((low >> 8) & 0xFF)]
                    ^ t[5 * 256 + Int((low >> 16) & 0xFF)] ^ t[4 * 256 + Int(low >> 24)]
                    ^ t[3 * 256 + Int(high & 0xFF)] ^ t[2 * 256 + Int((high >> 8) & 0xFF)]
                    ^ t[1 * 256 + Int((high >> 16) & 0xFF)] ^ t[Int(high >> 24)]
                offset += 8
            }
            while offset < count {
                crc = t[Int((crc ^ UInt32(base.load(fromByteOffset: offset, as: UInt8.self))) & 0xFF)] ^ (crc >> 8)
                offset += 1
            }
        }
        state = crc
    }

    /// Eight tables of 256 entries: `table[k * 256 + b]` is the CRC register after byte `b`
    /// followed by `k` zero bytes, starting from 0.
    static let table: [UInt32] = {
        var table = [UInt32](repeating: 0, count: 8 * 256)
        for byte in 0..<256 {
            var crc = UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
            table[byte] = crc
        }
        for k in 1..<8 {
            for byte in 0..<256 {
                let previous = table[(k - 1) * 256 + byte]
                table[k * 256 + byte] = table[Int(previous & 0xFF)] ^ (previous >> 8)
            }
        }
        return table
    }()
}
