import ArgumentParser
import ISConfCommandLine
import ISConfDomain

struct Rules: ParsableCommand {
    static let configuration = CommandConfiguration(
        // Named explicitly: deriving it from the type name costs a reflection pass at every start.
        commandName: "rules",
        // Also parsed as a root of its own (see ISConf.main()), where this names it "isconf rules" and
        // `version` keeps the --version flag it has under the root.
        _superCommandName: "isconf",
        abstract: "Print the rule catalogue, or one rule with its rationale, fix and examples.",
        version: isconfVersion
    )

    @Argument(help: "A rule id, e.g. client-auth-want.")
    var id: String?

    @Option(help: "Output format of the catalogue; markdown prints the table of the README's rule catalogue.")
    var format: RulesFormat = .text

    func validate() throws {
        if let id, Linter.rule(id: id) == nil {
            throw ValidationError("unknown rule '\(id)'; run 'isconf rules' for the list")
        }
        if id != nil && format == .markdown {
            throw ValidationError("--format markdown prints the whole catalogue; leave out the rule id")
        }
    }

    func run() throws {
        guard let id, let rule = Linter.rule(id: id) else {
            let catalogue = RuleCatalogueFormatter(rules: Linter.rules)
            Terminal.write(format == .markdown ? catalogue.markdown() : catalogue.text(), to: 1)
            return
        }
        var text = "\(rule.id) (\(rule.severity.rawValue))\n\n\(rule.summary)\n\n\(rule.rationale)\n"
        text += "\nFix: \(rule.fix ?? "none automatic.")\n"
        for example in rule.examples {
            text += "\n\(example.triggers ? "Triggers" : "Passes"): \(example.title)\n"
            for condition in conditions(of: example) { text += "  (\(condition))\n" }
            let files =
                (example.deploymentToml.map { [("deployment.toml", $0)] } ?? [])
                + example.sources.map { ($0.0.rawValue, String(decoding: $0.1.bytes, as: UTF8.self)) }
            for (name, content) in files {
                text += "  \(name):\n"
                for line in content.split(separator: "\n", omittingEmptySubsequences: false) {
                    text += "    \(redactSecrets(in: String(line)))\n"
                }
            }
        }
        Terminal.write(text, to: 1)
    }

    private func conditions(of example: RuleExample) -> [String] {
        var result: [String] = []
        if let tomcat = example.tomcat { result.append("read as Tomcat \(tomcat.rawValue)") }
        if example.facts.deploymentToml != nil && example.deploymentToml == nil {
            result.append("in an IS_HOME with repository/conf/deployment.toml")
        }
        if let kernel = example.facts.kernelVersion { result.append("kernel \(kernel)") }
        switch example.facts.hasMutualSSLComponent {
        case false?: result.append("plugins folder without the mutual SSL bundle")
        case true?: result.append("plugins folder with the mutual SSL bundle")
        case nil: break
        }
        result += example.facts.storeFiles.descriptions
        return result
    }
}

enum RulesFormat: String, ExpressibleByArgument, CaseIterable {
    case text, markdown
}
