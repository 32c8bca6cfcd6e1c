"""docs/timeline.md stays true: its example lines validate, its codes are the real ones, its jq recipes run."""

import json
import re
import shutil
import subprocess

import pytest

import support


def doc() -> str:
    return support.TIMELINE_DOC_PATH.read_text(encoding="utf-8")


def fenced_blocks(language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", doc(), re.DOTALL | re.MULTILINE)


def test_doc_has_one_real_example_line_of_each_event():
    blocks = fenced_blocks("json")
    lines = [block.rstrip("\n") for block in blocks]
    assert all("\n" not in line for line in lines), "each example is a single line, not pretty-printed"
    events = [json.loads(line) for line in lines]
    for event in events:
        support.check_line(event)
    assert sorted(event["event"] for event in events) == sorted(
        ["story_started", "story_extended", "duplicate", "rejected", "story_closed"]
    )


def test_doc_lists_every_rejection_code():
    table = re.findall(r"^\| `([a-z_0-9]+)` \|", doc().split("## Rejection codes", 1)[1], re.MULTILINE)
    assert sorted(table) == sorted(support.rejection_codes_in_sources())


def test_doc_names_the_schema():
    assert "timeline.schema.json" in doc()


def jq_recipes() -> list[str]:
    return [line for block in fenced_blocks("sh") for line in block.splitlines() if line.startswith("jq ")]


@pytest.mark.skipif(shutil.which("jq") is None, reason="jq is not installed")
def test_jq_recipes_run_on_a_real_timeline(tmp_path):
    half = support.write(tmp_path / "wire_copy.txt", support.first_half_by_words(support.seed(0).read_text()))
    again = support.write(tmp_path / "wire_copy_again.txt", half.read_bytes())
    rejected = support.write(tmp_path / "scan.pdf", "not an article")
    timeline = tmp_path / "timeline.jsonl"
    result = support.run_storyline("ingest", "--timeline", timeline, *support.seed_paths(), half, again, rejected)
    assert result.returncode == 0, result.stderr
    recipes = jq_recipes()
    assert len(recipes) >= 5

    outputs = {}
    for recipe in recipes:
        run = subprocess.run(["bash", "-o", "pipefail", "-c", recipe], cwd=tmp_path, capture_output=True, text=True,
                             timeout=20)
        assert run.returncode == 0, f"{recipe}\n{run.stderr}"
        assert run.stdout.strip(), f"no output from {recipe}"
        outputs[recipe] = run.stdout

    follow = next(output for recipe, output in outputs.items() if "def root" in recipe)
    assert follow.splitlines() == [
        f"wire_copy.txt\t{support.seed(0).name}",
        f"wire_copy_again.txt\t{support.seed(0).name}",
    ]
