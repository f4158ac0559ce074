import ConvCore
import Foundation
import Testing

@testable import conv_demo

/// The experiments show what they claim, on settings small enough for a debug build.
struct ExperimentTests {
    @Test("N(0, 1) without activation explodes within a few layers and overflows around layer 32")
    func normalExplodes() throws {
        let experiment = InitStatsExperiment(depth: 40, width: 256, batch: 4, convolution: false, seed: 1, threads: 2)
        let run = try experiment.run(.normal(mean: 0, standardDeviation: 1), named: "normal", activation: .none) { _ in }
        #expect(run.std.count == 40)
        #expect(abs((run.std[0] ?? 0) - 16) < 2)                   // √256 per layer
        #expect((4...7).contains(run.explodedAt ?? 0))              // 16^5 ≈ 10^6
        #expect((30...35).contains(run.nonfiniteAt ?? 0))           // 16^32 ≈ Float.max
        #expect(run.std.last! == nil)
        #expect(run.vanishedAt == nil)
    }

    @Test("Kaiming with ReLU keeps the spread; zeros vanish at once; Xavier with ReLU vanishes slowly")
    func stableAndVanishing() throws {
        let experiment = InitStatsExperiment(depth: 60, width: 64, batch: 16, convolution: false, seed: 2, threads: 2)
        let kaiming = try experiment.run(.kaimingNormal(.relu), named: "kaiming", activation: .relu) { _ in }
        #expect(kaiming.std.allSatisfy { ($0 ?? 0) > 0.05 && ($0 ?? .infinity) < 20 })
        #expect(kaiming.explodedAt == nil && kaiming.vanishedAt == nil && kaiming.nonfiniteAt == nil)
        #expect(kaiming.gradientStd.allSatisfy { ($0 ?? 0) > 0.05 && ($0 ?? .infinity) < 20 })
        let zeros = try experiment.run(.zeros, named: "zeros", activation: .none) { _ in }
        #expect(zeros.vanishedAt == 1)
        #expect(zeros.std.allSatisfy { $0 == 0 })
        let xavier = try experiment.run(.xavierUniform(gain: 1), named: "xavier", activation: .relu) { _ in }
        #expect((xavier.std.last! ?? 1) < 1e-4)  // (1/√2)^60 of the input's spread
    }

    @Test("the convolutional variant runs with fan_in = C · 9")
    func convolutional() throws {
        let experiment = InitStatsExperiment(depth: 5, width: 4, batch: 2, convolution: true, seed: 3, threads: 2)
        let run = try experiment.run(.normal(mean: 0, standardDeviation: 1), named: "normal", activation: .none) { _ in }
        // Each layer multiplies the spread by about √(C · 9) = 6 (less at the padded borders).
        #expect((3...6.5).contains(run.std[0] ?? 0))
        #expect(run.gradientStd.count == 5)
    }

    @Test("constant init: every hidden unit stays identical and the loss stalls; random init breaks the tie")
    func symmetry() throws {
        var experiment = SymmetryExperiment()
        experiment.steps = 150
        let constant = try experiment.run(weights: .constant(0.5), biases: .zeros, named: "constant") { _ in }
        let random = try experiment.run(weights: .frameworkDefault, biases: .frameworkDefault, named: "default") { _ in }
        #expect(constant.maxUnitDifference.allSatisfy { $0 == 0 })
        #expect(random.maxUnitDifference.last! > 0.5)
        #expect(random.loss.last! < constant.loss.last! - 0.05)
        #expect(constant.loss.count == 150)
    }

    @Test("weight decay: the larger λ, the smaller the weights")
    func weightDecay() throws {
        var experiment = WeightDecayExperiment()
        experiment.epochs = 300
        experiment.width = 32
        experiment.testPoints = 50
        let runs = try [0, 3e-3, 3e-2].map { try experiment.run(lambda: $0) { _ in } }
        #expect(runs.allSatisfy { $0.trainLoss.count == 300 && $0.testLoss.count == 300 && $0.weightNorm.count == 300 })
        #expect(runs[0].weightNorm.last! > runs[1].weightNorm.last!)
        #expect(runs[1].weightNorm.last! > runs[2].weightNorm.last!)
    }

    @Test("batch norm holds N(0, 1) layers at std 1 where the plain stack explodes, Linear and Conv2D")
    func batchNormResetsScale() throws {
        for (convolution, width, batch) in [(false, 64, 16), (true, 4, 3)] {
            let experiment = InitStatsExperiment(depth: 30, width: width, batch: batch, convolution: convolution, seed: 4, threads: 2)
            let plain = try experiment.run(.normal(mean: 0, standardDeviation: 1), named: "normal", activation: .none) { _ in }
            let normalized = try experiment.run(.normal(mean: 0, standardDeviation: 1), named: "normal", activation: .none, network: .batchNorm) { _ in }
            #expect(plain.explodedAt != nil)
            #expect(normalized.std.allSatisfy { abs(($0 ?? 0) - 1) < 1e-3 }, "conv \(convolution): \(normalized.std)")
            #expect(normalized.explodedAt == nil && normalized.vanishedAt == nil)
            #expect(normalized.gradientStd.allSatisfy { $0 != nil })
        }
    }

    @Test("residual blocks are measured every second layer; scaling the branch by 1/√blocks tames the growth")
    func residualGrowth() throws {
        let experiment = InitStatsExperiment(depth: 40, width: 64, batch: 16, convolution: false, seed: 5, threads: 2)
        let residual = try experiment.run(.kaimingNormal(.relu), named: "kaiming", activation: .relu, network: .residual) { _ in }
        let scaled = try experiment.run(.kaimingNormal(.relu), named: "kaiming", activation: .relu, network: .residualScaled) { _ in }
        #expect(residual.layers == Array(stride(from: 2, through: 40, by: 2)))
        #expect(residual.std.count == 20 && residual.gradientStd.count == 20)
        // Unscaled, each block adds a branch as large as its input: the variance grows about
        // 3× per block (√3 in std). Scaled, it grows by (1 + 2/20) per block: e² in all.
        #expect((residual.std.last! ?? 0) > 1e3)
        #expect((0.5...5).contains(scaled.std.last! ?? 0), "\(scaled.std)")
        #expect((scaled.gradientStd.first! ?? .infinity) < (residual.gradientStd.first! ?? 0) / 100)
    }

    @Test("init-stats --json: the documented fields, null for what is never reached or not finite")
    func initStatsJSON() throws {
        let result = try runBuiltBinary(["init-stats", "--init", "normal", "--depth", "36", "--width", "256", "--batch", "2", "--no-svg", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let run = try #require((document["runs"] as? [[String: Any]])?.first)
        #expect(run["init"] as? String == "normal(std=1)")
        #expect(run["activation"] as? String == "none")
        let std = try #require(run["std"] as? [Any])
        #expect(std.count == 36)
        #expect(std.last is NSNull)
        #expect(run["vanished_at"] is NSNull)
        #expect((run["nonfinite_at"] as? Int).map { (30...35).contains($0) } == true)
    }

    @Test("init-stats --batchnorm --residual --json: a run per network, each with the layers it was measured at")
    func initStatsNetworksJSON() throws {
        let result = try runBuiltBinary(["init-stats", "--batchnorm", "--residual", "--depth", "6", "--width", "8", "--batch", "4", "--no-svg", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let runs = try #require((try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])?["runs"] as? [[String: Any]])
        #expect(runs.map { $0["network"] as? String } == ["plain", "batchnorm", "residual", "residual-scaled"])
        #expect(runs.map { $0["init"] as? String } == Array(repeating: "normal(std=1)", count: 4))
        #expect(runs.map { $0["layers"] as? [Int] } == [[1, 2, 3, 4, 5, 6], [1, 2, 3, 4, 5, 6], [2, 4, 6], [2, 4, 6]])
        #expect(runs.map { ($0["std"] as? [Any])?.count } == [6, 6, 3, 3])
    }

    @Test("stability --json: every variant, one loss and gradient norm per step, null after divergence")
    func stabilityJSON() throws {
        let result = try runBuiltBinary(["stability", "--depth", "6", "--width", "8", "--steps", "12", "--lr", "1000", "--no-svg", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let runs = try #require(document["runs"] as? [[String: Any]])
        #expect(runs.map { $0["variant"] as? String } == ["plain", "clip", "batchnorm", "residual", "all"])
        #expect(runs.allSatisfy { ($0["loss"] as? [Any])?.count == 12 && ($0["grad_norm"] as? [Any])?.count == 12 })
        let plain = runs[0]
        let divergedAt = try #require(plain["diverged_at"] as? Int)
        let loss = try #require(plain["loss"] as? [Any]), norm = try #require(plain["grad_norm"] as? [Any])
        #expect(loss[divergedAt...].allSatisfy { $0 is NSNull } && norm[divergedAt...].allSatisfy { $0 is NSNull })
        #expect(loss[..<(divergedAt - 1)].allSatisfy { $0 is Double })
        #expect(plain["accuracy"] is NSNull && plain["final_loss"] is NSNull)
        // The output layer starts at zero: every variant's first loss is ln 4.
        #expect(runs.allSatisfy { abs((($0["loss"] as? [Any])?.first as? Double ?? 0) - Foundation.log(4.0)) < 1e-6 })
    }

    @Test("the experiments write their SVG plot atomically, and refuse nonsense before any work", arguments: [
        (["init-stats", "--std", "2"], Int32(64), "error: --std goes with --init"),
        (["init-stats", "--init", "zeros", "--gain", "2"], 64, "error: --gain is for xavier-* and kaiming-* initializers"),
        (["init-stats", "--init", "normal", "--std", "-1"], 64, "error: --std: '-1' is not a number ≥ 0"),
        (["init-stats", "--depth", "10000", "--width", "65536", "--batch", "65536"], 64, "error: --depth 10000, --batch 65536 and --width 65536 would keep"),
        (["init-stats", "--residual", "--depth", "7"], 64, "error: --residual needs an even --depth"),
        (["init-stats", "--batchnorm", "--batch", "1"], 64, "error: --batchnorm needs --batch 2 or more"),
        (["init-stats", "--width", "65536", "--depth", "1", "--batch", "1"], 64, "error: --depth 1, --batch 1 and --width 65536 would keep 68.7 GB"),
        (["init-stats", "--activation", "relu"], 64, "error: --activation goes with --init, --batchnorm or --residual"),
        (["stability", "--depth", "7"], 64, "error: --depth 7: the residual variants pair the 5 hidden layers into blocks"),
        (["stability", "--variants", "plain,bogus"], 64, "error: --variants: 'bogus' is not one of plain, clip, batchnorm, residual, all"),
        (["stability", "--lr", "0"], 64, "error: --lr: '0' must be above 0"),
        (["stability", "--variants", "all,clip,all"], 64, "error: --variants: 'all' is given twice"),
        (["stability", "--width", "4096", "--batch", "65536", "--depth", "1000"], 64, "error: --depth 1000, --batch 65536 and --width 4096 would keep"),
        (["stability", "--steps", "2", "--depth", "4", "--svg", "/no/such/dir/plot.svg"], 73, "error: cannot write '/no/such/dir/plot.svg'"),
        (["symmetry", "--lr", "0"], 64, "error: --lr: '0' must be above 0"),
        (["weight-decay", "--lambda", "0,-1"], 64, "error: --lambda: '-1' is not a number ≥ 0"),
        (["weight-decay", "--svg", "/no/such/dir/plot.svg", "--epochs", "2"], 73, "error: cannot write '/no/such/dir/plot.svg'"),
    ])
    func errors(arguments: [String], status: Int32, prefix: String) throws {
        let result = try runBuiltBinary(arguments)
        #expect(result.status == status)
        #expect(result.stderr.hasPrefix(prefix), "\(result.stderr)")
    }

    @Test("symmetry and weight-decay write a plot and JSON with one value per step or epoch")
    func plotsAndJSON() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("conv-demo-exp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let symmetry = try runBuiltBinary(["symmetry", "--steps", "20", "--json"], in: directory)
        #expect(symmetry.status == 0)
        let runs = try #require((try JSONSerialization.jsonObject(with: Data(symmetry.stdout.utf8)) as? [String: Any])?["runs"] as? [[String: Any]])
        #expect(runs.map { ($0["loss"] as? [Any])?.count } == [20, 20])
        #expect(runs.map { ($0["max_unit_diff"] as? [Any])?.count } == [20, 20])
        let decay = try runBuiltBinary(["weight-decay", "--epochs", "15", "--width", "8", "--json"], in: directory)
        #expect(decay.status == 0)
        let decayRuns = try #require((try JSONSerialization.jsonObject(with: Data(decay.stdout.utf8)) as? [String: Any])?["runs"] as? [[String: Any]])
        #expect(decayRuns.map { $0["lambda"] as? Double } == [0, 0.0003, 0.003])
        #expect(decayRuns.allSatisfy { ($0["weight_norm"] as? [Any])?.count == 15 })
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        #expect(files == ["symmetry.svg", "weight-decay.svg"])
        let svg = try String(contentsOf: directory.appendingPathComponent("symmetry.svg"), encoding: .utf8)
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(svg.contains("<polyline"))
    }
}

struct StabilityTests {
    /// Small enough for a debug build; on these settings the plain network stalls at chance.
    static var small: StabilityExperiment {
        var experiment = StabilityExperiment()
        (experiment.depth, experiment.width, experiment.batch, experiment.steps, experiment.seed) = (10, 16, 32, 100, 3)
        return experiment
    }

    @Test("at a rate too high for it, the plain and residual networks fail where clipping, batch norm and all three train")
    func remediesTrain() throws {
        let experiment = Self.small
        let data = experiment.data()
        let chance = Foundation.log(4.0)
        var runs = try parallelMap([StabilityExperiment.Variant.plain, .clip, .batchNorm, .all, .residual], threads: 2) { try experiment.run($0, on: data) { _ in } }
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
}

struct SVGChartTests {
    @Test("a series measured every second step spans as far as one of twice as many values")
    func xStep() {
        let chart = SVGChart(title: "t", panels: [SVGChart.Panel(title: "p", xLabel: "x", yLabel: "y", logarithmic: false, series: [
            SVGChart.Series(name: "every step", values: [1, 2, 3, 4, 5, 6]),
            SVGChart.Series(name: "every second step", values: [2, 4, 6], xStep: 2),
        ])])
        let lines = chart.svg.split(separator: "\n").filter { $0.contains("<polyline") }
        #expect(lines.count == 2)
        func points(_ line: Substring) -> [Substring] { line.split(separator: "\"").first { $0.contains(",") && !$0.contains("url") }!.split(separator: " ") }
        let (first, second) = (points(lines[0]), points(lines[1]))
        #expect(first.count == 6 && second.count == 3)
        // The same points: the second series' values are those of the first at steps 2, 4, 6.
        #expect(second == [first[1], first[3], first[5]])
    }
}
