import ConvCore
import Datasets
import Experiments
import Foundation
import Safetensors
import Testing
import Training

/// Checkpoints interchangeable with PyTorch: weights PyTorch trained (with
/// `Fixtures/make-pytorch-checkpoint.py`, which also checks the other direction, and
/// `Fixtures/make-pytorch-resnet.py`) evaluate here to PyTorch's own logits and accuracy.
struct PyTorchCheckpointTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    struct Expected: Decodable {
        var spec: String
        var test_accuracy: Double
        var test_loss: Double
        var logits: [[Double]]
    }

    /// A small CNN as an `nn.Sequential` (make-pytorch-checkpoint.py), and a ResNet written
    /// as torchvision writes its ResNets, residual blocks and global pooling included
    /// (make-pytorch-resnet.py).
    @Test("PyTorch's checkpoint loads strictly, names its own network, and gives PyTorch's logits, loss and accuracy on the test digits",
          arguments: [("pytorch-digits", true), ("pytorch-resnet-digits", false)])
    func pytorchCheckpoint(fixture: String, wholeTestSet: Bool) throws {
        let expected = try JSONDecoder().decode(Expected.self, from: Data(contentsOf: Self.fixtures.appendingPathComponent("\(fixture).json")))
        let model = try TrainedModel(weights: Self.fixtures.appendingPathComponent("\(fixture).safetensors").path, model: nil, memoryLimit: 1 << 30)
        #expect(model.model.text == expected.spec)
        var network = model.network
        let test = try DatasetFolder(BoundedWorkTests.samples.appendingPathComponent("digits").path).load(.test, maximumValues: 1 << 24)
        let first = try Tensor(shape: [20, 1, 28, 28], scalars: Array(test.pixels[..<(20 * 784)]))
        let logits = try network.forward(first, mode: .evaluation).scalars
        let worst = zip(logits, expected.logits.joined()).map { abs(Double($0) - $1) }.max() ?? .infinity
        #expect(worst < 1e-4, "largest difference from PyTorch's logits: \(worst)")
        // The ResNet's 14 million MACs an image are slow on 1,000 digits in a debug build: its
        // first 20 logits are the check.
        guard wholeTestSet else { return }
        let evaluation = try Evaluation(&network, on: test, classes: 10)
        #expect(abs(evaluation.accuracy - expected.test_accuracy) < 1e-6)  // PyTorch's is a float32; one digit is 1e-3.
        #expect(abs(evaluation.loss - expected.test_loss) < 1e-5)
    }

    @Test("the checkpoint train writes has exactly the tensors, shapes and dtypes of PyTorch's state_dict for the same spec")
    func sameNames() throws {
        let theirs = try SafetensorsFile(reading: Array(try Data(contentsOf: Self.fixtures.appendingPathComponent("pytorch-digits.safetensors"))))
        let spec = try NetworkSpec(parsing: theirs.metadata["spec"]!)
        let ours = Checkpoint.file(of: try Sequential(spec, seed: 1), spec: "")
        #expect(ours.tensors.mapValues(\.shape) == theirs.tensors.mapValues(\.shape))
        #expect(ours.tensors.mapValues(\.dtype) == theirs.tensors.mapValues(\.dtype))
    }
}
