/// Builds generated Swift source line by line, with four-space indentation.
struct SourceWriter {
    /// The source written so far, without the final line break.
    var source: String {
        text.hasSuffix("\n") ? String(text.dropLast()) : text
    }

    private var text = ""
    private var depth = 0

    /// Appends one line at the current indentation; an empty string appends an empty line.
    mutating func line(_ content: String = "") {
        if !content.isEmpty {
            text += String(repeating: "    ", count: depth) + content
        }
        text += "\n"
    }

    /// Appends `///` documentation lines (an empty entry becomes a bare `///`).
    mutating func documentation(_ lines: [String]) {
        for content in lines {
            line(content.isEmpty ? "///" : "/// \(content)")
        }
    }

    /// Appends `opening`, the lines `body` writes one level deeper, and `closing`.
    mutating func block(_ opening: String, closing: String = "}", _ body: (inout SourceWriter) -> Void) {
        line(opening)
        depth += 1
        body(&self)
        depth -= 1
        line(closing)
    }

    /// Appends a `switch` whose `case` labels `body` writes at the switch's own level.
    mutating func switchBlock(_ opening: String, _ body: (inout SourceWriter) -> Void) {
        line(opening)
        body(&self)
        line("}")
    }

    /// Writes lines one level deeper, with no braces around them.
    mutating func indented(_ body: (inout SourceWriter) -> Void) {
        depth += 1
        body(&self)
        depth -= 1
    }

    /// Writes `body` inside `#if` ... `#endif` when `conditions` (the `#if` conditions a
    /// member of the service type is declared under) are not empty, so that the generated
    /// code exists exactly when the member does.
    mutating func conditional(_ conditions: [String], _ body: (inout SourceWriter) -> Void) {
        guard !conditions.isEmpty else { return body(&self) }
        line("#if \(conditions.count == 1 ? conditions[0] : conditions.map { $0.contains(" ") ? "(\($0))" : $0 }.joined(separator: " && "))")
        body(&self)
        line("#endif")
    }
}
