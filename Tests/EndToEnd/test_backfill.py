"""A backfill is judged as a feed: files that arrive together are judged in `published` order, then
by name, so an archive dropped at once gives the timeline the same files fed one at a time as they
were published would have given (the first report starts its story, whatever its file name)."""

import json

from daemon_support import (  # noqa: F401
    checked_timeline, daemons, drop_maildir, file_of, paths, wait_for_file_line, wait_for_lines,
)

# Four small stories of one beat, told in headlines over three days; the file names sort in another
# order than the publication times, and two files share a time (then the name decides).
HEADLINES = [
    ("zz-01.json", "2026-03-02T08:00:00Z", "Harbour authority closes Vellmar bridge after cracks found in girders"),
    ("aa-02.json", "2026-03-02T09:30:00Z", "Cracked girders shut Vellmar bridge; ferries added across the estuary"),
    ("mm-03.json", "2026-03-02T11:00:00Z", "Vellmar council votes to raise tram fares from April"),
    ("bb-04.json", "2026-03-02T11:00:00Z", "Tram fare rise approved by Vellmar council despite protests"),
    ("yy-05.json", "2026-03-03T07:15:00Z", "Vellmar bridge closure: engineers begin ultrasound survey of girders"),
    ("cc-06.json", "2026-03-03T10:00:00Z", "Brandauer names new harbour master after resignation"),
    ("xx-07.json", "2026-03-03T16:45:00Z", "New Vellmar harbour master Ostrova takes office"),
    ("dd-08.json", "2026-03-04T09:00:00Z", "Tram fare protest draws thousands to Vellmar market square"),
    ("ww-09.json", "2026-03-04T12:00:00Z", "Ferry queues grow as Vellmar bridge stays closed"),
    ("ee-10.json", None, "Vellmar weekly: what the bridge closure means for commuters"),
]


def article(published, title):
    value = {"title": title, "text": title, "source": "Vellmar Courier"}
    if published is not None:
        value["published"] = published
    return json.dumps(value)


def published_order():
    return sorted(HEADLINES, key=lambda h: (h[1] is not None, h[1] or "", h[0]))


def without_wall_clock(events):
    """The events without `time` and without the coverage times in `story_data`: an undated article is
    covered at its arrival, a wall-clock time too."""
    def story_data(data):
        return {key: value for key, value in data.items() if not key.endswith("_coverage")}
    return [{key: story_data(value) if key == "story_data" else value for key, value in event.items() if key != "time"}
            for event in events]


def test_a_backfill_dropped_at_once_equals_the_files_fed_in_published_order(daemons, tmp_path):
    from daemon_support import DaemonPaths

    fed = DaemonPaths.make(tmp_path / "fed")
    daemon = daemons.start(fed)
    for name, published, title in published_order():
        drop_maildir(fed.inbox, name, article(published, title))
        wait_for_file_line(fed, name, daemon)
    assert daemon.stop() == 0

    backfilled = DaemonPaths.make(tmp_path / "backfilled")
    for name, published, title in HEADLINES:
        (backfilled.inbox / name).write_text(article(published, title))
    daemon = daemons.start(backfilled)
    wait_for_lines(backfilled, len(HEADLINES), daemon)
    assert daemon.stop() == 0

    fed_events = checked_timeline(fed.timeline)
    backfilled_events = checked_timeline(backfilled.timeline)
    assert [file_of(e) for e in backfilled_events] == [name for name, _, _ in published_order()]
    assert without_wall_clock(backfilled_events) == without_wall_clock(fed_events)
    # The first report of each story starts it; the bridge story holds all of its four headlines.
    bridge = {e["story"] for e in fed_events if "bridge" in e["article"]["title"].lower() and "weekly" not in e["article"]["title"].lower()}
    assert len(bridge) == 1, fed_events
