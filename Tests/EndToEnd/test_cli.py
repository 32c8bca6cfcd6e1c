"""The command line: parameter validation, `explain`, and help that lists every option."""

import re

import pytest

import support

ENGINE_OPTIONS = [
    "--shingle-size",
    "--signature-slots",
    "--bands",
    "--rows",
    "--jaccard-threshold",
    "--containment-threshold",
    "--story-threshold",
    "--headline-threshold",
    "--story-window-days",
    "--story-half-life-days",
    "--horizon-days",
    "--max-file-bytes",
]
INGEST_OPTIONS = ["--timeline", "--order", *ENGINE_OPTIONS, "--help"]
EXPLAIN_OPTIONS = [*ENGINE_OPTIONS, "--help"]

INVALID_PARAMETERS = {
    "bands_times_rows_over_slots": (["--bands", "20", "--rows", "8"], ["bands", "rows", "128"]),
    "slots_too_few_for_bands": (["--signature-slots", "64"], ["bands", "64"]),
    "zero_shingle_size": (["--shingle-size", "0"], ["shingle"]),
    "jaccard_over_one": (["--jaccard-threshold", "1.5"], ["jaccard"]),
    "containment_zero": (["--containment-threshold", "0"], ["containment"]),
    "story_threshold_negative": (["--story-threshold", "-0.1"], ["story"]),
    "horizon_shorter_than_window": (["--story-window-days", "10", "--horizon-days", "5"], ["horizon"]),
    "horizon_infinite": (["--horizon-days", "inf"], ["horizon"]),
    "horizon_beyond_what_a_time_holds": (["--horizon-days", "1e20"], ["horizon"]),
    "headline_threshold_over_one": (["--headline-threshold", "2"], ["headline"]),
    "half_life_zero": (["--story-half-life-days", "0"], ["half_life"]),
    "window_not_a_number": (["--story-window-days", "nan"], ["window"]),
    "zero_max_file_bytes": (["--max-file-bytes", "0"], ["max", "bytes"]),
    "not_a_number": (["--bands", "many"], ["bands"]),
    "unknown_order": (["--order", "newest"], ["order"]),
}


@pytest.mark.parametrize("case", list(INVALID_PARAMETERS))
def test_invalid_parameters_fail_with_a_message_naming_the_problem(tmp_path, case):
    arguments, words = INVALID_PARAMETERS[case]
    timeline = tmp_path / "timeline.jsonl"

    result = support.run_storyline("ingest", "--timeline", timeline, *arguments, support.seed(0))

    assert result.returncode != 0
    assert result.stdout == b""
    message = result.stderr.lower()
    for word in words:
        assert word in message, f"{word!r} not in: {result.stderr}"
    assert not timeline.exists(), "nothing is written when the parameters are wrong"


def test_explain_validates_parameters_too():
    result = support.run_storyline("explain", "--bands", "20", "--rows", "8", support.seed(0), support.seed(1))

    assert result.returncode != 0
    assert "bands" in result.stderr.lower()


def test_ingest_without_files_fails():
    result = support.run_storyline("ingest")

    assert result.returncode != 0
    assert "files" in result.stderr.lower()


def decision(output: str) -> str:
    lines = [line for line in output.splitlines() if line.startswith("decision:")]
    assert len(lines) == 1, output
    return lines[0]


def test_explain_a_truncated_copy_is_a_duplicate_by_containment(tmp_path):
    original = support.seed(0)
    half = support.write(tmp_path / "half.txt", support.first_half_by_words(original.read_text(encoding="utf-8")))

    result = support.run_storyline("explain", original, half)

    assert result.returncode == 0, result.stderr
    line = decision(result.stdout.decode())
    assert "DUPLICATE" in line and "containment" in line.lower(), line


def test_explain_two_seeds_are_the_same_story_not_duplicates():
    result = support.run_storyline("explain", support.seed(0), support.seed(1))

    assert result.returncode == 0, result.stderr
    line = decision(result.stdout.decode()).lower()
    assert "not duplicates" in line and "same story" in line, line
    assert "not the same story" not in line


def test_explain_an_unrelated_article_is_neither(tmp_path):
    match_report = support.write(tmp_path / "football.txt", support.FOOTBALL_TEXT)

    result = support.run_storyline("explain", support.seed(0), match_report)

    assert result.returncode == 0, result.stderr
    line = decision(result.stdout.decode()).lower()
    assert "not duplicates" in line and "not the same story" in line, line


def test_explain_an_exact_copy(tmp_path):
    copy = support.write(tmp_path / "copy.txt", support.seed(3).read_bytes())

    result = support.run_storyline("explain", support.seed(3), copy)

    assert result.returncode == 0, result.stderr
    assert "same bytes" in decision(result.stdout.decode()).lower()


def test_explain_a_file_that_is_not_an_article_says_why(tmp_path):
    broken = support.write(tmp_path / "broken.json", '{"text": ')

    result = support.run_storyline("explain", support.seed(0), broken)

    assert result.returncode != 0
    assert "broken.json" in result.stderr and "malformed_json" in result.stderr


def test_explain_refuses_a_file_ingest_rejects_as_empty(tmp_path):
    empty = support.write(tmp_path / "empty.txt", b"")

    result = support.run_storyline("explain", support.seed(0), empty)

    assert result.returncode != 0
    assert "empty.txt" in result.stderr and "empty" in result.stderr


def options_in(help_text: str) -> set[str]:
    return set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", help_text))


@pytest.mark.parametrize(
    "command, expected",
    [
        ([], ["ingest", "explain", "--help"]),
        (["ingest"], INGEST_OPTIONS),
        (["explain"], EXPLAIN_OPTIONS),
    ],
    ids=["storyline", "ingest", "explain"],
)
def test_help_exits_zero_and_mentions_every_option(command, expected):
    result = support.run_storyline(*command, "--help")

    assert result.returncode == 0, result.stderr
    text = result.stdout.decode()
    for word in expected:
        assert word in (options_in(text) if word.startswith("--") else text), f"{word} missing from:\n{text}"


def test_ingest_help_names_the_order_values():
    text = support.run_storyline("ingest", "--help").stdout.decode()

    assert "given" in text and "published" in text
