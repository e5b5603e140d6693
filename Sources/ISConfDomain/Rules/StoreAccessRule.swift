extension Rule {
    public static let storeAccess: Rule = Rule(
        id: "store-access",
        severity: .error,
        summary: "The key store and trust store of the HTTPS connector must exist and open with their passwords.",
        catches: """
            A key or trust store the main HTTPS connector names is missing or does not open with its configured \
            password (with the library's reason: wrong password or tampered, truncated, legacy PKCS#12…); a \
            secure-vault password is a note (not checkable). For a Tomcat 7 connector the trust store is the JVM's \
            (`client-truststore.jks`, as wso2server.sh sets it).
            """,
        rationale: """
            Tomcat opens the key store (keystoreFile, or certificateKeystoreFile on the SSLHostConfig's Certificate) and \
            the trust store (truststoreFile) when the HTTPS connector starts: a missing file, a wrong password or a \
            damaged store stops the connector, and a key store without a private key entry (or without the one \
            keyAlias names) leaves it no certificate to serve. A connector that names no trust store uses the JVM's, \
            which wso2server.sh points at repository/resources/security/client-truststore.jks (IS 7: .p12) with \
            WSO2's default password; as wso2server.sh may set others, a problem with that default is a warning. \
            `${carbon.home}` is IS_HOME, and so is the base of a relative path. A password \
            kept in secure vault (svns:secretAlias, or a $secret{alias} value) cannot be checked: a note says so.
            """,
        fix: "Point the attribute at the store, or give it the store's real password; keytool -list -keystore FILE tells whether a password opens it.",
        traits: .opensKeyStores,
        examples: [
            .triggering(
                "the key store is missing", catalina: Sample.storeCatalina(),
                facts: Sample.home([.trust([("partner", Sample.partnerCertificate)])])),
            .triggering(
                "the trust store does not open with truststorePass", catalina: Sample.storeCatalina(),
                facts: Sample.home([.keys(), .trust([("partner", Sample.partnerCertificate)], password: "another-secret")])),
            .triggering(
                "the key store file is not a key store", catalina: Sample.storeCatalina(),
                facts: Sample.home([
                    Sample.Store(path: Sample.keyStorePath, password: "", raw: Array("<html>404</html>".utf8)),
                    .trust([("partner", Sample.partnerCertificate)]),
                ])),
            .triggering(
                "the key store holds no private key", catalina: Sample.storeCatalina(),
                facts: Sample.home([
                    Sample.Store(
                        path: Sample.keyStorePath, password: Sample.keyStorePassword,
                        trusted: [("partner", Sample.partnerCertificate)]),
                    .trust([("partner", Sample.partnerCertificate)]),
                ])),
            .triggering(
                "no truststoreFile: the JVM's client-truststore.jks, missing here",
                catalina: Sample.catalina(Sample.legacy("clientAuth=\"want\"") + " keystorePass=\"\(Sample.keyStorePassword)\""),
                facts: Sample.home([.keys()])),
            .triggering(
                "a key store password in secure vault (a note)",
                catalina: """
                    <Server port="8005" shutdown="SHUTDOWN" xmlns:svns="http://org.wso2.securevault/configuration">
                      <Service name="Catalina">
                        <Connector port="9443" SSLEnabled="true" scheme="https" clientAuth="want"
                                   keystoreFile="${carbon.home}/\(Sample.keyStorePath)" keystorePass="password"
                                   svns:secretAlias="Server.Service.Connector.keystorePass"/>
                      </Service>
                    </Server>
                    """, facts: Sample.home([.keys(), .trust([("partner", Sample.partnerCertificate)], password: "wso2carbon")])),
            .passing(
                "both stores exist and open", catalina: Sample.storeCatalina(),
                facts: Sample.home([.keys(), .trust([("partner", Sample.partnerCertificate)])])),
            .passing("no IS_HOME to resolve ${carbon.home} in (a file given by itself)", catalina: Sample.storeCatalina()),
        ],
        check: { context in
            var findings: [Finding] = []
            for check in context.storeChecks {
                let reference = check.reference
                let purpose = reference.purpose.rawValue
                let origin = reference.defaultOrigin.map { " (\($0))" } ?? ""
                // What no attribute says is isconf's assumption (wso2server.sh may set other values): a warning.
                let assumed: Severity = reference.fileAttribute == nil || reference.passwordAttribute == nil ? .warning : .error
                func report(_ message: String, _ severity: Severity, hint: String?) {
                    findings.append(context.finding(.storeAccess, message, about: check, severity: severity, hint: hint))
                }
                switch check.state {
                case .unresolvedPath:
                    report(
                        "the \(purpose) path \(reference.path) holds a placeholder only the running server resolves: not checked",
                        .note, hint: nil)
                case .missing(let path):
                    report(
                        "the \(purpose) \(path) does not exist\(origin): Tomcat cannot start the HTTPS connector",
                        reference.fileAttribute == nil ? .warning : .error,
                        hint: "point \(reference.fileAttribute?.qualifiedName ?? "truststoreFile") at the \(purpose), or restore the file")
                case .secureVault(let alias, _):
                    report(
                        "the \(purpose) password comes from secure vault (alias \(alias)): isconf cannot check that it opens \(check.shownPath)",
                        .note, hint: nil)
                case .unreadable(let error):
                    report(
                        "the \(purpose) \(check.shownPath)\(origin) does not open with \(reference.passwordOrigin): \(error.message)",
                        assumed,
                        hint: "give \(reference.passwordAttribute?.qualifiedName ?? "the connector") the store's password, or restore the store from a backup")
                case .opened(let store):
                    guard reference.purpose == .keyStore, check.servedKeyEntry == nil else { break }
                    if let alias = reference.keyAlias {
                        report(
                            "the key store \(check.shownPath) has no private key entry \"\(alias)\", which the connector's key alias names: Tomcat cannot start the HTTPS connector",
                            .error, hint: "name one of its private key entries (keytool -list -keystore FILE)")
                    } else {
                        report(
                            "the key store \(check.shownPath) holds no private key entry (\(store.entries.count) trusted certificate\(store.entries.count == 1 ? "" : "s") only): Tomcat has no certificate to serve on the HTTPS connector",
                            .error, hint: "point the connector at the server's key store (wso2carbon.jks)")
                    }
                }
            }
            return findings
        })
}
