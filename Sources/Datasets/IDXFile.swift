/// An IDX file, the format MNIST, Fashion-MNIST and KMNIST are distributed in (LeCun,
/// "THE MNIST DATABASE of handwritten digits"): two zero bytes, a type byte (0x08:
/// unsigned bytes, the only one these datasets use), the number of dimensions, each
/// dimension as a big-endian 32-bit count, then the data, row-major.
///
/// Every size is checked before anything is allocated: the product of the dimensions must
/// fit in an `Int` and in `maximumElements`, and the file must hold exactly that many
/// bytes after the header.
public struct IDXFile: Equatable, Sendable {
    /// The dimensions, outermost first: [N] for labels, [N, H, W] for images.
    public let dimensions: [Int]
    /// The data, row-major.
    public let bytes: [UInt8]

    /// The type byte of unsigned bytes.
    public static let unsignedByte: UInt8 = 0x08

    /// - Throws: `IDXError` when the magic number is wrong, the type is not unsigned bytes,
    ///   there are no dimensions, the dimensions' product overflows or exceeds
    ///   `maximumElements`, or the file is shorter or longer than its header says.
    public init(reading file: [UInt8], maximumElements: Int) throws(IDXError) {
        guard file.count >= 4 else { throw IDXError("the file has \(file.count) bytes: too short for an IDX header (4 bytes at least)") }
        guard file[0] == 0, file[1] == 0 else {
            throw IDXError("not an IDX file: it starts with 0x\(hex(file[0]))\(hex(file[1])), not two zero bytes")
        }
        guard file[2] == Self.unsignedByte else {
            throw IDXError("type byte 0x\(hex(file[2])): only unsigned bytes (0x08) are read, as MNIST's files hold")
        }
        let rank = Int(file[3])
        guard rank >= 1 else { throw IDXError("the header gives no dimensions") }
        let headerBytes = 4 + 4 * rank
        guard file.count >= headerBytes else {
            throw IDXError("the header gives \(rank) dimensions, but the file ends after \(file.count) bytes")
        }
        var dimensions: [Int] = []
        var elements = 1
        for axis in 0..<rank {
            let at = 4 + 4 * axis
            let size = Int(file[at]) << 24 | Int(file[at + 1]) << 16 | Int(file[at + 2]) << 8 | Int(file[at + 3])
            dimensions.append(size)
            let (product, overflow) = elements.multipliedReportingOverflow(by: size)
            guard !overflow, product <= maximumElements else {
                throw IDXError("the header gives dimensions \(dimensions.map(String.init).joined(separator: " × "))…, more than the limit of \(maximumElements) values",
                               exceedsLimit: true)
            }
            elements = product
        }
        let data = file.count - headerBytes
        guard data == elements else {
            let sizes = dimensions.map(String.init).joined(separator: " × ")
            throw IDXError("the header gives \(sizes) = \(elements) values, but the file holds \(data) bytes after it (\(data < elements ? "truncated" : "too long"))")
        }
        self.dimensions = dimensions
        bytes = Array(file[headerBytes...])
    }
}

/// A malformed IDX file: what is wrong, in one line.
public struct IDXError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String
    /// Whether the file was refused for its size alone (more values than the limit).
    public let exceedsLimit: Bool

    public init(_ message: String, exceedsLimit: Bool = false) {
        self.message = message
        self.exceedsLimit = exceedsLimit
    }

    public var description: String { message }
}

private func hex(_ byte: UInt8) -> String {
    let digits = String(byte, radix: 16, uppercase: true)
    return digits.count == 1 ? "0" + digits : digits
}
