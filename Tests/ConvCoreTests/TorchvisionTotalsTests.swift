import Foundation
import Testing

@testable import ConvCore

/// The samples written as torchvision builds its networks, against what torchvision and
/// torchinfo 1.8 say of them (`Fixtures/torchvision-models.json`, made by
/// `Fixtures/make-torchvision-fixtures.py`, which no test runs).
struct TorchvisionTotalsTests {
    struct Fixture: Decodable {
        struct Model: Decodable {
            let state_dict: [Entry]
            let total_params: Int
            let trainable_params: Int
            let non_trainable_params: Int
            let weight_mult_adds_without_bias: Int
            let summary: [String: Summary]
        }
        struct Summary: Decodable {
            let total_mult_adds: Int
            let total_output_bytes: Int
            let total_param_bytes: Int
        }
        /// [name, shape, "parameter" or "buffer"].
        struct Entry: Decodable {
            let name: String
            let shape: [Int]
            let kind: String

            init(from decoder: Decoder) throws {
                var container = try decoder.unkeyedContainer()
                (name, shape, kind) = (try container.decode(String.self), try container.decode([Int].self), try container.decode(String.self))
            }
        }
        let models: [String: Model]
    }

    static let fixture: Fixture = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/torchvision-models.json")
        return try! JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }()

    /// Sample name → torchvision's.
    static let samples = [("resnet18", "resnet18"), ("resnet50", "resnet50"), ("mobilenetv2", "mobilenet_v2"), ("alexnet", "alexnet"), ("vgg16", "vgg16")]

    private func summary(_ sample: String) throws -> NetworkSummary {
        let text = try String(contentsOf: NetworkSummaryTests.models.appendingPathComponent("\(sample).txt"), encoding: .utf8)
        return try NetworkSummary(NetworkSpec(parsing: text))
    }

    @Test("parameters, torchinfo's mult-adds with and without the bias, its parameter size and buffers", arguments: samples)
    func totals(sample: String, torchvision: String) throws {
        let model = try #require(Self.fixture.models[torchvision])
        let summary = try summary(sample)
        #expect(summary.totalParameters == model.total_params)
        #expect(model.trainable_params == model.total_params && model.non_trainable_params == 0)
        #expect(summary.totalMACs == model.weight_mult_adds_without_bias)
        for (batch, torchinfo) in model.summary {
            let images = try #require(Int(batch))
            #expect(summary.totalMACsWithBias * images == torchinfo.total_mult_adds, "batch \(images)")
            #expect(summary.parameterBytes == torchinfo.total_param_bytes)
        }
        // Running mean and variance: the buffers of the state dict, less one batch counter per norm.
        let buffers = model.state_dict.filter { $0.kind == "buffer" && !$0.name.hasSuffix("num_batches_tracked") }
        #expect(summary.buffers == buffers.reduce(0) { $0 + $1.shape.reduce(1, *) })
    }

    @Test("torchinfo's forward/backward size: the outputs of layers with parameters, and their gradients", arguments: samples)
    func torchinfoForwardBackward(sample: String, torchvision: String) throws {
        let model = try #require(Self.fixture.models[torchvision])
        let summary = try summary(sample)
        let outputs = try summary.layers.filter { $0.count.parameters > 0 }.reduce(0) { $0 + (try $1.output.elements()) }
        for (batch, torchinfo) in model.summary {
            #expect(2 * 4 * outputs * Int(batch)! == torchinfo.total_output_bytes, "batch \(batch)")
        }
    }

    @Test("every layer with parameters is named as torchvision names its module", arguments: samples)
    func names(sample: String, torchvision: String) throws {
        let model = try #require(Self.fixture.models[torchvision])
        let modules = Set(model.state_dict.filter { $0.kind == "parameter" }.map { String($0.name[..<$0.name.lastIndex(of: ".")!]) })
        let named = Set(try summary(sample).layers.filter { $0.count.parameters > 0 }.map(\.name))
        #expect(named == modules)
    }
}
