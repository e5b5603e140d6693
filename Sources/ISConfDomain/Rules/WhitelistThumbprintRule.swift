extension Rule {
    public static let whitelistThumbprint: Rule = Rule(
        id: "whitelist-thumbprint",
        severity: .error,
        summary: "WhiteList thumbprints must be of the digest the authenticator compares, and of certificates the trust store accepts.",
        catches: """
            A WhiteList thumbprint of the wrong digest for the installed authenticator (SHA-1 before 5.5.1, else per \
            EnableSHA256) or of no certificate in the client trust store.
            """,
        rationale: """
            MutualSSLAuthenticator hashes the client certificate and compares the lowercase hex with each WhiteList \
            entry. Up to version 5.5.0 (IS 7.1) it takes SHA-1; from 5.5.1 it takes SHA-256 unless EnableSHA256 is \
            false (Boolean.parseBoolean: anything but "true" in any case). An entry of the other digest never \
            matches, so its client is refused (an error). An entry that matches no certificate in the connector's \
            trust store is a warning: the client is accepted only if its certificate is issued under one that is \
            there.
            """,
        fix:
            "List the thumbprint of the digest the authenticator compares: openssl x509 -noout -fingerprint -sha256 (or -sha1) -in client.pem, lowercased, colons removed; or run isconf enable --trust-client-cert CERT --whitelist-this-cert.",
        traits: .opensKeyStores,
        examples: [
            .triggering(
                "a SHA-1 thumbprint while EnableSHA256=true", catalina: Sample.storeCatalina(),
                authenticators: Sample.whitelisting(
                    Sample.certificate(Sample.partnerCertificate).thumbprints.sha1,
                    enableSHA256: "true"),
                facts: Sample.home([.keys(), .trust([("partner", Sample.partnerCertificate)])])),
            .triggering(
                "a SHA-256 thumbprint for authenticator 5.3.3, which compares SHA-1", catalina: Sample.storeCatalina(),
                authenticators: Sample.whitelisting(Sample.certificate(Sample.partnerCertificate).thumbprints.sha256),
                facts: Sample.home([.keys(), .trust([("partner", Sample.partnerCertificate)])], componentVersion: "5.3.3")),
            .triggering(
                "a thumbprint of no certificate in the trust store (a warning)", catalina: Sample.storeCatalina(),
                authenticators: Sample.whitelisting(Sample.thumbprint),
                facts: Sample.home([.keys(), .trust([("partner", Sample.partnerCertificate)])])),
            .passing(
                "the SHA-256 thumbprint of a trusted certificate, for authenticator 5.6.0", catalina: Sample.storeCatalina(),
                authenticators: Sample.whitelisting(Sample.certificate(Sample.partnerCertificate).thumbprints.sha256),
                facts: Sample.home([.keys(), .trust([("partner", Sample.partnerCertificate)])], componentVersion: "5.6.0")),
            .passing(
                "a SHA-1 thumbprint with EnableSHA256=false", catalina: Sample.storeCatalina(),
                authenticators: Sample.whitelisting(
                    Sample.certificate(Sample.partnerCertificate).thumbprints.sha1,
                    enableSHA256: "false"),
                facts: Sample.home([.keys(), .trust([("partner", Sample.partnerCertificate)])], componentVersion: "5.6.0")),
        ],
        check: { context in
            guard let config = context.authenticators, let authenticator = config.mutualSSL, !authenticator.isDisabled,
                authenticator.parameter("WhiteListEnabled")?.value.lowercased() == "true",
                let list = authenticator.parameter("WhiteList")
            else { return [] }
            let digest = authenticator.thumbprintDigest(componentVersion: context.facts.mutualSSLComponentVersion)
            let trust = context.storeChecks.first { $0.reference.purpose == .trustStore }
            let certificates = trust?.store?.entries.flatMap { entry in entry.certificates.map { (entry.alias, $0) } }
            var findings: [Finding] = []
            let entries = list.value.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingXMLSpace() }
            for (index, entry) in entries.enumerated() {
                // Entries that are no thumbprint at all are the whitelist rule's.
                guard isThumbprint(entry), let entryDigest = ThumbprintDigest(thumbprint: entry) else { continue }
                let subject = authenticator.subject + ".WhiteList[\(index)]"
                let holder = certificates?.first { entryDigest.of($0.1.thumbprints) == entry }
                if let digest, digest.digest != entryDigest {
                    let known =
                        holder.map {
                            " (it is the \(entryDigest.rawValue) thumbprint of '\($0.0)', whose \(digest.digest.rawValue) thumbprint is \(digest.digest.of($0.1.thumbprints)))"
                        } ?? ""
                    findings.append(
                        context.finding(
                            .whitelistThumbprint,
                            "WhiteList entry \(index + 1) is a \(entryDigest.rawValue) thumbprint, but the authenticator compares \(digest.digest.rawValue) (\(digest.reason)): it never matches\(known)",
                            at: list.element, in: config.document,
                            hint: "list the certificate's \(digest.digest.rawValue) thumbprint instead", subject: subject))
                } else if let trust, certificates != nil, holder == nil {
                    findings.append(
                        context.finding(
                            .whitelistThumbprint,
                            "WhiteList entry \(index + 1) (\(entry.prefix(16))…) is the thumbprint of no certificate in the trust store \(trust.reference.fileName): its client is accepted only if its certificate is issued under one that is there",
                            at: list.element, in: config.document, severity: .warning,
                            hint: "import the client certificate (isconf enable --trust-client-cert CERT), or check the thumbprint",
                            subject: subject))
                }
            }
            return findings
        })
}
