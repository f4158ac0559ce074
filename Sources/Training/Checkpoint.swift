import ConvCore
import Safetensors

/// A network's learned state as a safetensors file, with the names and layouts of the
/// PyTorch `nn.Sequential` the same spec describes, so that
/// `model.load_state_dict(safetensors.torch.load_file(F), strict=True)` takes it and the
/// reverse works too:
///
/// - each layer by its full name (`NetworkSpec+Names.swift`): module N of a network of
///   unnamed layers (the N-th layer line after `input`, from 0) is `N.`, a named layer in
///   blocks `layer1.0.conv1.`; then `weight` — a convolution's [out, in/groups, kh, kw],
///   a linear layer's [out, in] — and `bias` [out];
/// - batch norm: `weight`, `bias`, `running_mean`, `running_var` (F32) and
///   `num_batches_tracked` (I64, shape []);
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
        network.forEachLayer { name, layer in
            switch layer {
            case is Conv2D, is Linear, is LocallyConnected2D:
                // Their parameters are the weight, then the bias if there is one.
                for (tensorName, tensor) in zip(["weight", "bias"], layer.parameters) { put("\(name).\(tensorName)", tensor) }
            case let norm as BatchNorm:
                put("\(name).weight", norm.weight)
                put("\(name).bias", norm.bias)
                put("\(name).running_mean", norm.runningMean)
                put("\(name).running_var", norm.runningVariance)
                tensors["\(name).num_batches_tracked"] = TensorEntry(int64s: [Int64(norm.batchesTracked)], shape: [])
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
        // Shapes are checked above, so each tensor replaces a parameter of its own shape.
        func replace(_ layer: inout any Module, with tensors: [Tensor]) {
            layer.updateParameters { index, parameter in parameter = tensors[index] }
        }
        try network.updateLayers { (name, layer: inout any Module) throws(CheckpointError) in
            switch layer {
            case is Conv2D, is Linear, is LocallyConnected2D:
                var tensors: [Tensor] = []
                for tensorName in ["weight", "bias"].prefix(layer.parameters.count) { tensors.append(try floats("\(name).\(tensorName)")) }
                replace(&layer, with: tensors)
            case var norm as BatchNorm:
                let count: Int64
                do throws(SafetensorsError) { count = try file.tensors["\(name).num_batches_tracked"]?.int64s().first ?? 0 } catch {
                    throw CheckpointError("'\(name).num_batches_tracked': \(error.message)")
                }
                let (mean, variance) = (try floats("\(name).running_mean"), try floats("\(name).running_var"))
                do throws(ShapeError) {
                    try norm.setRunningStatistics(mean: mean, variance: variance, batchesTracked: Int(count))
                } catch {
                    throw CheckpointError("'\(name).running_mean': \(error.message)")
                }
                var module: any Module = norm
                replace(&module, with: [try floats("\(name).weight"), try floats("\(name).bias")])
                layer = module
            default:
                break
            }
        }
    }
}

/// A checkpoint that does not fit the network, in one line naming the tensor.
public struct CheckpointError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
