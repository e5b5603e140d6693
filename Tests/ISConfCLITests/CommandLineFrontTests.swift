import Testing

/// `isconf lint …` and the other subcommands are parsed as roots of their own (ISConf.main()), to
/// skip the root's completion-script probe. What users see must be what parsing from the root gives.
@Suite("Subcommands parsed directly")
struct CommandLineFrontTests {
    @Test(arguments: [
        ["lint"], ["lint", "--format", "yaml", CLI.sample], ["enable", "--bogus", CLI.sample],
        ["rules", "no-such-rule"], ["truststore", "list", "--bogus"],
    ])
    func usageErrorsNameTheCommandAsTyped(_ arguments: [String]) throws {
        let result = try CLI.run(arguments)
        let name =
            "isconf "
            + arguments.prefix { !$0.hasPrefix("-") && $0 != CLI.sample && $0 != "no-such-rule" }
            .joined(separator: " ")
        #expect(result.status == 64)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("Usage: \(name) "), "\(result.stderr)")
        #expect(result.stderr.contains("See '\(name) --help' for more information."), "\(result.stderr)")
    }

    @Test(arguments: ["lint", "enable", "rules", "truststore"])
    func helpIsTheSameAsThroughTheRoot(_ command: String) throws {
        let direct = try CLI.run([command, "--help"])
        let viaRoot = try CLI.run(["help", command])
        #expect(direct.status == 0 && viaRoot.status == 0)
        #expect(direct.stdout == viaRoot.stdout)
        #expect(direct.stdout.contains("USAGE: isconf \(command)"))
    }

    @Test func findingsExitWithTheirStatusAndNothingMore() throws {
        let result = try CLI.run(["lint", "--format", "json", CLI.sample])
        #expect(result.status == 1)
        #expect(result.stderr.isEmpty)
    }

    @Test func theRootStillAnswersVersionCompletionAndUnknownCommands() throws {
        #expect(try CLI.run(["--version"]).stdout.hasPrefix("0."))
        let bash = try CLI.run(["--generate-completion-script", "bash"])
        #expect(bash.status == 0)
        #expect(bash.stdout.contains("lint") && bash.stdout.contains("truststore"))
        let unknown = try CLI.run(["lnt", CLI.sample])
        #expect(unknown.status == 64)
        #expect(unknown.stderr.contains("See 'isconf --help'"))
    }
}
