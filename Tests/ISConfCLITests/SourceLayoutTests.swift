import Foundation
import ISConfTestSupport
import Testing

/// The house rules a reviewer would otherwise check by eye: no Swift file over SwiftLint's default
/// file_length warning, so that each file keeps to one job.
@Suite struct SourceLayoutTests {
    static let lineLimit = 400

    @Test func noSwiftFileIsOverTheLineLimit() throws {
        var checked = 0
        var tooLong: [String] = []
        for folder in ["Sources", "Tests"] {
            let root = PackagePaths.root.appendingPathComponent(folder)
            guard let files = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else { continue }
            for case let file as URL in files where file.pathExtension == "swift" {
                let lines = try String(contentsOf: file, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).count - 1
                checked += 1
                if lines > Self.lineLimit { tooLong.append("\(folder)/\(file.path.dropFirst(root.path.count + 1)): \(lines) lines") }
            }
        }
        #expect(checked > 100, "found only \(checked) source files under \(PackagePaths.root.path)")
        #expect(tooLong.isEmpty, "over \(Self.lineLimit) lines (split by responsibility): \(tooLong.joined(separator: ", "))")
    }
}
