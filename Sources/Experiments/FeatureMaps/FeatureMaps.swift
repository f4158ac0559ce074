import ConvCore
import Netpbm
import SeededRandom

/// What `featuremap` computes: the input image as values in [0, 1] (PFM: as stored), and
/// the feature maps the layer makes of it, each with its statistics.
public struct FeatureMaps: Sendable {
    /// One map: the response of one kernel at every position.
    public struct Map: Sendable {
        public let name: String
        public let width: Int
        public let height: Int
        public let values: [Float]
        public let minimum: Float
        public let maximum: Float
        public let mean: Double
        /// The kernel that made it: channels × height × width weights.
        public let kernel: (channels: Int, height: Int, width: Int, weights: [Float])
        public let geometry: ConvGeometry
        /// The activation applied after the sum.
        public let activation: Activation

        /// Whether the map is read as signed: its kernel has a negative weight, and the
        /// activation after it can be negative. Decided from the kernel, not from the values,
        /// so that an edge detector's map is signed even on an image where it happens not
        /// to go below zero. Signed maps are shown in a diverging colour map on the page and
        /// with zero at mid-gray in the PGM files and the sheet; unsigned ones min–max.
        public let isSigned: Bool
    }

    /// Filters drawn at random, all seeing every channel of the image.
    public struct RandomFilters: Sendable {
        public let count: Int
        public let size: Size2D
        public let initializer: Initializer
        /// The initializer as reports name it: "kaiming-normal(gain=1.414)".
        public let scheme: String
        public let seed: UInt64

        public init(count: Int, size: Size2D, scheme: InitScheme, initializer: Initializer, seed: UInt64) {
            (self.count, self.size, self.initializer, self.seed) = (count, size, initializer, seed)
            self.scheme = scheme.name(of: initializer)
        }
    }

    public let width: Int
    public let height: Int
    public let channels: Int
    /// Whether the image is a PFM: its values are floats as stored, not samples / maxval.
    public let isFloatmap: Bool
    /// Channel after channel ([C, H, W]), the image's own values.
    public let planes: [Float]
    /// What the named 2-D kernels see: the gray image, or a colour image's BT.709 luma.
    public let luma: [Float]
    public let maps: [Map]
    /// Weights of the layer, all filters together, and the sum of their output values.
    public let weights: Int
    public let outputValues: Int

    public init(image: NetpbmImage, kernels: [NamedKernel], random: RandomFilters?, stride: Size2D, padding: Padding,
         dilation: Size2D, activation: Activation, threads: Int) throws(ShapeError) {
        (width, height, channels) = (image.width, image.height, image.channels)
        isFloatmap = image.kind == .floatmap
        let pixels = width * height
        let interleaved = image.unitValues, channels = image.channels
        let planes = channels == 1 ? interleaved : (0..<channels).flatMap { c in (0..<pixels).map { interleaved[$0 * channels + c] } }
        let luma = channels == 1 ? planes : (0..<pixels).map { p in
            0.2126 * planes[p] + 0.7152 * planes[pixels + p] + 0.0722 * planes[2 * pixels + p]
        }
        (self.planes, self.luma) = (planes, luma)

        var maps: [Map] = []
        // Named kernels of one size form one layer: one GEMM for the whole bank.
        var groups: [Size2D: [NamedKernel]] = [:], sizes: [Size2D] = []
        for kernel in kernels {
            let size = Size2D(height: kernel.height, width: kernel.width)
            if groups[size] == nil { sizes.append(size) }
            groups[size, default: []].append(kernel)
        }
        for size in sizes {
            let group = groups[size]!
            let conv = try Conv2D(weight: try Tensor(shape: [group.count, 1, size.height, size.width], scalars: group.flatMap(\.weights)),
                                  stride: stride, padding: padding, dilation: dilation)
            maps += try Self.apply(conv, to: try Tensor(shape: [1, 1, image.height, image.width], scalars: luma), activation: activation,
                                   names: group.map(\.name), threads: threads)
        }
        // Back in the order the kernels were given (each size ran as one layer).
        let order = Dictionary(kernels.enumerated().map { ($1.name, $0) }, uniquingKeysWith: min)
        maps.sort { order[$0.name]! < order[$1.name]! }
        if let random {
            var generator = SeededGenerator(seed: random.seed)
            let weight = try random.initializer.tensor([random.count, channels, random.size.height, random.size.width], using: &generator)
            let conv = try Conv2D(weight: weight, stride: stride, padding: padding, dilation: dilation)
            maps += try Self.apply(conv, to: try Tensor(shape: [1, channels, image.height, image.width], scalars: planes), activation: activation,
                                   names: (1...random.count).map { "random-\($0)" }, threads: threads)
        }
        self.maps = maps
        weights = maps.reduce(0) { $0 + $1.kernel.weights.count }
        outputValues = maps.reduce(0) { $0 + $1.width * $1.height }
    }

    /// Runs `conv` and cuts its output into one map per output channel.
    private static func apply(_ conv: Conv2D, to input: Tensor, activation: Activation, names: [String], threads: Int) throws(ShapeError) -> [Map] {
        let geometry = try conv.geometry(for: Size2D(height: input.shape[2], width: input.shape[3]))
        let output = activation.forward(try conv(input, threads: threads))
        let plane = geometry.positions
        let kernelSize = conv.weight.scalars.count / conv.outChannels
        let weight = conv.weight
        let signedOutput = ![.relu, .relu6, .sigmoid].contains(activation)
        return parallelMap(Array(names.enumerated()), threads: threads) { channel, name in
            let kernel = Array(weight.scalars[channel * kernelSize..<(channel + 1) * kernelSize])
            let values = Array(output.scalars[channel * plane..<(channel + 1) * plane])
            var (minimum, maximum, sum) = (Float.infinity, -Float.infinity, 0.0)
            for value in values {
                minimum = min(minimum, value)
                maximum = max(maximum, value)
                sum += Double(value)
            }
            return Map(
                name: name, width: geometry.width.output, height: geometry.height.output, values: values,
                minimum: minimum, maximum: maximum, mean: sum / Double(plane),
                kernel: (weight.shape[1], weight.shape[2], weight.shape[3], kernel),
                geometry: geometry, activation: activation, isSigned: signedOutput && kernel.contains { $0 < 0 })
        }
    }
}
