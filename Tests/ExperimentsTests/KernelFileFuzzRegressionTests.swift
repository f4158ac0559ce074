import Experiments
import Testing

/// What the kernel-file fuzzer (Tests/Fuzz/KernelFileFuzz.swift, Tests/Fuzz/README.md)
/// found, and the nastiest inputs of its corpus. The checks read `line` and `message` of
/// the error rather than building a `KernelFileError`, so that they hold whatever else
/// the error carries.
struct KernelFileFuzzRegressionTests {
    /// The error `KernelFile.parse` throws for `text`, or nil if it parses.
    private func refusal(_ text: String) -> KernelFileError? {
        do throws(KernelFileError) {
            _ = try KernelFile.parse(text)
            return nil
        } catch {
            return error
        }
    }

    // FINDING 1 (the fuzzer, 2026-12-03): the divisor and every number were checked to be
    // finite and nonzero, but not their quotient (KernelFile.swift:27 at b8bd02c,
    // `$0 / kernel.divisor`): 1 / 9e-45 (a subnormal Float) and 3e38 / 0.5 are ±inf in
    // Float, and the kernel parsed with infinite weights.
    @Test("a weight that overflows when divided by the divisor is refused (fuzzer finding)", arguments: [
        "kernel n / 9e-45\n1",           // the fuzzer's crash, minimized
        "kernel n / 0.5\n3e38",          // a large weight, a divisor below 1
        "kernel n / -1e-40\n1 2\n3 4",   // negative: -inf
        "kernel n / 0x1p-149\n0x1p-20",  // the smallest subnormal divisor, as a hex float
    ])
    func overflowingQuotient(text: String) throws {
        if let error = refusal(text) {
            #expect(error.line == 1, "\(error)")
        } else {
            let weights = try KernelFile.parse(text).flatMap(\.weights)
            let finite = weights.allSatisfy { $0.isFinite }
            #expect(finite, "\(weights)")
        }
    }

    // FINDING 2 (writing these tests, 2026-12-03; then an invariant of the harness):
    // Float(_:) reads a String as a C string, up to its first NUL, so "1\0garbage" was
    // the number 1 (KernelFile.swift:57 at b8bd02c, and the divisor at :46).
    @Test("a NUL byte in a number or a divisor is refused, not read as the number before it", arguments: [
        ("kernel a\n1\u{0}2 3", 2),
        ("kernel a\n1 2\u{0}garbage", 2),
        ("kernel a / 4\u{0}junk\n1", 1),
    ])
    func nulInANumber(text: String, line: Int) {
        let error = refusal(text)
        #expect(error?.line == line, "\(String(describing: error))")
    }

    @Test("small quotients stay finite: a tiny weight under a huge divisor becomes 0")
    func underflowIsFine() throws {
        let kernels = try KernelFile.parse("kernel n / 3e38\n1e-30 -1e-30")
        #expect(kernels == [NamedKernel(name: "n", height: 1, width: 2, weights: [0, -0])])
    }

    @Test("the largest kernel side is 255, on both axes")
    func sides() throws {
        let wide = try #require(try KernelFile.parse("kernel w\n" + Array(repeating: "1", count: 255).joined(separator: " ")).first)
        #expect(wide.height == 1 && wide.width == 255 && wide.weights.count == 255)
        let tall = try #require(try KernelFile.parse("kernel t\n" + String(repeating: "1\n", count: 255)).first)
        #expect(tall.height == 255 && tall.width == 1 && tall.weights.count == 255)

        let wider = refusal("kernel w\n" + Array(repeating: "1", count: 256).joined(separator: " "))
        #expect(wider?.line == 2)
        #expect(wider?.message == "kernel w is larger than 255×255")
        let taller = refusal("kernel t\n" + String(repeating: "1\n", count: 256))
        #expect(taller?.line == 257)
        #expect(taller?.message == "kernel t is larger than 255×255")
    }

    @Test("hundreds of kernels, names unique, and a name defined twice far apart")
    func manyKernels() throws {
        let text = (0..<400).map { "kernel k\($0)\n\($0)" }.joined(separator: "\n")
        let kernels = try KernelFile.parse(text)
        #expect(kernels.count == 400)
        #expect(Set(kernels.map(\.name)).count == 400)
        #expect(kernels.allSatisfy { $0.weights.count == $0.height * $0.width })
        let twice = refusal(text + "\nkernel k0\n1")
        #expect(twice?.line == 801)
        #expect(twice?.message == "kernel k0 is defined twice")
    }

    @Test("invalid UTF-8, non-ASCII digits, infinities and odd newlines are errors at their line", arguments: [
        // Decoded with U+FFFD for the bad byte: a name that is not letters or digits.
        (String(decoding: [0x6b, 0x65, 0x72, 0x6e, 0x65, 0x6c, 0x20, 0xff, 0x0a, 0x31] as [UInt8], as: UTF8.self), 1,
         "must be letters, digits, '-', '_' or '.'"),
        ("kernel \u{663}\n1", 1, "must be letters, digits, '-', '_' or '.'"),  // ARABIC-INDIC DIGIT THREE
        ("kernel a\n\u{663}", 2, "is not a number"),
        ("kernel a\n1 1e39", 2, "is not a number"),
        ("kernel a\n1 -inf", 2, "is not a number"),
        ("kernel a / nan\n1", 1, "is not a nonzero number"),
        ("kernel a / -0\n1", 1, "is not a nonzero number"),
        // "\r" and U+2028 end lines, as "\n" does.
        ("kernel a\r1 2\u{2028}1", 3, "this row has 1 numbers, the first row of kernel a has 2"),
    ])
    func oddBytes(text: String, line: Int, message: String) {
        let error = refusal(text)
        #expect(error?.line == line, "\(String(describing: error))")
        #expect(error?.message.contains(message) == true, "\(String(describing: error))")
    }
}
