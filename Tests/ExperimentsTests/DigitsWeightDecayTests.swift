import Experiments
import Foundation
import Reporting
import Testing

struct DigitsWeightDecayTests {
    @Test("each λ is train with weight decay 2λ; a larger λ ends with smaller weights; JSON has accuracy per epoch")
    func sweep() throws {
        let data = try SharingTests.bars()
        defer { try? FileManager.default.removeItem(at: data) }
        let model = try ModelSource("input 28x28; conv 4 k=5 s=2; relu; flatten; fc 10")
        var experiment = DigitsWeightDecayExperiment(model: model, data: try DataSource(data.path))
        (experiment.lambdas, experiment.training.epochs, experiment.training.batch, experiment.training.limit) = ([0, 0.05], 4, 4, 8)
        let result = try experiment.run { _ in }
        #expect(result.trainImages == 8 && result.testImages == 6 && result.runs.count == 2)
        #expect(result.runs.allSatisfy { $0.epochs.count == 4 })
        #expect(result.runs[1].epochs.last!.weightNorm < result.runs[0].epochs.last!.weightNorm)

        var train = TrainExperiment(model: model, data: try DataSource(data.path))
        (train.epochs, train.batch, train.limit, train.weightDecay) = (4, 4, 8, 0.1)
        let trained = try train.run { _ in }
        #expect(trained.epochs.map(\.weightNorm) == result.runs[1].epochs.map(\.weightNorm))
        #expect(trained.epochs.map(\.test.loss) == result.runs[1].epochs.map(\.test.loss))

        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.json.serialized().utf8)) as? [String: Any])
        let runs = try #require(document["runs"] as? [[String: Any]])
        #expect(Set(runs[0].keys) == ["lambda", "weight_decay", "train_loss", "test_loss", "weight_norm", "train_accuracy", "test_accuracy"])
        #expect((runs[1]["test_accuracy"] as? [Double])?.count == 4)
    }
}
