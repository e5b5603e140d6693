extension StringProtocol {
    /// The UTF-8 offset of the first occurrence of `needle`. A plain byte search: the standard
    /// library's `firstRange(of:)` and `contains(_:)` for strings come from _StringProcessing, whose
    /// regex engine would add hundreds of protocol conformances that every start-up scans.
    func utf8Offset(of needle: String) -> Int? {
        let haystack = Array(utf8)
        let pattern = Array(needle.utf8)
        guard !pattern.isEmpty, pattern.count <= haystack.count else { return pattern.isEmpty ? 0 : nil }
        outer: for start in 0...(haystack.count - pattern.count) where haystack[start] == pattern[0] {
            for offset in 1..<pattern.count where haystack[start + offset] != pattern[offset] { continue outer }
            return start
        }
        return nil
    }

    func includes(_ needle: String) -> Bool { utf8Offset(of: needle) != nil }
}
