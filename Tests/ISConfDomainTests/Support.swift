import ISConfCore
import ISConfDomain
import ISConfTestSupport
import Testing

extension Corpus {
    static func source(_ name: String) throws -> SourceFile { try SourceFile.read(path: path(name)) }

    /// Lints corpus files as one IS_HOME would hold them.
    static func lint(
        catalina: String? = nil, authenticators: String? = nil, facts: HomeFacts = HomeFacts(),
        tomcat: TomcatGeneration? = nil
    ) throws -> LintReport {
        var sources: [(ConfigRole, SourceFile)] = []
        if let catalina { sources.append((.catalinaServer, try source(catalina))) }
        if let authenticators { sources.append((.authenticators, try source(authenticators))) }
        return Linter.lint(sources: sources, facts: facts, options: LintOptions(tomcat: tomcat))
    }
}

extension LintReport {
    func findings(_ rule: String) -> [Finding] { findings.filter { $0.rule == rule } }
}
