/// What a command prints: a text for people (aligned tables, thousands separators) and a
/// JSON document for scripts, made from the same result.
public protocol Report {
    /// The text, ending in its own newline.
    var text: String { get }
    var json: JSON { get }
}
