// libFuzzer harness for kernel files: built with KernelFile.swift and KernelBank.swift
// by `swiftc -sanitize=fuzzer,address` (see README.md and build.sh), not by SwiftPM.
//
// Every input must be parsed or refused with a `KernelFileError`: no crash, no trap, no
// hang, no large allocation. Kernels that parse must be what `featuremap` can use:
// height × width weights, all finite, sides from 1 to `KernelFile.maximumSide`, names
// unique, made of letters, digits, '-', '_' and '.', and not "sheet". And a file that
// parses has no NUL outside its comments: a NUL is neither a digit, a letter of a name
// nor white space, so a word holding one must be refused (Float(_:) reads a String
// as a C string, up to its first NUL).

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzKernelFile(_ data: UnsafeRawPointer, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    let text = String(decoding: bytes, as: UTF8.self)
    guard let kernels = try? KernelFile.parse(text) else { return 0 }
    if kernels.isEmpty { fatalError("parsed, with no kernels") }
    for line in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
    where line.prefix(while: { $0 != "#" }).contains("\u{0}") {
        fatalError("parsed, with a NUL in '\(line.prefix(while: { $0 != "#" }).unicodeScalars.map { $0.escaped(asASCII: true) }.joined())'")
    }
    var names = Set<String>()
    for kernel in kernels {
        if !names.insert(kernel.name).inserted { fatalError("kernel \(kernel.name) comes twice") }
        if kernel.name.isEmpty || kernel.name == "sheet"
            || !kernel.name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }) {
            fatalError("kernel name '\(kernel.name)' is not allowed")
        }
        if !(1...KernelFile.maximumSide).contains(kernel.height) || !(1...KernelFile.maximumSide).contains(kernel.width) {
            fatalError("kernel \(kernel.name) is \(kernel.width)×\(kernel.height)")
        }
        if kernel.weights.count != kernel.height * kernel.width {
            fatalError("kernel \(kernel.name): \(kernel.weights.count) weights for \(kernel.width)×\(kernel.height)")
        }
        if let bad = kernel.weights.first(where: { !$0.isFinite }) {
            fatalError("kernel \(kernel.name) has the weight \(bad)")
        }
    }
    return 0
}
