extension Rule {
    public static let trustStoreEmpty: Rule = Rule(
        id: "truststore-empty",
        severity: .error,
        summary: "The trust store of the HTTPS connector must hold the certificates clients are verified against.",
        catches: "The client trust store holds no certificate: no client can be verified.",
        rationale: """
            Tomcat accepts a client certificate only when it is in the trust store or issued under a certificate \
            there. An empty trust store verifies no client: with clientAuth="want" every client is let in without \
            a certificate, and mutual SSL can accept no one.
            """,
        fix: "Import the client certificates, or the CA that issues them: isconf enable --trust-client-cert CERT, or keytool -importcert.",
        traits: .opensKeyStores,
        examples: [
            .triggering("an empty trust store", catalina: Sample.storeCatalina(), facts: Sample.home([.keys(), .trust([])])),
            .passing(
                "a trusted client certificate", catalina: Sample.storeCatalina(),
                facts: Sample.home([.keys(), .trust([("partner", Sample.partnerCertificate)])])),
        ],
        check: { context in
            context.storeChecks.compactMap { check in
                guard check.reference.purpose == .trustStore, let store = check.store,
                    store.entries.allSatisfy(\.certificates.isEmpty)
                else { return nil }
                return context.finding(
                    .trustStoreEmpty,
                    "the trust store \(check.shownPath) holds no certificates: no client certificate can be verified, so mutual SSL accepts no client",
                    about: check, hint: "import the client certificates or their CA (isconf enable --trust-client-cert CERT)")
            }
        })
}
