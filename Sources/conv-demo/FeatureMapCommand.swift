import ConvCore
import Foundation
import GEMM
import Netpbm

/// `conv-demo featuremap`: what a few shared weights find in a picture. Applies kernels
/// (the standard bank, named ones, ones from a file, or random filters) to a Netpbm
/// image with the project's Conv2D, and writes the maps as files, a contact sheet and
/// an HTML page.
struct FeatureMapCommand: Command {
    static let spec = CommandSpec(
        path: ["featuremap"],
        abstract: "Apply kernels to an image and write the feature maps: PFM, PGM, a contact sheet, an HTML page.",
        discussion: """
            With no IMAGE, a photograph from Samples/ (camera.pgm). With no --kernel and no --random,
            the standard bank: \(KernelBank.names.joined(separator: ", ")).
            Values are sample / maxval in [0, 1] (PBM: black 0, white 1; PFM: as stored). Named 2-D
            kernels see a colour image's BT.709 luma; random filters see its 3 channels. Maps are
            computed by Conv2D (im2col + GEMM), cross-correlation as in PyTorch; with the defaults
            (stride 1, padding 0) a 3×3 kernel on W×H gives (W−2)×(H−2). Sizes are width × height.
            Writes into DIR: NAME.pfm (exact floats) and NAME.pgm (signed maps with 0 at mid-gray,
            others stretched min–max) for each map, sheet.pgm and index.html. Files are written
            atomically: a failed run leaves nothing behind.
            """,
        arguments: [ArgumentSpec(name: "image", help: "A PBM, PGM, PPM or PFM file (default: Samples/camera.pgm).")],
        options: [
            OptionSpec(name: "--kernel", valueName: "NAME|FILE", help: "A kernel of the bank, or a file of kernels (see docs/feature-maps.md);\nrepeat for more.", repeatable: true),
            OptionSpec(name: "--random", valueName: "N", help: "N filters drawn at random, 1…256."),
            OptionSpec(name: "--random-size", valueName: "K|KWxKH", help: "Size of the random filters (default: 3)."),
            OptionSpec(name: "--init", valueName: "SCHEME", help: "How the random filters are drawn (default: default):\n\(InitScheme.names)."),
            OptionSpec(name: "--seed", valueName: "S", help: "Seed of the random filters (default: 1)."),
            OptionSpec(name: "--stride", valueName: "S|SWxSH", help: "Step between windows (default: 1)."),
            OptionSpec(name: "--padding", valueName: "P|PWxPH|same|valid", help: "Zeros around the image (default: 0)."),
            OptionSpec(name: "--dilation", valueName: "D|DWxDH", help: "Spacing between kernel taps (default: 1)."),
            OptionSpec(name: "--activation", valueName: "NAME", help: "Applied to every map: \(Activation.allCases.map(\.rawValue).joined(separator: ", ")) (default: none)."),
            OptionSpec(name: "--image", valueName: "N", help: "Which image of a multi-image file, counting from 0 as pamfile does (default: 0)."),
            OptionSpec(name: "--pixel-limit", valueName: "N", help: "Refuse images of more pixels than this (default: 268435456, 2^28)."),
            OptionSpec(name: "--out", valueName: "DIR", help: "Where to write the files (default: featuremaps)."),
            OptionSpec(name: "--threads", valueName: "n", help: "Threads for the convolution, 1…256 (default: all cores)."),
            OptionSpec(name: "--json", help: "Print one JSON document: {\"input\":{…},\"maps\":[{\"name\",\"width\",\"height\",\"min\",\n\"max\",\"mean\",\"pfm\",\"pgm\"}],\"sheet\",\"html\"}."),
        ],
        make: { try FeatureMapCommand(parsing: $0) })

    var image: String?
    var kernels: [String]
    var random: FeatureMaps.RandomFilters?
    var stride: Size2D
    var padding: Padding
    var dilation: Size2D
    var activation: Activation
    var imageIndex: Int
    var pixelLimit: Int
    var output: String
    var threads: Int
    var json: Bool

    init(parsing arguments: ParsedArguments) throws {
        image = arguments.positionals.first
        kernels = arguments.values["--kernel"] ?? []
        activation = Activation(rawValue: try arguments.choice("--activation", from: Activation.allCases.map(\.rawValue)) ?? "none")!
        if let count = try arguments.integer("--random", in: 1...256) {
            let scheme = InitScheme(rawValue: try arguments.choice("--init", from: InitScheme.allCases.map(\.rawValue)) ?? "default")!
            random = FeatureMaps.RandomFilters(
                count: count, size: try arguments.size("--random-size") ?? Size2D(3),
                initializer: scheme.initializer(for: activation),
                seed: UInt64(try arguments.integer("--seed", in: 0...Int.max) ?? 1))
        } else if let option = ["--random-size", "--init", "--seed"].first(where: { arguments.values[$0] != nil }) {
            throw CLIError.usage("\(option) is for random filters: give --random N too", command: arguments.command)
        }
        stride = try arguments.size("--stride") ?? Size2D(1)
        padding = try arguments.padding("--padding") ?? .valid
        dilation = try arguments.size("--dilation") ?? Size2D(1)
        imageIndex = try arguments.integer("--image", in: 0...Int.max) ?? 0
        pixelLimit = try arguments.integer("--pixel-limit", in: 1...Int.max) ?? NetpbmImage.defaultPixelLimit
        output = arguments.string("--out") ?? "featuremaps"
        threads = try arguments.integer("--threads", in: 1...256) ?? availableCores
        json = arguments.flag("--json")
        if let duplicate = kernels.first(where: { name in kernels.filter { $0 == name }.count > 1 }) {
            throw CLIError.usage("--kernel \(duplicate) is given twice", command: arguments.command)
        }
    }

    func run() throws {
        let progress = Progress()
        progress.update("reading the image…")
        let (source, picture) = try readImage()
        let kernels = try resolveKernels()
        try checkGeometry(kernels, picture)
        let directory = try OutputDirectory(output)  // Before any work: an unwritable DIR fails here.

        progress.update("convolving…")
        let maps: FeatureMaps
        do {
            maps = try FeatureMaps(image: picture, kernels: kernels, random: random, stride: stride, padding: padding,
                                   dilation: dilation, activation: activation, threads: threads)
        } catch {
            throw CLIError.usage(error.message, command: Self.spec.path)
        }

        progress.update("writing \(maps.maps.count * 2 + 2) files…")
        // Each map's files and pictures, on every thread: the page's picture, and the
        // sheet's tile made from it.
        let pictures = try parallelMap(maps.maps, threads: threads) { map in
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
        _ = try directory.commit()
        progress.clear()

        let path = { (name: String) in (output as NSString).appendingPathComponent(name) }
        printResult(asJSON: json, report(maps, path: path), text: summary(source, picture, maps, path: path))
    }

    // MARK: - Inputs

    /// The image file (or the shipped sample) and the image in it. A file that is missing
    /// or unreadable is EX_NOINPUT; one that is not a valid image is EX_DATAERR.
    private func readImage() throws -> (String, NetpbmImage) {
        let path: String
        if let image {
            path = image
        } else {
            guard let sample = samplesDirectory?.appendingPathComponent("camera.pgm").path else {
                throw CLIError(status: .noInput, message: "no IMAGE given, and the sample photograph (Samples/camera.pgm) is not found")
            }
            path = displayPath(sample)
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw CLIError(status: .noInput, message: "no such image file: '\(path)'")
        }
        guard let data = try? Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) else {
            throw CLIError(status: .noInput, message: "cannot read the image file '\(path)'")
        }
        do {
            let image = try data.withUnsafeBytes { bytes in
                Result { () throws(NetpbmError) in try NetpbmImage(reading: bytes, image: imageIndex, pixelLimit: pixelLimit) }
            }.get()
            return (path, image)
        } catch {
            throw CLIError(status: .dataError, message: "\(path): \(error)")
        }
    }

    /// The kernels to apply: each --kernel a bank name or a file; none given (and no
    /// random filters) means the whole bank.
    private func resolveKernels() throws -> [NamedKernel] {
        if kernels.isEmpty { return random == nil ? KernelBank.kernels : [] }
        var resolved: [NamedKernel] = []
        for name in kernels {
            if let kernel = KernelBank.named(name) {
                resolved.append(kernel)
                continue
            }
            guard FileManager.default.fileExists(atPath: name) else {
                throw CLIError(status: .noInput, message: "--kernel \(name): not a kernel of the bank (\(KernelBank.names.joined(separator: ", "))) nor a file")
            }
            let text = try TextFile.read(name, what: "the kernel file")
            do {
                resolved += try KernelFile.parse(text)
            } catch {
                throw CLIError(status: .dataError, message: "\(name):\(error.line): \(error.message)")
            }
        }
        if let duplicate = resolved.first(where: { kernel in resolved.filter { $0.name == kernel.name }.count > 1 }) {
            throw CLIError.usage("two kernels are named \(duplicate.name): each map needs a name of its own", command: Self.spec.path)
        }
        return resolved
    }

    /// Every kernel size on this image, before any work: a kernel that does not fit is a
    /// usage error naming the number.
    private func checkGeometry(_ kernels: [NamedKernel], _ image: NetpbmImage) throws {
        let sizes = kernels.map { Size2D(height: $0.height, width: $0.width) } + (random.map { [$0.size] } ?? [])
        for size in sizes {
            do {
                _ = try ConvGeometry(input: Size2D(height: image.height, width: image.width), kernel: size,
                                     stride: stride, padding: padding, dilation: dilation)
            } catch {
                throw CLIError.usage("kernel \(size) on the \(image.width)×\(image.height) image: \(error.message)", command: Self.spec.path)
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

    private func settings(_ maps: FeatureMaps) -> String {
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

    private func summary(_ source: String, _ image: NetpbmImage, _ maps: FeatureMaps, path: (String) -> String) -> String {
        let kind = image.kind == .floatmap ? "PFM floats as stored" : "values sample / maxval, maxval \(image.maxval)"
        var geometries: [ConvGeometry] = []
        for map in maps.maps where !geometries.contains(map.geometry) { geometries.append(map.geometry) }
        let arithmetic = geometries.map { geometry in
            let label = "  \(geometry.kernel) kernels: "
            return label + "width  \(geometry.width.formula)\n" + String(repeating: " ", count: label.count) + "height \(geometry.height.formula)"
        }.joined(separator: "\n")
        var table = TextTable([("map", .left), ("size", .right), ("min", .right), ("max", .right), ("mean", .right), (".pgm shows", .left)])
        for map in maps.maps {
            table.append([map.name, "\(map.width)×\(map.height)", fixed(Double(map.minimum), 4), fixed(Double(map.maximum), 4),
                          fixed(map.mean, 4), map.isSigned ? "signed: 0 at mid-gray" : "min–max"])
        }
        return """
            Feature maps of \(source): \(image.width)×\(image.height), \(image.channels == 3 ? "colour (named kernels see its BT.709 luma)" : "gray"), \(kind)
            layer: \(settings(maps)); \(grouped(maps.weights)) weights, shared by every position
            output size, ⌊(n + 2p − d·(k − 1) − 1) / s⌋ + 1:
            \(arithmetic)

            \(table.rendered())
            wrote \(maps.maps.count * 2 + 2) files into \(output): NAME.pfm (exact floats) and NAME.pgm for each map,
            \(path("sheet.pgm")) (contact sheet), \(path("index.html")) (open it in a browser)

            """
    }

    private func report(_ maps: FeatureMaps, path: (String) -> String) -> JSON {
        .object([
            ("input", .object([("width", .int(maps.width)), ("height", .int(maps.height)), ("channels", .int(maps.channels))])),
            ("maps", .array(maps.maps.map { map in
                .object([
                    ("name", .string(map.name)), ("width", .int(map.width)), ("height", .int(map.height)),
                    ("min", .float(map.minimum)), ("max", .float(map.maximum)), ("mean", .number(map.mean)),
                    ("signed", .bool(map.isSigned)), ("pfm", .string(path("\(map.name).pfm"))), ("pgm", .string(path("\(map.name).pgm"))),
                ])
            })),
            ("sheet", .string(path("sheet.pgm"))),
            ("html", .string(path("index.html"))),
        ])
    }
}
