import ConvCore
import Experiments
import Foundation
import Netpbm
import Reporting
import Testing
import Training

/// An init-stats experiment of the given size, on two threads.
func initStats(depth: Int, width: Int, batch: Int, convolution: Bool = false, seed: UInt64) -> InitStatsExperiment {
    var experiment = InitStatsExperiment()
    (experiment.depth, experiment.width, experiment.batch, experiment.convolution, experiment.seed, experiment.threads) = (depth, width, batch, convolution, seed, 2)
    return experiment
}

/// The JSON document of a report, parsed as Foundation reads it.
func parsed(_ report: some Report) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(report.json.serialized().utf8)) as? [String: Any])
}

/// The experiments show what they claim, on settings small enough for a debug build.
struct InitStatsTests {
    @Test("N(0, 1) without activation explodes within a few layers and overflows around layer 32")
    func normalExplodes() throws {
        let experiment = initStats(depth: 40, width: 256, batch: 4, seed: 1)
        let run = try experiment.run(.init(name: "normal", initializer: .normal(mean: 0, standardDeviation: 1), activation: .identity)) { _ in }
        #expect(run.std.count == 40)
        #expect(abs((run.std[0] ?? 0) - 16) < 2)                   // √256 per layer
        #expect((4...7).contains(run.explodedAt ?? 0))              // 16^5 ≈ 10^6
        #expect((30...35).contains(run.nonfiniteAt ?? 0))           // 16^32 ≈ Float.max
        #expect(run.std.last! == nil)
        #expect(run.vanishedAt == nil)
    }

    @Test("Kaiming with ReLU keeps the spread; zeros vanish at once; Xavier with ReLU vanishes slowly")
    func stableAndVanishing() throws {
        let experiment = initStats(depth: 60, width: 64, batch: 16, seed: 2)
        let kaiming = try experiment.run(.init(name: "kaiming", initializer: .kaimingNormal(.relu), activation: .relu)) { _ in }
        #expect(kaiming.std.allSatisfy { ($0 ?? 0) > 0.05 && ($0 ?? .infinity) < 20 })
        #expect(kaiming.explodedAt == nil && kaiming.vanishedAt == nil && kaiming.nonfiniteAt == nil)
        #expect(kaiming.gradientStd.allSatisfy { ($0 ?? 0) > 0.05 && ($0 ?? .infinity) < 20 })
        let zeros = try experiment.run(.init(name: "zeros", initializer: .zeros, activation: .identity)) { _ in }
        #expect(zeros.vanishedAt == 1)
        #expect(zeros.std.allSatisfy { $0 == 0 })
        let xavier = try experiment.run(.init(name: "xavier", initializer: .xavierUniform(gain: 1), activation: .relu)) { _ in }
        #expect((xavier.std.last! ?? 1) < 1e-4)  // (1/√2)^60 of the input's spread
    }

    @Test("the convolutional variant runs with fan_in = C · 9")
    func convolutional() throws {
        let experiment = initStats(depth: 5, width: 4, batch: 2, convolution: true, seed: 3)
        let run = try experiment.run(.init(name: "normal", initializer: .normal(mean: 0, standardDeviation: 1), activation: .identity)) { _ in }
        // Each layer multiplies the spread by about √(C · 9) = 6 (less at the padded borders).
        #expect((3...6.5).contains(run.std[0] ?? 0))
        #expect(run.gradientStd.count == 5)
    }

    @Test("batch norm holds N(0, 1) layers at std 1 where the plain stack explodes, Linear and Conv2D")
    func batchNormResetsScale() throws {
        for (convolution, width, batch) in [(false, 64, 16), (true, 4, 3)] {
            let experiment = initStats(depth: 30, width: width, batch: batch, convolution: convolution, seed: 4)
            let normal = Initializer.normal(mean: 0, standardDeviation: 1)
            let plain = try experiment.run(.init(name: "normal", initializer: normal, activation: .identity)) { _ in }
            let normalized = try experiment.run(.init(name: "normal", initializer: normal, activation: .identity, network: .batchNorm)) { _ in }
            #expect(plain.explodedAt != nil)
            #expect(normalized.std.allSatisfy { abs(($0 ?? 0) - 1) < 1e-3 }, "conv \(convolution): \(normalized.std)")
            #expect(normalized.explodedAt == nil && normalized.vanishedAt == nil)
            #expect(normalized.gradientStd.allSatisfy { $0 != nil })
        }
    }

    @Test("residual blocks are measured every second layer; scaling the branch by 1/√blocks tames the growth")
    func residualGrowth() throws {
        let experiment = initStats(depth: 40, width: 64, batch: 16, seed: 5)
        let residual = try experiment.run(.init(name: "kaiming", initializer: .kaimingNormal(.relu), activation: .relu, network: .residual)) { _ in }
        let scaled = try experiment.run(.init(name: "kaiming", initializer: .kaimingNormal(.relu), activation: .relu, network: .residualScaled)) { _ in }
        #expect(residual.layers == Array(stride(from: 2, through: 40, by: 2)))
        #expect(residual.std.count == 20 && residual.gradientStd.count == 20)
        // Unscaled, each block adds a branch as large as its input: the variance grows about
        // 3× per block (√3 in std). Scaled, it grows by (1 + 2/20) per block: e² in all.
        #expect((residual.std.last! ?? 0) > 1e3)
        #expect((0.5...5).contains(scaled.std.last! ?? 0), "\(scaled.std)")
        #expect((scaled.gradientStd.first! ?? .infinity) < (residual.gradientStd.first! ?? 0) / 100)
    }

    @Test("the JSON has the documented fields, one run per configuration, null for what is never reached or not finite")
    func json() throws {
        var experiment = initStats(depth: 6, width: 8, batch: 4, seed: 1)
        experiment.configurations = InitStatsExperiment.Network.allCases.map {
            .init(name: "normal(std=1)", initializer: .normal(mean: 0, standardDeviation: 1), activation: .identity, network: $0)
        }
        let document = try parsed(try experiment.run { _ in })
        #expect(document["depth"] as? Int == 6 && document["width"] as? Int == 8 && document["batch"] as? Int == 4 && document["seed"] as? Int == 1)
        let runs = try #require(document["runs"] as? [[String: Any]])
        #expect(runs.map { $0["network"] as? String } == ["plain", "batchnorm", "residual", "residual-scaled"])
        #expect(runs.map { $0["layers"] as? [Int] } == [[1, 2, 3, 4, 5, 6], [1, 2, 3, 4, 5, 6], [2, 4, 6], [2, 4, 6]])
        #expect(runs.map { ($0["std"] as? [Any])?.count } == [6, 6, 3, 3])
        #expect(runs.allSatisfy { $0["vanished_at"] is NSNull && $0["activation"] as? String == "none" })
    }
}

struct SymmetryTests {
    @Test("constant init: every hidden unit stays identical and the loss stalls; random init breaks the tie")
    func symmetry() throws {
        var experiment = SymmetryExperiment()
        experiment.steps = 150
        let result = try experiment.run { _ in }
        let (constant, random) = (result.runs[0], result.runs[1])
        #expect((constant.initializer, random.initializer) == ("constant(0.5)", "default"))
        #expect(constant.maxUnitDifference.allSatisfy { $0 == 0 })
        #expect(random.maxUnitDifference.last! > 0.5)
        #expect(random.loss.last! < constant.loss.last! - 0.05)
        #expect(constant.loss.count == 150 && random.maxUnitDifference.count == 150)
        #expect(random.accuracy > constant.accuracy)
    }
}

struct WeightDecayTests {
    @Test("weight decay: the larger λ, the smaller the weights; one value per epoch")
    func weightDecay() throws {
        var experiment = WeightDecayExperiment()
        (experiment.epochs, experiment.width, experiment.testPoints, experiment.lambdas) = (300, 32, 50, [0, 3e-3, 3e-2])
        let runs = try experiment.run { _ in }.runs
        #expect(runs.allSatisfy { $0.trainLoss.count == 300 && $0.testLoss.count == 300 && $0.weightNorm.count == 300 })
        #expect(runs[0].weightNorm.last! > runs[1].weightNorm.last!)
        #expect(runs[1].weightNorm.last! > runs[2].weightNorm.last!)
        // Without decay the network fits the noise better than with it.
        #expect(runs[0].trainLoss.last! < runs[2].trainLoss.last!)
    }
}

struct StabilityTests {
    /// Small enough for a debug build; on these settings the plain network stalls at chance.
    static var small: StabilityExperiment {
        var experiment = StabilityExperiment()
        (experiment.depth, experiment.width, experiment.batch, experiment.steps, experiment.seed, experiment.threads) = (10, 16, 32, 100, 3, 2)
        experiment.variants = [.plain, .clip, .batchNorm, .all, .residual]
        return experiment
    }

    @Test("at a rate too high for it, the plain and residual networks fail where clipping, batch norm and all three train")
    func remediesTrain() throws {
        let experiment = Self.small
        let chance = Foundation.log(4.0)
        var runs = try experiment.run { _ in }.runs
        #expect(runs.map(\.variant) == experiment.variants)
        let (plain, residual) = (runs[0], runs.removeLast())
        #expect(plain.divergedAt != nil || (plain.finalLoss ?? .infinity) > chance - 0.05, "plain: \(String(describing: plain.finalLoss))")
        for run in runs.dropFirst() {
            #expect(run.divergedAt == nil)
            #expect((run.finalLoss ?? .infinity) < 0.6 * chance, "\(run.variant): final loss \(String(describing: run.finalLoss))")
            #expect((run.accuracy ?? 0) > 0.7, "\(run.variant): accuracy \(String(describing: run.accuracy))")
            #expect(run.loss.count == experiment.steps && run.gradientNorm.count == experiment.steps)
        }
        #expect(runs.allSatisfy { abs(($0.loss[0] ?? 0) - chance) < 1e-6 })  // the output layer starts at zero
        // Nothing bounds the residual network's step: at this rate it diverges, and early.
        #expect((residual.divergedAt ?? .max) < 20 && residual.accuracy == nil && residual.finalLoss == nil)
        #expect(residual.loss.count == experiment.steps && residual.loss.last! == nil)
    }

    @Test("the JSON has every variant, one loss and gradient norm per step, null after a divergence")
    func json() throws {
        var experiment = StabilityExperiment()
        (experiment.depth, experiment.width, experiment.steps, experiment.learningRate, experiment.threads) = (6, 8, 12, 1000, 2)
        let document = try parsed(try experiment.run { _ in })
        let runs = try #require(document["runs"] as? [[String: Any]])
        #expect(runs.map { $0["variant"] as? String } == ["plain", "clip", "batchnorm", "residual", "all"])
        #expect(runs.allSatisfy { ($0["loss"] as? [Any])?.count == 12 && ($0["grad_norm"] as? [Any])?.count == 12 })
        let plain = runs[0]
        let divergedAt = try #require(plain["diverged_at"] as? Int)
        let loss = try #require(plain["loss"] as? [Any]), norm = try #require(plain["grad_norm"] as? [Any])
        #expect(loss[divergedAt...].allSatisfy { $0 is NSNull } && norm[divergedAt...].allSatisfy { $0 is NSNull })
        #expect(loss[..<(divergedAt - 1)].allSatisfy { $0 is Double })
        #expect(plain["accuracy"] is NSNull && plain["final_loss"] is NSNull)
    }
}

struct FeatureMapExperimentTests {
    /// A fresh empty directory, removed by the caller's `defer`.
    private func scratch() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("conv-demo-fm-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Samples")

    @Test("the bank on the sample photograph: every file written at once, the JSON as documented")
    func bank() throws {
        let directory = try scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        var experiment = FeatureMapExperiment()
        experiment.image = Self.samples.appendingPathComponent("camera.pgm").path
        experiment.output = directory.appendingPathComponent("maps").path
        experiment.threads = 2
        let result = try experiment.run { _ in }
        #expect(result.maps.maps.map(\.name) == KernelBank.names)
        let document = try parsed(result)
        #expect(document["input"] as? [String: Int] == ["width": 512, "height": 512, "channels": 1])
        let maps = try #require(document["maps"] as? [[String: Any]])
        #expect(maps.allSatisfy { $0["width"] as? Int == 510 && $0["height"] as? Int == 510 })
        #expect(maps.first?["pfm"] as? String == experiment.output + "/identity.pfm")
        let written = try FileManager.default.contentsOfDirectory(atPath: experiment.output).sorted()
        #expect(written.count == 11 * 3 + 2 + 1 + 1 && written.contains("sheet.ppm") && written.contains("sheet.png") && written.contains("index.html"))
        #expect(written.contains("sobel-x.png") && written.contains("identity.png"))
        #expect(written.filter { $0.hasPrefix(".") } == [OutputDirectory.marker])
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["maps"])
        let sobel = try NetpbmImage(reading: Array(try Data(contentsOf: URL(fileURLWithPath: experiment.output + "/sobel-x.pfm"))))
        #expect((sobel.kind, sobel.width, sobel.height) == (.floatmap, 510, 510))
        #expect(sobel.samples == .floats(result.maps.maps[4].values))
        let html = try String(contentsOf: URL(fileURLWithPath: experiment.output + "/index.html"), encoding: .utf8)
        #expect(html.contains("<img src=\"data:image/png;base64,"))
        #expect(html.contains("⌊(512 + 2·0 − 1·(3 − 1) − 1) / 1⌋ + 1 = ⌊509 / 1⌋ + 1 = 510"))
    }

    @Test("identity with padding same reproduces the image exactly: sample / maxval")
    func identity() throws {
        let directory = try scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        var experiment = FeatureMapExperiment()
        experiment.image = Self.samples.appendingPathComponent("camera.pgm").path
        (experiment.kernels, experiment.padding, experiment.output) = (["identity"], .same, directory.appendingPathComponent("maps").path)
        let result = try experiment.run { _ in }
        let input = try NetpbmImage(reading: Array(try Data(contentsOf: URL(fileURLWithPath: experiment.image!))))
        let map = try NetpbmImage(reading: Array(try Data(contentsOf: URL(fileURLWithPath: experiment.output + "/identity.pfm"))))
        #expect(map.samples == .floats(input.unitValues))
        #expect(result.text.contains("identity  512×512"))
    }

    @Test("a failure leaves nothing behind: a kernel that does not fit is found before any file is written")
    func failureLeavesNothing() throws {
        let directory = try scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data("P2\n2 2\n9\n1 2 3 4\n".utf8).write(to: directory.appendingPathComponent("tiny.pgm"))
        var experiment = FeatureMapExperiment()
        (experiment.image, experiment.output) = (directory.appendingPathComponent("tiny.pgm").path, directory.appendingPathComponent("maps").path)
        #expect(throws: UserError(.usage, "kernel 3×3 on the 2×2 image: kernel height 3 is larger than the input height 2")) {
            try experiment.run { _ in }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["tiny.pgm"])
    }
}
