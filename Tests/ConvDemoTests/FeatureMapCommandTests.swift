import Foundation
import Netpbm
import Testing

/// `conv-demo featuremap` run for real, in a temporary directory each time.
struct FeatureMapCommandTests {
    static let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Samples")

    /// A fresh empty directory, removed by the caller's `defer`.
    private func scratch() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("conv-demo-fm-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    private func contents(_ url: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []).sorted()
    }

    @Test("no arguments: the bank on the sample photograph, every file written, JSON as documented")
    func defaultRun() throws {
        let directory = try scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try runBuiltBinary(["featuremap", "--json"], in: directory)
        #expect(result.status == 0, "\(result.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(document["input"] as? [String: Int] == ["width": 512, "height": 512, "channels": 1])
        let maps = try #require(document["maps"] as? [[String: Any]])
        #expect(maps.map { $0["name"] as? String } == ["identity", "box-blur", "gaussian", "sharpen", "sobel-x", "sobel-y",
                                                      "prewitt-x", "prewitt-y", "laplacian", "emboss", "outline"])
        #expect(maps.allSatisfy { $0["width"] as? Int == 510 && $0["height"] as? Int == 510 })
        #expect(maps.first?["pfm"] as? String == "featuremaps/identity.pfm")
        #expect(document["sheet"] as? String == "featuremaps/sheet.pgm")
        #expect(document["html"] as? String == "featuremaps/index.html")
        let written = contents(directory.appendingPathComponent("featuremaps"))
        #expect(written.count == 24)
        #expect(!written.contains { $0.hasPrefix(".") })
        // The files are valid images: 510×510 maps and a sheet.
        let sobel = try NetpbmImage(reading: Array(try Data(contentsOf: directory.appendingPathComponent("featuremaps/sobel-x.pfm"))))
        #expect((sobel.kind, sobel.width, sobel.height) == (.floatmap, 510, 510))
        let sheet = try NetpbmImage(reading: Array(try Data(contentsOf: directory.appendingPathComponent("featuremaps/sheet.pgm"))))
        #expect(sheet.kind == .graymap)
        let html = try String(contentsOf: directory.appendingPathComponent("featuremaps/index.html"), encoding: .utf8)
        #expect(html.contains("<img src=\"data:image/png;base64,"))
        #expect(html.contains("⌊(512 + 2·0 − 1·(3 − 1) − 1) / 1⌋ + 1 = ⌊509 / 1⌋ + 1 = 510"))
    }

    @Test("identity with padding same reproduces the image exactly: sample / maxval")
    func identityReproducesTheImage() throws {
        let directory = try scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let image = Self.samples.appendingPathComponent("camera.pgm").path
        let result = try runBuiltBinary(["featuremap", image, "--kernel", "identity", "--padding", "same", "--out", "maps"], in: directory)
        #expect(result.status == 0, "\(result.stderr)")
        let input = try NetpbmImage(reading: Array(try Data(contentsOf: URL(fileURLWithPath: image))))
        let map = try NetpbmImage(reading: Array(try Data(contentsOf: directory.appendingPathComponent("maps/identity.pfm"))))
        #expect(map.samples == .floats(input.unitValues))
        #expect(result.stdout.contains("identity  512×512"))
    }

    @Test("kernels from a file, of any size")
    func kernelFile() throws {
        let directory = try scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        try "kernel wide\n1 0 -1 0 1\n".write(to: directory.appendingPathComponent("k.txt"), atomically: true, encoding: .utf8)
        let result = try runBuiltBinary(["featuremap", Self.samples.appendingPathComponent("camera.pgm").path, "--kernel", "k.txt", "--kernel", "sobel-y", "--json"], in: directory)
        #expect(result.status == 0, "\(result.stderr)")
        let maps = try #require((try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])?["maps"] as? [[String: Any]])
        #expect(maps.map { $0["name"] as? String } == ["wide", "sobel-y"])
        #expect(maps.map { $0["width"] as? Int } == [508, 510])
    }

    @Test("every failure is one line, its own exit status, and leaves nothing behind", arguments: [
        (["featuremap", "no-such.pgm"], Int32(66), "error: no such image file: 'no-such.pgm'"),
        (["featuremap", "bad.pgm"], 65, "error: bad.pgm: byte 13 (line 4): the raster is truncated: 16 samples of 1 byte need 16 bytes, the file has 2"),
        (["featuremap", "--kernel", "nonsense"], 66, "error: --kernel nonsense: not a kernel of the bank"),
        (["featuremap", "--kernel", "bad-kernels.txt"], 65, "error: bad-kernels.txt:2: 'x' is not a number"),
        (["featuremap", "tiny.pgm", "--kernel", "sobel-x"], 64, "error: kernel 3×3 on the 2×2 image: kernel height 3 is larger than the input height 2"),
        (["featuremap", "--out", "a-file"], 73, "error: cannot write into 'a-file': it is a file, not a directory"),
        (["featuremap", "--out", "a-file/below"], 73, "error: cannot create the directory 'a-file/below'"),
        (["featuremap", "--init", "normal"], 64, "error: --init is for random filters: give --random N too"),
        (["featuremap", "--activation", "swish"], 64, "error: --activation: 'swish' is not one of none, relu, leakyrelu, sigmoid, tanh"),
        (["featuremap", "--kernel", "sobel-x", "--kernel", "sobel-x"], 64, "error: --kernel sobel-x is given twice"),
    ])
    func failures(arguments: [String], status: Int32, prefix: String) throws {
        let directory = try scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data("P5\n4 4\n255\nab".utf8).write(to: directory.appendingPathComponent("bad.pgm"))
        try Data("P2\n2 2\n9\n1 2 3 4\n".utf8).write(to: directory.appendingPathComponent("tiny.pgm"))
        try Data("kernel k\n1 x\n".utf8).write(to: directory.appendingPathComponent("bad-kernels.txt"))
        try Data("not a directory".utf8).write(to: directory.appendingPathComponent("a-file"))
        let before = contents(directory)
        let result = try runBuiltBinary(arguments, in: directory)
        #expect(result.status == status)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.hasPrefix(prefix), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").first.map { !$0.isEmpty } == true)
        #expect(contents(directory) == before, "files left behind")
    }
}
