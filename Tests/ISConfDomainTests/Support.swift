import Foundation
import Testing
import ISConfDomain
import ISConfCore

/// `../shared/corpus/wso2` beside the package, when this checkout has it.
enum Corpus {
    static let directory: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/corpus/wso2")

    static let available = FileManager.default.fileExists(atPath: directory.path)
    static let skipReason: Comment = "../shared/corpus/wso2 is absent: corpus tests need the shared WSO2 files beside the package"

    static func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    static func source(_ name: String) throws -> SourceFile { try SourceFile.read(path: path(name)) }

    /// Lints corpus files as one IS_HOME would hold them.
    static func lint(catalina: String? = nil, authenticators: String? = nil, facts: HomeFacts = HomeFacts(),
                     tomcat: TomcatGeneration? = nil) throws -> LintReport {
        var sources: [(ConfigRole, SourceFile)] = []
        if let catalina { sources.append((.catalinaServer, try source(catalina))) }
        if let authenticators { sources.append((.authenticators, try source(authenticators))) }
        return Linter.lint(sources: sources, facts: facts, options: LintOptions(tomcat: tomcat))
    }
}

extension LintReport {
    func findings(_ rule: String) -> [Finding] { findings.filter { $0.rule == rule } }
}

/// A temporary folder removed when the test is done with it.
final class TemporaryDirectory {
    let url: URL
    var path: String { url.path }

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("isconf-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    @discardableResult
    func write(_ relative: String, _ contents: String) throws -> String {
        let file = url.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(contents.utf8).write(to: file)
        return file.path
    }
}
