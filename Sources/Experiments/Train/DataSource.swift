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
