/// The Porter stemmer (M. F. Porter, "An algorithm for suffix stripping", 1980), in place on a word's
/// lowercase ASCII letters, without allocating.
struct PorterStemmer {
    private let b: UnsafeMutablePointer<UInt8>
    /// The last letter of the word as stemmed so far.
    private var k: Int
    /// The last letter of the stem before the suffix `ends` found.
    private var j = 0

    /// Stems the `count` letters at `word`; returns how many the stem keeps.
    static func stem(_ word: UnsafeMutablePointer<UInt8>, count: Int) -> Int {
        guard count > 2 else { return count }
        var stemmer = PorterStemmer(b: word, k: count - 1)
        stemmer.step1ab()
        if stemmer.k > 0 {
            stemmer.step1c()
            stemmer.step2()
            stemmer.step3()
            stemmer.step4()
            stemmer.step5()
        }
        return stemmer.k + 1
    }

    private init(b: UnsafeMutablePointer<UInt8>, k: Int) {
        self.b = b
        self.k = k
    }

    private func isConsonant(_ i: Int) -> Bool {
        switch b[i] {
        case UInt8(ascii: "a"), UInt8(ascii: "e"), UInt8(ascii: "i"), UInt8(ascii: "o"), UInt8(ascii: "u"): return false
        case UInt8(ascii: "y"): return i == 0 || !isConsonant(i - 1)
        default: return true
        }
    }

    /// The number of vowel-consonant sequences in the stem `b[0...j]`.
    private func measure() -> Int {
        var n = 0, i = 0
        while i <= j && isConsonant(i) { i += 1 }
        while i <= j {
            while i <= j && !isConsonant(i) { i += 1 }
            guard i <= j else { break }
            n += 1
            while i <= j && isConsonant(i) { i += 1 }
        }
        return n
    }

    private func vowelInStem() -> Bool {
        var i = 0
        while i <= j {
            if !isConsonant(i) { return true }
            i += 1
        }
        return false
    }

    private func doubleConsonant(_ i: Int) -> Bool { i >= 1 && b[i] == b[i - 1] && isConsonant(i) }

    /// Consonant, vowel, consonant ending at `i`, the last not w, x or y ("hop", not "how").
    private func cvc(_ i: Int) -> Bool {
        guard i >= 2, isConsonant(i), !isConsonant(i - 1), isConsonant(i - 2) else { return false }
        return b[i] != UInt8(ascii: "w") && b[i] != UInt8(ascii: "x") && b[i] != UInt8(ascii: "y")
    }

    /// Whether the word ends in `suffix`; if so, `j` marks the stem before it.
    private mutating func ends(_ suffix: StaticString) -> Bool {
        let count = suffix.utf8CodeUnitCount
        guard count <= k + 1 else { return false }
        let start = k - count + 1
        for offset in 0..<count where b[start + offset] != suffix.utf8Start[offset] { return false }
        j = start - 1
        return true
    }

    /// Replaces the suffix `ends` found with `replacement`.
    private mutating func setTo(_ replacement: StaticString) {
        let count = replacement.utf8CodeUnitCount
        for offset in 0..<count { b[j + 1 + offset] = replacement.utf8Start[offset] }
        k = j + count
    }

    /// `setTo` when the stem has at least one vowel-consonant sequence.
    private mutating func replace(_ replacement: StaticString) {
        if measure() > 0 { setTo(replacement) }
    }

    /// Plurals and -ed or -ing.
    private mutating func step1ab() {
        if b[k] == UInt8(ascii: "s") {
            if ends("sses") {
                k -= 2
            } else if ends("ies") {
                setTo("i")
            } else if b[k - 1] != UInt8(ascii: "s") {
                k -= 1
            }
        }
        if ends("eed") {
            if measure() > 0 { k -= 1 }
        } else if ends("ed") || ends("ing"), vowelInStem() {
            k = j
            if ends("at") {
                setTo("ate")
            } else if ends("bl") {
                setTo("ble")
            } else if ends("iz") {
                setTo("ize")
            } else if doubleConsonant(k) {
                let letter = b[k]
                if letter != UInt8(ascii: "l") && letter != UInt8(ascii: "s") && letter != UInt8(ascii: "z") { k -= 1 }
            } else if measure() == 1 && cvc(k) {
                j = k
                setTo("e")
            }
        }
    }

    /// A final y after a vowel-bearing stem becomes i.
    private mutating func step1c() {
        if ends("y") && vowelInStem() { b[k] = UInt8(ascii: "i") }
    }

    /// Double suffixes to single ones: -ization to -ize, -ational to -ate, ...
    private mutating func step2() {
        switch b[k - 1] {
        case UInt8(ascii: "a"):
            if ends("ational") { replace("ate") } else if ends("tional") { replace("tion") }
        case UInt8(ascii: "c"):
            if ends("enci") { replace("ence") } else if ends("anci") { replace("ance") }
        case UInt8(ascii: "e"):
            if ends("izer") { replace("ize") }
        case UInt8(ascii: "l"):
            if ends("bli") { replace("ble") } else if ends("alli") { replace("al") } else if ends("entli") { replace("ent") }
            else if ends("eli") { replace("e") } else if ends("ousli") { replace("ous") }
        case UInt8(ascii: "o"):
            if ends("ization") { replace("ize") } else if ends("ation") { replace("ate") } else if ends("ator") { replace("ate") }
        case UInt8(ascii: "s"):
            if ends("alism") { replace("al") } else if ends("iveness") { replace("ive") }
            else if ends("fulness") { replace("ful") } else if ends("ousness") { replace("ous") }
        case UInt8(ascii: "t"):
            if ends("aliti") { replace("al") } else if ends("iviti") { replace("ive") } else if ends("biliti") { replace("ble") }
        case UInt8(ascii: "g"):
            if ends("logi") { replace("log") }
        default:
            break
        }
    }

    /// -ic-, -full, -ness and the like.
    private mutating func step3() {
        switch b[k] {
        case UInt8(ascii: "e"):
            if ends("icate") { replace("ic") } else if ends("ative") { replace("") } else if ends("alize") { replace("al") }
        case UInt8(ascii: "i"):
            if ends("iciti") { replace("ic") }
        case UInt8(ascii: "l"):
            if ends("ical") { replace("ic") } else if ends("ful") { replace("") }
        case UInt8(ascii: "s"):
            if ends("ness") { replace("") }
        default:
            break
        }
    }

    /// -ant, -ence and the like, from a stem of two vowel-consonant sequences or more.
    private mutating func step4() {
        let found: Bool
        switch b[k - 1] {
        case UInt8(ascii: "a"): found = ends("al")
        case UInt8(ascii: "c"): found = ends("ance") || ends("ence")
        case UInt8(ascii: "e"): found = ends("er")
        case UInt8(ascii: "i"): found = ends("ic")
        case UInt8(ascii: "l"): found = ends("able") || ends("ible")
        case UInt8(ascii: "n"): found = ends("ant") || ends("ement") || ends("ment") || ends("ent")
        case UInt8(ascii: "o"):
            found = (ends("ion") && j >= 0 && (b[j] == UInt8(ascii: "s") || b[j] == UInt8(ascii: "t"))) || ends("ou")
        case UInt8(ascii: "s"): found = ends("ism")
        case UInt8(ascii: "t"): found = ends("ate") || ends("iti")
        case UInt8(ascii: "u"): found = ends("ous")
        case UInt8(ascii: "v"): found = ends("ive")
        case UInt8(ascii: "z"): found = ends("ize")
        default: found = false
        }
        if found && measure() > 1 { k = j }
    }

    /// A final -e, and -ll to -l, from a long enough stem.
    private mutating func step5() {
        j = k
        if b[k] == UInt8(ascii: "e") {
            let m = measure()
            if m > 1 || (m == 1 && !cvc(k - 1)) { k -= 1 }
        }
        if b[k] == UInt8(ascii: "l") && doubleConsonant(k) && measure() > 1 { k -= 1 }
    }
}
