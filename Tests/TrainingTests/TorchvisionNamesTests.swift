import ConvCore
import Foundation
import Testing
import Training

/// A sample written with torchvision's names makes a checkpoint with the tensors of the
/// torchvision model's `state_dict()`: the same names, the same shapes, nothing missing
/// and nothing more (`Tests/ConvCoreTests/Fixtures/torchvision-models.json`).
struct TorchvisionNamesTests {
    struct Fixture: Decodable {
        struct Model: Decodable { let state_dict: [[Entry]] }
        enum Entry: Decodable {
            case text(String), shape([Int])
            init(from decoder: Decoder) throws {
                let container = try decoder.singleValueContainer()
                if let text = try? container.decode(String.self) { self = .text(text) } else { self = .shape(try container.decode([Int].self)) }
            }
        }
        let models: [String: Model]
    }

    // AlexNet and VGG-16 (61 and 138 million weights) are left to TorchvisionTotalsTests,
    // which checks their names without drawing the weights.
    @Test("the checkpoint's tensors are torchvision's state_dict, name by name and shape by shape",
          arguments: [("resnet18", "resnet18"), ("resnet50", "resnet50"), ("mobilenetv2", "mobilenet_v2")])
    func stateDict(sample: String, torchvision: String) throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let fixture = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: root.appendingPathComponent("Tests/ConvCoreTests/Fixtures/torchvision-models.json")))
        var expected: [String: [Int]] = [:]
        for entry in try #require(fixture.models[torchvision]).state_dict {
            guard case .text(let name) = entry[0], case .shape(let shape) = entry[1] else { Issue.record("a malformed entry"); return }
            expected[name] = shape
        }
        let text = try String(contentsOf: root.appendingPathComponent("Samples/models/\(sample).txt"), encoding: .utf8)
        // Zero weights: only names and shapes matter here, and drawing 25 million is slow in a debug build.
        let file = Checkpoint.file(of: try Sequential(try NetworkSpec(parsing: text), weights: .zeros, seed: 1), spec: text)
        #expect(file.tensors.mapValues(\.shape) == expected)
    }
}
