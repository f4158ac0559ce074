import ConvCore
import Reporting

/// `weight-decay --data`: the λ sweep of `weight-decay` on a digit CNN, the seeds' own
/// example. A network from the model language (LeNet-5 for 28×28 by default) is trained
/// on a small subset of the training digits, where memorising them is easy, once for
/// each λ with everything else equal; each epoch records training and test accuracy and
/// loss, and the weights' norm. λ is the penalty λ‖w‖², as in the sine experiment, so
/// the optimizer's weight decay is 2λ; biases are not decayed.
public struct DigitsWeightDecayExperiment: Sendable {
    /// What every run shares: `train`'s settings, its weight decay replaced by each run's
    /// 2λ. By default 30 epochs on the first 500 training images, few enough that the
    /// network can learn them by heart.
    public var training: TrainExperiment
    /// Larger than the sine's: a CNN's many weights each get a small share of the penalty.
    public var lambdas: [Float] = [0, 1e-3, 3e-3, 1e-2]
    /// Where the plot goes, which the text names; nil for none.
    public var plotFile: String?

    public init(model: ModelSource, data: DataSource) {
        training = TrainExperiment(model: model, data: data)
        (training.epochs, training.limit) = (30, 500)
    }

    /// One λ: `train`'s epochs.
    public struct Run: Sendable {
        public let lambda: Float
        public let epochs: [TrainExperiment.Epoch]
    }

    /// `train` with these settings and weight decay 2λ.
    func training(_ lambda: Float) -> TrainExperiment {
        var run = training
        run.weightDecay = 2 * lambda
        return run
    }

    public func run(progress: (String) -> Void) throws(UserError) -> DigitsWeightDecayResult {
        let (_, summary) = try training.network()
        let classifier = try ClassifierShape(summary, of: training.model)
        progress("reading the data…")
        var train = try training.data.load(.train, for: classifier, memoryLimit: training.memoryLimit)
        if let limit = training.limit { train = train.prefix(limit) }
        let test = try training.data.load(.test, for: classifier, memoryLimit: training.memoryLimit)
        var runs: [Run] = []
        for lambda in lambdas {
            let result = try training(lambda).run(train: train, test: test) { progress("λ = \(decimal(lambda)): \($0)") }
            runs.append(Run(lambda: lambda, epochs: result.epochs))
        }
        return DigitsWeightDecayResult(experiment: self, parameters: summary.totalParameters, trainImages: train.count, testImages: test.count, runs: runs)
    }
}
