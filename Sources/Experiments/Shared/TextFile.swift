import Foundation
import Reporting

/// The small text inputs of the commands (model specs, kernel files): read whole, as
/// UTF-8, after checking that the file is small enough to be one. Missing or unreadable
/// is EX_NOINPUT; too large, or not text, is EX_DATAERR.
enum TextFile {
    /// A spec or a kernel file is a few lines; a file this large is not one, and is not read.
    static let maximumBytes = 1 << 20

    /// - Parameter what: how the file is named in errors, "the model file".
    static func read(_ path: String, what: String) throws(UserError) -> String {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path), attributes[.type] as? FileAttributeType != .typeDirectory else {
            throw UserError(.missingInput, "cannot read \(what) '\(path)'")
        }
        let size = attributes[.size] as? Int ?? 0
        guard size <= maximumBytes else {
            throw UserError(.badInput, "\(what) '\(path)' has \(grouped(size)) bytes; it may have at most \(grouped(maximumBytes))")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw UserError(.missingInput, "cannot read \(what) '\(path)'")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw UserError(.badInput, "\(what) '\(path)' is not UTF-8 text")
        }
        return text
    }
}

/// A path as the user would type it: relative to the working directory when it is
/// inside it (a sample found beside the sources has an absolute path).
func displayPath(_ path: String) -> String {
    let here = FileManager.default.currentDirectoryPath + "/"
    return path.hasPrefix(here) ? String(path.dropFirst(here.count)) : path
}
