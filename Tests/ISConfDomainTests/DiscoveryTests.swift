import ISConfTestSupport
import Testing

@testable import ISConfDomain

@Suite struct DiscoveryTests {
    static let minimalServer = "<Server><Service><Connector port=\"9443\" SSLEnabled=\"true\" clientAuth=\"want\"/></Service></Server>\n"
    static let minimalAuthenticators = "<Authenticators><Authenticator name=\"MutualSSLAuthenticator\" disabled=\"false\"/></Authenticators>\n"

    func makeHome(in directory: Scratch, _ name: String, toml: Bool = false, plugins: [String]? = nil) throws {
        try directory.write("\(name)/repository/conf/tomcat/catalina-server.xml", Self.minimalServer)
        try directory.write("\(name)/repository/conf/security/authenticators.xml", Self.minimalAuthenticators)
        if toml { try directory.write("\(name)/repository/conf/deployment.toml", "[server]\n") }
        for plugin in plugins ?? [] { try directory.write("\(name)/repository/components/plugins/\(plugin)", "") }
    }

    @Test func readsFactsFromTheLayout() throws {
        let directory = try Scratch()
        try makeHome(in: directory, "is", toml: true, plugins: ["org.wso2.carbon.core_4.5.1.jar", "other_1.0.jar"])
        let result = Discovery.discover([directory.path + "/is"])
        let target = try #require(result.targets.first)
        #expect(target.facts.kernelVersion == "4.5.1")
        #expect(target.facts.tomcatGeneration == .tomcat9)
        #expect(target.facts.deploymentToml?.hasSuffix("repository/conf/deployment.toml") == true)
        #expect(target.facts.hasMutualSSLComponent == false)
        #expect(target.files.map(\.role) == [.catalinaServer, .authenticators])
    }

    @Test func kernel44MeansTomcat7() {
        #expect(HomeFacts(kernelVersion: "4.4.32").tomcatGeneration == .tomcat7)
        #expect(HomeFacts(kernelVersion: "4.12.34").tomcatGeneration == .tomcat9)
        #expect(HomeFacts().tomcatGeneration == nil)
    }

    @Test func findsHomesInAFolderInNameOrder() throws {
        let directory = try Scratch()
        for name in ["b", "a", "group/c"] { try makeHome(in: directory, name) }
        try directory.write("notes.txt", "not a home")
        let result = Discovery.discover([directory.path])
        #expect(result.errors.isEmpty)
        #expect(
            result.targets.map { $0.facts.root!.split(separator: "/").suffix(2).joined(separator: "/") }
                == [directory.url.lastPathComponent + "/a", directory.url.lastPathComponent + "/b", "group/c"])
    }

    @Test func recognisesSingleFilesByRootElement() throws {
        let directory = try Scratch()
        let server = try directory.write("renamed-server.xml", "<?xml version='1.0'?>\n<!-- c -->\n" + Self.minimalServer)
        let auth = try directory.write("x.xml", Self.minimalAuthenticators)
        let other = try directory.write("web.xml", "<web-app/>")
        let result = Discovery.discover([server, auth, other])
        #expect(result.targets.map { $0.files[0].role } == [.catalinaServer, .authenticators])
        #expect(result.errors.count == 1)
        #expect(result.errors.first?.kind == .wrongFileType && result.errors.first?.path == other)
    }

    @Test func reportsPathsThatAreNotThere() throws {
        let directory = try Scratch()
        let result = Discovery.discover([directory.path + "/missing", directory.path])
        #expect(result.errors.count == 2)
        #expect(result.errors[0].kind == .notFound)
        #expect(result.errors[1].kind == .noConfiguration)
    }

    @Test func lintsManyHomesInParallelInAStableOrder() throws {
        let directory = try Scratch()
        for index in 0..<40 { try makeHome(in: directory, String(format: "home%02d", index)) }
        try directory.write("home07/repository/conf/tomcat/catalina-server.xml", Self.minimalServer.replacingOccurrences(of: "want", with: "false"))
        let targets = Discovery.discover([directory.path]).targets
        let parallel = Linter.lint(targets)
        let sequential = targets.flatMap { Linter.lint($0).findings }
        #expect(parallel.findings.map { "\($0.file):\($0.rule)" } == sequential.map { "\($0.file):\($0.rule)" })
        #expect(parallel.findings.filter { $0.rule == "client-auth-want" }.map(\.file).allSatisfy { $0.contains("home07") })
    }
}
