"""Acceptance: near-copies of a seed are duplicates of it; an unrelated article starts a new story."""

import pytest

import support

BOILERPLATE_TOP = "Story continues below advertisement"
BOILERPLATE_BOTTOM = "Sign up for our newsletter to get the day's top stories."


def republished(text: str, *, edit_every: int | None) -> str:
    """A syndicated copy: a new headline, page furniture added, optionally every nth word edited."""
    body = support.replace_every_nth_word(text, edit_every) if edit_every else text
    return (
        "Carney's Washington trip leaves tariff questions unanswered\n\n"
        f"{BOILERPLATE_TOP}\n\n{body.rstrip()}\n\n{BOILERPLATE_TOP}\n\n{BOILERPLATE_BOTTOM}\n"
    )


COPIES = {
    "new_headline_boilerplate_and_3pct_edits": lambda text: republished(text, edit_every=33),
    "new_headline_and_boilerplate": lambda text: republished(text, edit_every=None),
    "first_half": support.first_half_by_words,
    "quotes_swapped_and_crlf": support.swap_quotes_crlf,
}

EXPECTED_MEASURE = {
    "new_headline_boilerplate_and_3pct_edits": {"jaccard", "containment"},
    "new_headline_and_boilerplate": {"jaccard", "containment"},
    "first_half": {"containment"},
    "quotes_swapped_and_crlf": {"jaccard"},
}


def test_the_copies_are_what_they_claim():
    text = support.seed(0).read_text(encoding="utf-8")
    words = text.split()

    edited = support.replace_every_nth_word(text, 33).split()
    changed = sum(a != b for a, b in zip(words, edited))
    assert len(edited) == len(words) and 0.025 <= changed / len(words) <= 0.035

    half = support.first_half_by_words(text).split()
    assert half == words[: len(words) // 2]

    swapped = support.swap_quotes_crlf(text)
    curly = text.count("\u201c") + text.count("\u201d")
    assert curly > 0 and swapped.count('"') >= curly and swapped.count("\u2019") == text.count("'")
    assert '"' in swapped and "\r\n" in swapped and "\n" not in swapped.replace("\r\n", "")


@pytest.mark.parametrize("variant", list(COPIES))
def test_near_copy_of_a_seed_is_its_duplicate(tmp_path, variant):
    original = support.seed(0)
    copy = support.write(tmp_path / f"copy_{variant}.txt", COPIES[variant](original.read_text(encoding="utf-8")))

    events = support.ingest(*support.seed_paths(), copy)

    assert len(events) == 6
    seed_event = next(event for event in events if event.get("article", {}).get("file") == original.name)
    last = events[-1]
    assert last["article"]["file"] == copy.name
    assert last["event"] == "duplicate", f"the copy came out as {last['event']}: {last}"
    assert last["duplicate_of"] == seed_event["article"]["id"]
    assert last["story"] == seed_event["story"]
    assert last["why"]["measure"] in EXPECTED_MEASURE[variant]
    assert last["why"]["value"] == last["similarity"]


def test_copies_together_each_name_the_seed(tmp_path):
    original = support.seed(0)
    text = original.read_text(encoding="utf-8")
    copies = [
        support.write(tmp_path / f"{index}_{name}.txt", make(text))
        for index, (name, make) in enumerate(COPIES.items())
    ]

    events = support.ingest(original, *copies)

    assert events[0]["event"] == "story_started"
    for event in events[1:]:
        assert event["event"] == "duplicate", event
        assert event["duplicate_of"] == events[0]["article"]["id"]
        assert event["story"] == events[0]["story"]


def test_same_bytes_under_another_name_are_an_exact_duplicate(tmp_path):
    original = support.seed(2)
    copy = support.write(tmp_path / "same_bytes.txt", original.read_bytes())

    first, second = support.ingest(original, copy)

    assert second["event"] == "duplicate"
    assert second["duplicate_of"] == first["article"]["id"]
    assert second["why"] == {"measure": "exact", "value": 1.0}
    assert second["similarity"] == 1.0
    assert second["article"]["sha256"] == first["article"]["sha256"]


def test_the_same_path_twice_gets_two_lines(tmp_path):
    original = support.seed(1)

    first, second = support.ingest(original, original)

    assert first["event"] == "story_started"
    assert second["event"] == "duplicate"
    assert second["duplicate_of"] == first["article"]["id"]
    assert second["article"]["id"] != first["article"]["id"]


def test_unrelated_article_starts_a_new_story(tmp_path):
    match_report = support.write(
        tmp_path / "football.txt", support.FOOTBALL_TITLE + "\n\n" + support.FOOTBALL_TEXT
    )

    events = support.ingest(*support.seed_paths(), match_report)

    seed_story = events[0]["story"]
    last = events[-1]
    assert last["event"] == "story_started"
    assert last["article"]["file"] == "football.txt"
    assert last["article"]["title"] == support.FOOTBALL_TITLE
    assert last["story"] != seed_story
    assert 250 <= last["article"]["words"] <= 400


def test_duplicate_of_a_later_story_article_carries_that_story(tmp_path):
    match_report = support.write(tmp_path / "football.txt", support.FOOTBALL_TEXT)
    shortened = support.write(tmp_path / "football_short.txt", support.first_half_by_words(support.FOOTBALL_TEXT))

    events = support.ingest(support.seed(0), match_report, support.seed(1), shortened)

    started, copy = events[1], events[3]
    assert started["event"] == "story_started"
    assert copy["event"] == "duplicate"
    assert copy["duplicate_of"] == started["article"]["id"]
    assert copy["story"] == started["story"] != events[0]["story"]


def test_straight_quoted_original_and_its_curly_quoted_copy(tmp_path):
    """The other direction of the quote swap: straight quotes in the original, curly in the copy."""
    straight_text = support.swap_quotes_crlf(support.seed(0).read_text(encoding="utf-8")).replace("\r\n", "\n")
    assert "\u201c" not in straight_text and '"' in straight_text
    straight = support.write(tmp_path / "straight.txt", straight_text)
    curly = support.write(tmp_path / "curly.txt", support.swap_quotes_crlf(straight_text))
    assert "\u201c" in curly.read_text(encoding="utf-8")

    first, second = support.ingest(straight, curly)

    assert second["event"] == "duplicate"
    assert second["duplicate_of"] == first["article"]["id"]
