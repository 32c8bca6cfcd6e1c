"""Files that are not articles: each gets exactly one `rejected` line, and the files around it go on."""

import json
import os
import socket
from pathlib import Path

import pytest

import support
from storyline_harness.timeline import file_of

SIZE_LIMIT = 1000


def make_binary(directory: Path) -> Path:
    return support.write(directory / "image.txt", b"GIF89a\x01\x00\x01\x00\x00\xff\x00,some text after a NUL")


def make_latin1(directory: Path) -> Path:
    return support.write(directory / "latin1.txt", "Caf\u00e9 au lait, cr\u00e8me br\u00fbl\u00e9e.\n".encode("latin-1"))


def make_truncated_utf8(directory: Path) -> Path:
    return support.write(directory / "cut.md", "Na\u00efve".encode("utf-8")[:-3] + b"\n")


def make_empty(directory: Path) -> Path:
    return support.write(directory / "empty.txt", b"")


def make_whitespace(directory: Path) -> Path:
    return support.write(directory / "blank.txt", " \n\t\r\n   \n\u00a0\u2003\n")


def make_furniture_only(directory: Path) -> Path:
    return support.write(directory / "furniture.txt", "Story continues below advertisement\n\nAdvertisement\n")


def make_too_large(directory: Path) -> Path:
    return support.write(directory / "long.txt", ("word " * 1000)[: SIZE_LIMIT + 1])


def make_malformed_json(directory: Path) -> Path:
    return support.write(directory / "broken.json", '{"title": "Storm", "text": "The storm')


def make_json_array(directory: Path) -> Path:
    return support.write(directory / "array.json", '["not", "an", "object"]')


def make_missing_text(directory: Path) -> Path:
    return support.write(directory / "no_text.json", json.dumps({"title": "A title and nothing else"}))


def make_null_text(directory: Path) -> Path:
    return support.write(directory / "null_text.json", json.dumps({"title": "Storm", "text": None}))


def make_non_string_title(directory: Path) -> Path:
    return support.write(directory / "title.json", json.dumps({"title": 42, "text": "The storm hit the coast."}))


def make_non_string_text(directory: Path) -> Path:
    return support.write(directory / "text.json", json.dumps({"text": ["The storm", "hit the coast."]}))


def make_bad_published(directory: Path) -> Path:
    return support.write(
        directory / "published.json",
        json.dumps({"title": "Storm", "text": "The storm hit the coast.", "published": "last Tuesday"}),
    )


def make_impossible_date(directory: Path) -> Path:
    return support.write(
        directory / "feb30.json", json.dumps({"text": "The storm hit the coast.", "published": "2026-02-30"})
    )


def make_bad_published_header(directory: Path) -> Path:
    return support.write(
        directory / "header.txt", "Title: Storm\nPublished: yesterday\n\nThe storm hit the coast on Sunday.\n"
    )


def make_pdf(directory: Path) -> Path:
    return support.write(directory / "report.pdf", "%PDF-1.4 plain enough text\n")


def make_directory(directory: Path) -> Path:
    path = directory / "folder.txt"
    path.mkdir()
    (path / "inside.txt").write_text("An article inside a directory.\n")
    return path


def make_fifo(directory: Path) -> Path:
    path = directory / "pipe.txt"
    os.mkfifo(path)
    return path


def make_symlink(directory: Path) -> Path:
    target = support.write(directory / "real_article.txt", "A real article behind a link.\n")
    path = directory / "link.txt"
    path.symlink_to(target)
    return path


def make_dangling_symlink(directory: Path) -> Path:
    path = directory / "dangling.txt"
    path.symlink_to(directory / "nowhere.txt")
    return path


def make_device(directory: Path) -> Path:
    return Path("/dev/null")


def make_socket(directory: Path) -> Path:
    path = directory / "sock"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        server.bind(os.fsencode(path))
    except OSError as error:  # a path too long for a socket address
        pytest.skip(f"cannot bind a Unix socket here: {error}")
    finally:
        server.close()
    return path


def make_missing(directory: Path) -> Path:
    return directory / "never_written.txt"


BAD_INPUTS = {
    "nul_bytes": (make_binary, "binary"),
    "latin1": (make_latin1, "not_utf8"),
    "truncated_utf8": (make_truncated_utf8, "not_utf8"),
    "empty_file": (make_empty, "empty"),
    "whitespace_only": (make_whitespace, "empty"),
    "furniture_only": (make_furniture_only, "empty"),
    "over_size_limit": (make_too_large, "too_large"),
    "malformed_json": (make_malformed_json, "malformed_json"),
    "json_array": (make_json_array, "malformed_json"),
    "json_without_text": (make_missing_text, "missing_text"),
    "json_null_text": (make_null_text, "missing_text"),
    "json_number_title": (make_non_string_title, "invalid_field"),
    "json_array_text": (make_non_string_text, "invalid_field"),
    "bad_published": (make_bad_published, "invalid_published"),
    "impossible_date": (make_impossible_date, "invalid_published"),
    "bad_published_header": (make_bad_published_header, "invalid_published"),
    "pdf_extension": (make_pdf, "unsupported_type"),
    "directory": (make_directory, "not_regular_file"),
    "fifo": (make_fifo, "not_regular_file"),
    "symlink": (make_symlink, "not_regular_file"),
    "dangling_symlink": (make_dangling_symlink, "not_regular_file"),
    "device": (make_device, "not_regular_file"),
    "socket": (make_socket, "not_regular_file"),
    "missing_file": (make_missing, "unreadable"),
}


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_bad_input_gets_one_rejected_line_between_good_ones(tmp_path, case):
    make, code = BAD_INPUTS[case]
    bad = make(tmp_path)

    events = support.ingest("--max-file-bytes", SIZE_LIMIT, storm_report(tmp_path, 0), bad, storm_report(tmp_path, 1))

    assert [event["event"] == "rejected" for event in events] == [False, True, False]
    assert events[0]["event"] == "story_started"
    rejected = events[1]
    assert rejected["code"] == code, rejected
    assert rejected["file"] == bad.name
    assert rejected["reason"].strip()


def test_every_input_gets_exactly_one_line_in_the_order_given(tmp_path):
    bad = [make(tmp_path) for make, _ in BAD_INPUTS.values() if make not in (make_socket, make_device)]
    good = [storm_report(tmp_path, number) for number in range(3)]
    inputs = [good[0], *bad[:10], good[1], *bad[10:], good[2]]

    events = support.ingest("--max-file-bytes", SIZE_LIMIT, *inputs)

    assert len(events) == len(inputs)
    names = [file_of(event) for event in events]
    assert names == [path.name for path in inputs]
    assert all(events[names.index(path.name)]["event"] != "rejected" for path in good)
    assert sum(event["event"] == "rejected" for event in events) == len(bad)


def test_a_file_at_the_size_limit_is_read(tmp_path):
    text = "Storm words " * 200
    at_limit = support.write(tmp_path / "at_limit.txt", text[:SIZE_LIMIT])
    over = support.write(tmp_path / "over.txt", text[: SIZE_LIMIT + 1])

    events = support.ingest("--max-file-bytes", SIZE_LIMIT, at_limit, over)

    assert events[0]["event"] == "story_started"
    assert (events[1]["event"], events[1]["code"]) == ("rejected", "too_large")
    assert str(SIZE_LIMIT) in events[1]["reason"]


def test_a_fifo_does_not_hang_the_run(tmp_path):
    fifo = make_fifo(tmp_path)

    result = support.run_storyline("ingest", fifo)  # run_storyline times out rather than hang

    assert result.returncode == 0
    (event,) = result.events
    assert (event["event"], event["code"], event["file"]) == ("rejected", "not_regular_file", "pipe.txt")


STRANGE_NAMES = [
    "with spaces in it.txt",
    "line\nbreak.txt",
    "tab\tand \"quotes\" and \\backslash.txt",
    "caf\u00e9 \u65e5\u672c\u8a9e \U0001F4F0.txt",
    "control\x01\x1fchars.md",
    "\u2028separator\u2029.txt",
    "no_extension",
    ".hidden.txt",
    "UPPER.TXT",
]


def test_strange_file_names_give_valid_lines_with_the_base_name(tmp_path):
    directory = tmp_path / "sub dir\nwith newline"
    directory.mkdir()
    articles = []
    for index, name in enumerate(STRANGE_NAMES):
        text = f"Article number {index} about the strange names of files.\n\nIt has a body of its own, {name!r}.\n"
        articles.append(support.write(directory / name, text))
    rejected = support.write(directory / "r\u00e9sum\u00e9 with\nnewline.pdf", "not an article\n")

    result = support.run_storyline("ingest", *articles, rejected)

    assert result.returncode == 0, result.stderr
    assert result.stdout.count(b"\n") == len(articles) + 1
    events = result.events
    assert [event["article"]["file"] for event in events[:-1]] == STRANGE_NAMES
    assert all(event["event"] != "rejected" for event in events[:-1])
    assert (events[-1]["event"], events[-1]["file"]) == ("rejected", rejected.name)


@pytest.mark.xfail(reason=(
    "BUG: a file whose name is not valid UTF-8 cannot be ingested. The path argument is decoded lossily "
    "(the bad byte becomes U+FFFD) before open(), so the real file is never found, and the timeline says "
    "code unreadable, reason \"the file vanished before it could be read\", although it is a readable regular "
    "text file."
))
def test_a_file_name_that_is_not_utf8_is_still_read(tmp_path):
    name = b"latin1_caf\xe9.txt"
    path = Path(os.fsdecode(os.path.join(os.fsencode(tmp_path), name)))
    path.write_text("A short article whose file name is in Latin-1.\n")

    result = support.run_storyline("ingest", path)

    assert result.returncode == 0
    (event,) = result.events  # valid UTF-8 JSON even so
    assert event["event"] == "story_started", event


STORM_REPORTS = [
    "Storm Aldric brought gales and flooding to the western coast overnight. Thousands of homes lost power "
    "as the storm moved inland, and rail services between Porthaven and Kellsbridge were suspended.\n\n"
    "Forecasters said gusts reached 140 km/h on exposed headlands.\n",
    "Emergency crews in Kellsbridge spent Tuesday pumping water from flooded streets after Storm Aldric. "
    "Power was restored to most homes on the western coast, but the Porthaven rail line stays closed while "
    "engineers inspect a damaged bridge.\n",
    "Insurers expect claims worth millions after Storm Aldric tore roofs from houses along the western coast. "
    "Farmers near Porthaven reported flooded fields and lost livestock, and the council opened two shelters.\n",
]


def storm_report(directory: Path, number: int) -> Path:
    """One of three short reports on one storm, none a copy of another."""
    return support.write(directory / f"storm_{number}.txt", STORM_REPORTS[number])
