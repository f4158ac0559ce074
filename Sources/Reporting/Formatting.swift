import Foundation

/// Numbers as the human output shows them.
///
/// 2073600 → "2,073,600": every count gets thousands separators.
public func grouped(_ value: Int) -> String {
    let digits = String(value.magnitude)
    var result = ""
    for (offset, digit) in digits.enumerated() {
        if offset > 0 && (digits.count - offset) % 3 == 0 { result += "," }
        result.append(digit)
    }
    return (value < 0 ? "-" : "") + result
}

/// A fixed number of decimals: `fixed(36.1289, 1)` → "36.1" (never "-0.0").
public func fixed(_ value: Double, _ decimals: Int) -> String {
    let text = String(format: "%.\(decimals)f", value)
    return text.hasPrefix("-") && text.allSatisfy({ "-0.".contains($0) }) ? String(text.dropFirst()) : text
}

/// Bytes in decimal units, three significant digits: 8294404000 → "8.29 GB", 40 → "40 B".
public func humanBytes(_ bytes: Int) -> String { decimalUnits(Double(bytes), "B") }

/// Bytes in binary units, as memory sizes are given: 4294967296 → "4 GiB",
/// 19864223744 → "18.5 GiB", 512 → "512 B".
public func binaryBytes(_ bytes: Double) -> String {
    let prefixes = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei", "Zi", "Yi"]
    var scaled = bytes, prefix = 0
    while scaled >= 1023.5 && prefix < prefixes.count - 1 {
        scaled /= 1024
        prefix += 1
    }
    let digits = scaled == scaled.rounded() ? 0 : scaled < 9.995 ? 2 : scaled < 99.95 ? 1 : 0
    return "\(fixed(scaled, digits)) \(prefixes[prefix])B"
}

/// A quantity with a decimal prefix, three significant digits: 30940528640 FLOPs →
/// "30.9 GFLOPs", 833040 → "833 kFLOPs".
public func decimalUnits(_ value: Double, _ unit: String) -> String {
    let prefixes = ["", "k", "M", "G", "T", "P", "E", "Z", "Y"]
    var scaled = value, prefix = 0
    while scaled >= 999.5 && prefix < prefixes.count - 1 {
        scaled /= 1000
        prefix += 1
    }
    if prefix == 0 && scaled == scaled.rounded() { return "\(Int(scaled)) \(unit)" }
    return "\(fixed(scaled, scaled < 9.995 ? 2 : scaled < 99.95 ? 1 : 0)) \(prefixes[prefix])\(unit)"
}

/// How many times larger `numerator` is: "207,360,100×", "3.5×".
public func ratio(_ numerator: Int, _ denominator: Int) -> String {
    let value = Double(numerator) / Double(denominator)
    switch value {
    case ..<100: return fixed(value, value >= 10 ? 1 : 2) + "×"
    case ..<1e18: return grouped(Int(value.rounded())) + "×"
    default: return String(format: "%.3g×", value)
    }
}

/// A number in 3 significant digits, scientific beyond 10⁴ and below 10⁻³; "—" for nil.
public func compact(_ value: Double?) -> String {
    guard let value else { return "—" }
    if value == 0 { return "0" }
    let magnitude = abs(value)
    return magnitude >= 1e4 || magnitude < 1e-3 ? String(format: "%.2e", value) : String(format: "%.3g", value)
}

/// A parameter as a user would type it: 0.0003, not 3.00e-04; 0, not 0.0.
public func decimal(_ value: Float) -> String {
    let text = "\(value)"
    return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
}

/// A piece of user input quoted in a message, cut when long so that the message stays one
/// short line: the first 100 characters, "…", and how many there were.
public func abbreviated(_ text: String, to limit: Int = 300) -> String {
    text.count <= limit ? text : "\(text.prefix(100))… (\(grouped(text.count)) characters)"
}

/// A message with every word longer than `limit` characters (longer than paths are in
/// practice) cut by `abbreviated`, and control characters shown as `\u{…}`: what an error
/// line may safely print of its input.
public func abbreviatingLongWords(_ message: String, limit: Int = 300) -> String {
    message.split(separator: " ", omittingEmptySubsequences: false)
        .map { abbreviated(String($0), to: limit) }
        .joined(separator: " ")
        .unicodeScalars.map { $0.properties.generalCategory == .control ? "\\u{\(String($0.value, radix: 16))}" : String($0) }
        .joined()
}
