/// What a story is about: the people, organisations, terms and place its articles keep naming.
public struct Topic: Sendable {
    public var people: [String]
    public var organisations: [String]
    /// Invented nouns standing for the story's subject matter ("the kelvadro inquiry").
    public var terms: [String]
    public var place: String
}
