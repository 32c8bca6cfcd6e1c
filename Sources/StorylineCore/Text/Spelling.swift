/// Canonical spellings for words that copy editors swap without changing what a text says.
///
/// British and American spellings, number words and digits, wire abbreviations ("mln") and a few
/// newsroom synonyms ("legislators" for "lawmakers") are mapped to one form before shingling and term
/// weighting, so a copy-edited syndicated copy keeps its shingles.
enum Spelling {
    static let canonical: [UInt64: UInt64] = {
        var map: [UInt64: UInt64] = [:]
        for pair in pairs.split(separator: " ") {
            let parts = pair.split(separator: "=")
            map[Hashing.word(parts[0])] = Hashing.word(parts[1])
        }
        return map
    }()

    private static let pairs = """
    apologise=apologize apologised=apologized apologising=apologizing legalise=legalize legalised=legalized \
    organise=organize organised=organized organising=organizing organisation=organization \
    organisations=organizations criticise=criticize criticised=criticized criticising=criticizing \
    recognise=recognize recognised=recognized realise=realize realised=realized emphasise=emphasize \
    emphasised=emphasized prioritise=prioritize authorise=authorize authorised=authorized \
    characterise=characterize characterised=characterized mobilise=mobilize privatise=privatize \
    summarise=summarize finalise=finalize finalised=finalized analyse=analyze analysed=analyzed \
    paralysed=paralyzed favour=favor favours=favors favoured=favored favourable=favorable \
    unfavourable=unfavorable favourite=favorite colour=color colours=colors labour=labor honour=honor \
    honoured=honored behaviour=behavior neighbour=neighbor neighbours=neighbors neighbouring=neighboring \
    centre=center centres=centers theatre=theater metre=meter metres=meters defence=defense \
    offence=offense licence=license programme=program programmes=programs travelled=traveled \
    travelling=traveling cancelled=canceled cancelling=canceling modelling=modeling labelled=labeled \
    fuelled=fueled counselling=counseling jewellery=jewelry grey=gray tyre=tire tyres=tires cheque=check \
    aluminium=aluminum catalogue=catalog judgement=judgment ageing=aging mln=million bln=billion \
    bn=billion tn=trillion two=2 three=3 four=4 five=5 six=6 seven=7 eight=8 nine=9 ten=10 eleven=11 \
    twelve=12 legislators=lawmakers authorities=officials proposal=plan proposals=plans session=meeting \
    swiftly=quickly unveiled=announced likely=expected administration=government
    """
}
