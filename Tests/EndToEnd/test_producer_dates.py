"""A producer's date is data, not the clock (#14, defect 2).

One article dated 2100 used to move the engine's clock to 2100: everything older than the horizon
before that left the indexes, and the next copy of earlier coverage was judged as a new story. A date
too far past a file's arrival is now kept on its line as given, the article is judged as published on
arrival, and STATUS counts it.
"""
from __future__ import annotations

import pytest

from daemon_support import (
    daemons, paths, distinct_article, drop_plain, file_of, has, wait_for_lines,  # noqa: F401 (fixtures)
)


def dated(number: int, published: str) -> str:
    title, body = distinct_article(number, "dates").split("\n\n", 1)
    return f"Title: {title}\nPublished: {published}\n\n{body}"


def test_an_article_dated_2100_does_not_turn_off_duplicate_detection(daemons, paths):
    daemon = daemons.start(paths)
    drop_plain(paths.inbox, "today.txt", distinct_article(1, "dates"))
    wait_for_lines(paths, 1, daemon)
    drop_plain(paths.inbox, "far.txt", dated(2, "2100-01-01T00:00:00Z"))
    wait_for_lines(paths, 2, daemon)
    drop_plain(paths.inbox, "copy.txt", distinct_article(1, "dates") + "Reporting by the desk.\n")
    events = wait_for_lines(paths, 3, daemon)
    far, copy = events[1], events[2]
    assert far["article"]["published"] == "2100-01-01T00:00:00Z", far
    assert copy["event"] == "duplicate" and copy["duplicate_of"] == events[0]["article"]["id"], copy
    daemon.listener.wait_for(lambda note: "1 future-dated" in note.fields.get("STATUS", ""),
                             "STATUS counting the future-dated article")
    assert "far.txt is dated 2100-01-01T00:00:00Z" in daemon.log(), daemon.log()
    assert daemon.stop() == 0

    # The count comes back from the state, and a rebuild without a snapshot judges the same way.
    (paths.state / "engine.snapshot").unlink()
    again = daemons.start(paths)
    again.listener.wait_for(lambda note: "1 future-dated" in note.fields.get("STATUS", ""),
                            "STATUS counting the future-dated article after a restart")
    drop_plain(paths.inbox, "copy2.txt", distinct_article(1, "dates") + "Edited by the night desk.\n")
    events = wait_for_lines(paths, 4, again)
    assert events[3]["event"] == "duplicate", events[3]
    assert again.stop() == 0


def test_a_backfill_of_old_dates_is_still_judged_through_its_own_dates(daemons, paths):
    """Only dates after arrival are distrusted: an archive from 1970 on is judged by its dates, so two
    articles years apart are not one story, and nothing is counted as future-dated."""
    daemon = daemons.start(paths)
    drop_plain(paths.inbox, "a.txt", dated(3, "1970-01-02T00:00:00Z"))
    drop_plain(paths.inbox, "b.txt", dated(3, "1999-06-01T00:00:00Z").replace("Title: ", "Title: Again: "))
    events = wait_for_lines(paths, 2, daemon)
    assert {file_of(event) for event in events} == {"a.txt", "b.txt"}
    assert "future-dated" not in daemon.log()
    assert daemon.stop() == 0


@pytest.mark.parametrize("date", ["2100-01-01T00:00:00Z", None], ids=["dated-2100", "undated"])
def test_no_believable_date_within_a_backfill_does_not_move_its_clock_to_today(daemons, paths, date):
    """In a backfill of 2020 coverage, an article dated 2100, or not dated, is judged at the backfill's
    own time: at today, it would have evicted the backfill's window, and stopped evicting for the rest
    of it (memory growing with the backfill, as `make soak` found)."""
    daemon = daemons.start(paths)
    drop_plain(paths.inbox, "old.txt", dated(5, "2020-01-01T08:00:00Z"))
    wait_for_lines(paths, 1, daemon)
    drop_plain(paths.inbox, "far.txt", dated(6, date) if date else distinct_article(6, "dates"))
    wait_for_lines(paths, 2, daemon)
    drop_plain(paths.inbox, "copy.txt", dated(5, "2020-01-02T08:00:00Z") + "Reporting by the desk.\n")
    events = wait_for_lines(paths, 3, daemon)
    assert events[2]["event"] == "duplicate" and events[2]["duplicate_of"] == events[0]["article"]["id"], events[2]
    assert daemon.stop() == 0
