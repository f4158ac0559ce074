import ConvCore
import Foundation
import Safetensors
import SeededRandom
import Testing
import Training
import _TestSupport

/// Networks with blocks, made from specs: residual blocks with a shortcut and layers after
/// the sum, nested groups, their names in checkpoints, and their gradients.
struct ResidualNetworkTests {
    static let spec = """
        input 8x8x2
        conv1: conv 4 k=3 p=1 bias=false
        bn1: batchnorm
        relu
        layer1: sequential
          residual
            conv1: conv 6 k=3 s=2 p=1 bias=false
            bn1: batchnorm
            relu
            conv2: conv 6 k=3 p=1
          downsample: shortcut
            conv 6 k=1 s=2 bias=false
            batchnorm
          then
            relu
          end
          residual; conv 6 k=3 p=1; tanh; end
        end
        avgpool: globalavgpool
        flatten
        fc: fc 3
        """

    @Test("a residual block with a shortcut and a ReLU after the sum: y = relu(F(x) + S(x)), by hand")
    func forwardByHand() throws {
        var random = SeededGenerator(seed: 41)
        let f = try Conv2D(weight: try random.tensor([3, 2, 3, 3]), stride: Size2D(2), padding: .explicit(Size2D(1)))
        let s = try Conv2D(weight: try random.tensor([3, 2, 1, 1]), stride: Size2D(2))
        var block = Residual(Sequential([f]), shortcut: Sequential([s]), after: Sequential([Activation.relu]))
        let x = try random.tensor([2, 2, 6, 5])
        let expected = zip(try f(x).scalars, try s(x).scalars).map { max(0, $0 + $1) }
        #expect(try block.forward(x, mode: .training, threads: nil).scalars == expected)
    }

    @Test("backward through the branch, the shortcut and 'then' agrees with finite differences, input and every parameter")
    func blockGradients() throws {
        var random = SeededGenerator(seed: 42)
        let block = Residual(
            Sequential([try Conv2D(weight: try random.tensor([3, 2, 3, 3]), bias: try random.tensor([3]), stride: Size2D(2), padding: .explicit(Size2D(1))),
                        Activation.tanh]),
            shortcut: Sequential([try Conv2D(weight: try random.tensor([3, 2, 1, 1]), stride: Size2D(2)), try BatchNorm(channels: 3)]),
            after: Sequential([Activation.sigmoid]))
        let x = try random.tensor([3, 2, 5, 6])
        var trained = block
        let output = try trained.forward(x, mode: .training, threads: nil)
        let upstream = try random.tensor(output.shape)
        let gradients = try trained.backward(input: x, output: output, outputGradient: upstream, threads: nil)
        func loss(_ changed: Residual, _ input: Tensor) throws -> Double {
            var fresh = changed
            return dot(try fresh.forward(input, mode: .training, threads: nil), upstream)
        }
        try expectNumericGradient(gradients.input, of: x, loss: { try loss(block, $0) }, "∂L/∂x")
        #expect(block.parameters.count == 2 + 1 + 2)  // branch conv weight and bias, shortcut conv weight, its batch norm
        try expectParameterGradients(gradients.parameters, of: block, loss: { try loss($0, x) }, random: &random, "parameters")
    }

    @Test("a spec's residual network trains end to end: its whole gradient agrees with finite differences")
    func networkGradient() throws {
        var random = SeededGenerator(seed: 43)
        var network = try Sequential(try NetworkSpec(parsing: Self.spec), seed: 2)
        let input = try random.tensor([4, 2, 8, 8])
        let labels = [0, 2, 1, 1]
        let loss = try Loss.crossEntropy(logits: try network.forward(input, mode: .training), labels: labels)
        let gradient = try network.backward(loss.gradient)
        try expectNumericGradient(gradient, of: input, loss: { x in
            var copy = network
            return Double(try Loss.crossEntropy(logits: try copy.forward(x, mode: .training), labels: labels).value)
        }, step: 1e-2, tolerance: 5e-3, samples: 40, random: &random, "∂L/∂input")
        #expect(network.parameters.reduce(0) { $0 + $1.count } == (try NetworkSummary(try NetworkSpec(parsing: Self.spec)).totalParameters))
    }

    @Test("checkpoint names are the spec's: named layers, positions where unnamed, the shortcut under its name; they round-trip")
    func checkpointNames() throws {
        let network = try Sequential(try NetworkSpec(parsing: Self.spec), seed: 3)
        let file = Checkpoint.file(of: network, spec: Self.spec)
        #expect(file.tensors.keys.sorted() == [
            "bn1.bias", "bn1.num_batches_tracked", "bn1.running_mean", "bn1.running_var", "bn1.weight",
            "conv1.weight",
            "fc.bias", "fc.weight",
            "layer1.0.bn1.bias", "layer1.0.bn1.num_batches_tracked", "layer1.0.bn1.running_mean", "layer1.0.bn1.running_var", "layer1.0.bn1.weight",
            "layer1.0.conv1.weight", "layer1.0.conv2.bias", "layer1.0.conv2.weight",
            "layer1.0.downsample.0.weight",
            "layer1.0.downsample.1.bias", "layer1.0.downsample.1.num_batches_tracked", "layer1.0.downsample.1.running_mean",
            "layer1.0.downsample.1.running_var", "layer1.0.downsample.1.weight",
            "layer1.1.0.bias", "layer1.1.0.weight",
        ])
        #expect(file.tensors["layer1.0.downsample.0.weight"]?.shape == [6, 4, 1, 1])
        var other = try Sequential(try NetworkSpec(parsing: Self.spec), seed: 4)
        #expect(other.parameters != network.parameters)
        try Checkpoint.load(try SafetensorsFile(reading: try file.encoded()), into: &other)
        #expect(other.parameters == network.parameters)
        var missing = file
        missing.tensors["layer1.0.downsample.0.weight"] = nil
        #expect(throws: CheckpointError("the checkpoint has no tensor 'layer1.0.downsample.0.weight', which the network needs")) {
            try Checkpoint.load(missing, into: &other)
        }
    }
}
