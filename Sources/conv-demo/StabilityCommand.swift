import ArgumentParsing
import Foundation
import ConvCore
import Experiments
import Reporting

/// `conv-demo stability`: the remedies for exploding and vanishing gradients at work. One
/// deep MLP, one task, one learning rate too high for it: plain, with gradient clipping,
/// with batch normalization, with residual connections, and with all three.
struct StabilityCommand: Command {
    static let spec = CommandSpec(
        program: program, path: ["stability"],
        abstract: "Train a deep MLP plain, with gradient clipping, batch norm, residual blocks and all three; see which survive.",
        discussion: """
            A --depth-layer ReLU MLP (16 → --width → … → 4, weights from --init, zero biases) learns
            a synthetic 4-class task made from the seed (16-D points around 8 random centres, two per
            class) by SGD on mini-batches of --batch, cross-entropy, for --steps steps at --lr. Each
            variant starts from the same weights and sees the same batches:

              plain      the network as it is
              clip       gradients clipped to a global norm of --max-norm before each step
              batchnorm  a batch norm between every hidden layer and its ReLU
              residual   the hidden layers in blocks y = x + W₂·relu(W₁x), W₂ scaled by 1/√blocks
              all        residual blocks with batch norm, and clipping

            Prints every --every steps the mini-batch loss and the global gradient norm before
            clipping, then the loss over the training set, the accuracy on 2048 fresh test points,
            and the first step whose loss or gradient norm is not finite, or whose update leaves a
            weight that is not (training stops there).
            Chance is a loss of ln 4 = 1.386 and an accuracy of 25%.
            """,
        options: [
            OptionSpec(name: "--depth", valueName: "N", help: "Linear layers, input and output layers included, 3…1000 (default: 30); even\nfor the residual variants."),
            OptionSpec(name: "--width", valueName: "N", help: "Units per hidden layer, 1…4096 (default: 64)."),
            OptionSpec(name: "--lr", valueName: "RATE", help: "Learning rate (default: 0.5)."),
            OptionSpec(name: "--steps", valueName: "N", help: "Training steps, 1…1000000 (default: 400)."),
            OptionSpec(name: "--batch", valueName: "B", help: "Examples per step, 2…65536 (default: 64)."),
            OptionSpec(name: "--max-norm", valueName: "C", help: "The global gradient norm clipping allows (default: 1)."),
            OptionSpec(name: "--init", valueName: "SCHEME", help: "Weights of the hidden layers: \(InitScheme.names) (default: kaiming-normal);\nxavier-* and kaiming-* with the gain of the activation after the layer (ReLU: √2),\nconstant 0.1, uniform U(−1, 1). The output layer starts at zero."),
            OptionSpec(name: "--variants", valueName: "V,V,...", help: "Which to train: \(StabilityExperiment.Variant.allCases.map(\.rawValue).joined(separator: ", ")) (default: all five)."),
            OptionSpec(name: "--seed", valueName: "S", help: "Seed of the task, the weights and the batches (default: 1)."),
            OptionSpec(name: "--every", valueName: "K", help: "Print every K-th step (default: steps/10)."),
        ] + OptionSpec.plot + [.memoryLimit, 
            .threads("Variants trained at once, 1…256 (default: all cores)."),
            OptionSpec(name: "--json", help: "Print one JSON document: {\"runs\":[{\"variant\",\"loss\":[…],\"grad_norm\":[…],\n\"final_loss\",\"accuracy\",\"diverged_at\"}]}."),
        ],
        make: { try StabilityCommand(parsing: $0) })

    var experiment = StabilityExperiment()
    var json: Bool

    init(parsing arguments: ParsedArguments) throws {
        experiment.depth = try arguments.integer("--depth", in: 3...1000) ?? experiment.depth
        experiment.width = try arguments.integer("--width", in: 1...4096) ?? experiment.width
        experiment.learningRate = try arguments.positiveFloat("--lr") ?? experiment.learningRate
        experiment.steps = try arguments.integer("--steps", in: 1...1_000_000) ?? experiment.steps
        experiment.batch = try arguments.integer("--batch", in: 2...65536) ?? experiment.batch
        experiment.maxNorm = try arguments.positiveFloat("--max-norm") ?? experiment.maxNorm
        experiment.initialization = try arguments.choice("--init", from: InitScheme.allCases.map(\.rawValue)).flatMap(InitScheme.init) ?? experiment.initialization
        experiment.seed = try arguments.integer("--seed", in: 0...Int.max).map(UInt64.init) ?? experiment.seed
        let variants = try arguments.string("--variants").map { text in
            try text.split(separator: ",", omittingEmptySubsequences: false).map { name in
                guard let variant = StabilityExperiment.Variant(rawValue: name.trimmingCharacters(in: .whitespaces)) else {
                    throw arguments.error("--variants: '\(name)' is not one of \(StabilityExperiment.Variant.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                return variant
            }
        } ?? StabilityExperiment.Variant.allCases
        experiment.variants = variants
        experiment.threads = try arguments.threads() ?? experiment.threads
        experiment.memoryLimit = try arguments.memoryLimit()
        try experiment.validate()
        experiment.every = try arguments.integer("--every", in: 1...Int.max) ?? max(1, experiment.steps / 10)
        experiment.plotFile = try arguments.plotPath()
        json = arguments.flag("--json")
    }

    func run() throws {
        let progress = Progress()
        let result = try experiment.run { progress.update($0) }
        progress.clear()
        try finish(result, chart: result.chart, plot: experiment.plotFile, json: json)
    }
}
