import ConvCore
import GEMM
import Datasets
import Foundation
import Reporting
import SeededRandom
import Training

/// `train`: a network from the model language learns a labelled image dataset by
/// mini-batch SGD with momentum and L2 weight decay, the loss the cross-entropy of its
/// logits. Each epoch visits every training image once, in an order shuffled by the seed;
/// after each, the whole training and test sets are evaluated (evaluation mode).
///
/// The same seed, data and options give the same numbers whatever `threads` is: the
/// network is made from the seed, the batches drawn from it, and every sum of the
/// training step is computed in an order that does not depend on the thread count.
public struct TrainExperiment: Sendable {
    public var model: ModelSource
    public var data: DataSource
    public var epochs = 10
    public var batch = 32
    public var learningRate: Float = 0.05
    public var momentum: Float = 0.9
    /// PyTorch's `weight_decay`: λ·w added to each weight's gradient (biases and batch
    /// norm's parameters, the 1-D tensors, are not decayed).
    public var weightDecay: Float = 0
    public var initialization = InitScheme.frameworkDefault
    public var seed: UInt64 = 1
    public var threads = availableCores
    /// Train on the first `limit` training images only.
    public var limit: Int?
    public var memoryLimit = defaultMemoryLimit
    /// Where the plot goes, which the text names; nil for none.
    public var plotFile: String?

    public init(model: ModelSource, data: DataSource) {
        self.model = model
        self.data = data
    }

    public struct Epoch: Sendable {
        public var epoch: Int
        public var train: Evaluation
        public var test: Evaluation
        public var seconds: Double
        public var imagesPerSecond: Double
        /// ‖w‖ after the epoch: the L2 norm of the weights that weight decay shrinks (every
        /// tensor of more than one axis; biases and batch norm's parameters excluded).
        public var weightNorm: Double
    }

    /// The network as the spec describes it, drawn from the seed.
    public func network() throws(UserError) -> (Sequential, NetworkSummary) {
        do {
            let spec = try NetworkSpec(parsing: model.text)
            let network = try Sequential(spec, weights: initialization.initializer(), seed: seed)
            return (network, try NetworkSummary(spec))
        } catch {
            throw model.error(error)
        }
    }

    /// Trains, printing progress, and returns every epoch's measurements and the network.
    public func run(progress: (String) -> Void) throws(UserError) -> TrainResult {
        let (_, summary) = try network()
        let classifier = try ClassifierShape(summary, of: model)
        progress("reading the data…")
        try checkMemory(summary, batch: batch)
        var train = try data.load(.train, for: classifier, memoryLimit: memoryLimit)
        if let limit { train = train.prefix(limit) }
        let test = try data.load(.test, for: classifier, memoryLimit: memoryLimit)
        return try run(train: train, test: test, progress: progress)
    }

    /// Trains on splits already read and fitted to the model (`train` cut to `limit`
    /// already): what `run` does after reading them, for experiments that train several
    /// networks on one dataset.
    func run(train: LabeledImages, test: LabeledImages, progress: (String) -> Void) throws(UserError) -> TrainResult {
        var (network, summary) = try network()
        let classifier = try ClassifierShape(summary, of: model)
        try checkMemory(summary, batch: batch)
        var optimizer = SGD(learningRate: learningRate, momentum: momentum, weightDecay: weightDecay, decaysBiases: false)
        var random = SeededGenerator(seed: seed &+ 1)
        var epochs: [Epoch] = []
        let (inputs, labels) = try tensor(train)
        let dataset = try shape { () throws(ShapeError) in try Dataset(inputs: inputs, labels: labels) }
        for epoch in 1...self.epochs {
            let start = Date()
            var seen = 0
            for rows in dataset.shuffledBatches(size: batch, using: &random) {
                let (x, y) = try shape { () throws(ShapeError) in try dataset.batch(rows) }
                _ = try shape { () throws(ShapeError) in
                    try network.trainingStep(x, loss: { logits throws(ShapeError) in try Loss.crossEntropy(logits: logits, labels: y) },
                                             optimizer: &optimizer, threads: threads)
                }
                seen += rows.count
                let elapsed = Date().timeIntervalSince(start)
                progress("epoch \(epoch)/\(self.epochs): \(seen)/\(train.count) images, \(Int(Double(seen) / max(elapsed, 1e-9))) images/s")
            }
            let seconds = Date().timeIntervalSince(start)
            progress("epoch \(epoch)/\(self.epochs): evaluating…")
            let trainResult = try shape { () throws(ShapeError) in try Evaluation(&network, on: train, classes: classifier.classes, threads: threads) }
            let testResult = try shape { () throws(ShapeError) in try Evaluation(&network, on: test, classes: classifier.classes, threads: threads) }
            epochs.append(Epoch(epoch: epoch, train: trainResult, test: testResult, seconds: seconds, imagesPerSecond: Double(train.count) / seconds,
                                weightNorm: Double(globalNorm(network.parameters.filter { $0.shape.count > 1 }))))
        }
        return TrainResult(experiment: self, summary: summary, network: network, classNames: classifier.names(train.classes), trainImages: train.count,
                           testImages: test.count, size: classifier.size, channels: classifier.channels, classes: classifier.classes, epochs: epochs)
    }

    /// The activations a training step keeps, and the weights with their gradients and
    /// velocities, against the memory limit.
    func checkMemory(_ summary: NetworkSummary, batch: Int) throws(UserError) {
        let activations = Double(summary.activationBytes) * Double(batch) * 2  // and their gradients
        let weights = Double(summary.parameterBytes) * 3
        try Experiments.checkMemory(activations + weights, limit: memoryLimit, for: "\(model.description) at --batch \(batch)")
    }

    private func tensor(_ images: LabeledImages) throws(UserError) -> (Tensor, [Int]) {
        try shape { () throws(ShapeError) in try images.tensor() }
    }
}

/// A shape error while training: the spec and the data were checked before, so what is
/// left comes from the settings (a batch norm given a last batch of one image, say).
func shape<T>(_ body: () throws(ShapeError) -> T) throws(UserError) -> T {
    do { return try body() } catch { throw UserError(.usage, error.message) }
}
