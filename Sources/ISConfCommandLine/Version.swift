/// The one place the version is written: `--version` of both executables and the tool version in
/// JSON and SARIF output read it.
public let isconfVersion = "0.1.0"
