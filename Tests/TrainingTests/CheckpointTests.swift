import ConvCore
import Safetensors
import SeededRandom
import Testing
import Training
import _TestSupport

struct CheckpointTests {
    static let spec = "input 8x8x1; conv 3 k=3 p=1; batchnorm; relu; maxpool 2; flatten; fc 5 bias=false"

    @Test("nn.Sequential's names and layouts, batch norm's buffers, the spec in the metadata")
    func names() throws {
        var network = try Sequential(try NetworkSpec(parsing: Self.spec), seed: 3)
        var random = SeededGenerator(seed: 1)
        _ = try network.forward(try random.tensor([4, 1, 8, 8]), mode: .training)
        let file = Checkpoint.file(of: network, spec: Self.spec)
        #expect(file.metadata == ["spec": Self.spec])
        #expect(file.tensors.mapValues(\.shape) == [
            "0.weight": [3, 1, 3, 3], "0.bias": [3],
            "1.weight": [3], "1.bias": [3], "1.running_mean": [3], "1.running_var": [3], "1.num_batches_tracked": [],
            "5.weight": [5, 48],
        ])
        #expect(file.tensors["1.num_batches_tracked"]?.dtype == .i64)
        #expect(try file.tensors["1.num_batches_tracked"]?.int64s() == [1])
    }

    @Test("written and read back, a checkpoint gives the same network: same outputs in evaluation mode")
    func roundTrip() throws {
        let spec = try NetworkSpec(parsing: Self.spec)
        var trained = try Sequential(spec, seed: 3)
        var random = SeededGenerator(seed: 2)
        let input = try random.tensor([4, 1, 8, 8])
        for _ in 0..<3 { _ = try trained.forward(input, mode: .training) }
        let bytes = try Checkpoint.file(of: trained, spec: Self.spec).encoded()
        var loaded = try Sequential(spec, seed: 99)
        try Checkpoint.load(try SafetensorsFile(reading: bytes), into: &loaded)
        #expect(loaded.parameters == trained.parameters)
        #expect(try loaded.forward(input, mode: .evaluation) == trained.forward(input, mode: .evaluation))
    }

    @Test("strict loading: a missing, unexpected or misshapen tensor is an error naming it")
    func strict() throws {
        let spec = try NetworkSpec(parsing: Self.spec)
        var network = try Sequential(spec, seed: 3)
        let good = Checkpoint.file(of: network, spec: Self.spec)
        var missing = good
        missing.tensors["0.bias"] = nil
        #expect(throws: CheckpointError("the checkpoint has no tensor '0.bias', which the network needs")) { try Checkpoint.load(missing, into: &network) }
        var extra = good
        extra.tensors["5.bias"] = TensorEntry(floats: [0, 0, 0, 0, 0], shape: [5])
        #expect(throws: CheckpointError("the checkpoint's tensor '5.bias' is not one of the network's")) { try Checkpoint.load(extra, into: &network) }
        var withoutCount = good
        withoutCount.tensors["1.num_batches_tracked"] = nil
        try Checkpoint.load(withoutCount, into: &network)
        #expect((network.modules[1] as? BatchNorm)?.batchesTracked == 0)
        var misshapen = good
        misshapen.tensors["5.weight"] = TensorEntry(floats: [Float](repeating: 0, count: 240), shape: [48, 5])
        #expect(throws: CheckpointError("the checkpoint's '5.weight' has shape [48, 5]; the network's is [5, 48]")) { try Checkpoint.load(misshapen, into: &network) }
    }
}
