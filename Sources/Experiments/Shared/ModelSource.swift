import ConvCore
import Foundation
import Reporting

/// A network as the command line names it: a spec file, the name of a sample in
/// `Samples/models/` (lenet5, lenet5-28, alexnet, vgg16, …), or the spec itself, layers
/// separated by `;`.
public struct ModelSource: Sendable {
    /// The spec's text.
    public let text: String
    /// The file it came from, as the user would type it; nil when the argument is the spec.
    public let file: String?
    /// Where the spec came from in words, when not from its own file: "its stored spec".
    private var origin: String?

    /// - Throws: `UserError` (missing input) when the argument is neither a file, a
    ///   sample's name nor a spec; (bad input) when the file is too large or not text.
    public init(_ argument: String) throws(UserError) {
        if FileManager.default.fileExists(atPath: argument) {
            (text, file) = (try TextFile.read(argument, what: "the model file"), argument)
            return
        }
        if let sample = samplesDirectory?.appendingPathComponent("models/\(argument).txt").path, FileManager.default.fileExists(atPath: sample) {
            (text, file) = (try TextFile.read(sample, what: "the model file"), displayPath(sample))
            return
        }
        guard argument.contains(where: { $0 == ";" || $0 == "\n" || $0 == " " }) else {
            throw UserError(.missingInput, "no model file '\(argument)', nor a sample of that name (\(Self.sampleNames.joined(separator: ", ")))")
        }
        (text, file) = (argument, nil)
    }

    /// The sample of that name in `Samples/models/`, whatever files the working directory holds.
    /// - Throws: `UserError` (missing input) when the samples are not found.
    public static func sample(_ name: String) throws(UserError) -> ModelSource {
        guard let sample = samplesDirectory?.appendingPathComponent("models/\(name).txt").path, FileManager.default.fileExists(atPath: sample) else {
            throw UserError(.missingInput, "the shipped model \(name) (Samples/models/\(name).txt) is not found")
        }
        return ModelSource(text: try TextFile.read(sample, what: "the model file"), file: displayPath(sample))
    }

    private init(text: String, file: String) {
        (self.text, self.file) = (text, file)
    }

    /// The names of the samples in `Samples/models/`, sorted.
    public static var sampleNames: [String] {
        guard let folder = samplesDirectory?.appendingPathComponent("models"),
              let files = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return [] }
        return files.filter { $0.hasSuffix(".txt") }.map { String($0.dropLast(4)) }.sorted()
    }

    /// A spec carried by another file (a checkpoint's metadata): errors name that file.
    init(specText: String, file: String) {
        (text, self.file, origin) = (specText, file + " (its spec)", "its stored spec")
    }

    /// Where the model came from, for reports: its file, or "given on the command line".
    public var description: String { origin ?? file ?? "given on the command line" }

    /// A mistake in the spec as the user should see it: at FILE:LINE:COLUMN, or at its line
    /// and column when the spec was given on the command line.
    func error(_ error: SpecError) -> UserError {
        let place = file.map { "\($0):\(error.line):\(error.column)" } ?? "line \(error.line), column \(error.column)"
        return UserError(.badInput, "\(place): \(error.message)")
    }
}

extension NetworkReport {
    /// The model's summary, layer by layer, on its own input or on `input`.
    /// - Throws: `UserError` (bad input) for a mistake in the spec, at its place.
    public init(_ model: ModelSource, input: (size: Size2D, channels: Int)?, options: Options = Options()) throws(UserError) {
        do {
            let spec = try NetworkSpec(parsing: model.text)
            summary = try NetworkSummary(spec, input: input.map { ($0.size, $0.channels) })
            if input != nil, case .input(let size, let channels)? = spec.statements.first?.layer, summary.input != .image(size, channels: channels),
               let own = try? NetworkSummary(spec) {
                specInput = (NetworkSummary.Shape.image(size, channels: channels), own.totalParameters)
            } else {
                specInput = nil
            }
        } catch {
            throw model.error(error)
        }
        source = model.description
        self.options = options
    }
}
