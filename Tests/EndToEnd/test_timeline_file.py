"""--timeline FILE: a new file holds the timeline; an existing file is never touched."""

import os

import support


def test_timeline_option_writes_the_file_and_nothing_to_stdout(tmp_path):
    timeline = tmp_path / "timeline.jsonl"

    result = support.run_storyline("ingest", "--timeline", timeline, *support.seed_paths())

    assert result.returncode == 0, result.stderr
    assert result.stdout == b""
    events = support.parse_timeline(timeline.read_bytes())
    assert [event["event"] for event in events] == ["story_started"] + ["story_extended"] * 4


def test_an_existing_timeline_is_refused_and_left_unchanged(tmp_path):
    timeline = tmp_path / "timeline.jsonl"
    assert support.run_storyline("ingest", "--timeline", timeline, *support.seed_paths()).returncode == 0
    before = timeline.read_bytes()
    status = timeline.stat()

    result = support.run_storyline("ingest", "--timeline", timeline, support.seed(0))

    assert result.returncode != 0
    assert result.stdout == b""
    assert "timeline" in result.stderr and "exists" in result.stderr.lower(), result.stderr
    assert timeline.read_bytes() == before
    assert (timeline.stat().st_mtime_ns, timeline.stat().st_ino) == (status.st_mtime_ns, status.st_ino)


def test_an_empty_existing_file_is_refused_too(tmp_path):
    timeline = tmp_path / "timeline.jsonl"
    timeline.touch()

    result = support.run_storyline("ingest", "--timeline", timeline, support.seed(0))

    assert result.returncode != 0
    assert timeline.read_bytes() == b""


def test_a_symlink_in_the_way_is_not_followed(tmp_path):
    target = tmp_path / "elsewhere.jsonl"
    link = tmp_path / "timeline.jsonl"
    link.symlink_to(target)

    result = support.run_storyline("ingest", "--timeline", link, support.seed(0))

    assert result.returncode != 0
    assert not target.exists()
    assert os.readlink(link) == str(target)


def test_a_timeline_in_a_missing_directory_fails_with_a_message(tmp_path):
    timeline = tmp_path / "no" / "such" / "dir" / "timeline.jsonl"

    result = support.run_storyline("ingest", "--timeline", timeline, support.seed(0))

    assert result.returncode != 0
    assert str(timeline) in result.stderr
    assert not timeline.parent.exists()


def test_a_long_timeline_is_written_whole(tmp_path):
    """Enough lines to fill a 256 KiB write buffer twice over; every one arrives, in order."""
    directory = tmp_path / "many"
    directory.mkdir()
    paths = [
        support.write(directory / f"{number:04d}.txt", f"Bulletin {number}: river level {number} cm at gauge {number % 7}.\n")
        for number in range(1500)
    ]
    timeline = tmp_path / "timeline.jsonl"

    result = support.run_storyline("ingest", "--timeline", timeline, *paths)

    assert result.returncode == 0, result.stderr
    assert timeline.stat().st_size > 2 * 256 * 1024
    events = support.parse_timeline(timeline.read_bytes())
    assert [event["seq"] for event in events] == list(range(1, 1501))
    assert [event["article"]["file"] for event in events] == [path.name for path in paths]
