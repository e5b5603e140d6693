import ISConfCore
import ISConfTOML

/// What `isconf lint` reads in a folder that is not an IS_HOME: a config repository (a deployment.toml
/// per environment, no IS pack), a Helm chart's files, a folder of IS_HOMEs. It walks the folder and
/// lints the files isconf knows, passing over everything else (READMEs, YAML, JSON) without a word.
extension Discovery {
    /// How many folders deep the walk goes below the folder given; a folder deeper still is named in a
    /// note, not walked.
    static let walkDepth = 8

    /// Top-level tables (or dotted-key tables) of WSO2's deployment.toml: a `.toml` not named
    /// deployment.toml (`prod.toml`, one per environment) is linted in a walk when it has one of these,
    /// so that a pyproject.toml, Cargo.toml or isconf's own `.isconf.toml` is not.
    static let deploymentTomlTables: [[String]] = [
        ["super_admin"], ["user_store"], ["keystore", "primary"], ["truststore"], ["transport", "https"],
        ["admin_console"], ["database", "identity_db"], ["database", "shared_db"], ["apim"],
    ]

    /// IS_HOMEs (linted as such, not entered), deployment.toml, `*.toml` that look like one, and
    /// catalina-server.xml / authenticators.xml, by name, in name order. Hidden files and folders
    /// (.git, .github…) are not read, nor folders reached through a symbolic link, which may lead back
    /// up the tree or out of the repository.
    static func walk(_ folder: String) -> DiscoveryResult {
        var result = DiscoveryResult()
        walk(folder, depth: 0, into: &result)
        return result
    }

    private static func walk(_ folder: String, depth: Int, into result: inout DiscoveryResult) {
        let names: [String]
        switch FileSystem.listing(folder) {
        case .success(let listed): names = listed
        case .failure(let error):
            // It may hold files isconf should read: say so rather than pass over it.
            result.errors.append(InputError.system(error.code, path: folder, doing: "cannot read the folder"))
            return
        }
        for name in names where !name.hasPrefix(".") {
            // `isconf lint .` in CI: repository paths as code scanning and Code Quality show them.
            let path = folder == "." ? name : FileSystem.join(folder, name)
            switch FileSystem.kind(path) {
            case .success(.directory):
                if FileSystem.isSymbolicLink(path) { continue }
                if isHome(path) {
                    result.targets.append(home(path))
                } else if depth == walkDepth {
                    result.skipped.append(InputError(path: path, .tooDeep(limit: walkDepth)))
                } else {
                    walk(path, depth: depth + 1, into: &result)
                }
            case .success(.file), .success(.other):
                readKnownFile(path, name: name, into: &result)
            case .failure(let error):
                // A dangling link named like a file isconf reads is a file it cannot read.
                if name == "deployment.toml" || ConfigRole(rawValue: name) != nil {
                    result.errors.append(InputError.system(error.code, path: path))
                }
            }
        }
    }

    private static func readKnownFile(_ path: String, name: String, into result: inout DiscoveryResult) {
        if name == "deployment.toml" {
            if let target = deploymentTomlTarget(path) { result.targets.append(target) } else { result.skipped.append(templateSkipped(path)) }
        } else if isDeploymentToml(path) {
            if looksLikeDeploymentToml(path) { result.targets.append(LintTarget(facts: HomeFacts(deploymentToml: path), files: [])) }
        } else if ConfigRole(rawValue: name) != nil {
            switch singleFileRole(path) {
            case .success(let role?): result.targets.append(LintTarget(facts: HomeFacts(), files: [(role, path)]))
            case .success(nil): result.skipped.append(templateSkipped(path))
            case .failure(let error): result.errors.append(error)
            }
        }
    }

    /// A deployment.toml as a lint target; nil when it is a template (it does not parse, and has
    /// Jinja2, Helm or ERB markup, as a Helm chart's confs/deployment.toml has). One that cannot be read
    /// is still a target: the linter says why.
    static func deploymentTomlTarget(_ path: String) -> LintTarget? {
        if let source = try? SourceFile.read(path: path), (try? TOMLDocument.parse(source)) == nil,
            isText(source.bytes), containsTemplateMarkup(source.bytes)
        {
            return nil
        }
        return LintTarget(facts: HomeFacts(deploymentToml: path), files: [])
    }

    /// Whether a `.toml` of another name is a deployment.toml: it parses and has one of WSO2's tables.
    /// One that does not parse cannot be told from any other TOML, so it is passed over.
    static func looksLikeDeploymentToml(_ path: String) -> Bool {
        guard let source = try? SourceFile.read(path: path), let document = try? TOMLDocument.parse(source) else { return false }
        return document.tablePathsInFileOrder.contains { table in deploymentTomlTables.contains { table.starts(with: $0) } }
    }

    /// A deployment.toml and the catalina-server.xml / authenticators.xml in its folder, found in a walk
    /// or given together, become one target: the XML is what the config mapper rendered from it, so the
    /// TOML's settings speak for both, generated-by-deployment-toml reports where they disagree, and the
    /// rendered XML tells which product's defaults apply. The target takes the place of the first of them.
    /// A deployment.toml alone is told of a catalina-server.xml beside it, for the product alone.
    /// Files in IS_HOMEs are not concerned: a home is one target already.
    static func groupedByFolder(_ targets: [LintTarget]) -> [LintTarget] {
        func loneFile(_ target: LintTarget) -> String? {
            guard target.facts.root == nil else { return nil }
            if target.files.isEmpty { return target.facts.deploymentToml }
            return target.files.count == 1 && target.facts.deploymentToml == nil ? target.files[0].path : nil
        }
        func folder(of path: String) -> String {
            path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
        }
        let tomlFolders = Set(
            targets.compactMap { target -> String? in
                guard target.facts.root == nil, target.files.isEmpty, let toml = target.facts.deploymentToml,
                    fileName(toml) == "deployment.toml"
                else { return nil }
                return folder(of: toml)
            })
        var grouped: [LintTarget] = []
        var groupIndex: [String: Int] = [:]
        for target in targets {
            guard let path = loneFile(target), tomlFolders.contains(folder(of: path)) else {
                grouped.append(target)
                continue
            }
            let key = folder(of: path)
            guard let index = groupIndex[key] else {
                groupIndex[key] = grouped.count
                grouped.append(target)
                continue
            }
            var group = grouped[index]
            if let toml = target.facts.deploymentToml, group.facts.deploymentToml == nil, fileName(toml) == "deployment.toml" {
                group.facts.deploymentToml = toml
            } else if let file = target.files.first, !group.files.contains(where: { $0.role == file.role }) {
                group.files.append(file)
            } else {
                grouped.append(target)
                continue
            }
            grouped[index] = group
        }
        return grouped.map { target in
            guard target.facts.root == nil, target.files.isEmpty, let toml = target.facts.deploymentToml else { return target }
            let beside = FileSystem.join(folder(of: toml), ConfigRole.catalinaServer.rawValue)
            guard FileSystem.exists(beside) else { return target }
            var told = target
            told.facts.renderedCatalinaBeside = beside
            return told
        }
    }

    private static func fileName(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }
}

extension TOMLDocument {
    /// Table paths in the order the file first names them: headers, and the tables of dotted keys.
    var tablePathsInFileOrder: [[String]] {
        var named: [(offset: Int, path: [String])] = tables.map { ($0.span.start, $0.path) }
        named += entries.filter { $0.keyPath.count > 1 }.map { ($0.keySpan.start, Array($0.keyPath.dropLast())) }
        named.sort { $0.offset < $1.offset }
        var seen: Set<[String]> = []
        return named.map(\.path).filter { seen.insert($0).inserted }
    }
}
