/// English function words and news filler, which say nothing about what a story is about.
enum StopWords {
    static let hashes: Set<UInt64> = Set(words.split(separator: " ").map { Hashing.word($0) })

    private static let words = """
    a about above after again against all almost also although am among an and another any are around as \
    at be because been before being below between both but by can cannot could did do does doing done down \
    during each either else even ever every few for from further get gets got had has have having he her \
    here hers herself him himself his how however i if in into is it its itself just least less like made \
    make many may me might more most much must my myself neither no nor not now of off often on once one \
    only or other others our ours ourselves out over own per perhaps quite rather really s same say says \
    said she should since so some such t than that the their theirs them themselves then there these they \
    this those though through thus to too toward towards under until up upon us very via was we well were \
    what when where whether which while who whom whose why will with within without would yet you your \
    yours yourself yourselves mr mrs ms dr told according including new also year years week day days \
    time monday tuesday wednesday thursday friday saturday sunday today yesterday tomorrow last next first \
    two three four five six seven eight nine ten percent cent people re ve ll d m don didn doesn isn wasn \
    aren weren won wouldn couldn shouldn hasn haven hadn
    """
}
