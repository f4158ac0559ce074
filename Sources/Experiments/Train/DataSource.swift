import ConvCore
import Datasets
import Foundation
import Reporting

/// The dataset a command names with `--data`: `digits` (the shipped sample of MNIST,
/// `Samples/digits/`), or a folder in the IDX or image-folder layout.
public struct DataSource: Sendable {
    public let name: String
    public let folder: DatasetFolder

    /// - Throws: `UserError` (missing input) when the folder holds no dataset.
    public init(_ argument: String) throws(UserError) {
        let path: String
        if argument == "digits", !FileManager.default.fileExists(atPath: argument) {
            guard let sample = samplesDirectory?.appendingPathComponent("digits").path else {
                throw UserError(.missingInput, "the shipped digits (Samples/digits/) are not found")
            }
            path = displayPath(sample)
        } else {
            path = argument
        }
        name = argument
        do {
            folder = try DatasetFolder(path)
        } catch {
            throw UserError(error)
        }
    }

    /// One split, its size checked against the memory limit before the pixels are made.
    public func load(_ split: DatasetFolder.Split, memoryLimit: Int) throws(UserError) -> LabeledImages {
        do {
            return try folder.load(split, maximumValues: memoryLimit / 8)  // The floats, and the bytes they came from.
        } catch {
            throw UserError(error)
        }
    }
}

extension UserError {
    /// A dataset's error as the user's: missing input (66) or bad input (65); a dataset
    /// larger than the memory limit allows says how to raise it.
    init(_ error: DatasetError) {
        switch error.kind {
        case .missing: self.init(.missingInput, error.message)
        case .malformed: self.init(.badInput, error.message)
        case .tooLarge: self.init(.badInput, error.message + " (the memory limit; raise it with --memory-limit)")
        }
    }
}

/// What a classifier the commands train takes and gives: an image of `size` × `channels`,
/// and one output (logit) per class.
struct ClassifierShape: Sendable {
    let size: Size2D
    let channels: Int
    let classes: Int

    /// - Throws: `UserError` (usage) when the network does not take an image, or does not
    ///   end in flat outputs.
    init(_ summary: NetworkSummary, of model: ModelSource) throws(UserError) {
        guard case .image(let size, let channels) = summary.input else {
            throw UserError(.usage, "\(model.description): the network's input must be an image (width × height × channels)")
        }
        guard case .features(let classes) = summary.output else {
            throw UserError(.usage, "\(model.description): the network must end in flat outputs, one per class (fc N)")
        }
        (self.size, self.channels, self.classes) = (size, channels, classes)
    }

    /// One name per output: the dataset's, then the outputs' numbers where it has fewer.
    func names(_ datasetClasses: [String]) -> [String] {
        (0..<classes).map { $0 < datasetClasses.count ? datasetClasses[$0] : "\($0)" }
    }
}

extension DataSource {
    /// One split as a classifier of `shape` sees it: centred on its input, every label one
    /// of its outputs.
    /// - Throws: `UserError` (bad input) for a label without an output, or images larger
    ///   than the input or of other channels, naming the split.
    func load(_ split: DatasetFolder.Split, for shape: ClassifierShape, memoryLimit: Int) throws(UserError) -> LabeledImages {
        let images = try load(split, memoryLimit: memoryLimit)
        if let label = images.labels.first(where: { $0 >= shape.classes }) {
            throw UserError(.badInput, "\(folder.path) (\(split.rawValue)): label \(label), but the network has \(shape.classes) outputs, one per class")
        }
        do {
            return try images.centred(on: shape.size, channels: shape.channels)
        } catch {
            throw UserError(.badInput, "\(folder.path) (\(split.rawValue)): \(error.message)")
        }
    }
}
