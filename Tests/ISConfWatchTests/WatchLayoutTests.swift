import ISConfDomain
import Testing

@testable import ISConfWatch

/// The watch layout as pure input → output: targets, store paths and a resolver in, folders, masks and
/// interests out; no file is read.
@Suite struct WatchLayoutTests {
    static let catalina = "repository/conf/tomcat/catalina-server.xml"
    static let authenticators = "repository/conf/security/authenticators.xml"
    static let keepPaths: WatchLayout.Resolve = { $0 }

    static func home(_ root: String, toml: Bool = false) -> LintTarget {
        LintTarget(
            facts: HomeFacts(root: root, deploymentToml: toml ? root + "/repository/conf/deployment.toml" : nil),
            files: [(.catalinaServer, root + "/" + catalina), (.authenticators, root + "/" + authenticators)])
    }

    static func layout(
        _ targets: [LintTarget], stores: [String: [String]] = [:],
        resolve: @escaping WatchLayout.Resolve = keepPaths
    ) -> WatchLayout {
        WatchLayout(targets: targets, storePaths: stores, resolve: resolve)
    }

    @Test func aHomeIsWatchedFromTheFileUpToTheFolderHoldingIt() {
        let layout = Self.layout([Self.home("/srv/is")])
        #expect(layout.files.map(\.path) == ["/srv/is/" + Self.catalina, "/srv/is/" + Self.authenticators])
        #expect(layout.files.map(\.kind) == [.xml(.catalinaServer), .xml(.authenticators)])
        #expect(
            layout.files[0].chain == [
                .init(folder: "/srv/is/repository/conf/tomcat", name: "catalina-server.xml", direct: true),
                .init(folder: "/srv/is/repository/conf", name: "tomcat", direct: false),
                .init(folder: "/srv/is/repository", name: "conf", direct: false),
                .init(folder: "/srv/is", name: "repository", direct: false),
                .init(folder: "/srv", name: "is", direct: false),  // a home replaced by another is seen
            ])
        #expect(layout.folders["/srv/is/repository/conf/tomcat"]?.mask == Inotify.fileEvents)
        #expect(layout.folders["/srv/is/repository"]?.mask == Inotify.pathEvents)
        #expect(layout.folders["/srv"]?.interests == ["is": [.file(0, direct: false), .file(1, direct: false)]])
        #expect(layout.folders["/srv/is/repository/conf/tomcat"]?.interests == ["catalina-server.xml": [.file(0, direct: true)]])
    }

    @Test func withoutDeploymentTomlItsFolderWaitsForOne() {
        let layout = Self.layout([Self.home("/h")])
        #expect(layout.files.count == 2)
        let conf = layout.folders["/h/repository/conf"]
        #expect(conf?.mask == Inotify.fileEvents, "deployment.toml appearing there is an event")
        #expect(conf?.interests["deployment.toml"] == [.home(0)])
        #expect(conf?.interests["tomcat"] == [.file(0, direct: false)])
        #expect(conf?.interests["security"] == [.file(1, direct: false)])
    }

    @Test func deploymentTomlIsWatchedAsAFileOfItsOwnWhenPresent() {
        let layout = Self.layout([Self.home("/h", toml: true)])
        #expect(layout.files.map(\.kind) == [.xml(.catalinaServer), .xml(.authenticators), .deploymentToml])
        #expect(layout.files[2].path == "/h/repository/conf/deployment.toml")
        #expect(layout.folders["/h/repository/conf"]?.interests["deployment.toml"] == [.file(2, direct: true), .home(0)])
    }

    @Test func aTrailingSlashOnTheHomeIsTheSameHome() {
        let layout = Self.layout([LintTarget(facts: HomeFacts(root: "/h/"), files: [(.catalinaServer, "/h/" + Self.catalina)])])
        #expect(layout.folders["/h/repository/conf"]?.interests["deployment.toml"] == [.home(0)])
        #expect(layout.files[0].chain.last == .init(folder: "/", name: "h", direct: false))
    }

    @Test func homesSharingAFolderShareItsWatchWithAnInterestEach() {
        let layout = Self.layout([Self.home("/srv/a"), Self.home("/srv/b")])
        #expect(layout.files.count == 4)
        #expect(
            layout.folders["/srv"]?.interests == [
                "a": [.file(0, direct: false), .file(1, direct: false)],
                "b": [.file(2, direct: false), .file(3, direct: false)],
            ])
        #expect(layout.files[2].target == 1)
    }

    @Test func aFileGivenTwiceIsWatchedOnce() {
        let single = LintTarget(facts: HomeFacts(), files: [(.catalinaServer, "/etc/is/catalina-server.xml")])
        let layout = Self.layout([single, single])
        #expect(layout.files.count == 1)
        #expect(layout.folders["/etc/is"]?.interests["catalina-server.xml"] == [.file(0, direct: true)])
    }

    @Test func aFileGivenByItselfIsWatchedFromItsFolderAndTheOneAbove() {
        let layout = Self.layout([
            LintTarget(
                facts: HomeFacts(),
                files: [
                    (.catalinaServer, "/etc/is/catalina-server.xml"),
                    (.authenticators, "/etc/is/authenticators.xml"),
                ])
        ])
        #expect(
            layout.files[0].chain == [
                .init(folder: "/etc/is", name: "catalina-server.xml", direct: true),
                .init(folder: "/etc", name: "is", direct: false),
            ])
        #expect(Set(layout.folders.keys) == ["/etc/is", "/etc"], "no home: no deployment.toml, no stores")
        #expect(layout.folders["/etc/is"]?.interests.count == 2)
    }

    /// A symbolic link is watched where it is and where it points (where `enable` writes). A linked
    /// folder needs nothing more: inotify follows it to the same folder (see FolderWatchesTests).
    @Test func aSymbolicLinkIsAlsoWatchedInItsRealFolder() {
        let link = "/h/" + Self.catalina
        let layout = Self.layout([Self.home("/h")]) { $0 == link ? "/shared/tomcat/catalina-server.xml" : $0 }
        #expect(layout.files[0].chain.last == .init(folder: "/shared/tomcat", name: "catalina-server.xml", direct: true))
        #expect(layout.folders["/shared/tomcat"]?.interests == ["catalina-server.xml": [.file(0, direct: true)]])
        #expect(layout.files[1].chain.allSatisfy { !$0.folder.hasPrefix("/shared") })

        let linkedFolder = Self.layout([Self.home("/h")]) { $0.replacingOccurrences(of: "/h/repository/conf", with: "/shared/conf") }
        #expect(linkedFolder.files[0].chain == Self.layout([Self.home("/h")]).files[0].chain)
    }

    @Test func anUnresolvablePathAddsNothing() {
        let layout = Self.layout([Self.home("/h")]) { _ in nil }
        #expect(layout.files[0].chain.count == 5)
    }

    @Test func storeFilesAndTheFoldersOnTheirWayStandForTheirHome() {
        let store = "/h/repository/resources/security/wso2carbon.jks"
        let layout = Self.layout([Self.home("/h")], stores: ["/h": [store]])
        #expect(layout.files.count == 2, "stores are not checked files")
        #expect(layout.folders["/h/repository/resources/security"]?.interests == ["wso2carbon.jks": [.stores(0)]])
        #expect(layout.folders["/h/repository/resources/security"]?.mask == Inotify.fileEvents)
        #expect(layout.folders["/h/repository/resources"]?.interests == ["security": [.stores(0)]])
        #expect(layout.folders["/h/repository"]?.interests["resources"] == [.stores(0)])
        #expect(layout.folders["/"]?.interests["h"] == [.file(0, direct: false), .file(1, direct: false), .stores(0)])
        #expect(Self.layout([Self.home("/h")], stores: ["/other": [store]]).folders["/h/repository/resources"] == nil)
    }
}
