import ConvCore
import Foundation
import Reporting
import Safetensors
import Training

/// A trained network: a spec (given, or the one a checkpoint carries) and the checkpoint's
/// weights loaded into it.
public struct TrainedModel: Sendable {
    public let network: Sequential
    public let summary: NetworkSummary
    public let weights: String
    public let model: ModelSource

    /// - Parameters:
    ///   - weights: a safetensors file written by `train` or by PyTorch.
    ///   - model: the spec; nil for the one in the checkpoint's metadata.
    /// - Throws: `UserError`: the file missing (66), not safetensors or not fitting the
    ///   network (65), neither a spec given nor one in the file (64).
    public init(weights: String, model: ModelSource?, memoryLimit: Int) throws(UserError) {
        let bytes = try readBinary(weights, what: "the weights file", maximumBytes: memoryLimit / 2)
        let file: SafetensorsFile
        do {
            file = try SafetensorsFile(reading: bytes)
        } catch {
            throw UserError(.badInput, "\(weights): \(error)")
        }
        guard let model = model ?? file.metadata[Checkpoint.specKey].map({ ModelSource(specText: $0, file: weights) }) else {
            throw UserError(.usage, "\(weights) names no network (no 'spec' in its metadata): give --model")
        }
        var network: Sequential
        do {
            let spec = try NetworkSpec(parsing: model.text)
            network = try Sequential(spec, seed: 0)
            summary = try NetworkSummary(spec)
        } catch {
            throw model.error(error)
        }
        do {
            try Checkpoint.load(file, into: &network)
        } catch {
            throw UserError(.badInput, "\(weights): \(error.message)")
        }
        (self.network, self.weights, self.model) = (network, weights, model)
    }
}

/// A binary input (a checkpoint, an image) read whole with `readCapped`.
func readBinary(_ path: String, what: String, maximumBytes: Int) throws(UserError) -> [UInt8] {
    try readCapped(path, what: what, maximumBytes: maximumBytes, tooLarge: "\(binaryBytes(Double(maximumBytes))) (raise --memory-limit)")
}
