"""What a file says about its article reaches the timeline; --order published sorts by it."""

import json

import support
from storyline_harness.timeline import file_of

METADATA = {
    "title": "Harbour City edge Northgate Rovers",
    "source": "Coastal Sports Desk",
    "url": "https://sports.example/harbour-city-northgate",
    "published": "2026-03-14T17:45:00+01:00",
}


def test_json_fields_are_carried_into_the_article(tmp_path):
    path = support.write(tmp_path / "match.json", json.dumps({**METADATA, "text": support.FOOTBALL_TEXT}))

    (event,) = support.ingest(path)

    article = event["article"]
    assert {key: article[key] for key in METADATA} == METADATA
    assert article["file"] == "match.json"


def test_json_body_key_and_null_fields(tmp_path):
    path = support.write(
        tmp_path / "match.json",
        json.dumps({"title": None, "source": None, "url": None, "published": None, "body": support.FOOTBALL_TEXT}),
    )

    (event,) = support.ingest(path)

    article = event["article"]
    assert article["title"] == support.FOOTBALL_TEXT.splitlines()[0].strip()
    assert (article["source"], article["url"], article["published"]) == (None, None, None)


def test_title_is_one_line_with_whitespace_folded(tmp_path):
    path = support.write(
        tmp_path / "match.json",
        json.dumps({"title": "  Harbour City\n  edge\tRovers  ", "text": support.FOOTBALL_TEXT}),
    )

    (event,) = support.ingest(path)

    assert event["article"]["title"] == "Harbour City edge Rovers"


def test_json_with_a_byte_order_mark_is_read(tmp_path):
    path = support.write(tmp_path / "bom.json", b"\xef\xbb\xbf" + json.dumps({"text": support.FOOTBALL_TEXT}).encode())

    (event,) = support.ingest(path)

    assert event["event"] == "story_started"


def header_block(newline: str = "\n") -> str:
    lines = [
        f"Title: {METADATA['title']}",
        f"Source: {METADATA['source']}",
        f"URL: {METADATA['url']}",
        f"Published: {METADATA['published']}",
        "",
        *support.FOOTBALL_TEXT.splitlines(),
    ]
    return newline.join(lines) + newline


def test_text_header_block_is_carried_into_the_article(tmp_path):
    with_header = support.write(tmp_path / "match.txt", header_block())
    without_header = support.write(tmp_path / "plain.md", support.FOOTBALL_TEXT)

    first, second = support.ingest(with_header, without_header)

    article = first["article"]
    assert {key: article[key] for key in METADATA} == METADATA
    # The header is not part of the text: the same prose without it is a duplicate with as many words.
    assert second["event"] == "duplicate"
    assert second["duplicate_of"] == article["id"]
    assert second["article"]["words"] == article["words"]
    assert second["article"]["source"] is None


def test_text_header_block_with_crlf_line_ends(tmp_path):
    path = support.write(tmp_path / "match.txt", header_block("\r\n"))

    (event,) = support.ingest(path)

    article = event["article"]
    assert {key: article[key] for key in METADATA} == METADATA


def test_a_header_needs_the_blank_line_after_it(tmp_path):
    text = f"Title: Not a header\n{support.FOOTBALL_TEXT}"
    path = support.write(tmp_path / "no_blank.txt", text)

    (event,) = support.ingest(path)

    assert event["article"]["title"] == "Title: Not a header"


def test_order_published_sorts_by_time_unknown_first_ties_by_name(tmp_path):
    def article(name: str, published: str | None, subject: str) -> str:
        text = f"{subject} {support.FOOTBALL_TEXT}"
        if name.endswith(".json"):
            support.write(tmp_path / name, json.dumps({"text": text, "published": published}))
        elif published:
            support.write(tmp_path / name, f"Title: {subject}\nPublished: {published}\n\n{text}")
        else:
            support.write(tmp_path / name, text)
        return name

    given = [
        article("b.json", "2026-01-02", "Second day."),
        article("e.json", "2026-01-01T00:00:00Z", "Midnight, as a full time."),
        article("c.json", None, "No date at all."),
        article("f.json", "2026-01-01T01:00:00+02:00", "Late on New Year's Eve in UTC."),
        article("d.txt", "2026-01-01", "Midnight, as a date alone."),
        article("a.txt", None, "No header at all."),
        article("g.json", "2025-12-31T23:00:00.500Z", "Half a second after f."),
    ]
    rejected = support.write(tmp_path / "0_report.pdf", "not an article")

    events = support.ingest("--order", "published", *(tmp_path / name for name in given), rejected)

    names = [file_of(event) for event in events]
    assert names == ["0_report.pdf", "a.txt", "c.json", "f.json", "g.json", "d.txt", "e.json", "b.json"]
    assert [event["seq"] for event in events] == list(range(1, 9))


def test_order_given_is_the_default(tmp_path):
    late = support.write(tmp_path / "a.json", json.dumps({"text": support.FOOTBALL_TEXT, "published": "2026-05-01"}))
    early = support.write(tmp_path / "b.json", json.dumps({"text": "Other news. " + support.FOOTBALL_TEXT,
                                                          "published": "2026-01-01"}))

    events = support.ingest(late, early)

    assert [event["article"]["file"] for event in events] == ["a.json", "b.json"]
