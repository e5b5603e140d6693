import ISConfCore
import ISConfXML

/// `authenticators.xml`, read the way Carbon's AuthenticatorsConfiguration reads it (DOMAIN.md §3):
/// elements by local name in any namespace, the last of two same-named authenticators wins.
public struct AuthenticatorsConfig: Sendable {
    public static let mutualSSLName = "MutualSSLAuthenticator"

    public let document: XMLDocument
    /// Every `<Authenticator>` in document order, duplicates included.
    public let declarations: [Authenticator]

    public init(document: XMLDocument) {
        self.document = document
        declarations = document.root.childElements.filter { $0.localName == "Authenticator" }.map(Authenticator.init)
    }

    public var path: String { document.path }

    /// The authenticator Carbon ends up with for a name: the last declaration.
    public func effective(named name: String) -> Authenticator? {
        declarations.last { $0.name == name }
    }

    public var mutualSSL: Authenticator? { effective(named: Self.mutualSSLName) }

    /// The MutualSSLAuthenticator block kernels 4.4.1+ ship as a comment dressed as an element: a
    /// comment directly under the root that, uncommented, is exactly such an element. A comment that
    /// only mentions the authenticator in prose does not count.
    public var commentedOutMutualSSL: XMLComment? {
        document.root.children.lazy.compactMap { child -> XMLComment? in
            guard case .comment(let comment) = child, comment.text.includes(Self.mutualSSLName) else { return nil }
            let markup = SourceFile(path: document.path, bytes: Array(comment.uncommentedMarkup.utf8))
            guard let element = try? XMLDocument.parse(markup).root, element.localName == "Authenticator",
                element.attribute("name")?.value == Self.mutualSSLName
            else { return nil }
            return comment
        }.first
    }
}

public struct Authenticator: Sendable {
    public let element: XMLElement

    public var name: String? { element.attribute("name")?.value }

    /// Disabled only when `disabled` equals "true" ignoring case (Boolean.parseBoolean).
    public var isDisabled: Bool { element.attribute("disabled")?.value.lowercased() == "true" }

    /// The `<Priority>` element, whose text Carbon parses with Integer.parseInt, untrimmed.
    public var priorityElement: XMLElement? { element.childElements.last { $0.localName == "Priority" } }

    /// The parameters Carbon reads: only those inside `<Config>`.
    public var parameters: [Parameter] {
        element.childElements.filter { $0.localName == "Config" }
            .flatMap { $0.childElements.filter { $0.localName == "Parameter" } }
            .map(Parameter.init)
    }

    /// `<Parameter>`s placed directly under `<Authenticator>`, which Carbon silently ignores.
    public var strayParameters: [Parameter] {
        element.childElements.filter { $0.localName == "Parameter" }.map(Parameter.init)
    }

    /// A parameter's value as the authenticator sees it: the last one of that name, untrimmed.
    public func parameter(_ name: String) -> Parameter? {
        parameters.last { $0.name == name }
    }

    public var subject: String { "Authenticator[name=\(name ?? "?")]" }
}

public struct Parameter: Sendable {
    public let element: XMLElement

    public var name: String? { element.attribute("name")?.value }
    public var value: String { element.text }
}

/// Java's Integer.parseInt: an optional sign and decimal digits, within 32 bits, nothing else.
public func javaParseInt(_ text: String) -> Int32? {
    var digits = Substring(text)
    if let first = digits.first, first == "+" || first == "-" { digits = digits.dropFirst() }
    guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
    return Int32(text.hasPrefix("+") ? String(text.dropFirst()) : text)
}
