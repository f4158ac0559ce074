import GEMM
import ConvCore
import Foundation
import Netpbm
import Reporting

/// `featuremap`: what a few shared weights find in a picture. Applies kernels (the standard
/// bank, named ones, ones from files, or random filters) to a Netpbm image with the
/// project's Conv2D, and writes the maps into a directory as files, a contact sheet and an
/// HTML page, all at once or not at all.
public struct FeatureMapExperiment: Sendable {
    /// The image file; nil for the sample photograph.
    public var image: String?
    /// Names of the bank's kernels, or kernel files; none (and no random filters) means
    /// the whole bank.
    public var kernels: [String] = []
    public var random: FeatureMaps.RandomFilters?
    public var stride = Size2D(1)
    public var padding = Padding.valid
    public var dilation = Size2D(1)
    public var activation = Activation.identity
    /// Which image of a multi-image file, from 0.
    public var imageIndex = 0
    public var pixelLimit = NetpbmImage.defaultPixelLimit
    /// The directory the files go into.
    public var output = "featuremaps"
    /// At most this many threads (default: every core the process may run on).
    public var threads = availableCores

    public init() {}

    /// Reads the image and the kernels, checks every kernel on the image and the output
    /// directory before any work, computes the maps and writes the directory.
    /// - Throws: `UserError`: the image or a kernel file missing (missing input) or
    ///   malformed (bad input); a kernel that does not fit the image, or two kernels of one
    ///   name (usage); the directory not writable (cannot create).
    public func run(progress: (String) -> Void) throws(UserError) -> FeatureMapResult {
        progress("reading the image…")
        let (source, picture) = try readImage()
        let kernels = try resolveKernels()
        try checkGeometry(kernels, picture)
        let directory = try OutputDirectory(output)  // Before any work: an unwritable directory fails here.

        progress("convolving…")
        let maps: FeatureMaps
        do {
            maps = try FeatureMaps(image: picture, kernels: kernels, random: random, stride: stride, padding: padding,
                                   dilation: dilation, activation: activation, threads: threads)
        } catch {
            throw UserError(.usage, error.message)
        }

        progress("writing \(maps.maps.count * 2 + 2) files…")
        // Each map's files and pictures, on every thread: the page's picture, and the
        // sheet's tile made from it.
        let pictures = try parallelMap(maps.maps, threads: threads) { map throws(UserError) in
            let shown = GrayPicture(map: map.values, width: map.width, height: map.height, range: (map.minimum, map.maximum))
            try directory.write(NetpbmImage.floatmap(width: map.width, height: map.height, channels: 1, values: map.values).encoded(), as: "\(map.name).pfm")
            try directory.write(NetpbmImage.graymap(width: map.width, height: map.height, maxval: 255, samples: shown.pixels.map(UInt16.init)).encoded(), as: "\(map.name).pgm")
            return shown.fitting(FeatureMapPage.pictureBox)
        }
        let inputPicture = (picture.kind == .floatmap
            ? GrayPicture(map: maps.luma, width: maps.width, height: maps.height)
            : GrayPicture(unit: maps.luma, width: maps.width, height: maps.height)).fitting(FeatureMapPage.pictureBox)
        let sheet = GrayPicture.contactSheet([("input", inputPicture)] + zip(maps.maps, pictures).map { ($0.name, $1) })
        try directory.write(NetpbmImage.graymap(width: sheet.width, height: sheet.height, maxval: 255, samples: sheet.pixels.map(UInt16.init)).encoded(), as: "sheet.pgm")
        let page = FeatureMapPage(source: source, maps: maps, inputPicture: pageInput(picture, maps: maps, gray: inputPicture),
                                  pictures: pictures, settings: settings(maps))
        try directory.write(Array(page.html.utf8), as: "index.html")
        try directory.commit()
        return FeatureMapResult(experiment: self, source: source, image: picture, maps: maps)
    }

    // MARK: - Inputs

    /// The image file (or the shipped sample) and the image in it.
    private func readImage() throws(UserError) -> (String, NetpbmImage) {
        let path: String
        if let image {
            path = image
        } else {
            guard let sample = samplesDirectory?.appendingPathComponent("camera.pgm").path else {
                throw UserError(.missingInput, "no IMAGE given, and the sample photograph (Samples/camera.pgm) is not found")
            }
            path = displayPath(sample)
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw UserError(.missingInput, "no such image file: '\(path)'")
        }
        guard let data = try? Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) else {
            throw UserError(.missingInput, "cannot read the image file '\(path)'")
        }
        do {
            let image = try data.withUnsafeBytes { bytes in
                Result { () throws(NetpbmError) in try NetpbmImage(reading: bytes, image: imageIndex, pixelLimit: pixelLimit) }
            }.get()
            return (path, image)
        } catch {
            throw UserError(.badInput, "\(path): \(error)")
        }
    }

    /// The kernels to apply: each a bank name or a file; none given (and no random
    /// filters) means the whole bank.
    private func resolveKernels() throws(UserError) -> [NamedKernel] {
        if kernels.isEmpty { return random == nil ? KernelBank.kernels : [] }
        var resolved: [NamedKernel] = []
        for name in kernels {
            if let kernel = KernelBank.named(name) {
                resolved.append(kernel)
                continue
            }
            guard FileManager.default.fileExists(atPath: name) else {
                throw UserError(.missingInput, "--kernel \(name): not a kernel of the bank (\(KernelBank.names.joined(separator: ", "))) nor a file")
            }
            let text = try TextFile.read(name, what: "the kernel file")
            do {
                resolved += try KernelFile.parse(text)
            } catch {
                throw UserError(.badInput, "\(name):\(error.line): \(error.message)")
            }
        }
        if let duplicate = resolved.first(where: { kernel in resolved.filter { $0.name == kernel.name }.count > 1 }) {
            throw UserError(.usage, "two kernels are named \(duplicate.name): each map needs a name of its own")
        }
        return resolved
    }

    /// Every kernel size on this image, before any work: a kernel that does not fit is a
    /// usage error naming the number.
    private func checkGeometry(_ kernels: [NamedKernel], _ image: NetpbmImage) throws(UserError) {
        let sizes = kernels.map { Size2D(height: $0.height, width: $0.width) } + (random.map { [$0.size] } ?? [])
        for size in sizes {
            do {
                _ = try ConvGeometry(input: Size2D(height: image.height, width: image.width), kernel: size,
                                     stride: stride, padding: padding, dilation: dilation)
            } catch {
                throw UserError(.usage, "kernel \(size) on the \(image.width)×\(image.height) image: \(error.message)")
            }
        }
    }

    // MARK: - Output

    /// The input for the page: in colour when it is a colour image.
    private func pageInput(_ image: NetpbmImage, maps: FeatureMaps, gray: GrayPicture) -> (channels: Int, width: Int, height: Int, pixels: [UInt8]) {
        let small = gray.fitting(FeatureMapPage.pictureBox)
        guard image.channels == 3, image.kind != .floatmap else { return (1, small.width, small.height, small.pixels) }
        let planes = (0..<3).map { c in
            GrayPicture(unit: Array(maps.planes[c * maps.width * maps.height..<(c + 1) * maps.width * maps.height]),
                        width: maps.width, height: maps.height).fitting(FeatureMapPage.pictureBox)
        }
        return (3, small.width, small.height, (0..<small.width * small.height).flatMap { p in planes.map { $0.pixels[p] } })
    }

    /// The layer's settings in words, for the summary and the page.
    func settings(_ maps: FeatureMaps) -> String {
        var parts = ["\(maps.maps.count) kernel\(maps.maps.count == 1 ? "" : "s")", "stride \(stride)", "dilation \(dilation)"]
        switch padding {
        case .explicit(let size): parts.insert("padding \(size)", at: 2)
        case .same: parts.insert("padding same", at: 2)
        case .valid: parts.insert("padding 0", at: 2)
        }
        parts.append("activation \(activation.rawValue)")
        if let random { parts.append("\(random.count) random \(random.size) filters, seed \(random.seed)") }
        return parts.joined(separator: ", ")
    }
}
