import Prometheus

/// The daemon's Prometheus metrics. Names follow Prometheus practice: an `isconf_` prefix,
/// `_total` on counters, base units (seconds), one label per dimension an alert would group by.
final class WatchMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    /// The watched homes' stores and whitelists, rendered after the registry's metrics.
    let stores = StoreMetrics()
    private let checks: Counter
    private let lastCheck: Gauge

    init(version: String) {
        checks = registry.makeCounter(descriptor: Self.name("checks_total", "Checks of a watched file, whatever triggered them."))
        lastCheck = registry.makeGauge(
            descriptor: Self.name(
                "last_check_timestamp_seconds",
                "When the last check finished, in seconds since the Unix epoch."))
        registry.makeGauge(
            descriptor: Self.name("build_info", "Always 1; the labels say which isconf this is."),
            labels: [("version", version)]
        ).set(1.0)
        // Both results exist from the start, so rate() and alerts see a 0 before the first event.
        for result in ["success", "failure"] { _ = remediations(result) }
    }

    func checked(atEpochSeconds seconds: Double) {
        checks.increment()
        lastCheck.set(seconds)
    }

    func driftDetected(file: String, rule: String) {
        registry.makeCounter(
            descriptor: Self.name("drift_detected_total", "Times a rule was found broken in a file that was compliant before."),
            labels: [("file", file), ("rule", rule)]
        ).increment()
    }

    func remediated(success: Bool) { remediations(success ? "success" : "failure").increment() }

    func setCompliant(file: String, _ compliant: Bool) {
        compliantGauge(file).set(compliant ? 1.0 : 0.0)
    }

    func forget(file: String) { registry.unregisterGauge(compliantGauge(file)) }

    func exposition() -> [UInt8] {
        var buffer = registry.emitToBuffer()
        stores.append(to: &buffer)
        return buffer
    }

    private func remediations(_ result: String) -> Counter {
        registry.makeCounter(
            descriptor: Self.name("remediations_total", "Corrections the daemon tried, by result."),
            labels: [("result", result)])
    }

    private func compliantGauge(_ file: String) -> Gauge {
        registry.makeGauge(
            descriptor: Self.name("compliant", "1 when the file has mutual SSL enabled as isconf enable leaves it, else 0."),
            labels: [("file", file)])
    }

    private static func name(_ metric: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "isconf", metricName: metric, unitName: "", helpText: help)
    }
}
