extension Rule {
    public static let attributeTypo: Rule = Rule(
        id: "attribute-typo",
        severity: .warning,
        summary: "Connector, SSLHostConfig and Certificate attributes must be spelled as Tomcat spells them.",
        catches: """
            An unknown `Connector`/`SSLHostConfig`/`Certificate` attribute close to a known one (`clientauth`, \
            `certificateVerfication`): Tomcat ignores it.
            """,
        rationale:
            "Tomcat's attribute names are case-sensitive and an unknown attribute is only logged at start-up, so `clientauth=\"want\"` or `certificateVerfication` looks right in the file and does nothing.",
        fix: "Rename the attribute to the name suggested.",
        examples: [
            .triggering("clientauth in lower case", catalina: Sample.catalina(Sample.legacy("clientauth=\"want\""))),
            .triggering(
                "a misspelt certificateVerification",
                catalina: Sample.catalina(
                    "SSLEnabled=\"true\" scheme=\"https\"",
                    content: "<SSLHostConfig certificateVerfication=\"want\"><Certificate certificateKeystoreFile=\"k.jks\"/></SSLHostConfig>")),
            .passing("correct names", catalina: Sample.catalina(Sample.legacy("clientAuth=\"want\""))),
            .passing("an unknown name that resembles nothing known", catalina: Sample.catalina(Sample.legacy("clientAuth=\"want\" myCustomFlag=\"1\""))),
        ],
        check: { context in
            guard let server = context.catalina else { return [] }
            var findings: [Finding] = []
            func check(_ element: some TomcatElement, known: KnownNames, owner: String) {
                for attribute in element.element.attributes where !attribute.isNamespaceDeclaration && attribute.prefix == nil {
                    let name = attribute.qualifiedName
                    guard !known.names.contains(name), !name.hasPrefix("socket."), !name.hasPrefix("selectorPool."),
                        let suggestion = known.closest(to: name)
                    else { continue }
                    findings.append(
                        context.finding(
                            .attributeTypo, "\(owner) attribute \"\(name)\" is not one Tomcat knows; did you mean \"\(suggestion)\"? Tomcat ignores it",
                            at: attribute, in: server.document, hint: "rename it to \(suggestion)",
                            subject: "\(owner)[\(name)]"))
                }
            }
            for connector in server.connectors {
                check(connector, known: KnownNames.connector, owner: "Connector")
                for hostConfig in connector.sslHostConfigs {
                    check(hostConfig, known: KnownNames.sslHostConfig, owner: "SSLHostConfig")
                    for certificate in hostConfig.certificates {
                        check(certificate, known: KnownNames.certificate, owner: "Certificate")
                    }
                }
            }
            return findings
        })
}

/// One element's known attribute names, with what `closest(to:)` compares prepared once, not per
/// attribute: the cost of an attribute is then bounded by the size of the known list.
struct KnownNames: Sendable {
    static let connector = KnownNames(TomcatAttributes.connector)
    static let sslHostConfig = KnownNames(TomcatAttributes.sslHostConfig)
    static let certificate = KnownNames(TomcatAttributes.certificate)

    let names: Set<String>
    /// Lowercased name → the name; in name order, so ties go to the first name.
    private let byLowercase: [String: String]
    private let sortedLowercased: [(lowered: String, name: String)]

    init(_ names: Set<String>) {
        self.names = names
        sortedLowercased = names.sorted().map { ($0.lowercased(), $0) }
        byLowercase = Dictionary(sortedLowercased.map { ($0.lowered, $0.name) }) { first, _ in first }
    }

    /// The known name a misspelling most likely meant: equal ignoring case, or within a small edit distance.
    func closest(to name: String) -> String? {
        let lowered = name.lowercased()
        if let sameLetters = byLowercase[lowered] { return sameLetters }
        guard name.count >= 5 else { return nil }
        let allowed = name.count >= 12 ? 2 : 1
        var best: (name: String, distance: Int)?
        for candidate in sortedLowercased {
            let distance = editDistance(lowered, candidate.lowered, limit: allowed)
            if distance <= allowed, distance < (best?.distance ?? Int.max) { best = (candidate.name, distance) }
        }
        return best?.name
    }
}

/// Damerau-Levenshtein (optimal string alignment) distance, giving up above `limit`.
func editDistance(_ a: String, _ b: String, limit: Int) -> Int {
    let a = Array(a.utf8)
    let b = Array(b.utf8)
    if abs(a.count - b.count) > limit { return limit + 1 }
    var previousPrevious = [Int](repeating: 0, count: b.count + 1)
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...max(a.count, 1) where !a.isEmpty {
        current[0] = i
        var rowMinimum = current[0]
        for j in 1...max(b.count, 1) where !b.isEmpty {
            let cost = a[i - 1] == b[j - 1] ? 0 : 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                current[j] = min(current[j], previousPrevious[j - 2] + 1)
            }
            rowMinimum = min(rowMinimum, current[j])
        }
        if rowMinimum > limit { return limit + 1 }
        (previousPrevious, previous, current) = (previous, current, previousPrevious)
    }
    return a.isEmpty ? b.count : (b.isEmpty ? a.count : previous[b.count])
}

/// Attribute names Tomcat 7 to 9 accept on these elements (HTTP/1.1 NIO/NIO2/APR connectors,
/// the legacy connector-level SSL attributes, and the Tomcat 8.5+ SSLHostConfig and Certificate).
enum TomcatAttributes {
    static let connector: Set<String> = [
        // Common to all connectors
        "allowTrace", "asyncTimeout", "discardFacades", "enableLookups", "encodedSolidusHandling", "executor",
        "executorTerminationTimeoutMillis", "maxCookieCount", "maxParameterCount", "maxPostSize", "maxSavePostSize",
        "parseBodyMethods", "port", "portOffset", "protocol", "proxyName", "proxyPort", "redirectPort",
        "rejectSuspiciousURIs", "scheme", "secure", "throwOnFailure", "URIEncoding", "useBodyEncodingForURI",
        "useIPVHosts", "xpoweredBy", "className", "name", "allowBackslash", "allowEncodedSlash",
        // HTTP/1.1
        "acceptCount", "acceptorThreadCount", "acceptorThreadPriority", "address", "allowedTrailerHeaders",
        "allowHostHeaderMismatch", "bindOnInit", "clientCertProvider", "compressibleMimeType", "compressableMimeType",
        "compression", "compressionMinSize", "connectionLinger", "connectionTimeout", "connectionUploadTimeout",
        "continueResponseTiming", "defaultSSLHostConfigName", "disableUploadTimeout", "disableKeepAlivePercentage",
        "keepAliveTimeout", "maxConnections", "maxExtensionSize", "maxHeaderCount", "maxHttpHeaderSize",
        "maxHttpRequestHeaderSize", "maxHttpResponseHeaderSize", "maxKeepAliveRequests", "maxSwallowSize",
        "maxThreads", "maxTrailerSize", "minSpareThreads", "maxSpareThreads", "maxQueueSize", "noCompressionStrongETag",
        "noCompressionUserAgents", "processorCache", "rejectIllegalHeader", "rejectIllegalHeaderName",
        "relaxedPathChars", "relaxedQueryChars", "restrictedUserAgents", "server", "serverRemoveAppProvidedValues",
        "SSLEnabled", "tcpNoDelay", "threadPriority", "threadsMaxIdleTime", "useAsyncIO", "useKeepAliveResponseHeader",
        "useSendfile", "pollerThreadCount", "pollerThreadPriority", "selectorTimeout", "useInheritedChannel",
        "unixDomainSocketPath", "unixDomainSocketPathPermissions", "socketBuffer", "oomParachute", "useComet",
        "useCometTimeout", "bufferSize", "keepAlive", "timeout", "maxProcessors", "minProcessors", "upgradeAsyncWriteBufferSize",
        "sendReasonPhrase", "enableAsyncIO", "deferAccept", "pollTime", "sendfileSize", "sendfileThreadCount",
        "ipv6v6only", "useOpenSSL",
        // Legacy connector-level SSL (Tomcat 7, folded into the default SSLHostConfig from 8.5)
        "algorithm", "allowUnsafeLegacyRenegotiation", "ciphers", "clientAuth", "crlFile", "keyAlias", "keyPass",
        "keystoreFile", "keystorePass", "keystoreProvider", "keystoreType", "sessionCacheSize", "sessionTimeout",
        "sslEnabledProtocols", "sslImplementationName", "sslProtocol", "trustManagerClassName", "trustMaxCertLength",
        "truststoreAlgorithm", "truststoreFile", "truststorePass", "truststoreProvider", "truststoreType",
        "useServerCipherSuitesOrder", "honorCipherOrder", "SSLCertificateFile", "SSLCertificateKeyFile",
        "SSLCertificateChainFile", "SSLCACertificateFile", "SSLCACertificatePath", "SSLCARevocationFile",
        "SSLCARevocationPath", "SSLCipherSuite", "SSLDisableCompression", "SSLDisableSessionTickets",
        "SSLHonorCipherOrder", "SSLPassword", "SSLProtocol", "SSLVerifyClient", "SSLVerifyDepth", "sslContext",
        "sslImplementation", "keystore", "truststore",
    ]

    static let sslHostConfig: Set<String> = [
        "caCertificateFile", "caCertificatePath", "certificateRevocationListFile", "certificateRevocationListPath",
        "certificateVerification", "certificateVerificationDepth", "ciphers", "disableCompression",
        "disableSessionTickets", "honorCipherOrder", "hostName", "insecureRenegotiation", "keyManagerAlgorithm",
        "protocols", "revocationEnabled", "sessionCacheSize", "sessionTimeout", "sslProtocol",
        "trustManagerClassName", "truststoreAlgorithm", "truststoreFile", "truststorePassword",
        "truststorePasswordFile", "truststoreProvider", "truststoreType", "ocspEnabled", "ocspSoftFail",
        "ocspTimeout", "ocspVerifyFlags", "groups", "certificateCompression", "ciphersuites", "className",
    ]

    static let certificate: Set<String> = [
        "certificateChainFile", "certificateFile", "certificateKeyAlias", "certificateKeyFile",
        "certificateKeyManagerClassName", "certificateKeyPassword", "certificateKeyPasswordFile",
        "certificateKeystoreFile", "certificateKeystorePassword", "certificateKeystorePasswordFile",
        "certificateKeystoreProvider", "certificateKeystoreType", "type", "className",
    ]
}
