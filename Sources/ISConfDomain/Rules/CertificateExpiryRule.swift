import ISConfTrustStore

extension Rule {
    public static let certificateExpiry: Rule = Rule(
        id: "certificate-expiry",
        severity: .error,
        summary: "The server's certificate chain and the trusted certificates must not be expired, nor expire within 30 days.",
        catches: """
            A certificate of the server's chain or a trusted certificate has expired (error) or expires within 30 \
            days (warning; `[certificate-expiry] warn-days` in `.isconf.toml`).
            """,
        rationale: """
            An expired server certificate (or one of its chain) makes clients refuse the HTTPS connection; an expired \
            certificate in the trust store no longer vouches for the client certificates issued under it, so those \
            clients are refused. Expired is an error; ending within 30 days (certificate-expiry.warn-days in \
            .isconf.toml), a warning. The key store entry checked \
            is the one Tomcat serves: the one keyAlias names, else the first private key.
            """,
        fix:
            "Renew the certificate and import the new one (keytool -importcert, or isconf enable --trust-client-cert for a client certificate); remove a trusted certificate no client uses any more (keytool -delete).",
        traits: .opensKeyStores,
        examples: [
            .triggering(
                "an expired trusted certificate", catalina: Sample.storeCatalina(),
                facts: Sample.home([.keys(), .trust([("partner", Sample.partnerCertificate), ("old-partner", Sample.expiredCertificate)])])),
            .triggering(
                "a trusted certificate that ends in two weeks (a warning)", catalina: Sample.storeCatalina(),
                facts: Sample.home([.keys(), .trust([("soon-partner", Sample.expiringCertificate)])])),
            .passing(
                "every certificate valid for long", catalina: Sample.storeCatalina(),
                facts: Sample.home([.keys(), .trust([("partner", Sample.partnerCertificate)])])),
        ],
        check: { context in
            let now = context.facts.storeFiles.now
            let warningDays = Int64(context.options.expiryWarningDays)
            var findings: [Finding] = []
            for check in context.storeChecks {
                guard let store = check.store else { continue }
                let judged: [(entry: StoreSummary.Entry, index: Int, certificate: StoreSummary.Certificate)]
                if check.reference.purpose == .keyStore {
                    guard let entry = check.servedKeyEntry else { continue }
                    judged = entry.certificates.enumerated().map { (entry, $0.offset, $0.element) }
                } else {
                    judged = store.entries.flatMap { entry in entry.certificates.enumerated().map { (entry, $0.offset, $0.element) } }
                }
                for (entry, index, certificate) in judged {
                    let left = certificate.notAfter.millisecondsSince1970 - now.millisecondsSince1970
                    let days = left / 86_400_000
                    guard left <= 0 || days < warningDays else { continue }
                    let which: String
                    if check.reference.purpose == .keyStore {
                        which = index == 0 ? "the server certificate '\(entry.alias)'" : "certificate \(index + 1) of the server's chain '\(entry.alias)'"
                    } else {
                        which =
                            entry.kind == .trustedCertificate
                            ? "the trusted certificate '\(entry.alias)'"
                            : "certificate \(index + 1) of the entry '\(entry.alias)'"
                    }
                    let consequence =
                        check.reference.purpose == .keyStore
                        ? "clients refuse the HTTPS connection" : "client certificates issued under it are refused"
                    let named = "\(which) (\(certificate.subject)) in \(check.reference.fileName)"
                    let expired = left <= 0
                    findings.append(
                        context.finding(
                            .certificateExpiry,
                            expired
                                ? "\(named) expired on \(certificate.notAfter): \(consequence)"
                                : "\(named) expires \(days == 0 ? "within a day" : "in \(days) day\(days == 1 ? "" : "s")"), on \(certificate.notAfter): then \(consequence)",
                            about: check, severity: expired ? .error : .warning,
                            hint: check.reference.purpose == .keyStore
                                ? "renew the server certificate and replace it in \(check.reference.fileName)"
                                : "import the renewed certificate, or remove it if no client needs it (keytool -delete -alias \(entry.alias) -keystore \(check.shownPath))",
                            subject: check.subject + "[\(entry.alias)][\(index)]"))
                }
            }
            return findings
        })
}
