extension Rule {
    public static let priorityFormat: Rule = Rule(
        id: "priority-format",
        severity: .error,
        summary: "<Priority> must be a bare integer, with no spaces around it.",
        catches: "`<Priority>` that Java's `Integer.parseInt` rejects, e.g. `<Priority> 5 </Priority>` (not trimmed).",
        rationale:
            "Carbon parses <Priority> with Integer.parseInt and does not trim it: `<Priority> 5 </Priority>`, `5.0` or an empty element fail, and the authenticators configuration does not load as intended.",
        fix: "Write the number alone, e.g. <Priority>5</Priority>.",
        examples: [
            .triggering("spaces around the number", authenticators: Sample.authenticators(Sample.mutualSSL(priority: " 5 "))),
            .triggering("not an integer", authenticators: Sample.authenticators(Sample.mutualSSL(priority: "high"))),
            .passing("a bare integer", authenticators: Sample.authenticators(Sample.mutualSSL(priority: "5"))),
        ],
        check: { context in
            guard let config = context.authenticators else { return [] }
            return config.declarations.compactMap { authenticator in
                guard let priority = authenticator.priorityElement, javaParseInt(priority.text) == nil else { return nil }
                let text = priority.text
                let shown = text.count > 40 ? String(text.prefix(37)) + "..." : text
                let why =
                    text.trimmingXMLSpace() != text && javaParseInt(text.trimmingXMLSpace()) != nil
                    ? "has whitespace around the number, which Carbon does not trim"
                    : "is not an integer"
                return context.finding(
                    .priorityFormat, "<Priority>\(shown)</Priority> of \(authenticator.name ?? "an authenticator") \(why)",
                    at: priority, in: config.document, hint: "write a bare integer, e.g. <Priority>5</Priority>",
                    subject: authenticator.subject + ".Priority")
            }
        })
}
