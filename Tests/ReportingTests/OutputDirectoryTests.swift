import Foundation
import Reporting
import Testing

struct OutputDirectoryTests {
    /// A new folder under the temporary directory, removed by the caller.
    func scratch() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("conv-demo-output-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    func contents(_ url: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: url.path).sorted()
    }

    @Test("the directory appears only at commit, whole and marked; the staging directory is gone afterwards")
    func commit() throws {
        let parent = try scratch()
        defer { try? FileManager.default.removeItem(at: parent) }
        let url = parent.appendingPathComponent("out")
        let directory = try OutputDirectory(url.path, names: ["a.txt", "b.txt"])
        try directory.write(Array("one".utf8), as: "a.txt")
        try directory.write(Array("two".utf8), as: "b.txt")
        #expect(!FileManager.default.fileExists(atPath: url.path))
        let written = try directory.commit()
        #expect(written == [url.path + "/a.txt", url.path + "/b.txt"])
        #expect(try contents(url) == [OutputDirectory.marker, "a.txt", "b.txt"])
        #expect(try contents(parent) == ["out"])
        #expect(try String(contentsOf: url.appendingPathComponent("b.txt"), encoding: .utf8) == "two")
    }

    @Test("a second run replaces the first one's directory as a whole: no old file stays")
    func replace() throws {
        let parent = try scratch()
        defer { try? FileManager.default.removeItem(at: parent) }
        let url = parent.appendingPathComponent("out")
        let first = try OutputDirectory(url.path, names: ["old.txt", "same.txt"])
        try first.write([1], as: "old.txt")
        try first.write([1], as: "same.txt")
        try first.commit()
        let second = try OutputDirectory(url.path, names: ["same.txt"])
        try second.write([2], as: "same.txt")
        try second.commit()
        #expect(try contents(url) == [OutputDirectory.marker, "same.txt"])
        #expect(FileManager.default.contents(atPath: url.appendingPathComponent("same.txt").path) == Data([2]))
        #expect(try contents(parent) == ["out"])
    }

    @Test("an abandoned run leaves nothing: no staging directory, not the folders it created, and a previous result untouched")
    func abandon() throws {
        let parent = try scratch()
        defer { try? FileManager.default.removeItem(at: parent) }
        do {
            let directory = try OutputDirectory(parent.appendingPathComponent("a/b/out").path, names: ["x.txt"])
            try directory.write([1], as: "x.txt")
        }
        #expect(try contents(parent).isEmpty)

        let url = parent.appendingPathComponent("kept")
        let first = try OutputDirectory(url.path, names: ["x.txt"])
        try first.write([1], as: "x.txt")
        try first.commit()
        do {
            let second = try OutputDirectory(url.path, names: ["y.txt"])
            try second.write([2], as: "y.txt")
            second.abandon()
        }
        #expect(try contents(url) == [OutputDirectory.marker, "x.txt"])
        #expect(try contents(parent) == ["kept"])
    }

    @Test("refused before any work: an empty path, a file, a directory of someone else's files, a bad, long or repeated name")
    func refusals() throws {
        let parent = try scratch()
        defer { try? FileManager.default.removeItem(at: parent) }
        let file = parent.appendingPathComponent("file")
        #expect(FileManager.default.createFile(atPath: file.path, contents: Data()))
        let foreign = parent.appendingPathComponent("foreign")
        try FileManager.default.createDirectory(at: foreign, withIntermediateDirectories: false)
        #expect(FileManager.default.createFile(atPath: foreign.appendingPathComponent("thesis.tex").path, contents: Data()))
        let out = parent.appendingPathComponent("out").path

        #expect(throws: UserError(.cannotCreate, "the output directory's path is empty")) { try OutputDirectory("", names: []) }
        #expect(throws: UserError(.cannotCreate, "cannot write into '\(file.path)': it is a file, not a directory")) {
            try OutputDirectory(file.path, names: ["a"])
        }
        #expect(throws: UserError(.cannotCreate, "cannot create '\(file.path)/out': '\(file.path)' is not a directory")) {
            try OutputDirectory(file.path + "/out", names: ["a"])
        }
        #expect(throws: UserError(.cannotCreate, "'\(foreign.path)' holds files that conv-demo did not write: choose another directory, or empty it")) {
            try OutputDirectory(foreign.path, names: ["a"])
        }
        #expect(throws: UserError(.cannotCreate, "two outputs would both be '\(out)/a.pgm'")) {
            try OutputDirectory(out, names: ["a.pgm", "b.pgm", "a.pgm"])
        }
        for name in ["", "a/b", "..", OutputDirectory.marker] {
            #expect(throws: UserError.self) { try OutputDirectory(out, names: [name]) }
        }
        let long = String(repeating: "x", count: 252) + ".pgm"
        #expect(throws: UserError(.cannotCreate, "the file name '\(abbreviated(long))' has 256 bytes; a file system takes at most 255")) {
            try OutputDirectory(out, names: [long])
        }
        try OutputDirectory(out, names: [String(repeating: "x", count: 251) + ".pgm"]).abandon()
        #expect(try contents(foreign) == ["thesis.tex"])
        #expect(try contents(parent) == ["file", "foreign"])
    }

    @Test("an empty directory that exists is filled, and stays if the run fails")
    func emptyDirectory() throws {
        let parent = try scratch()
        defer { try? FileManager.default.removeItem(at: parent) }
        let url = parent.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: false)
        try OutputDirectory(url.path, names: ["a"]).abandon()
        #expect(try contents(url).isEmpty)
        let directory = try OutputDirectory(url.path, names: ["a"])
        try directory.write([1], as: "a")
        try directory.commit()
        #expect(try contents(url) == [OutputDirectory.marker, "a"])
    }

    @Test("one file: checked before the work, written whole or not at all")
    func singleFile() throws {
        let parent = try scratch()
        defer { try? FileManager.default.removeItem(at: parent) }
        let file = parent.appendingPathComponent("file")
        #expect(FileManager.default.createFile(atPath: file.path, contents: Data()))
        #expect(throws: UserError(.cannotCreate, "cannot write '\(file.path)/inside.svg': there is no directory '\(file.path)'")) {
            try checkWritable(file.path + "/inside.svg")
        }
        #expect(throws: UserError(.cannotCreate, "cannot write '\(parent.path)': it is a directory")) { try checkWritable(parent.path) }
        #expect(throws: UserError(.cannotCreate, "an output file's path is empty")) { try checkWritable("") }
        #expect(throws: UserError(.cannotCreate, "cannot write '\(file.path)/inside.svg'")) {
            try writeAtomically([1, 2, 3], to: file.path + "/inside.svg")
        }
        try checkWritable(parent.appendingPathComponent("plot.svg").path)
        try writeAtomically(Array("svg".utf8), to: parent.appendingPathComponent("plot.svg").path)
        #expect(try contents(parent) == ["file", "plot.svg"])
    }

    @Test("a long word of the user's is cut in a message, control characters shown")
    func abbreviation() {
        let word = String(repeating: "a", count: 1_000_000)
        let message = abbreviatingLongWords("no model file '\(word)' here\u{7}")
        #expect(message == "no model file '\(String(repeating: "a", count: 99))… (1,000,002 characters) here\\u{7}")
        #expect(abbreviatingLongWords("short words stay") == "short words stay")
    }
}
