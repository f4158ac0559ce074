// libFuzzer harness for the model language: built with NetworkSpec, NetworkSummary and
// the files they need by `swiftc -sanitize=fuzzer,address` (see README.md and build.sh),
// not by SwiftPM.
//
// Every input must be parsed or refused with a `SpecError`, and every spec that parses
// must be summarized or refused with a `SpecError`, with the spec's own input and with
// a small given one: no crash, no trap (an overflowing Int traps), no hang, no large
// allocation. A summary that succeeds must be consistent with itself.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSpec(_ data: UnsafeRawPointer, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    // Invalid UTF-8 becomes U+FFFD: the parser sees what a file read with
    // String(decoding:as:) would give it.
    let text = String(decoding: bytes, as: UTF8.self)
    guard let spec = try? NetworkSpec(parsing: text) else { return 0 }
    for input in [nil, (Size2D(32), channels: 3), (Size2D(height: 1, width: 7), channels: 1)] as [(Size2D, channels: Int)?] {
        guard let summary = try? NetworkSummary(spec, input: input) else { continue }
        check(summary)
    }
    return 0
}

private func check(_ summary: NetworkSummary) {
    var parameters = 0
    var macs = 0
    for (offset, row) in summary.rows.enumerated() {
        if row.index != offset + 1 { fatalError("row \(offset) has index \(row.index)") }
        if row.count.parameters != row.count.weights + row.count.biases { fatalError("row \(row.index): parameters ≠ weights + biases") }
        if row.count.weights < 0 || row.count.biases < 0 || row.count.macs < 0 { fatalError("row \(row.index): a negative count") }
        if case .image(let size, let channels) = row.output, size.width < 1 || size.height < 1 || channels < 1 {
            fatalError("row \(row.index): an empty output image \(size)×\(channels)")
        }
        if let field = row.receptiveField, field.width < 1 || field.height < 1 { fatalError("row \(row.index): receptive field \(field)") }
        if row.isBlock {
            if row.descendants < 1 || row.index + row.descendants > summary.rows.count { fatalError("row \(row.index): a block of \(row.descendants) rows") }
            continue  // Its counts are those of the layers inside it, counted below.
        }
        parameters += row.count.parameters  // the summary's own exact sums passed, so these cannot overflow
        macs += row.count.macs
    }
    if parameters != summary.totalParameters { fatalError("the parameters do not add up") }
    if macs != summary.totalMACs { fatalError("the multiply-accumulates do not add up") }
    if summary.parameterBytes != 4 * summary.totalParameters { fatalError("parameter bytes ≠ 4 × parameters") }
}
