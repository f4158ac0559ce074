import ConvCore
import Datasets
import GEMM
import Reporting

/// `sharing`: what weight sharing buys when a network learns. One architecture, LeNet-5
/// for 28×28 input, is trained three ways on the same images with the same optimiser,
/// epochs and seed: with shared kernels (`conv`), with a kernel per position (`local`),
/// and with each convolution replaced by its fully-connected equivalent (`fc`). Each is
/// measured on the training and test sets and on the test images shifted by a few
/// pixels, which asks how far each has learned a pattern wherever it appears. With
/// several seeds the spread shows which differences are findings and which are noise.
public struct SharingExperiment: Sendable {
    /// How the two convolutions of LeNet-5 are made.
    public enum Variant: String, CaseIterable, Sendable {
        /// Shared kernels: `Samples/models/lenet5-28.txt`.
        case conv
        /// The same windows with nothing shared: `lenet5-local.txt`.
        case local
        /// Every output value connected to every input value: `lenet5-fc.txt`.
        case fc

        /// The shipped spec of the variant.
        public var sample: String {
            switch self {
            case .conv: "lenet5-28"
            case .local: "lenet5-local"
            case .fc: "lenet5-fc"
            }
        }
    }

    /// What every run shares: `train`'s settings (data, epochs, batch, optimiser, threads,
    /// limits), its model replaced by each variant's and its seed by each run's (its own
    /// seed is the first).
    public var training: TrainExperiment
    public var variants = Variant.allCases
    /// Shifts in pixels; each is applied in x, in y and diagonally.
    public var shifts = [0, 1, 2, 3, 4]
    /// Runs use seeds `training.seed`, `training.seed + 1`, … (`seeds` of them).
    public var seeds = 1
    /// Where the plot goes, which the text names; nil for none.
    public var plotFile: String?
    /// Where the page of first-layer weights goes (HTML), which the text names; nil for none.
    public var kernelPage: String?

    /// - Throws: `UserError` (missing input) when the shipped variants are not found.
    public init(data: DataSource) throws(UserError) {
        training = TrainExperiment(model: try ModelSource.sample(Variant.conv.sample), data: data)
    }

    /// The directions each shift d is applied in: right, down, and both.
    static func offsets(_ d: Int) -> [(dx: Int, dy: Int)] {
        d == 0 ? [(0, 0)] : [(d, 0), (0, d), (d, d)]
    }

    /// The experiment for one variant and seed: `train` with this experiment's settings.
    func training(_ variant: Variant, seed: UInt64) throws(UserError) -> TrainExperiment {
        var run = training
        (run.model, run.seed) = (try ModelSource.sample(variant.sample), seed)
        return run
    }

    public func run(progress: (String) -> Void) throws(UserError) -> SharingResult {
        // Every variant has LeNet-5's 28×28×1 input and 10 outputs; the data is fitted once.
        let (data, memoryLimit, threads) = (training.data, training.memoryLimit, training.threads)
        let first = try training(variants[0], seed: training.seed)
        let classifier = try ClassifierShape(try first.network().1, of: first.model)
        for variant in variants { _ = try training(variant, seed: training.seed).network() }
        progress("reading the data…")
        var train = try data.load(.train, for: classifier, memoryLimit: memoryLimit)
        if let limit = training.limit { train = train.prefix(limit) }
        let test = try data.load(.test, for: classifier, memoryLimit: memoryLimit)

        var runs: [SharingResult.Run] = []
        for seed in (0..<UInt64(seeds)).map({ training.seed &+ $0 }) {
            for variant in variants {
                let label = "\(variant.rawValue), seed \(seed)"
                let result = try training(variant, seed: seed).run(train: train, test: test) { progress("\(label): \($0)") }
                var network = result.network
                var shifted: [SharingResult.Shifted] = []
                for d in shifts {
                    for (dx, dy) in Self.offsets(d) {
                        progress("\(label): test digits shifted by (\(dx), \(dy))…")
                        let evaluation = try shape { () throws(ShapeError) in
                            try Evaluation(&network, on: test.shifted(dx: dx, dy: dy), classes: classifier.classes, threads: threads)
                        }
                        shifted.append(.init(dx: dx, dy: dy, accuracy: evaluation.accuracy))
                    }
                }
                let last = result.epochs.last!
                runs.append(.init(variant: variant, seed: seed, parameters: result.summary.totalParameters, train: last.train, test: last.test,
                                  seconds: result.epochs.reduce(0) { $0 + $1.seconds }, shifted: shifted,
                                  firstLayer: FirstLayerWeights(network, input: classifier.size)))
            }
        }
        return SharingResult(experiment: self, trainImages: train.count, testImages: test.count, runs: runs)
    }
}
