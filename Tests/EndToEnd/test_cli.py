"""The command line: parameter validation, `explain`, help that lists every option, and the version."""

import re
import shutil
import subprocess

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
    "--minimum-containment-shingles",
    "--containment-sampling",
    "--boilerplate-stories",
]
RUN_OPTIONS = ["--inbox", "--state", "--timeline", "--config", "--batch-size", "--retention-days", "--verbose",
               *ENGINE_OPTIONS, "--help"]
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
        (["run"], RUN_OPTIONS),
    ],
    ids=["storyline", "ingest", "explain", "run"],
)
def test_help_exits_zero_and_mentions_every_option(command, expected):
    result = support.run_storyline(*command, "--help")

    assert result.returncode == 0, result.stderr
    text = result.stdout.decode()
    for word in expected:
        assert word in (options_in(text) if word.startswith("--") else text), f"{word} missing from:\n{text}"


def documented_keys() -> list[str]:
    text = (support.REPO_ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    return re.findall(r"^\| `([a-z_]+)` \|", text, re.MULTILINE)


def test_every_documented_key_is_an_option_of_run_and_nothing_else_is():
    options = options_in(support.run_storyline("run", "--help").stdout.decode())
    keys = {"--" + key.replace("_", "-") for key in documented_keys()}
    assert options - keys == {"--config", "--verbose", "--help", "--version"}
    assert keys <= options


def test_new_engine_options_reach_the_engine(tmp_path):
    """`--containment-sampling` could once not be set at all; now an out-of-range value is refused by name."""
    for option, key in [("--containment-sampling", "containment_sampling"),
                        ("--minimum-containment-shingles", "minimum_containment_shingles"),
                        ("--boilerplate-stories", "boilerplate_stories")]:
        result = support.run_storyline("ingest", option, "0", support.seed(0))
        assert result.returncode == 78, result.stderr
        assert f"{key} must be a whole number from" in result.stderr, result.stderr
        result = support.run_storyline("ingest", option, "8", support.seed(0))
        assert result.returncode == 0, result.stderr


def test_ingest_help_names_the_order_values():
    text = support.run_storyline("ingest", "--help").stdout.decode()

    assert "given" in text and "published" in text


# --- Settings at the edge of what the code can hold ----------------------------------------------------
#
# Every numeric setting is checked against a documented range before anything converts or multiplies it:
# these values once crashed the daemon (SIGILL on a Double-to-Int64 conversion or an Int overflow) or
# were accepted although nothing could work with them. Each must refuse to start with one line and exit
# status 78 (EX_CONFIG), which the unit does not restart on.

INT_MAX = str(2**63 - 1)
INT_MIN = str(-(2**63))

EXTREME_OPTIONS = {
    "horizon_inf": (["--horizon-days", "inf"], "horizon_days must be a finite number of days from 1 to 36500 (got inf)"),
    "horizon_1e20": (["--horizon-days", "1e20"], "horizon_days must be a finite number of days from 1 to 36500"),
    "horizon_1e300": (["--horizon-days", "1e300"], "horizon_days must be a finite number of days from 1 to 36500"),
    "horizon_nan": (["--horizon-days", "nan"], "horizon_days must be a finite number of days"),
    "horizon_negative": (["--horizon-days=-1"], "horizon_days must be a finite number of days"),
    "window_1e300": (["--story-window-days", "1e300"], "story_window_days must be a finite number of days from 0 to 3650"),
    "window_negative_inf": (["--story-window-days=-inf"], "story_window_days must be a finite number of days"),
    "half_life_inf": (["--story-half-life-days", "inf"],
                      "story_half_life_days must be a finite number of days above 0 and at most 3650 (got inf)"),
    "half_life_nan": (["--story-half-life-days", "nan"], "story_half_life_days must be"),
    "jaccard_nan": (["--jaccard-threshold", "nan"], "jaccard_threshold must be a number above 0 and at most 1 (got nan)"),
    "containment_inf": (["--containment-threshold", "inf"], "containment_threshold must be a number above 0 and at most 1"),
    "story_threshold_negative_inf": (["--story-threshold=-inf"], "story_threshold must be a number above 0"),
    "headline_threshold_1e300": (["--headline-threshold", "1e300"], "headline_threshold must be a number above 0"),
    # bands × rows once overflowed Int before it was compared with the slots.
    "bands_int_max_times_rows": (["--bands", INT_MAX, "--rows", "2"], "bands must be a whole number from 1 to 1024"),
    "rows_int_max": (["--rows", INT_MAX], "rows must be a whole number from 1 to 1024"),
    "rows_int_min": ([f"--rows={INT_MIN}"], "rows must be a whole number from 1 to 1024"),
    "shingle_size_int_max": (["--shingle-size", INT_MAX], "shingle_size must be a whole number from 1 to 16"),
    "signature_slots_int_max": (["--signature-slots", INT_MAX], "signature_slots must be a whole number from 8 to 1024"),
    "max_file_bytes_int_max": (["--max-file-bytes", INT_MAX], "max_file_bytes must be a whole number from 1 to 1073741824"),
    "max_file_bytes_negative": (["--max-file-bytes=-1"], "max_file_bytes must be a whole number from 1 to 1073741824"),
    "batch_size_int_max": (["--batch-size", INT_MAX], "batch_size must be a whole number from 1 to 100000"),
    "batch_size_int_min": ([f"--batch-size={INT_MIN}"], "batch_size must be a whole number from 1 to 100000"),
}

EXTREME_FILES = {
    "horizon_inf": ("horizon_days: .inf\n", "horizon_days must be a finite number of days from 1 to 36500 (got inf)"),
    "horizon_1e12": ("horizon_days: 1e12\n", "horizon_days must be a finite number of days from 1 to 36500"),
    "horizon_1e300": ("horizon_days: 1e300\n", "horizon_days must be a finite number of days from 1 to 36500"),
    "horizon_nan": ("horizon_days: .nan\n", "horizon_days must be a finite number of days"),
    "window_inf": ("story_window_days: .inf\n", "story_window_days must be a finite number of days"),
    "half_life_1e300": ("story_half_life_days: 1e300\n", "story_half_life_days must be a finite number of days"),
    "threshold_nan": ("story_threshold: .nan\n", "story_threshold must be a number above 0 and at most 1"),
    "minimum_containment_shingles_int_max": (f"minimum_containment_shingles: {INT_MAX}\n",
                                             "minimum_containment_shingles must be a whole number from 1 to 1000000"),
    "boilerplate_stories_int_max": (f"boilerplate_stories: {INT_MAX}\n",
                                    "boilerplate_stories must be a whole number from 2 to 1000000"),
    "bands_int_max": (f"bands: {INT_MAX}\nrows: 2\n", "must be a whole number from 1 to 1024"),
    "batch_size_float": ("batch_size: 1e12\n", "batch_size must be a whole number"),
    "batch_size_beyond_int": ("batch_size: 99999999999999999999\n", "batch_size must be a whole number"),
    "max_file_bytes_1e20": ("max_file_bytes: 1e20\n", "max_file_bytes must be a whole number"),
    "max_file_bytes_int_max": (f"max_file_bytes: {INT_MAX}\n", "max_file_bytes must be a whole number from 1 to 1073741824"),
}


def run_refused(tmp_path, *arguments):
    """`storyline run` with `arguments`, which must refuse to start: one line, exit 78, nothing made."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    state = tmp_path / "state"
    result = support.run_storyline("run", "--inbox", inbox, "--state", state, "--timeline", tmp_path / "timeline.jsonl",
                                   *arguments)
    assert result.returncode == 78, f"exit {result.returncode}: {result.stderr}"
    assert result.stdout == b""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("storyline: configuration error: "), result.stderr
    assert "Usage" not in result.stderr and "--help" not in result.stderr, result.stderr
    assert not state.exists(), "the state directory was made before the settings were checked"
    return lines[0]


@pytest.mark.parametrize("case", list(EXTREME_OPTIONS))
def test_an_extreme_option_refuses_to_start_with_one_line_and_status_78(tmp_path, case):
    arguments, expected = EXTREME_OPTIONS[case]

    line = run_refused(tmp_path, *arguments)

    assert expected in line, line


@pytest.mark.parametrize("case", list(EXTREME_FILES))
def test_an_extreme_value_in_the_file_refuses_to_start_with_one_line_and_status_78(tmp_path, case):
    text, expected = EXTREME_FILES[case]
    config = support.write(tmp_path / "storyline.yaml", text)

    line = run_refused(tmp_path, "--config", config)

    assert expected in line, line


@pytest.mark.parametrize("case", ["horizon_inf", "bands_int_max_times_rows", "max_file_bytes_int_max"])
def test_ingest_refuses_an_extreme_option_the_same_way(tmp_path, case):
    arguments, expected = EXTREME_OPTIONS[case]
    timeline = tmp_path / "timeline.jsonl"

    result = support.run_storyline("ingest", "--timeline", timeline, *arguments, support.seed(0))

    assert result.returncode == 78, f"exit {result.returncode}: {result.stderr}"
    assert result.stderr.splitlines() == [result.stderr.strip()] and expected in result.stderr, result.stderr
    assert not timeline.exists()


def test_a_syntax_error_on_the_command_line_keeps_the_usage():
    result = support.run_storyline("ingest", "--bands", "many", support.seed(0))

    assert result.returncode == 64, result.stderr
    assert "Usage" in result.stderr


def test_check_config_prints_the_settings_in_force_as_yaml(tmp_path):
    config = support.write(tmp_path / "storyline.yaml", "horizon_days: 10\nbatch_size: 64\n")

    result = support.run_storyline("check-config", config)

    assert result.returncode == 0, result.stderr
    settings = dict(line.split(": ", 1) for line in result.stdout.decode().splitlines())
    assert (settings["horizon_days"], settings["batch_size"], settings["shingle_size"]) == ("10", "64", "5"), settings
    assert settings["retention_days"] == "17", "an unset retention is shown as what it comes to"
    # What it prints is a configuration file that gives the same settings.
    again = support.write(tmp_path / "again.yaml", result.stdout.decode())
    assert support.run_storyline("check-config", again).stdout == result.stdout


@pytest.mark.parametrize("text, expected", [
    ("horizon_days: -3\n", "horizon_days must be a finite number of days from 1 to 36500 (got -3.0)"),
    ("colour: blue\n", "colour is not a setting"),
])
def test_check_config_prints_the_error_in_one_line_with_status_78(tmp_path, text, expected):
    config = support.write(tmp_path / "storyline.yaml", text)

    result = support.run_storyline("check-config", config)

    assert result.returncode == 78, f"exit {result.returncode}: {result.stderr}"
    assert result.stderr.splitlines() == [result.stderr.strip()] and expected in result.stderr, result.stderr
    assert "USAGE" not in result.stderr and result.stdout == b""


def test_a_runtime_error_is_one_line_with_status_1_and_no_usage(tmp_path):
    # The arguments were understood; a file could not be read, or the timeline written.
    results = [
        support.run_storyline("explain", support.seed(0), tmp_path / "missing.txt"),
        support.run_storyline("ingest", "--timeline", tmp_path / "no-such-dir" / "timeline.jsonl", support.seed(0)),
    ]
    for result in results:
        assert result.returncode == 1, f"exit {result.returncode}: {result.stderr}"
        assert result.stderr.splitlines() == [result.stderr.strip()], result.stderr
        assert "USAGE" not in result.stderr and result.stderr.startswith("storyline "), result.stderr


def test_version_names_the_release_and_the_commit():
    """`storyline --version`: the release number kept in StorylineBuild.swift and the commit the Makefile gave the
    build (`unknown` for a plain `swift build`), `-dirty` when the tree had changes."""
    source = (support.REPO_ROOT / "Sources" / "StorylineDaemon" / "System" / "StorylineBuild.swift").read_text()
    release = re.search(r'public static let version = "([^"]+)"', source)[1]

    result = support.run_storyline("--version")

    assert result.returncode == 0, result.stderr
    line = result.stdout.decode()
    match = re.fullmatch(r"storyline (\S+) \(commit ([0-9a-f]{7,40}(?:-dirty)?|unknown)\)\n", line)
    assert match, line
    assert match[1] == release, line
    commit = match[2].removesuffix("-dirty")
    if commit != "unknown" and shutil.which("git"):
        known = subprocess.run(["git", "-C", str(support.REPO_ROOT), "cat-file", "-e", f"{commit}^{{commit}}"],
                               capture_output=True)
        assert known.returncode == 0, f"{commit} is not a commit of this repository"
