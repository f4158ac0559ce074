import ConvCore
import Datasets
import Foundation
import Netpbm
import Testing

enum DatasetsTests {
    static let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Samples")

    static func scratch() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("conv-demo-datasets-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

struct DatasetFolderTests {
    func write(_ bytes: [UInt8], _ url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        #expect(FileManager.default.createFile(atPath: url.path, contents: Data(bytes)))
    }

    @Test("image folders: classes sorted by name, files by name, pixels sample / maxval, colour as planes")
    func imageFolders() throws {
        let root = try DatasetsTests.scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        let gray = { (value: UInt16) in NetpbmImage.graymap(width: 2, height: 1, maxval: 4, samples: [value, 4]).encoded() }
        try write(gray(1), root.appendingPathComponent("train/zebra/b.pgm"))
        try write(gray(2), root.appendingPathComponent("train/zebra/a.pgm"))
        try write(gray(3), root.appendingPathComponent("train/apple/x.pgm"))
        try write(gray(0), root.appendingPathComponent("test/zebra/t.pgm"))
        let folder = try DatasetFolder(root.path)
        let train = try folder.load(.train, maximumValues: 1000)
        #expect(train.classes == ["apple", "zebra"])
        #expect(train.labels == [0, 1, 1])
        #expect(train.pixels == [0.75, 1, 0.5, 1, 0.25, 1])
        let test = try folder.load(.test, maximumValues: 1000)
        #expect(test.labels == [1] && test.pixels == [0, 1])

        try write(NetpbmImage.pixmap(width: 2, height: 1, maxval: 255, samples: [255, 0, 0, 0, 255, 0]).encoded(), root.appendingPathComponent("train/apple/y.ppm"))
        #expect(throws: DatasetError.self) { try folder.load(.train, maximumValues: 1000) }
    }

    @Test("PNG images are read beside Netpbm ones: the same pixels give the same values")
    func png() throws {
        let root = try DatasetsTests.scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        let fixtures = DatasetsTests.samples.deletingLastPathComponent().appendingPathComponent("Tests/PNGCodecTests/Fixtures")
        // The same greyscale image, as ImageMagick wrote it in PNG and as libpng decoded it to PGM.
        try write(Array(try Data(contentsOf: fixtures.appendingPathComponent("imagemagick-gray8-adam7.png"))), root.appendingPathComponent("train/a/1.png"))
        try write(Array(try Data(contentsOf: fixtures.appendingPathComponent("gray8.pgm"))), root.appendingPathComponent("train/b/1.pgm"))
        let train = try DatasetFolder(root.path).load(.train, maximumValues: 10_000)
        #expect(train.labels == [0, 1])
        let half = train.pixels.count / 2
        #expect(half > 0 && Array(train.pixels[..<half]) == Array(train.pixels[half...]))
    }

    @Test("images are centred on a larger canvas of zeros; a larger image or other channels are refused with both sizes")
    func centring() throws {
        let root = try DatasetsTests.scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        try write(NetpbmImage.graymap(width: 2, height: 1, maxval: 1, samples: [1, 1]).encoded(), root.appendingPathComponent("train/a/1.pgm"))
        let images = try DatasetFolder(root.path).load(.train, maximumValues: 100)
        let centred = try images.centred(on: Size2D(height: 3, width: 5), channels: 1)
        #expect(centred.pixels == [0, 0, 0, 0, 0,
                                   0, 1, 1, 0, 0,
                                   0, 0, 0, 0, 0])
        #expect(throws: DatasetError(.malformed, "the images are 2×1, larger than the model's 1×1 input")) {
            try images.centred(on: Size2D(1), channels: 1)
        }
        #expect(throws: DatasetError(.malformed, "the images have 1 channel; the model takes 3")) {
            try images.centred(on: Size2D(4), channels: 3)
        }
    }

    @Test("IDX folders: counts that differ, no images, a missing file, too many values are refused naming the file")
    func hostileFolders() throws {
        let root = try DatasetsTests.scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        try write(IDXFileTests.file([2, 1, 1], [0, 255]), root.appendingPathComponent("train-images-idx3-ubyte"))
        try write(IDXFileTests.file([3], [0, 1, 1]), root.appendingPathComponent("train-labels-idx1-ubyte"))
        let folder = try DatasetFolder(root.path)
        #expect(throws: DatasetError(.malformed, "\(root.path)/train-images-idx3-ubyte holds 2 images but \(root.path)/train-labels-idx1-ubyte 3 labels")) {
            try folder.load(.train, maximumValues: 100)
        }
        #expect(throws: DatasetError(.missing, "'\(root.path)' has no t10k-images-idx3-ubyte (nor t10k-images-idx3-ubyte.gz)")) {
            try folder.load(.test, maximumValues: 100)
        }
        try write(IDXFileTests.file([0, 28, 28], []), root.appendingPathComponent("t10k-images-idx3-ubyte"))
        try write(IDXFileTests.file([0], []), root.appendingPathComponent("t10k-labels-idx1-ubyte"))
        #expect(throws: DatasetError(.malformed, "\(root.path)/t10k-images-idx3-ubyte holds no images")) { try folder.load(.test, maximumValues: 100) }
        #expect(throws: DatasetError.self) { try folder.load(.train, maximumValues: 1) }
        #expect(throws: DatasetError(.missing, "no dataset folder '\(root.path)/nope'")) { try DatasetFolder(root.path + "/nope") }
    }
}

struct GzippedDatasetTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    @Test("gzipped IDX files, as MNIST is distributed, read as the plain ones: the same digits and labels")
    func gzipped() throws {
        let folder = try DatasetFolder(Self.fixtures.appendingPathComponent("gzipped").path)
        let plain = try DatasetFolder(DatasetsTests.samples.appendingPathComponent("digits").path)
        let (train, reference) = (try folder.load(.train, maximumValues: 1 << 20), try plain.load(.train, maximumValues: 1 << 24))
        #expect(train.count == 20 && train.size == Size2D(28))
        #expect(train.pixels == Array(reference.pixels[..<(20 * 784)]) && train.labels == Array(reference.labels[..<20]))
        #expect(try folder.load(.test, maximumValues: 1 << 20).count == 10)
    }

    @Test("a gzip stream cut short is bad input naming the file; a gzip bomb stops at the limit")
    func corrupt() throws {
        let folder = try DatasetFolder(Self.fixtures.appendingPathComponent("corrupt").path)
        do {
            _ = try folder.load(.train, maximumValues: 1 << 20)
            Issue.record("a truncated gzip stream was read")
        } catch {
            #expect(error.kind == .malformed && error.message.contains("train-images-idx3-ubyte.gz: "), "\(error.message)")
        }
        // 20 digits need 15,696 bytes: with room for fewer, the output cap refuses the stream.
        #expect(throws: DatasetError.self) { try DatasetFolder(Self.fixtures.appendingPathComponent("gzipped").path).load(.train, maximumValues: 1000) }
    }
}
