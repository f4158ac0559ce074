import ConvCore
import SeededRandom
import Testing
import Training
import _TestSupport

/// ConvCore's operations as modules: the module's passes are the operation's own.
struct OperationsModuleTests {
    @Test("adaptive average pooling as a module: its forward and backward, no parameters")
    func adaptiveAveragePooling() throws {
        var random = SeededGenerator(seed: 31)
        let pool = try AdaptiveAveragePooling2D(outputSize: Size2D(height: 2, width: 3))
        var module: any Module = pool
        let x = try random.tensor([2, 3, 5, 7])
        let y = try module.forward(x, mode: .training, threads: 1)
        #expect(y == (try pool(x)))
        let upstream = try random.tensor(y.shape)
        let gradients = try module.backward(input: x, output: y, outputGradient: upstream, threads: 1)
        #expect(gradients.input == (try pool.backward(input: x, outputGradient: upstream)))
        #expect(gradients.parameters.isEmpty && module.parameters.isEmpty)
        #expect(try module.parameterGradients(input: x, output: y, outputGradient: upstream, threads: 1).isEmpty)
    }
}
