/// The one place the version is written: `--version` of both executables and the tool version in
/// JSON and SARIF output read it.
public let isconfVersion = "0.1.0"

/// Where the README, which documents every rule under an anchor `rule-<id>` in its catalogue, is
/// published: SARIF's helpUri links each rule there.
public let isconfReadmeURL = "https://github.com/isconf/isconf/blob/main/README.md"
