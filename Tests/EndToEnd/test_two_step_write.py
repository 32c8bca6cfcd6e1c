"""A producer that writes a header, closes the file, and appends the body (#17): one article, not an
`empty` rejection followed by a titleless article. A plain write is read once it has been quiet for
`settle_ms` after its last close; a renamed file at once."""
from __future__ import annotations

import time

from daemon_support import (  # noqa: F401 (fixtures)
    daemons, paths, checked_timeline, distinct_article, drop_maildir, wait_for_lines, wait_until_moved,
)


def write_in_two_steps(path, header: str, body: str, pause: float) -> None:
    with open(path, "w", encoding="utf-8") as file:  # the header, closed: IN_CLOSE_WRITE
        file.write(header)
    time.sleep(pause)
    with open(path, "a", encoding="utf-8") as file:  # the body appended, closed again
        file.write(body)


def test_a_header_then_its_appended_body_is_one_article(daemons, paths):
    daemon = daemons.start(paths)
    body = distinct_article(1, topic="harbour")
    write_in_two_steps(paths.inbox / "harbour.txt", "Title: Harbour crane collapses in the storm\n\n", body, pause=0.2)

    [event] = wait_for_lines(paths, 1, daemon)
    wait_until_moved(paths, ["harbour.txt"])
    time.sleep(1)  # a second line would have come by now
    assert len(checked_timeline(paths.timeline)) == 1
    assert daemon.stop() == 0
    assert event["event"] == "story_started", event
    assert event["article"]["title"] == "Harbour crane collapses in the storm"
    assert event["article"]["words"] >= len(body.split()) - 5


def test_with_settle_ms_0_the_first_close_is_the_article(daemons, paths):
    """The old behaviour, chosen: each close is read at once, so the header alone is judged."""
    daemon = daemons.start(paths, arguments=["--settle-ms", "0"])
    write_in_two_steps(paths.inbox / "harbour.txt", "Title: Harbour crane collapses in the storm\n\n",
                       distinct_article(1, topic="harbour"), pause=1.0)
    events = wait_for_lines(paths, 2, daemon)
    assert daemon.stop() == 0
    assert len(events) == 2  # the header judged on its title, then the body under the same name
    assert events[0]["article"]["title"] == "Harbour crane collapses in the storm"
    assert events[0]["article"]["file"] == events[1]["article"]["file"] == "harbour.txt"


def test_a_renamed_file_is_not_held_for_the_settle_time(daemons, paths):
    daemon = daemons.start(paths, arguments=["--settle-ms", "60000"])
    drop_maildir(paths.inbox, "quay.txt", "Title: Quay reopens\n\n" + distinct_article(2, topic="quay"))
    [event] = wait_for_lines(paths, 1, daemon, timeout=20)
    assert daemon.stop() == 0
    assert event["article"]["file"] == "quay.txt"
