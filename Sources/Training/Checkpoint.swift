import ConvCore
import Safetensors

/// A network's learned state as a safetensors file, with the names and layouts of the
/// PyTorch `nn.Sequential` the same spec describes, so that
/// `model.load_state_dict(safetensors.torch.load_file(F), strict=True)` takes it and the
/// reverse works too:
///
/// - module N (the N-th layer line after `input`, from 0): `N.weight` — a convolution's
///   [out, in/groups, kh, kw], a linear layer's [out, in] — and `N.bias` [out];
/// - batch norm: `N.weight`, `N.bias`, `N.running_mean`, `N.running_var` (F32) and
///   `N.num_batches_tracked` (I64, shape []);
/// - a locally connected layer (which PyTorch lacks): `N.weight` [positions, out,
///   in·kh·kw], a kernel per output position (y · Wout + x) with the taps in im2col's order
///   (c, i, j), and `N.bias` [positions, out].
///
/// The spec's text goes into the metadata (`spec`), so that a checkpoint alone names its
/// network.
public enum Checkpoint {
    /// The metadata key of the spec's text.
    public static let specKey = "spec"

    /// The state of `network` as a file; `spec` is stored with it.
    public static func file(of network: Sequential, spec: String) -> SafetensorsFile {
        var tensors: [String: TensorEntry] = [:]
        func put(_ name: String, _ tensor: Tensor) { tensors[name] = TensorEntry(floats: tensor.scalars, shape: tensor.shape) }
        for (index, module) in network.modules.enumerated() {
            switch module {
            case is Conv2D, is Linear, is LocallyConnected2D:
                // Their parameters are the weight, then the bias if there is one.
                for (name, tensor) in zip(["weight", "bias"], module.parameters) { put("\(index).\(name)", tensor) }
            case let norm as BatchNorm:
                put("\(index).weight", norm.weight)
                put("\(index).bias", norm.bias)
                put("\(index).running_mean", norm.runningMean)
                put("\(index).running_var", norm.runningVariance)
                tensors["\(index).num_batches_tracked"] = TensorEntry(int64s: [Int64(norm.batchesTracked)], shape: [])
            default:
                break
            }
        }
        return SafetensorsFile(tensors: tensors, metadata: [specKey: spec])
    }

    /// Loads `file` into `network`, strictly, as `load_state_dict(strict=True)`: every
    /// tensor the network has must be there with its shape, and no other. F32, F16, BF16
    /// and F64 are taken (as F32). The one exception: a batch norm's `num_batches_tracked`
    /// may be missing (files that keep only the F32 tensors drop it); it is then 0.
    /// - Throws: `CheckpointError` naming the missing, unexpected or misshapen tensor.
    public static func load(_ file: SafetensorsFile, into network: inout Sequential) throws(CheckpointError) {
        let expected = Checkpoint.file(of: network, spec: "")
        if let missing = expected.tensors.keys.sorted().first(where: { file.tensors[$0] == nil && !$0.hasSuffix(".num_batches_tracked") }) {
            throw CheckpointError("the checkpoint has no tensor '\(missing)', which the network needs")
        }
        if let unexpected = file.tensors.keys.sorted().first(where: { expected.tensors[$0] == nil }) {
            throw CheckpointError("the checkpoint's tensor '\(unexpected)' is not one of the network's")
        }
        for name in expected.tensors.keys.sorted() {
            if let found = file.tensors[name], found.shape != expected.tensors[name]!.shape {
                throw CheckpointError("the checkpoint's '\(name)' has shape \(found.shape); the network's is \(expected.tensors[name]!.shape)")
            }
        }
        func floats(_ name: String) throws(CheckpointError) -> Tensor {
            let entry = file.tensors[name]!
            do {
                return try Tensor(shape: entry.shape, scalars: try entry.floats())
            } catch let error as SafetensorsError {
                throw CheckpointError("'\(name)': \(error.message)")
            } catch {
                throw CheckpointError("'\(name)': \(error)")
            }
        }
        var loaded: [Int: [Tensor]] = [:]
        for index in network.modules.indices {
            switch network.modules[index] {
            case is Conv2D, is Linear, is LocallyConnected2D:
                var tensors: [Tensor] = []
                for name in ["weight", "bias"].prefix(network.modules[index].parameters.count) { tensors.append(try floats("\(index).\(name)")) }
                loaded[index] = tensors
            case is BatchNorm:
                loaded[index] = [try floats("\(index).weight"), try floats("\(index).bias")]
                let count: Int64
                do { count = try file.tensors["\(index).num_batches_tracked"]?.int64s().first ?? 0 } catch {
                    throw CheckpointError("'\(index).num_batches_tracked': \(error.message)")
                }
                let (mean, variance) = (try floats("\(index).running_mean"), try floats("\(index).running_var"))
                do {
                    try network.setRunningStatistics(ofModule: index, mean: mean, variance: variance, batchesTracked: Int(count))
                } catch {
                    throw CheckpointError("'\(index).running_mean': \(error.message)")
                }
            default:
                break
            }
        }
        network.replaceParameters(loaded)
    }
}

/// A checkpoint that does not fit the network, in one line naming the tensor.
public struct CheckpointError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
