import Foundation
import ISConfTestSupport
import Testing

/// conf-samples/prometheus (alert rules and their unit tests) and conf-samples/grafana (the dashboard)
/// against the real promtool, and against the metric names a running daemon really exports.
@Suite(.enabled(if: Promtool.path != nil, "needs promtool: scripts/setup.sh takes it from Debian's prometheus package into .build-tools/"))
struct PrometheusSampleTests {
    static let rules = CLI.packageRoot.appendingPathComponent("conf-samples/prometheus/isconf-rules.yml").path
    static let ruleTests = CLI.packageRoot.appendingPathComponent("conf-samples/prometheus/isconf-rules.test.yml").path
    static let dashboard = CLI.packageRoot.appendingPathComponent("conf-samples/grafana/isconf-dashboard.json").path
    /// Prometheus's own series about a target: the only name the rules may use that isconf does not export.
    static let prometheusNames: Set<String> = ["up"]

    /// /metrics of a daemon over a copy of the sample IS_HOME, after a drift was corrected and with a
    /// store that does not open, so that every series kind the daemon has is there.
    static func scrape() throws -> String {
        let home = try WatchCommandTests.Home()
        let daemon = try WatchCommandTests.watch(home, ["--metrics-listen", "0"])
        defer { daemon.kill() }
        let port = try WatchCommandTests.port(of: daemon)
        try #require(daemon.waitFor(message: "watching") != nil, "\(daemon.transcript)")
        try Save.viaRename(home.catalina, WatchCommandTests.badCatalina)
        try #require(daemon.waitFor(message: "corrected", count: 3) != nil, "\(daemon.transcript)")
        var text = ""
        _ = eventually(timeout: 10, every: 20_000) {
            text = (try? WatchCommandTests.metrics(port).text) ?? ""
            return text.contains("isconf_drift_detected_total{") && text.contains("isconf_trusted_certificate_expiry_timestamp_seconds{")
        }
        #expect(daemon.stop() == 0)
        return text
    }

    /// Every metric name an exposition declares.
    static func exported(_ exposition: String) -> Set<String> {
        Set(
            exposition.split(separator: "\n").compactMap { line -> String? in
                let words = line.split(separator: " ")
                return words.count >= 4 && words[0] == "#" && words[1] == "TYPE" ? String(words[2]) : nil
            })
    }

    @Test func theDaemonsMetricsPassPromtoolCheckMetrics() throws {
        let exposition = try Self.scrape()
        let names = Self.exported(exposition)
        #expect(
            names.isSuperset(of: [
                "isconf_checks_total", "isconf_compliant", "isconf_store_readable",
                "isconf_server_certificate_expiry_timestamp_seconds",
                "isconf_trusted_certificate_expiry_timestamp_seconds", "isconf_truststore_entries",
                "isconf_whitelist_entries",
            ]), "\(names.sorted())")
        let result = try Promtool.run(["check", "metrics"], input: exposition)
        #expect(result.status == 0, "promtool check metrics:\n\(result.stdout)\(result.stderr)\n\(exposition)")
        #expect(result.stdout.isEmpty && result.stderr.isEmpty, "no lint remarks: \(result.stdout)\(result.stderr)")
    }

    @Test func theAlertRulesPassPromtoolAndTheirUnitTests() throws {
        let check = try Promtool.run(["check", "rules", Self.rules])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        #expect(check.stdout.contains("SUCCESS: 10 rules found"), "\(check.stdout)")
        let test = try Promtool.run(["test", "rules", Self.ruleTests])
        #expect(test.status == 0, "\(test.stdout)\(test.stderr)")
        #expect(test.stdout.contains("SUCCESS"), "\(test.stdout)")
    }

    /// The unit tests show each alert firing, and each alert not firing at some time.
    @Test(.enabled(if: KubernetesSample.pythonYAML, "needs python3 with PyYAML to read the rule files"))
    func everyAlertIsTestedFiringAndNotFiring() throws {
        let alerts = try Set(Self.yaml(Self.rules, "[r['alert'] for g in d['groups'] for r in g['rules']]"))
        let firing = try Set(Self.yaml(Self.ruleTests, "[a['alertname'] for t in d['tests'] for a in t['alert_rule_test'] if a.get('exp_alerts')]"))
        let quiet = try Set(Self.yaml(Self.ruleTests, "[a['alertname'] for t in d['tests'] for a in t['alert_rule_test'] if not a.get('exp_alerts')]"))
        #expect(alerts.count == 10)
        #expect(firing == alerts, "never shown firing: \(alerts.subtracting(firing).sorted())")
        #expect(quiet == alerts, "never shown quiet: \(alerts.subtracting(quiet).sorted())")
        let annotated = try Self.yaml(
            Self.rules, "[r['alert'] for g in d['groups'] for r in g['rules'] if set(r.get('annotations', {})) >= {'summary', 'runbook'}]")
        #expect(Set(annotated) == alerts, "summary and runbook on every alert")
    }

    @Test(.enabled(if: KubernetesSample.pythonYAML, "needs python3 with PyYAML to read the rule files"))
    func theAlertRulesUseOnlyMetricsTheDaemonExports() throws {
        let exported = Self.exported(try Self.scrape())
        let expressions = try Self.yaml(Self.rules, "[r['expr'] for g in d['groups'] for r in g['rules']]")
        #expect(expressions.count == 10)
        for expression in expressions {
            let names = PromQL.metricNames(in: expression)
            #expect(!names.isEmpty, "\(expression)")
            #expect(names.isSubset(of: exported.union(Self.prometheusNames)), "\(names.subtracting(exported)) in \(expression)")
        }
    }

    @Test func theDashboardIsGrafanaJSONOverExportedMetricsOnly() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: Self.dashboard))
        let dashboard = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect((dashboard["schemaVersion"] as? Int).map { $0 >= 36 } == true, "schemaVersion")
        #expect(dashboard["uid"] as? String == "isconf-watch")
        #expect(!(dashboard["title"] as? String ?? "").isEmpty)

        let variables = try #require((dashboard["templating"] as? [String: Any])?["list"] as? [[String: Any]])
        let source = try #require(variables.first { $0["type"] as? String == "datasource" }, "a data source variable")
        #expect(source["query"] as? String == "prometheus")
        let sourceName = try #require(source["name"] as? String)
        let reference = "${\(sourceName)}"

        let panels = try #require(dashboard["panels"] as? [[String: Any]])
        #expect(panels.count >= 4)
        var expressions: [String] = []
        var ids: Set<Int> = []
        for panel in panels {
            let title = panel["title"] as? String ?? "?"
            let id = try #require(panel["id"] as? Int, "\(title): id")
            #expect(ids.insert(id).inserted, "\(title): id \(id) twice")
            #expect(!(panel["type"] as? String ?? "").isEmpty, "\(title): type")
            #expect(!(panel["description"] as? String ?? "").isEmpty, "\(title): what it answers")
            let grid = try #require(panel["gridPos"] as? [String: Int], "\(title): gridPos")
            let (h, w, x, y) = (grid["h"] ?? 0, grid["w"] ?? 0, grid["x"] ?? -1, grid["y"] ?? -1)
            #expect(h > 0 && w > 0 && x >= 0 && y >= 0 && x + w <= 24, "\(title): gridPos \(grid)")
            #expect((panel["datasource"] as? [String: String])?["uid"] == reference, "\(title): the data source variable")
            let targets = try #require(panel["targets"] as? [[String: Any]], "\(title): targets")
            #expect(!targets.isEmpty, "\(title): targets")
            for target in targets {
                #expect(!(target["refId"] as? String ?? "").isEmpty, "\(title): refId")
                #expect((target["datasource"] as? [String: String])?["uid"] == reference, "\(title): the data source variable")
                expressions.append(try #require(target["expr"] as? String, "\(title): expr"))
            }
        }
        // The variables' own queries, e.g. label_values(isconf_build_info, job).
        for variable in variables where variable["type"] as? String == "query" {
            let query = (variable["query"] as? [String: Any])?["query"] as? String ?? variable["query"] as? String
            let inner = try #require(query.flatMap(PromQL.labelValuesSelector), "\(variable["name"] ?? "?"): label_values(…)")
            expressions.append(inner)
        }

        let exported = Self.exported(try Self.scrape())
        for expression in expressions {
            let names = PromQL.metricNames(in: expression)
            #expect(!names.isEmpty, "\(expression)")
            #expect(names.isSubset(of: exported), "\(names.subtracting(exported)) in \(expression)")
        }

        // Every expression is PromQL that Prometheus parses, once Grafana has put in its variables.
        let scratch = try Scratch()
        var rules = "groups:\n  - name: dashboard\n    rules:\n"
        for (index, expression) in expressions.enumerated() {
            let substituted = expression.replacingOccurrences(of: "$__rate_interval", with: "5m")
                .replacingOccurrences(of: "$job", with: ".*").replacingOccurrences(of: "$instance", with: ".*")
            let quoted = String(
                decoding: try JSONSerialization.data(withJSONObject: substituted, options: [.fragmentsAllowed, .withoutEscapingSlashes]), as: UTF8.self)
            rules += "      - record: dashboard:expression_\(index)\n        expr: \(quoted)\n"
        }
        let file = try scratch.write("dashboard-rules.yml", rules)
        let check = try Promtool.run(["check", "rules", file])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)\n\(rules)")
    }

    @Test func metricNamesAreFoundInPromQL() {
        #expect(
            PromQL.metricNames(in: #"sum by (instance, file) (increase(isconf_drift_detected_total{job=~"$job"}[$__rate_interval])) > 3"#)
                == ["isconf_drift_detected_total"])
        #expect(
            PromQL.metricNames(in: #"min by (home) (label_replace(isconf_compliant, "home", "$1", "file", "(.*)/repository/conf/.*"))"#)
                == ["isconf_compliant"])
        #expect(
            PromQL.metricNames(in: "((isconf_a - time()) < 30 * 86400) >= 7 * 86400 and on (x) isconf_b offset 5m or absent(up{job=\"isconf\"})")
                == ["isconf_a", "isconf_b", "up"])
        #expect(
            PromQL.metricNames(in: "bottomk(20, (isconf_c - time()) / 86400) unless ignoring (alias) group_left (file) isconf_d")
                == ["isconf_c", "isconf_d"])
        #expect(PromQL.labelValuesSelector(#"label_values(isconf_build_info{job=~"$job"}, instance)"#) == #"isconf_build_info{job=~"$job"}"#)
    }

    /// Evaluates `expression` (Python, over the YAML document `d`) on a YAML file; a list of strings.
    static func yaml(_ path: String, _ expression: String) throws -> [String] {
        let script = "import json, sys, yaml\nd = yaml.safe_load(open(sys.argv[1]))\nprint(json.dumps(\(expression)))"
        let result = try CLI.run(["-c", script, path], executable: KubernetesSample.python)
        try #require(result.status == 0, "\(result.stderr)")
        return try JSONDecoder().decode([String].self, from: Data(result.stdout.utf8))
    }
}

/// The real promtool: `PROMTOOL`, else the one scripts/setup.sh extracts into .build-tools/, else PATH's.
enum Promtool {
    static let path: String? = {
        let environment = ProcessInfo.processInfo.environment
        let bundled = CLI.packageRoot.appendingPathComponent(".build-tools/promtool").path
        let onPath = (environment["PATH"] ?? "").split(separator: ":").map { "\($0)/promtool" }
        let candidates: [String] = (environment["PROMTOOL"].map { [$0] } ?? []) + [bundled] + onPath
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    /// Runs promtool with `input` on its standard input.
    static func run(_ arguments: [String], input: String = "") throws -> CLI.Result {
        let result = try ExternalProgram.run(path!, arguments, input: Array(input.utf8))
        return CLI.Result(status: result.status, stdout: result.stdout, stderr: result.stderr)
    }
}

/// Just enough PromQL to tell which metric names an expression reads: strings, label matchers,
/// ranges and grouping clauses are removed; what is left that names no function or keyword is a
/// metric name.
enum PromQL {
    static let keywords: Set<String> = [
        "and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring",
        "group_left", "group_right", "inf", "nan", "atan2",
    ]

    static func metricNames(in expression: String) -> Set<String> {
        var text = expression
        for pattern in [
            #""(?:[^"\\]|\\.)*""#, #"'(?:[^'\\]|\\.)*'"#, "`[^`]*`",  // strings
            #"\{[^}]*\}"#, #"\[[^\]]*\]"#,  // matchers, ranges
            #"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)"#,
            #"\boffset\s+-?[0-9a-z]+"#,
        ] {
            text = text.replacingOccurrences(of: pattern, with: " ", options: .regularExpression)
        }
        var names: Set<String> = []
        let identifier = try! NSRegularExpression(pattern: #"(?<![A-Za-z0-9_:.$])[A-Za-z_:][A-Za-z0-9_:]*"#)
        let whole = NSRange(text.startIndex..., in: text)
        for match in identifier.matches(in: text, range: whole) {
            guard let range = Range(match.range, in: text) else { continue }
            let name = String(text[range])
            let rest = text[range.upperBound...].drop { $0 == " " }
            if rest.hasPrefix("(") || keywords.contains(name.lowercased()) { continue }
            names.insert(name)
        }
        return names
    }

    /// The selector of a Grafana `label_values(selector, label)` query.
    static func labelValuesSelector(_ query: String) -> String? {
        guard query.hasPrefix("label_values("), query.hasSuffix(")"), let comma = query.lastIndex(of: ",") else { return nil }
        return String(query[query.index(query.startIndex, offsetBy: "label_values(".count)..<comma]).trimmingCharacters(in: .whitespaces)
    }
}
