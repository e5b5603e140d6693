import ISConfTOML

extension DeploymentKey {
    /// What a value means for mutual SSL, as the template and the server read it: two values with one
    /// meaning make the same difference (e.g. "want" and "OPTIONAL").
    func mutualSSLMeaning(of value: TOMLValue) -> String {
        let rendered = DeploymentSetting.renderedText(of: value)
        switch self {
        case .certificateVerification, .connectorClientAuth:
            return rendered.map { "\(EffectiveClientAuth.mode(of: $0, generation: .tomcat9).mode)" } ?? value.description
        case .httpsEnabled, .authenticatorEnabled:
            return value == .boolean(true) ? "on" : "off"
        case .whiteListEnabled, .enableSHA256:
            return rendered?.lowercased() == "true" ? "on" : "off"
        case .whiteList:
            guard let rendered else { return value.description }
            return Set(rendered.split(separator: ",").map { $0.trimmingXMLSpace() }.filter { !$0.isEmpty }).sorted().joined(separator: ",")
        case .authenticatorPriority, .usernameHeader:
            return rendered ?? value.description
        }
    }
}
