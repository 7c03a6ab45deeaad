/// A whole number with an optional unit suffix (`10m`, `64MiB`), for command-line options.
public enum UnitText {
    /// `number × unit`, or nil when `text` is not digits followed by one of `units` (tried in order,
    /// so list `ms` before `s`), or when the result overflows. No suffix means a factor of 1.
    public static func value(_ text: String, units: [(suffix: String, factor: Int)]) -> Int? {
        var digits = Substring(text)
        var factor = 1
        for unit in units where text.hasSuffix(unit.suffix) {
            digits = text.dropLast(unit.suffix.count)
            factor = unit.factor
            break
        }
        guard !digits.isEmpty, digits.count <= 18, digits.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }),
              let number = Int(digits), number <= Int.max / factor else { return nil }
        return number * factor
    }
}

/// Durations as `__delay` writes them (`250`, `250ms`, `2s`), plus minutes and hours (`10m`, `1h`),
/// for `serve --session-idle`.
public enum DurationText {
    /// Milliseconds, or nil when `text` is not a duration.
    public static func milliseconds(_ text: String) -> Int? {
        UnitText.value(text, units: [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000)])
    }
}
