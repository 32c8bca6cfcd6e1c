"""docs/timeline.schema.json is exact: real lines pass, lines that break the contract in any one way fail."""

import copy
import json

import jsonschema
import pytest

import support


@pytest.fixture(scope="module")
def real_lines(tmp_path_factory) -> dict[str, dict]:
    """One real line of each event, from the binary."""
    directory = tmp_path_factory.mktemp("schema")
    half = support.write(directory / "wire_copy.txt", support.first_half_by_words(support.seed(0).read_text()))
    report = support.write(directory / "match_report.json", json.dumps({
        "title": support.FOOTBALL_TITLE, "source": "Coastal Sports Desk", "url": "https://sports.example/m",
        "published": "2026-03-14", "text": support.FOOTBALL_TEXT,
    }))
    brief = support.write(directory / "brief.json", json.dumps({"text": "The council met.", "published": "soon"}))
    # A week after the match report: the report's story closes.
    later = support.write(directory / "ferry.json", json.dumps({
        "title": "Winter ferry timetable starts", "published": "2026-03-21",
        "text": "The winter ferry timetable starts on Monday, with crossings every twenty minutes.",
    }))

    events = support.ingest(support.seed(0), support.seed(1), half, report, brief, later)

    lines = {event["event"]: event for event in events[1:]}
    assert set(lines) == {"story_started", "story_extended", "duplicate", "rejected", "story_closed"}
    return lines


def test_schema_is_valid_draft_2020_12():
    schema = json.loads(support.SCHEMA_PATH.read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


def test_rejection_codes_match_the_sources():
    schema = json.loads(support.SCHEMA_PATH.read_text(encoding="utf-8"))
    assert sorted(schema["properties"]["code"]["enum"]) == sorted(support.rejection_codes_in_sources())


def test_real_lines_are_valid(real_lines):
    for line in real_lines.values():
        support.check_line(line)


def without(line: dict, key: str) -> dict:
    changed = copy.deepcopy(line)
    changed.pop(key)
    return changed


def with_value(line: dict, path: str, value) -> dict:
    changed = copy.deepcopy(line)
    *parents, last = path.split(".")
    target = changed
    for parent in parents:
        target = target[parent]
    target[last] = value
    return changed


ANY_ARTICLE_EVENT = ["story_started", "story_extended", "duplicate"]

BROKEN = [
    # (event of the real line to break, how, the broken line)
    *[(event, "no seq", lambda line: without(line, "seq")) for event in ANY_ARTICLE_EVENT + ["rejected"]],
    ("story_started", "seq 0", lambda line: with_value(line, "seq", 0)),
    ("story_started", "seq as a string", lambda line: with_value(line, "seq", "1")),
    ("story_started", "seq fractional", lambda line: with_value(line, "seq", 1.5)),
    ("story_started", "time without milliseconds", lambda line: with_value(line, "time", "2026-11-22T04:55:49Z")),
    ("story_started", "time with an offset", lambda line: with_value(line, "time", "2026-11-22T04:55:49.864+00:00")),
    ("story_started", "time with microseconds", lambda line: with_value(line, "time", "2026-11-22T04:55:49.864123Z")),
    ("story_started", "unknown event", lambda line: with_value(line, "event", "story_ended")),
    ("story_started", "unknown key", lambda line: with_value(line, "note", "hello")),
    *[(event, "no story", lambda line: without(line, "story")) for event in ANY_ARTICLE_EVENT],
    *[(event, "no article", lambda line: without(line, "article")) for event in ANY_ARTICLE_EVENT],
    ("story_started", "similarity", lambda line: with_value(line, "similarity", 0.5)),
    ("story_started", "why", lambda line: with_value(line, "why", {"terms": []})),
    ("story_started", "duplicate_of", lambda line: with_value(line, "duplicate_of", "a1")),
    ("story_started", "rejection fields", lambda line: with_value(line, "code", "empty")),
    ("story_extended", "no similarity", lambda line: without(line, "similarity")),
    ("story_extended", "no why", lambda line: without(line, "why")),
    ("story_extended", "why of a duplicate", lambda line: with_value(line, "why", {"measure": "jaccard", "value": 0.9})),
    ("story_extended", "terms not strings", lambda line: with_value(line, "why.terms", [1, 2])),
    ("story_extended", "extra key in why", lambda line: with_value(line, "why.score", 1)),
    ("story_extended", "duplicate_of", lambda line: with_value(line, "duplicate_of", "a1")),
    ("story_extended", "similarity over 1", lambda line: with_value(line, "similarity", 1.2)),
    ("duplicate", "no duplicate_of", lambda line: without(line, "duplicate_of")),
    ("duplicate", "no similarity", lambda line: without(line, "similarity")),
    ("duplicate", "no why", lambda line: without(line, "why")),
    ("duplicate", "why of a story", lambda line: with_value(line, "why", {"terms": ["carney"]})),
    ("duplicate", "unknown measure", lambda line: with_value(line, "why.measure", "cosine")),
    ("duplicate", "value below 0", lambda line: with_value(line, "why.value", -0.1)),
    ("duplicate", "no value", lambda line: with_value(line, "why", {"measure": "exact"})),
    ("duplicate", "similarity as a string", lambda line: with_value(line, "similarity", "1.0")),
    ("duplicate", "reason", lambda line: with_value(line, "reason", "copied")),
    ("rejected", "no file", lambda line: without(line, "file")),
    ("rejected", "no code", lambda line: without(line, "code")),
    ("rejected", "no reason", lambda line: without(line, "reason")),
    ("rejected", "empty reason", lambda line: with_value(line, "reason", "")),
    ("rejected", "unknown code", lambda line: with_value(line, "code", "too_short")),
    ("rejected", "a story", lambda line: with_value(line, "story", "s1")),
    ("rejected", "an article", lambda line: with_value(line, "article", {})),
    ("rejected", "similarity", lambda line: with_value(line, "similarity", 0.1)),
    ("story_started", "article without sha256", lambda line: with_value(line, "article", without(line["article"], "sha256"))),
    ("story_started", "article without source", lambda line: with_value(line, "article", without(line["article"], "source"))),
    ("story_started", "unknown article key", lambda line: with_value(line, "article.lang", "en")),
    ("story_started", "uppercase sha256", lambda line: with_value(line, "article.sha256", line["article"]["sha256"].upper())),
    ("story_started", "short sha256", lambda line: with_value(line, "article.sha256", "ab" * 31)),
    ("story_started", "negative words", lambda line: with_value(line, "article.words", -1)),
    ("story_started", "words as a float", lambda line: with_value(line, "article.words", 3.5)),
    ("story_started", "published as a number", lambda line: with_value(line, "article.published", 20260314)),
    ("story_started", "title null", lambda line: with_value(line, "article.title", None)),
    ("story_started", "id as a number", lambda line: with_value(line, "article.id", 4)),
    *[(event, "no story_data", lambda line: without(line, "story_data")) for event in ANY_ARTICLE_EVENT + ["story_closed"]],
    ("story_started", "story_data without label", lambda line: with_value(line, "story_data", without(line["story_data"], "label"))),
    ("story_started", "articles 0", lambda line: with_value(line, "story_data.articles", 0)),
    ("story_started", "closed as a string", lambda line: with_value(line, "story_data.closed", "no")),
    ("story_started", "coverage with an offset", lambda line: with_value(line, "story_data.first_coverage", "2026-03-14T17:45:00+00:00")),
    ("story_started", "unknown story_data key", lambda line: with_value(line, "story_data.size", 3)),
    ("rejected", "story_data", lambda line: with_value(line, "story_data", {})),
    ("story_closed", "no story", lambda line: without(line, "story")),
    ("story_closed", "an article", lambda line: with_value(line, "article", {})),
    ("story_closed", "a file", lambda line: with_value(line, "file", "x.txt")),
    ("story_closed", "similarity", lambda line: with_value(line, "similarity", 0.5)),
]


@pytest.mark.parametrize("event, how, break_line", BROKEN, ids=[f"{event}: {how}" for event, how, _ in BROKEN])
def test_schema_refuses_a_line_that_breaks_the_contract(real_lines, event, how, break_line):
    broken = break_line(real_lines[event])

    assert not support.schema_validator().is_valid(broken), f"schema accepts {how}: {json.dumps(broken)}"


def test_schema_accepts_what_the_contract_allows(real_lines):
    allowed = [
        with_value(real_lines["story_started"], "article.source", None),
        with_value(real_lines["story_started"], "article.title", ""),
        with_value(real_lines["story_extended"], "why.terms", []),
        with_value(real_lines["duplicate"], "why", {"measure": "exact", "value": 1.0}),
        with_value(real_lines["duplicate"], "similarity", 0),
        with_value(real_lines["rejected"], "code", "unreadable"),
        with_value(real_lines["story_started"], "story_data.label", ""),
    ]
    for line in allowed:
        support.check_line(line)
