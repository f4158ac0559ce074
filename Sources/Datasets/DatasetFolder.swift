import Compression
import ConvCore
import Foundation
import Netpbm
import PNGCodec

/// A dataset on disk, in one of the two layouts people download or make:
///
/// - **IDX**, as MNIST, Fashion-MNIST and KMNIST are distributed: `train-images-idx3-ubyte`,
///   `train-labels-idx1-ubyte`, `t10k-images-idx3-ubyte`, `t10k-labels-idx1-ubyte`, each
///   also accepted gzipped (`….gz`). Classes are the labels' numbers.
/// - **Image folders**, torchvision's `ImageFolder` convention: `train/CLASS/*.pgm|ppm|pbm|png`
///   and `test/CLASS/*`, classes sorted by name, images within a class by file name.
///
/// Pixels become `sample / maxval`. Every size is checked against a limit before the
/// pixels are allocated.
public struct DatasetFolder: Sendable {
    public enum Split: String, Sendable { case train, test }

    public enum Layout: Sendable { case idx, imageFolders }

    public let path: String
    public let layout: Layout

    /// - Throws: `DatasetError` (missing) when the folder holds neither layout.
    public init(_ path: String) throws(DatasetError) {
        self.path = path
        let manager = FileManager.default
        if Self.idxNames(.train).images.contains(where: { manager.fileExists(atPath: "\(path)/\($0)") }) {
            layout = .idx
        } else if manager.fileExists(atPath: "\(path)/train") {
            layout = .imageFolders
        } else {
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw DatasetError(.missing, "no dataset folder '\(path)'")
            }
            throw DatasetError(.missing, "'\(path)' holds neither MNIST's IDX files (train-images-idx3-ubyte, …) nor train/CLASS/ image folders")
        }
    }

    /// One split's images and labels.
    /// - Parameter maximumValues: the most pixel values (floats) the split may hold.
    public func load(_ split: Split, maximumValues: Int) throws(DatasetError) -> LabeledImages {
        switch layout {
        case .idx: try loadIDX(split, maximumValues: maximumValues)
        case .imageFolders: try loadImageFolders(split, maximumValues: maximumValues)
        }
    }

    // MARK: - IDX

    static func idxNames(_ split: Split) -> (images: [String], labels: [String]) {
        let prefix = split == .train ? "train" : "t10k"
        return (["\(prefix)-images-idx3-ubyte", "\(prefix)-images-idx3-ubyte.gz"],
                ["\(prefix)-labels-idx1-ubyte", "\(prefix)-labels-idx1-ubyte.gz"])
    }

    private func loadIDX(_ split: Split, maximumValues: Int) throws(DatasetError) -> LabeledImages {
        let names = Self.idxNames(split)
        let images = try readIDX(names.images, maximumElements: maximumValues)
        let labels = try readIDX(names.labels, maximumElements: maximumValues)
        guard images.file.dimensions.count == 3 || images.file.dimensions.count == 4 else {
            throw DatasetError(.malformed, "\(images.path): \(images.file.dimensions.count) dimensions; images are N × height × width (× channels)")
        }
        guard labels.file.dimensions.count == 1 else {
            throw DatasetError(.malformed, "\(labels.path): \(labels.file.dimensions.count) dimensions; labels are one list")
        }
        let count = images.file.dimensions[0]
        guard labels.file.dimensions[0] == count else {
            throw DatasetError(.malformed, "\(images.path) holds \(count) images but \(labels.path) \(labels.file.dimensions[0]) labels")
        }
        guard count > 0 else { throw DatasetError(.malformed, "\(images.path) holds no images") }
        let (height, width) = (images.file.dimensions[1], images.file.dimensions[2])
        let channels = images.file.dimensions.count == 4 ? images.file.dimensions[3] : 1
        guard height > 0, width > 0, channels > 0 else {
            throw DatasetError(.malformed, "\(images.path): images of \(width)×\(height)×\(channels) hold no pixels")
        }
        let plane = width * height
        // Interleaved H × W × C in the file; planes C × H × W for the network.
        let bytes = images.file.bytes
        let pixels: [Float] = channels == 1 ? bytes.map { Float($0) / 255 } : (0..<count * channels * plane).map { index in
            let (image, rest) = index.quotientAndRemainder(dividingBy: channels * plane)
            let (channel, pixel) = rest.quotientAndRemainder(dividingBy: plane)
            return Float(bytes[(image * plane + pixel) * channels + channel]) / 255
        }
        let values = labels.file.bytes.map(Int.init)
        let classes = (0...(values.max() ?? 0)).map(String.init)
        return LabeledImages(size: Size2D(height: height, width: width), channels: channels, pixels: pixels, labels: values, classes: classes)
    }

    /// The first of `names` that exists, read and parsed (gunzipped when it ends in .gz).
    private func readIDX(_ names: [String], maximumElements: Int) throws(DatasetError) -> (path: String, file: IDXFile) {
        guard let name = names.first(where: { FileManager.default.fileExists(atPath: "\(path)/\($0)") }) else {
            throw DatasetError(.missing, "'\(path)' has no \(names[0]) (nor \(names[1]))")
        }
        let file = "\(path)/\(name)"
        // At most the values and a header (a gzip file of them is smaller, but for a few bytes).
        var bytes = try readFile(file, maximumBytes: maximumElements + (1 << 20))
        if name.hasSuffix(".gz") {
            do {
                bytes = try Gzip.decompress(bytes, maximumOutputBytes: maximumElements + 4 + 4 * 255)
            } catch {
                throw DatasetError(error.outputLimit == nil ? .malformed : .tooLarge, "\(file): \(error)")
            }
        }
        do {
            return (file, try IDXFile(reading: bytes, maximumElements: maximumElements))
        } catch {
            throw DatasetError(error.exceedsLimit ? .tooLarge : .malformed, "\(file): \(error.message)")
        }
    }

    // MARK: - Image folders

    private func loadImageFolders(_ split: Split, maximumValues: Int) throws(DatasetError) -> LabeledImages {
        let manager = FileManager.default
        let root = "\(path)/\(split.rawValue)"
        let classes = try Self.classes(in: "\(path)/train")
        guard manager.fileExists(atPath: root) else { throw DatasetError(.missing, "'\(path)' has no \(split.rawValue)/ folder") }
        let present = try Self.classes(in: root)
        if let stranger = present.first(where: { !classes.contains($0) }) {
            throw DatasetError(.malformed, "\(root)/\(stranger): a class that train/ does not have")
        }
        var pixels: [Float] = [], labels: [Int] = []
        var shape: (size: Size2D, channels: Int, file: String)?
        for (label, name) in classes.enumerated() where present.contains(name) {
            let folder = "\(root)/\(name)"
            let files = ((try? manager.contentsOfDirectory(atPath: folder)) ?? [])
                .filter { [".pgm", ".ppm", ".pbm", ".png"].contains(where: $0.lowercased().hasSuffix) }.sorted()
            for file in files {
                let image = try readImage("\(folder)/\(file)", maximumValues: maximumValues - pixels.count)
                let size = Size2D(height: image.height, width: image.width)
                if let shape, shape.size != size || shape.channels != image.channels {
                    throw DatasetError(.malformed, "\(folder)/\(file) is \(image.width)×\(image.height)×\(image.channels), but \(shape.file) is \(shape.size.width)×\(shape.size.height)×\(shape.channels): all images must be one size")
                }
                shape = shape ?? (size, image.channels, "\(folder)/\(file)")
                let interleaved = image.unitValues, plane = image.width * image.height
                pixels += image.channels == 1 ? interleaved : (0..<image.channels * plane).map { index in
                    interleaved[(index % plane) * image.channels + index / plane]
                }
                labels.append(label)
            }
        }
        guard let shape else { throw DatasetError(.malformed, "\(root) holds no .pgm, .ppm, .pbm or .png images") }
        return LabeledImages(size: shape.size, channels: shape.channels, pixels: pixels, labels: labels, classes: classes)
    }

    /// The class folders in `folder`, sorted by name.
    private static func classes(in folder: String) throws(DatasetError) -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else {
            throw DatasetError(.missing, "cannot read the folder '\(folder)'")
        }
        let classes = names.filter { name in
            var isDirectory: ObjCBool = false
            return !name.hasPrefix(".") && FileManager.default.fileExists(atPath: "\(folder)/\(name)", isDirectory: &isDirectory) && isDirectory.boolValue
        }.sorted()
        guard !classes.isEmpty else { throw DatasetError(.malformed, "'\(folder)' holds no class folders") }
        return classes
    }

    private func readImage(_ file: String, maximumValues: Int) throws(DatasetError) -> NetpbmImage {
        let bytes = try readFile(file, maximumBytes: Int.max)
        do {
            return try ImageFile(reading: bytes, pixelLimit: max(1, maximumValues / 3)).image
        } catch {
            throw DatasetError(error.claimedSize == nil ? .malformed : .tooLarge, "\(file): \(error)")
        }
    }
}

/// A whole file, refused when it is larger than `maximumBytes` (checked on the bytes
/// read, not on the size the file system reports).
func readFile(_ path: String, maximumBytes: Int) throws(DatasetError) -> [UInt8] {
    guard let handle = FileHandle(forReadingAtPath: path) else { throw DatasetError(.missing, "cannot read '\(path)'") }
    defer { try? handle.close() }
    var bytes: [UInt8] = []
    while true {
        let chunk: Data?
        do { chunk = try handle.read(upToCount: 1 << 20) } catch { throw DatasetError(.missing, "cannot read '\(path)'") }
        guard let chunk, !chunk.isEmpty else { return bytes }
        bytes += chunk
        guard bytes.count <= maximumBytes else {
            throw DatasetError(.tooLarge, "\(path) has more than \(maximumBytes) bytes, more than the limit allows")
        }
    }
}
