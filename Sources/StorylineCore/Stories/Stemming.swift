/// A story term is a word's stem: "senator" and "senators", "subpoena" and "subpoenaed", "charges" and
/// "charged" are one term, since the articles of one event inflect its words as each sentence needs.
/// Only story terms are stemmed; shingles, which judge copies, keep every word as written.
enum Stemming {
    /// Words longer than this are left whole: no inflection of an English word needs it.
    static let longestStemmed = 32

    /// The hash of the stem of `token`'s folded word: Porter's stem for a word of 4 to `longestStemmed`
    /// letters a to z, the word's own hash for any other (digits, other scripts). A function of the
    /// folded word alone, so it may be cached by `Token.hash`.
    static func term(of token: Token, in text: TokenizedText) -> UInt64 {
        var word = Array(text.word(of: token).utf8)
        guard word.count >= 4, word.count <= longestStemmed,
              word.allSatisfy({ $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") }) else { return token.hash }
        let kept = word.withUnsafeMutableBufferPointer { PorterStemmer.stem($0.baseAddress!, count: $0.count) }
        var hash = WordHash()
        for letter in word.prefix(kept) { hash.add(letter) }
        return hash.value
    }
}

/// Stems by word hash: Porter's rules cost more than the rest of a word's way to its term, and a
/// stream says the same words again and again. A cache, not state: it starts empty after a restart and
/// is emptied when it holds `capacity` words, which changes no term.
struct StemCache: Sendable {
    private var terms = HashMap<UInt64>(minimumCapacity: 1 << 12)
    static let capacity = 1 << 18

    mutating func term(of token: Token, in text: TokenizedText) -> UInt64 {
        if let known = terms[token.hash] { return known }
        if terms.count >= Self.capacity { terms = HashMap(minimumCapacity: 1 << 12) }
        let term = Stemming.term(of: token, in: text)
        terms[token.hash, default: term] = term
        return term
    }
}
