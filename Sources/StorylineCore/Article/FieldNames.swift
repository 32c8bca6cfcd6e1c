/// The names a producer gives an article's fields in its JSON, beyond the common ones Storyline knows
/// (`JSONFields`): the `fields:` mapping of the daemon's configuration.
///
/// A field's names here are tried before the common ones, in the order given, so a producer's own
/// `hed` is its title even where the file also has a `title`. A name with dots is a path into nested
/// objects (`meta.headline`), unless the file has a key spelt with the dots.
public struct FieldNames: Sendable, Hashable {
    /// The fields a mapping may name, as the configuration spells them.
    public enum Field: String, CaseIterable, Sendable {
        case title, text, published, source, url, id
    }

    public private(set) var names: [Field: [String]] = [:]

    public init() {}

    /// The names given for `field`, first tried first.
    public subscript(field: Field) -> [String] {
        get { names[field] ?? [] }
        set { names[field] = newValue.isEmpty ? nil : newValue }
    }

    public var isEmpty: Bool { names.isEmpty }

    /// The mapping as a configuration writes it: `title: [hed, meta.headline], url: [permalink]`.
    public var description: String {
        Field.allCases.compactMap { field in
            names[field].map { "\(field.rawValue): [\($0.joined(separator: ", "))]" }
        }.joined(separator: ", ")
    }
}
