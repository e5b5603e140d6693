extension Rule {
    public static let defaultStorePassword: Rule = Rule(
        id: "default-store-password",
        severity: .warning,
        summary: "The key store and trust store must not keep WSO2's default password.",
        catches: "A store still opens with WSO2's default password `wso2carbon`.",
        rationale: """
            Every IS download ships its stores with the password wso2carbon, and wso2server.sh hands it to the JVM for \
            the trust store. Whoever gets a copy of a store (a backup, an image) can then read the server's private \
            key, or add a certificate to the trust store that the MutualSSLAuthenticator will accept. A default the \
            connector does not write (the JVM's trust store) is reported only when the store does open with it.
            """,
        fix:
            "Change it (keytool -storepasswd, and -keypasswd for the key), then set the new password in the connector, in wso2server.sh's -Djavax.net.ssl.trustStorePassword for the JVM's trust store, or in secure vault.",
        traits: .opensKeyStores,
        examples: [
            .triggering(
                "keystorePass is the default", catalina: Sample.storeCatalina(keystorePass: "wso2carbon"),
                facts: Sample.home([.keys(), .trust([("partner", Sample.partnerCertificate)])])),
            .triggering(
                "no truststoreFile: the JVM's trust store opens with the default",
                catalina: Sample.catalina(Sample.legacy("clientAuth=\"want\"") + " keystorePass=\"\(Sample.keyStorePassword)\""),
                facts: Sample.home([.keys(), .trust([("partner", Sample.partnerCertificate)], password: "wso2carbon")])),
            .passing(
                "passwords of the operator's own", catalina: Sample.storeCatalina(),
                facts: Sample.home([.keys(), .trust([("partner", Sample.partnerCertificate)])])),
            .passing(
                "no truststoreFile, and the JVM's trust store does not open with the default (store-access reports it)",
                catalina: Sample.catalina(Sample.legacy("clientAuth=\"want\"") + " keystorePass=\"\(Sample.keyStorePassword)\""),
                facts: Sample.home([.keys(), .trust([("partner", Sample.partnerCertificate)])])),
        ],
        check: { context in
            context.storeChecks.compactMap { check in
                let reference = check.reference
                guard case .known(let password) = reference.password, password.revealed == StoreReference.wso2DefaultPassword else { return nil }
                // A default nobody wrote counts only when the store proves it is the one in use.
                if reference.passwordAttribute == nil, !check.isOpened { return nil }
                return context.finding(
                    .defaultStorePassword,
                    "\(reference.passwordOrigin) is WSO2's default, which every IS download ships with: anyone with a copy of the \(reference.purpose.rawValue) \(reference.fileName) can open it",
                    about: check, at: reference.passwordAttribute,
                    hint: "keytool -storepasswd -keystore \(check.shownPath), then set the new password "
                        + (reference.passwordAttribute.map { "in \($0.qualifiedName)" } ?? "in wso2server.sh or the connector's truststorePass"))
            }
        })
}
