"""Helpers for the end-to-end tests: run the binary, check a timeline against the contract, make articles.

The contract is docs/timeline.md; its machine-readable half is docs/timeline.schema.json.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import jsonschema

# Re-exported: the tests take these from here.
from storyline_harness.archive import archive_name, seq_of, unprefixed  # noqa: F401
from storyline_harness.timeline import timeline_files  # noqa: F401

REPO_ROOT = Path(__file__).resolve().parents[2]
SEEDS_DIR = REPO_ROOT / "seeds"
SCHEMA_PATH = REPO_ROOT / "docs" / "timeline.schema.json"
TIMELINE_DOC_PATH = REPO_ROOT / "docs" / "timeline.md"

#: Longest any single run of the binary may take; a hang (a FIFO read, say) fails the test instead.
RUN_TIMEOUT_SECONDS = 20


def binary_path() -> Path:
    """The binary under test: $STORYLINE_BIN, else the debug build in this repository."""
    configured = os.environ.get("STORYLINE_BIN")
    return Path(configured) if configured else REPO_ROOT / ".build" / "debug" / "storyline"


def seed_paths() -> list[Path]:
    return sorted(SEEDS_DIR.iterdir())


def seed(number: int) -> Path:
    """The seed article whose file name starts with the three-digit `number`."""
    (path,) = [path for path in seed_paths() if path.name.startswith(f"{number:03d}_")]
    return path


@dataclass
class Run:
    returncode: int
    stdout: bytes
    stderr: str

    @property
    def events(self) -> list[dict]:
        """The timeline on standard output, checked against the contract line by line."""
        return parse_timeline(self.stdout)


def run_storyline(*arguments: object, cwd: Path | None = None) -> Run:
    """Runs the binary with `arguments` (paths or strings) and returns what it did."""
    completed = subprocess.run(
        [str(binary_path()), *(os.fsencode(argument) if isinstance(argument, Path) else str(argument)
                               for argument in arguments)],
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=RUN_TIMEOUT_SECONDS,
    )
    return Run(completed.returncode, completed.stdout, completed.stderr.decode("utf-8", errors="replace"))


def ingest(*arguments: object, cwd: Path | None = None) -> list[dict]:
    """`storyline ingest ARGUMENTS`, which must succeed; returns the checked timeline events."""
    result = run_storyline("ingest", *arguments, cwd=cwd)
    assert result.returncode == 0, f"ingest failed ({result.returncode}): {result.stderr}"
    return result.events


# --- The contract ----------------------------------------------------------------------------------------

_validator: jsonschema.Draft202012Validator | None = None


def schema_validator() -> jsonschema.Draft202012Validator:
    global _validator
    if _validator is None:
        schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
        jsonschema.Draft202012Validator.check_schema(schema)
        _validator = jsonschema.Draft202012Validator(schema)
    return _validator


def check_line(event: object) -> None:
    """One decoded line against docs/timeline.schema.json, with every violation in the message."""
    errors = sorted(schema_validator().iter_errors(event), key=lambda error: list(error.absolute_path))
    assert not errors, "line breaks the schema:\n" + "\n".join(
        f"  at /{'/'.join(map(str, error.absolute_path))}: {error.message}" for error in errors
    ) + f"\n  line: {json.dumps(event, ensure_ascii=False)}"


def parse_timeline(output: bytes) -> list[dict]:
    """Decodes a whole timeline and checks everything the contract promises about it.

    Per line: UTF-8, LF-terminated, one JSON object, valid against the schema, `seq` equal to the line
    number, `time` a real instant. Across lines: article ids unique; a story is started before it is
    extended or duplicated into; `duplicate_of` names an earlier article and carries that article's story;
    `story_data` counts the story's articles and duplicates so far, names its first article, and for a
    duplicate the root of its copy chain; after `story_closed` a story takes duplicates only.
    """
    text = output.decode("utf-8")  # strict: the timeline is UTF-8
    if not text:
        return []
    assert text.endswith("\n"), "the timeline must end with a line feed"
    lines = text[:-1].split("\n")
    events: list[dict] = []
    story_of_article: dict[str, str] = {}
    root_of_article: dict[str, str] = {}
    stories: set[str] = set()
    counts: dict[str, list[int]] = {}  # story -> [articles, duplicates]
    first_of_story: dict[str, str] = {}
    closed: set[str] = set()
    for number, line in enumerate(lines, start=1):
        assert line, f"line {number} is empty"
        assert "\r" not in line, f"line {number} holds a carriage return"
        event = json.loads(line)
        assert isinstance(event, dict), f"line {number} is not a JSON object"
        check_line(event)
        assert event["seq"] == number, f"line {number} has seq {event['seq']}"
        datetime.strptime(event["time"], "%Y-%m-%dT%H:%M:%S.%fZ")
        kind = event["event"]
        if kind == "story_closed":
            story = event["story"]
            assert story in stories, f"line {number} closes story {story}, never started"
            assert story not in closed, f"line {number} closes story {story} a second time"
            assert event["story_data"]["closed"] is True
            assert [event["story_data"]["articles"], event["story_data"]["duplicates"]] == counts[story]
            closed.add(story)
        elif kind != "rejected":
            article_id, story = event["article"]["id"], event["story"]
            assert article_id not in story_of_article, f"line {number} reuses article id {article_id}"
            if kind == "story_started":
                assert story not in stories, f"line {number} starts story {story} a second time"
                stories.add(story)
            else:
                assert story in stories, f"line {number} names story {story} before it was started"
            if kind == "duplicate":
                original = event["duplicate_of"]
                assert original in story_of_article, f"line {number}: duplicate_of {original} is not earlier"
                assert story_of_article[original] == story, (
                    f"line {number}: a duplicate of {original} must carry its story {story_of_article[original]}"
                )
                assert event["why"]["value"] == event["similarity"]
                root_of_article[article_id] = root_of_article.get(original, original)
                assert event["story_data"]["original"] == root_of_article[article_id], f"line {number}: wrong root original"
            else:
                assert story not in closed, f"line {number}: {kind} into story {story} after it was closed"
            story_of_article[article_id] = story
            first_of_story.setdefault(story, article_id)
            tally = counts.setdefault(story, [0, 0])
            tally[0] += 1
            tally[1] += kind == "duplicate"
            data = event["story_data"]
            assert [data["articles"], data["duplicates"]] == tally, f"line {number}: story_data counts {data} for {tally}"
            assert data["first_article"] == first_of_story[story], f"line {number}: first_article {data['first_article']}"
            assert data["closed"] == (story in closed)
        events.append(event)
    return events


def rejection_codes_in_sources() -> list[str]:
    """The raw values of `ArticleRejection.Code`, read from the Swift source."""
    source = (REPO_ROOT / "Sources" / "StorylineCore" / "Article" / "ArticleRejection.swift").read_text()
    block = re.search(r"enum Code\b[^{]*\{(.*?)\n\s*\}", source, re.DOTALL)
    assert block, "ArticleRejection.Code not found"
    codes = []
    for name, raw in re.findall(r'case\s+(\w+)(?:\s*=\s*"([^"]*)")?', block.group(1)):
        codes.append(raw or name)
    return codes


# --- Articles --------------------------------------------------------------------------------------------

_WORD = re.compile(r"\S+")

#: Replacement words for edited copies: ordinary content words, so each edit is a real change.
EDIT_WORDS = ["harbour", "lantern", "orchard", "velvet", "meadow", "granite", "compass", "willow"]


def replace_every_nth_word(text: str, n: int) -> str:
    """`text` with every `n`th whitespace-separated word replaced by another word; spacing kept."""
    count = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal count
        count += 1
        return EDIT_WORDS[(count // n) % len(EDIT_WORDS)] if count % n == 0 else match.group(0)

    return _WORD.sub(replace, text)


def first_half_by_words(text: str) -> str:
    """The text up to its middle word, line breaks kept."""
    starts = [match.start() for match in _WORD.finditer(text)]
    return text[: starts[len(starts) // 2]].rstrip() + "\n"


_QUOTE_SWAP = str.maketrans({
    '"': "\u201c", "'": "\u2019",
    "\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'", "\u2033": '"',
})


def swap_quotes_crlf(text: str) -> str:
    """Straight quotes made curly and curly made straight, lines ended with CRLF."""
    return text.translate(_QUOTE_SWAP).replace("\r\n", "\n").replace("\n", "\r\n")


FOOTBALL_TITLE = "Harbour City edge Northgate Rovers in rain-soaked derby"

#: A made-up match report on a topic far from the seeds (Canadian trade politics).
FOOTBALL_TEXT = """\
Harbour City came from behind to beat Northgate Rovers 2-1 in a rain-soaked derby at Quayside Park on \
Saturday, keeping alive their hopes of a top-four finish in the Coastal League.

Rovers took the lead after eleven minutes when winger Tomas Ekberg cut inside from the left and curled a \
low shot past goalkeeper Danny Ferris. The visitors looked comfortable for most of the first half, pressing \
high and forcing a string of corners as the pitch grew heavier under steady drizzle.

City manager Ruth Okafor changed shape at the interval, bringing on the teenage forward Jamal Reid for a \
tiring midfielder and switching to a back three. The move paid off within ten minutes. Reid chased a long \
ball down the right touchline, held off two defenders and pulled it back for captain Liam Doherty, who \
swept it into the bottom corner to level the score.

The winner came with six minutes left. A free kick from the edge of the penalty area struck the wall and \
fell kindly for centre-back Marco Silvestri, whose half-volley flew in off the crossbar and sent the home \
supporters behind the goal into a frenzy.

Northgate pushed for an equaliser in stoppage time. Ferris made a diving save from a deflected header, and \
a late penalty appeal was waved away by the referee after a brief check of the replay.

Okafor praised the reaction of her squad after the match. She said the players had shown patience in \
difficult conditions and that the substitutes had changed the game. Rovers coach Piet van Loon complained \
about the state of the pitch and said his side had deserved at least a draw.

The result lifts Harbour City to fifth place, two points behind Millbrook Athletic with eight matches \
remaining. Northgate stay ninth and travel to Westhaven next weekend, while City host the league leaders \
at Quayside Park on Wednesday evening in a fixture that was moved for television.
"""


def write(path: Path, content: str | bytes) -> Path:
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path
