import Foundation
import ISConfTestSupport
import Testing

/// conf-samples/kubernetes/isconf-sidecar.yaml runs the installed commands; with no cluster here, the
/// proof is to run exactly those command lines, from the manifest, against a copy of the sample
/// IS_HOME standing in for the pod's /wso2is volume.
@Suite("Kubernetes sample", .enabled(if: KubernetesSample.pythonYAML, "needs python3 with PyYAML to read the manifest"))
struct KubernetesSampleTests {
    @Test func everyIsconfCommandRunsAnInstalledExecutable() throws {
        let commands = try KubernetesSample.commands()
        let isconf = commands.filter { $0.value.first?.hasPrefix("/usr/local/bin/isconf") == true }
        #expect(Set(isconf.keys) == ["isconf-enable", "isconf"], "containers running isconf: \(isconf.keys.sorted())")
        for (name, command) in isconf {
            let built = KubernetesSample.built(command[0])
            #expect(FileManager.default.isExecutableFile(atPath: built.path), "\(name) runs \(command[0]), which the build does not make")
        }
    }

    @Test func initContainerEnablesTheVolume() throws {
        let command = try #require(try KubernetesSample.commands()["isconf-enable"])
        let scratch = try Scratch()
        let home = try scratch.copySample(as: "wso2is")
        let result = try CLI.run(
            Array(command.dropFirst()).map { $0 == "/wso2is" ? home : $0 },
            executable: KubernetesSample.built(command[0]).path)
        #expect(result.status == 0, "\(result.stderr)")
        let lint = try CLI.run(["lint", "--tomcat", "7", home])
        #expect(!lint.stdout.contains("[client-auth-want]") && !lint.stdout.contains("[mutual-ssl-authenticator]"), "\(lint.stdout)")
    }

    /// The sidecar's own command line (metrics on an ephemeral port instead of 9464) reaches
    /// readiness on the volume, logs JSON, and stops cleanly on SIGTERM as the kubelet sends it.
    @Test func sidecarWatchesTheVolume() throws {
        let command = try #require(try KubernetesSample.commands()["isconf"])
        let scratch = try Scratch()
        let home = try scratch.copySample(as: "wso2is")
        let arguments = Array(command.dropFirst()).map { argument -> String in
            if argument == "/wso2is" { return home }
            return argument == "0.0.0.0:9464" ? "127.0.0.1:0" : argument
        }
        #expect(arguments.contains("--report-only"))
        let daemon = try Daemon(arguments, keeping: scratch, executable: KubernetesSample.built(command[0]))
        defer { daemon.kill() }
        let watching = try #require(daemon.waitFor(message: "watching"), "\(daemon.transcript)")
        #expect(watching["files"] as? Int == 2, "\(watching)")
        #expect(daemon.stop() == 0, "\(daemon.transcript)")
    }
}

enum KubernetesSample {
    static let manifest = CLI.packageRoot.appendingPathComponent("conf-samples/kubernetes/isconf-sidecar.yaml").path

    static let pythonYAML: Bool = (try? CLI.run(["-c", "import yaml"], executable: python))?.status == 0

    static var python: String { ExternalProgram.which("python3") ?? "/usr/bin/python3" }

    /// Each container's (init containers too) command, by container name.
    static func commands() throws -> [String: [String]] {
        let script = """
            import json, sys, yaml
            commands = {}
            for document in yaml.safe_load_all(open(sys.argv[1])):
                spec = (document or {}).get("spec", {}).get("template", {}).get("spec", {})
                for container in spec.get("initContainers", []) + spec.get("containers", []):
                    commands[container["name"]] = container.get("command", [])
            print(json.dumps(commands))
            """
        let result = try CLI.run(["-c", script, manifest], executable: python)
        try #require(result.status == 0, "\(result.stderr)")
        return try JSONDecoder().decode([String: [String]].self, from: Data(result.stdout.utf8))
    }

    /// The executable the build made for an installed path such as /usr/local/bin/isconf-watch.
    static func built(_ installed: String) -> URL {
        CLI.binary.deletingLastPathComponent().appendingPathComponent(URL(fileURLWithPath: installed).lastPathComponent)
    }
}
