import ArgumentParser

/// An option whose values are the raw values of a closed set of cases. swift-argument-parser derives
/// the same from `CaseIterable`, but in generic code of its own module that is not specialized for
/// the type: each start instantiates those types at run time, and each instantiation scans every
/// protocol conformance record in the binary. These are the same answers, specialized here.
public protocol ArgumentChoice: ExpressibleByArgument, CaseIterable, RawRepresentable where RawValue == String {}

extension ArgumentChoice {
    public init?(argument: String) { self.init(rawValue: argument) }

    public var defaultValueDescription: String { rawValue }

    public static var allValueStrings: [String] { allCases.map(\.rawValue) }

    /// The values describe themselves, as swift-argument-parser assumes when description and value are one.
    public static var allValueDescriptions: [String: String] { [:] }

    public static var defaultCompletionKind: CompletionKind { .list(allValueStrings) }
}
