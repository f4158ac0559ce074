import ConvCore
import GEMM
import Reporting

/// `weight-decay --data`: the λ sweep of `weight-decay` on a digit CNN, the seeds' own
/// example. A network from the model language (LeNet-5 for 28×28 by default) is trained
/// on a small subset of the training digits, where memorising them is easy, once for
/// each λ with everything else equal; each epoch records training and test accuracy and
/// loss, and the weights' norm. λ is the penalty λ‖w‖², as in the sine experiment, so
/// the optimizer's weight decay is 2λ; biases are not decayed.
public struct DigitsWeightDecayExperiment: Sendable {
    public var model: ModelSource
    public var data: DataSource
    /// Larger than the sine's: a CNN's many weights each get a small share of the penalty.
    public var lambdas: [Float] = [0, 1e-3, 3e-3, 1e-2]
    public var epochs = 30
    public var batch = 32
    public var learningRate: Float = 0.05
    public var momentum: Float = 0.9
    /// The first `limit` training images: few enough that the network can learn them by heart.
    public var limit = 500
    public var seed: UInt64 = 1
    public var threads = availableCores
    public var memoryLimit = defaultMemoryLimit
    /// Where the plot goes, which the text names; nil for none.
    public var plotFile: String?

    public init(model: ModelSource, data: DataSource) {
        self.model = model
        self.data = data
    }

    /// One λ: `train`'s epochs.
    public struct Run: Sendable {
        public let lambda: Float
        public let epochs: [TrainExperiment.Epoch]
    }

    /// `train` with these settings and weight decay 2λ.
    func training(_ lambda: Float) -> TrainExperiment {
        var training = TrainExperiment(model: model, data: data)
        (training.epochs, training.batch, training.learningRate, training.momentum) = (epochs, batch, learningRate, momentum)
        (training.weightDecay, training.seed, training.threads, training.limit) = (2 * lambda, seed, threads, limit)
        training.memoryLimit = memoryLimit
        return training
    }

    public func run(progress: (String) -> Void) throws(UserError) -> DigitsWeightDecayResult {
        let first = training(lambdas[0])
        let (_, summary) = try first.network()
        let classifier = try ClassifierShape(summary, of: model)
        progress("reading the data…")
        let train = try data.load(.train, for: classifier, memoryLimit: memoryLimit).prefix(limit)
        let test = try data.load(.test, for: classifier, memoryLimit: memoryLimit)
        var runs: [Run] = []
        for lambda in lambdas {
            let result = try training(lambda).run(train: train, test: test) { progress("λ = \(decimal(lambda)): \($0)") }
            runs.append(Run(lambda: lambda, epochs: result.epochs))
        }
        return DigitsWeightDecayResult(experiment: self, parameters: summary.totalParameters, trainImages: train.count, testImages: test.count, runs: runs)
    }
}
