import ISConfCore

extension Enabler {
    /// `isconf enable` on an IS 5.9+ home: deployment.toml is edited, written as the XML files are
    /// (locked, compare-and-swap, backed up), and the XML the server renders from it at its next start
    /// is left alone. `alreadyRead` as for `run`.
    public static func enableDeploymentToml(
        _ target: LintTarget, _ request: EnableRequest, stamp: String = Backups.utcStamp(),
        alreadyRead: [SourceFile] = []
    ) -> TargetOutcome {
        var outcome = TargetOutcome()
        guard let path = target.facts.deploymentToml else { return outcome }
        func plan(_ source: SourceFile?) throws(InputError) -> DeploymentPlan {
            let source = if let source { source } else { try SourceFile.read(path: path) }
            return try DeploymentRemediation.plan(source, facts: target.facts, options: request.options)
        }
        let planned: DeploymentPlan
        do { planned = try plan(alreadyRead.first { $0.path == path }) } catch {
            outcome.error = TargetFailure(error)
            return outcome
        }
        // The trust store the rendered connector names (the TOML does not move it) is planned with the TOML.
        var storePlan: TrustStoreImportPlan?
        if let trust = request.trustClientCertificate {
            do { storePlan = try planStore(trust, target: target, request: request, plans: []) } catch {
                outcome.error = TargetFailure(error)
                return outcome
            }
        }
        if request.write, let store = storePlan?.replacedStore {
            // Refused before deployment.toml is written, so the home is not left half done.
            do { try SafeWriter.checkReplaceable(try SafeWriter.resolve(store)) } catch {
                outcome.error = TargetFailure(error)
                return outcome
            }
        }
        var file = FileOutcome(path: path, changed: planned.changed, changes: planned.changes, rulesFixed: planned.rulesFixed)
        file.isDeploymentToml = true
        if request.diff, planned.changed { file.diff = planned.diff(name: HomeFacts.deploymentTomlPath) }
        if request.write, planned.changed {
            do {
                let written = try write(planned, name: HomeFacts.deploymentTomlPath, target: target, request: request, stamp: stamp) {
                    () throws(InputError) in try plan(nil)
                }
                file.record(written)
            } catch {
                outcome.error = TargetFailure(error)
                outcome.files.append(file)
                outcome.files += storePlan.map { [$0.fileOutcome] } ?? []
                return outcome
            }
        }
        outcome.files.append(file)
        if let storePlan {
            outcome.files.append(writeStore(storePlan, request: request, stamp: stamp, error: &outcome.error))
            if outcome.error != nil { rollBack(&outcome, originals: [planned.original], stamp: stamp) }
        }
        return outcome
    }
}
