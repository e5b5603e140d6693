extension Rule {
    public static let xmlMalformed: Rule = Rule(
        id: "xml-malformed",
        severity: .error,
        summary: "The file must be well-formed XML that isconf can read safely.",
        catches: """
            Not well-formed, a DOCTYPE, UTF-16/32, an unsupported encoding, or the wrong root element; with \
            libxml2's message, line and column.
            """,
        rationale:
            "A file Tomcat or Carbon cannot parse stops the server. isconf also refuses, for safety, any DOCTYPE (entity definitions: XXE and entity expansion), UTF-16/32 and encodings other than UTF-8 and ISO-8859-1.",
        fix: "Correct the XML at the reported line and column.",
        traits: .inputFailure,
        examples: [
            .triggering("unclosed tag", catalina: "<Server><Service>\n</Server>\n"),
            .triggering("a DOCTYPE", authenticators: "<!DOCTYPE a [<!ENTITY x \"y\">]>\n<Authenticators/>\n"),
            .triggering("the wrong root element", catalina: "<Authenticators/>\n"),
            .passing("well-formed", catalina: Sample.catalina(Sample.legacy("clientAuth=\"want\""))),
        ],
        check: { context in
            context.malformed.map { error in
                Finding(
                    rule: "xml-malformed", severity: .error, message: error.message, file: error.path,
                    position: error.position, hint: nil, fixable: false, subject: "document")
            }
        })
}
