/// The words the generator writes with: common English and news vocabulary, invented people, real
/// place names, a few words with diacritics.
///
/// Lists are written as space-separated strings (`|` where an entry holds spaces) to keep the file short.
enum Vocabulary {
    static let firstNames = words("""
        Maria James Aisha Daniel Chen Olga Thomas Fatima Michael Sofia David Priya Robert Elena John Amara \
        Laura Ahmed Sarah Pierre Anna Kwame Rachel Hiroshi Emma Carlos Grace Ivan Helen Omar Julia Lars \
        Nadia Peter Ingrid Samuel Claire Yusuf Karen Mateo José Zoë Renée Łukasz André
        """)

    static let lastNames = words("""
        Smith Johnson Okafor Williams Brown Garcia Martinez Nguyen Kowalski Schmidt Rossi Tanaka Patel Silva \
        Andersen Dubois Hughes Murphy Kim Lopez Novak Fischer Costa Walker Ibrahim Reyes Moreau Jensen \
        Campbell Mensah Sato Romero Kelly Osei Petrov Baker Haddad Lindqvist Carter Mwangi Bianchi Evans \
        Müller Núñez Çelik Søndergaard
        """)

    static let places = words("""
        London|Washington|Brussels|Berlin|Paris|Madrid|Rome|Tokyo|Seoul|Nairobi|Lagos|Cairo|Sydney|Toronto|\
        Chicago|Houston|Mumbai|Jakarta|Lima|Warsaw|Stockholm|Dublin|Geneva|Vienna|Athens|Manila|Accra|\
        Denver|Glasgow|Lisbon|Oslo|Helsinki|Cape Town|Mexico City|New Delhi|Buenos Aires|São Paulo|Zürich|\
        Bogotá|Kraków|Montréal|Malmö|Reykjavík|Düsseldorf
        """, separator: "|")

    static let organisations = words("""
        the Ministry of Finance|the central bank|Parliament|the Senate|the European Commission|\
        the World Health Organization|the city council|the Department of Transportation|the Supreme Court|\
        the International Monetary Fund|the United Nations|the Federal Reserve|the energy regulator|\
        the national statistics office|the teachers' union|the chamber of commerce|the opposition party|\
        the state electricity company|the Red Cross|the port authority|the university hospital|\
        the competition watchdog|the Ministry of Health|the national weather service|the stock exchange
        """, separator: "|")

    static let titles = words("""
        a spokesperson|the chief executive|the finance minister|a senior analyst|the mayor|\
        a professor of economics|the director general|the head of research|a senior official|\
        the chief economist|the health minister|a union leader|the police chief|a lawyer for the family|\
        the committee chair|a researcher|the interior minister|the governor|a board member|the prosecutor
        """, separator: "|")

    static let nouns = words("""
        government economy inflation market budget election vote police court report investigation plan \
        company union strike housing energy climate storm flood hospital school agreement deal policy tax \
        growth unemployment contract project bridge railway airport vaccine outbreak study survey campaign \
        candidate bill law ruling judge trial suspect fire earthquake drought harvest water power grid \
        network software cyberattack security border aid funding debt loan currency oil gas coal summit \
        committee inquiry scandal resignation ceasefire protest pipeline factory reform pension museum \
        festival stadium license programme centre defence theatre café
        """)

    static let pluralNouns = words("""
        workers prices rates patients students officials residents talks sanctions troops tariffs exports \
        shares investors profits revenues flights passengers voters lawmakers victims farmers emissions \
        targets leaders negotiations migrants refugees bonds jobs homes families teachers nurses doctors \
        drivers tenants companies banks consumers businesses savers commuters firefighters engineers
        """)

    static let adjectives = words("""
        new former local national federal regional international economic political public private major \
        senior annual quarterly recent early late key global rising falling strong weak significant \
        controversial emergency temporary long-term record historic unexpected cautious independent \
        official preliminary widespread severe modest sharp fragile ambitious costly delayed
        """)

    static let pastVerbs = words("""
        announced approved rejected criticised defended delayed launched signed blocked reviewed proposed \
        confirmed denied cut raised expanded suspended postponed unveiled backed challenged investigated \
        estimated ordered halted resumed increased reduced welcomed condemned questioned secured extended \
        cancelled finalised organised recognised scrapped doubled outlined
        """)

    static let baseVerbs = words("""
        approve reject delay raise cut expand review consider announce introduce end support oppose \
        replace fund protect reduce increase restore finish rebuild investigate challenge finalise \
        organise prioritise
        """)

    static let intransitivePastVerbs = words("""
        rallied protested gathered waited queued marched voted struck resigned evacuated
        """)

    static let trendVerbs = words("rose fell climbed dropped jumped slipped grew declined")

    static let reportingClauses = words("""
        officials said|a spokesperson said|according to the report|the statement said|analysts said|\
        people familiar with the matter said|according to figures released on Tuesday|police said|\
        the company said in a filing|local media reported
        """, separator: "|")

    static let times = words("""
        on Monday|on Tuesday|on Wednesday|on Thursday|on Friday|on Saturday|on Sunday|last week|\
        earlier this month|last month|this morning|overnight|late on Friday|in March|in April|in June|\
        in September|in November|at the weekend|this year|last year|in recent weeks
        """, separator: "|")

    static let deadlines = words("""
        the end of the year|next spring|the summer|March|October|2026|2027|the end of the decade|\
        the next election|the start of the school year
        """, separator: "|")

    static let connectors = words("""
        However,|Meanwhile,|In a statement,|Separately,|Earlier,|At the same time,|Still,|\
        According to the report,|On Tuesday,|Last year,|In response,|By contrast,|For now,
        """, separator: "|")

    static let quoteOpenings = words("""
        We have been very clear about this|This is not the end of the process|Nobody expected it to happen \
        this quickly|We will look at every option|The numbers speak for themselves|It is a difficult \
        decision for everyone involved|We need more time|People are worried, and they have every right to \
        be|This was always going to be hard|There is no quick fix|We are doing everything we can|\
        The situation remains serious|It is too early to say|That is simply not true|Nobody is above the law
        """, separator: "|")

    static let closings = words("""
        declined to comment|did not respond to a request for comment|said further details would follow|\
        was not immediately available for comment|said the review would take several months|\
        said talks would continue next week
        """, separator: "|")

    /// Syllables that invented names and terms are made of (two to four of them: tens of thousands of words).
    static let syllables = words("""
        ka lo mi ren tor va sel du pri an gho zet bu ri mon el sa ne tu ob ar vik len das ho mar fin gal or \
        be is kel tam dro pel usk
        """)

    private static func words(_ list: String, separator: Character = " ") -> [String] {
        list.split(separator: separator).map { String($0) }.filter { !$0.isEmpty }
    }
}
