/// Why an input file cannot become an article: a code for machines and a sentence for people.
public struct ArticleRejection: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable, CaseIterable {
        case notUTF8 = "not_utf8"
        case binary
        case empty
        case tooLarge = "too_large"
        case malformedJSON = "malformed_json"
        case missingText = "missing_text"
        case invalidField = "invalid_field"
        case invalidPublished = "invalid_published"
        case unsupportedType = "unsupported_type"
        case notRegularFile = "not_regular_file"
        case unreadable
    }

    public var code: Code
    public var reason: String

    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { "\(code.rawValue): \(reason)" }
}
