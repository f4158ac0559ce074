import ConvCore
@testable import Experiments
import Foundation
import Reporting
import Testing
import Training

struct SharingTests {
    /// A small image folder, two classes of 28×28 PGMs (a bar across or down, at several
    /// places), 12 training and 6 test images: enough to train on in a debug build.
    static func bars() throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("conv-demo-sharing-\(UUID().uuidString)")
        for (split, places) in [("train", 4..<10), ("test", 10..<13)] {
            for (name, across) in [("across", true), ("down", false)] {
                let folder = root.appendingPathComponent("\(split)/\(name)")
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                for place in places {
                    var pixels = [UInt8](repeating: 0, count: 28 * 28)
                    for i in 0..<28 { pixels[across ? (2 * place) * 28 + i : i * 28 + 2 * place] = 255 }
                    try Data(Array("P5\n28 28\n255\n".utf8) + pixels).write(to: folder.appendingPathComponent("\(place).pgm"))
                }
            }
        }
        return root
    }

    func experiment(_ data: URL) throws -> SharingExperiment {
        var experiment = try SharingExperiment(data: try DataSource(data.path))
        (experiment.variants, experiment.training.epochs, experiment.training.batch, experiment.shifts, experiment.seeds) = ([.conv, .local], 2, 4, [0, 2], 2)
        return experiment
    }

    @Test("each variant and seed is one run of train with the same settings; a shift of 0 is the test set itself")
    func runs() throws {
        let data = try Self.bars()
        defer { try? FileManager.default.removeItem(at: data) }
        let experiment = try experiment(data)
        let result = try experiment.run { _ in }
        #expect(result.runs.map(\.variant) == [.conv, .local, .conv, .local])
        #expect(result.runs.map(\.seed) == [1, 1, 2, 2])
        #expect(result.runs.map(\.parameters) == [61_706, 423_038, 61_706, 423_038])
        #expect(result.trainImages == 12 && result.testImages == 6)
        for run in result.runs {
            #expect(run.shifted.map { [$0.dx, $0.dy] } == [[0, 0], [2, 0], [0, 2], [2, 2]])
            #expect(run.shifted[0].accuracy == run.test.accuracy)
            #expect(run.shifted.allSatisfy { (0...1).contains($0.accuracy) })
        }
        #expect(result.runs[0].test.loss != result.runs[2].test.loss, "another seed, another network")

        // The conv run is `train` of lenet5-28 with the same settings.
        var train = TrainExperiment(model: try ModelSource.sample("lenet5-28"), data: experiment.training.data)
        (train.epochs, train.batch, train.seed) = (2, 4, 2)
        let trained = try train.run { _ in }
        #expect(trained.epochs[1].test.loss == result.runs[2].test.loss)
        #expect(trained.epochs[1].train.accuracy == result.runs[2].train.accuracy)

        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.json.serialized().utf8)) as? [String: Any])
        #expect(Set(document.keys) == ["data", "settings", "runs"])
        let runs = try #require(document["runs"] as? [[String: Any]])
        #expect(Set(runs[0].keys) == ["variant", "model", "seed", "params", "train_accuracy", "train_loss", "test_accuracy", "test_loss", "seconds", "shifted"])
        #expect((runs[1]["shifted"] as? [[String: Any]])?.count == 4)
        #expect(result.text.contains("(") && result.text.contains("–"), "two seeds: means and ranges")
        #expect(result.chart.panels.count == 2)

        // The kernel page: conv shows the same kernels at every position, local its own at each.
        let conv = try #require(result.runs[0].firstLayer), local = try #require(result.runs[1].firstLayer)
        #expect(conv.positions.map { [$0.x, $0.y] } == [[4, 4], [14, 14], [23, 23]])
        #expect(conv.pictures[0].map(\.weights) == conv.pictures[2].map(\.weights) && conv.pictures[0].count == 6)
        #expect(local.pictures[0].map(\.weights) != local.pictures[2].map(\.weights))
        #expect(local.pictures[1].allSatisfy { $0.width == 5 && $0.height == 5 && $0.weights.count == 25 })
        let page = SharingKernelPage(result).html
        #expect(page.components(separatedBy: "data:image/png;base64,").count - 1 == 2 * 3 * 6)
    }

    @Test("a fully-connected first layer before reshape shows, per position and channel, its unit's weights over the whole input")
    func fullyConnectedFirstLayer() throws {
        let network = try Sequential(NetworkSpec(parsing: "input 7x7; flatten; fc 98; reshape 7x7x2; relu; flatten; fc 3"), seed: 5)
        let layer = try #require(FirstLayerWeights(network, input: Size2D(7)))
        #expect(layer.positions.map { [$0.x, $0.y] } == [[1, 1], [3, 3], [5, 5]])
        let weight = try #require(network.modules[1] as? Linear).weight.scalars
        for (position, pictures) in zip(layer.positions, layer.pictures) {
            for (channel, picture) in pictures.enumerated() {
                let unit = channel * 49 + position.y * 7 + position.x
                #expect(picture.width == 7 && picture.height == 7 && picture.weights == Array(weight[(unit * 49)..<((unit + 1) * 49)]))
            }
        }
        #expect(FirstLayerWeights(try Sequential(NetworkSpec(parsing: "input 7x7x3; conv 2 k=3; flatten; fc 3"), seed: 5), input: Size2D(7)) == nil)
    }
}
