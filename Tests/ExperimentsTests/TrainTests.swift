import Experiments
import Foundation
import Reporting
import Safetensors
import Testing
import Training

struct TrainTests {
    func experiment(threads: Int) throws -> TrainExperiment {
        var experiment = TrainExperiment(model: try ModelSource("input 28x28; conv 8 k=5 s=2; relu; flatten; fc 10"),
                                         data: try DataSource(BoundedWorkTests.samples.appendingPathComponent("digits").path))
        (experiment.epochs, experiment.limit, experiment.threads) = (2, 1000, threads)
        return experiment
    }

    @Test("a small CNN learns the shipped digits; the same seed gives the same numbers whatever the thread count")
    func learns() throws {
        let one = try experiment(threads: 1).run { _ in }
        #expect(one.trainImages == 1000 && one.testImages == 1000 && one.classes == 10)
        #expect(one.epochs.count == 2 && one.epochs[1].train.loss < one.epochs[0].train.loss)
        #expect(one.epochs[1].test.accuracy > 0.85, "test accuracy \(one.epochs[1].test.accuracy)")
        #expect(one.epochs[1].test.confusion.joined().reduce(0, +) == 1000)
        let two = try experiment(threads: 2).run { _ in }
        #expect(two.epochs.map(\.test.loss) == one.epochs.map(\.test.loss))
        #expect(two.network.parameters == one.network.parameters)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(one.json.serialized().utf8)) as? [String: Any])
        #expect(Set(document.keys) == ["model", "data", "settings", "epochs", "test_accuracy", "confusion", "saved"])
        // The checkpoint names its network and loads back into it.
        let file = try SafetensorsFile(reading: try one.checkpoint())
        #expect(file.metadata["spec"] == "input 28x28; conv 8 k=5 s=2; relu; flatten; fc 10")
        #expect(Set(file.tensors.keys) == ["0.weight", "0.bias", "3.weight", "3.bias"])
    }

    @Test("a label the network has no output for, and images larger than its input, are refused naming both")
    func mismatches() throws {
        var few = try experiment(threads: 1)
        few.model = try ModelSource("input 28x28; flatten; fc 5")
        #expect(throws: UserError.self) { try few.run { _ in } }
        var small = try experiment(threads: 1)
        small.model = try ModelSource("input 20x20; flatten; fc 10")
        do {
            _ = try small.run { _ in }
            Issue.record("a 20×20 network took 28×28 digits")
        } catch {
            #expect(error.kind == .badInput && error.message.hasSuffix("the images are 28×28, larger than the model's 20×20 input"), "\(error.message)")
        }
    }
}
