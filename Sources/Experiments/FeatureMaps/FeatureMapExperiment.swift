import GEMM
import ConvCore
import Foundation
import Netpbm
import PNGCodec
import Reporting
import Training

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
    /// A trained network (a checkpoint of `train`) whose learned kernels are applied
    /// instead of the bank's: those of its convolution number `layer`, from 1.
    public var weights: String?
    public var layer = 1
    public var stride = Size2D(1)
    public var padding = Padding.valid
    public var dilation = Size2D(1)
    public var activation = Activation.identity
    /// The page colours a signed map from −L to +L, L this percentile of its |v|: a few
    /// extreme pixels saturate instead of washing out the rest.
    public var clipPercentile: Double = 99.5
    /// Which image of a multi-image file, from 0.
    public var imageIndex = 0
    public var pixelLimit = NetpbmImage.defaultPixelLimit
    /// The directory the files go into.
    public var output = "featuremaps"
    /// At most this many threads (default: every core the process may run on).
    public var threads = availableCores
    /// The most the run may hold in memory, in bytes, estimated before any work.
    public var memoryLimit = defaultMemoryLimit

    public init() {}

    /// Reads the image and the kernels; checks every kernel on the image, the memory the
    /// run needs and every output name before any work; computes the maps and writes the
    /// directory as a whole.
    /// - Throws: `UserError`: the image or a kernel file missing (missing input) or
    ///   malformed (bad input); a kernel that does not fit the image, two maps of one name,
    ///   or options needing more than `memoryLimit` (usage); an image or kernel files
    ///   needing more than `memoryLimit` (bad input); the directory not writable (cannot
    ///   create).
    public func run(progress: (String) -> Void) throws(UserError) -> FeatureMapResult {
        progress("reading the image…")
        let (source, file) = try readImage()
        let picture = file.image
        let kernels = try resolveKernels()
        let names = try mapNames(kernels)
        let geometries = try checkGeometry(kernels, picture)
        try checkMemory(geometries, picture, source: source)
        // Before any work: an output that cannot be made fails here.
        let directory = try OutputDirectory(output, names: names.flatMap { name in Self.mapFiles.map { "\(name).\($0)" } } + Self.sheetFiles + ["index.html"])

        progress("convolving…")
        let maps: FeatureMaps
        do {
            maps = try FeatureMaps(image: picture, kernels: kernels, random: random, stride: stride, padding: padding,
                                   dilation: dilation, activation: activation, threads: threads)
        } catch {
            throw UserError(.usage, error.message)
        }

        progress("writing \(maps.maps.count * Self.mapFiles.count + Self.sheetFiles.count + 1) files…")
        // Each map's files and pictures, on every thread.
        let shown = try parallelMap(maps.maps, threads: threads) { map throws(UserError) in
            let shown = ShownMap(map, clipPercentile: clipPercentile)
            try directory.write(NetpbmImage.floatmap(width: map.width, height: map.height, channels: 1, values: map.values).encoded(), as: "\(map.name).pfm")
            try directory.write(NetpbmImage.graymap(width: map.width, height: map.height, maxval: 255, samples: shown.gray.pixels.map(UInt16.init)).encoded(), as: "\(map.name).pgm")
            try directory.write(shown.png, as: "\(map.name).png")
            return shown
        }
        let grayInput = (picture.kind == .floatmap
            ? GrayPicture(map: maps.luma, width: maps.width, height: maps.height)
            : GrayPicture(unit: maps.luma, width: maps.width, height: maps.height)).fitting(FeatureMapPage.pictureBox)
        let input = pageInput(picture, maps: maps, gray: grayInput)
        let sheet = ColorPicture.contactSheet([ColorPicture.Tile(label: "input", picture: input.fitting(ColorPicture.sheetTile))] + zip(maps.maps, shown).map { map, shown in
            ColorPicture.Tile(label: map.name, picture: shown.tile, barLimit: shown.limit.map(FeatureMapPage.number))
        })
        let page = FeatureMapPage(source: source, maps: maps, input: input, shown: shown, clipPercentile: clipPercentile, settings: settings(maps))
        // The sheet's two files and the page need nothing of each other: side by side.
        _ = try parallelMap(Summary.allCases, threads: threads) { summary throws(UserError) in
            switch summary {
            case .sheet:
                try directory.write(NetpbmImage.pixmap(width: sheet.width, height: sheet.height, maxval: 255, samples: sheet.pixels.map(UInt16.init)).encoded(), as: "sheet.ppm")
                try directory.write(PNG.encode(width: sheet.width, height: sheet.height, channels: 3, pixels: sheet.pixels, encoding: .drawing), as: "sheet.png")
            case .page:
                try directory.write(Array(page.html.utf8), as: "index.html")
            }
        }
        try directory.commit()
        return FeatureMapResult(experiment: self, source: source, image: picture, format: file.format, omissions: file.omissions, maps: maps)
    }

    // MARK: - Inputs

    /// The image file (or the shipped sample) and the image in it, PNG or Netpbm.
    private func readImage() throws(UserError) -> (String, ImageFile) {
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
        // The image itself must fit in the memory limit: a header claiming more pixels is
        // refused before its samples are allocated.
        let affordable = memoryLimit / Self.bytesPerPixel(channels: 3)
        do {
            let image = try data.withUnsafeBytes { bytes in
                Result { () throws(ImageFileError) in try ImageFile(reading: bytes, image: imageIndex, pixelLimit: min(pixelLimit, affordable)) }
            }.get()
            return (path, image)
        } catch {
            if let claimed = error.claimedSize {
                // Refused by the lower of the two limits: say which.
                guard let pixels = claimed.pixels, pixels <= pixelLimit else {
                    throw UserError(.badInput, "\(path): \(error.location): the header claims \(claimed.width)×\(claimed.height) pixels, more than the limit of \(pixelLimit) (--pixel-limit)")
                }
                try Experiments.checkMemory(Double(pixels) * Double(Self.bytesPerPixel(channels: 3)), limit: memoryLimit,
                                            for: "\(path): a \(claimed.width)×\(claimed.height) image (\(grouped(pixels)) pixels)", kind: .badInput)
            }
            throw UserError(.badInput, "\(path): \(error)")
        }
    }

    /// The kernels to apply: each a bank name or a file; none given (and no random
    /// filters) means the whole bank.
    private func resolveKernels() throws(UserError) -> [NamedKernel] {
        if let weights { return try learnedKernels(weights) }
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
                throw UserError(.badInput, "\(name):\(error.line):\(error.column): \(error.message)")
            }
        }
        return resolved
    }

    /// The kernels a network learned: each output channel of its convolution number
    /// `layer` (from 1), named `convL-K`. They must see one channel, since kernels are
    /// applied to the image's luma; the layer's bias is left out (it shifts a map by a
    /// constant, which the page's scale absorbs).
    private func learnedKernels(_ file: String) throws(UserError) -> [NamedKernel] {
        let model = try TrainedModel(weights: file, model: nil, memoryLimit: memoryLimit)
        var convolutions: [Conv2D] = []  // In the network's order, inside blocks too.
        model.network.forEachLayer { _, layer in if let conv = layer as? Conv2D { convolutions.append(conv) } }
        guard layer <= convolutions.count else {
            throw UserError(.usage, "--layer \(layer): \(file) has \(convolutions.count) convolution\(convolutions.count == 1 ? "" : "s")")
        }
        let weight = convolutions[layer - 1].weight
        let (outputs, channels, height, width) = (weight.shape[0], weight.shape[1], weight.shape[2], weight.shape[3])
        guard channels == 1 else {
            throw UserError(.usage, "--layer \(layer): its kernels see \(channels) channels, but featuremap applies one-channel kernels to the image's luma (the first convolution of a network for gray images does)")
        }
        let values = weight.scalars
        return (0..<outputs).map { o in
            NamedKernel(name: "conv\(layer)-\(o + 1)", height: height, width: width, weights: Array(values[(o * height * width)..<((o + 1) * height * width)]))
        }
    }

    /// The maps' names, in order: the kernels', then `random-1`…`random-N`. Each becomes
    /// two file names, so a name given twice is a usage error, found by hashing.
    private func mapNames(_ kernels: [NamedKernel]) throws(UserError) -> [String] {
        let names = kernels.map(\.name) + (random.map { random in (1...random.count).map { "random-\($0)" } } ?? [])
        var seen = Set<String>()
        for (index, name) in names.enumerated() where !seen.insert(name).inserted {
            let cause = index >= kernels.count ? " (--random names its maps random-1, random-2, …)" : ""
            throw UserError(.usage, "two maps are named \(name)\(cause): each map needs a name of its own")
        }
        return names
    }

    /// Every kernel size on this image, before any work: a kernel that does not fit is a
    /// usage error naming the number. Returns each size's geometry and how many maps it makes.
    private func checkGeometry(_ kernels: [NamedKernel], _ image: NetpbmImage) throws(UserError) -> [(geometry: ConvGeometry, maps: Int)] {
        var counts: [Size2D: Int] = [:], sizes: [Size2D] = []  // Sizes in the order given, for a repeatable message.
        for kernel in kernels {
            let size = Size2D(height: kernel.height, width: kernel.width)
            if counts[size] == nil { sizes.append(size) }
            counts[size, default: 0] += 1
        }
        var groups = sizes.map { ($0, counts[$0]!) }
        if let random { groups.append((random.size, random.count)) }
        var geometries: [(geometry: ConvGeometry, maps: Int)] = []
        for (size, count) in groups {
            do {
                geometries.append((try ConvGeometry(input: Size2D(height: image.height, width: image.width), kernel: size,
                                                    stride: stride, padding: padding, dilation: dilation), count))
            } catch {
                throw UserError(.usage, "kernel \(size) on the \(image.width)×\(image.height) image: \(error.message)")
            }
        }
        return geometries
    }

    /// Bytes an input pixel costs: its samples as read (2 bytes each), as floats, as planes,
    /// as the layer's input, and its luma.
    static func bytesPerPixel(channels: Int) -> Int { channels * 14 + 4 }

    /// The memory the run needs at its peak, estimated before any work: the image (see
    /// `bytesPerPixel`), every map kept as floats, a layer's output and its activation while
    /// it runs, each thread's files and pictures of one map (about 24 bytes a value: the PGM,
    /// the PNG with its indices and filtered rows, the sorted magnitudes of the colour
    /// limit), and the convolution's bounded workspace. Over `memoryLimit`, it is refused: a usage error
    /// when the options make the maps larger than the image (padding, dilation), else bad
    /// input (the image's size, the kernel files' count).
    private func checkMemory(_ groups: [(geometry: ConvGeometry, maps: Int)], _ image: NetpbmImage, source: String) throws(UserError) {
        let pixels = Double(image.width) * Double(image.height)
        var bytes = pixels * Double(Self.bytesPerPixel(channels: image.channels)) + Double(64 << 20)
        var largestLayer = 0.0, largestMap = 0.0
        for (geometry, maps) in groups {
            let positions = Double(geometry.width.output) * Double(geometry.height.output)
            bytes += 4 * positions * Double(maps)
            largestLayer = max(largestLayer, 8 * positions * Double(maps))
            largestMap = max(largestMap, positions)
        }
        bytes += largestLayer + Double(max(1, threads)) * 24 * largestMap
        let maps = groups.reduce(0) { $0 + $1.maps }
        let grows = groups.contains { Double($0.geometry.width.output) * Double($0.geometry.height.output) > pixels }
        let files = kernels.filter { KernelBank.named($0) == nil }
        let kernelFiles = files.isEmpty ? "" : " and the kernels of " + files.map { "'\($0)'" }.joined(separator: ", ")
        let largest = groups.max { $0.geometry.positions < $1.geometry.positions }?.geometry
        let what = "\(maps) map\(maps == 1 ? "" : "s")" + (largest.map { " of up to \($0.width.output)×\($0.height.output)" } ?? "")
        try Experiments.checkMemory(bytes, limit: memoryLimit, for: grows ? "\(what) (--padding \(padding), --dilation \(dilation))" : "\(what) from '\(source)'" + kernelFiles,
                                    kind: grows ? .usage : .badInput)
    }

    // MARK: - Output

    /// What is written once every map is: the contact sheet's files, and the page.
    private enum Summary: CaseIterable {
        case sheet, page
    }

    /// The files each map gives, by extension, and those of the contact sheet.
    static let mapFiles = ["pfm", "pgm", "png"]
    static let sheetFiles = ["sheet.ppm", "sheet.png"]

    /// The input for the page and the sheet: in colour when it is a colour image.
    private func pageInput(_ image: NetpbmImage, maps: FeatureMaps, gray: GrayPicture) -> ColorPicture {
        let small = gray.fitting(FeatureMapPage.pictureBox)
        guard image.channels == 3, image.kind != .floatmap else { return ColorPicture(small) }
        let planes = (0..<3).map { c in
            GrayPicture(unit: Array(maps.planes[c * maps.width * maps.height..<(c + 1) * maps.width * maps.height]),
                        width: maps.width, height: maps.height).fitting(FeatureMapPage.pictureBox)
        }
        return ColorPicture(width: small.width, height: small.height, pixels: (0..<small.width * small.height).flatMap { p in planes.map { $0.pixels[p] } })
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
