"""JSON articles in the shapes feeds and scrapers write (#17), dropped into the inbox of a running daemon.

Each shape's title, body, date, source and URL reach its timeline line under the names docs/timeline.md
lists; a date in another form than RFC 3339 is written on the line as the RFC 3339 UTC time it names.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone

from daemon_support import (  # noqa: F401 (fixtures)
    checked_timeline, daemons, distinct_article, drop_maildir, file_of, paths, wait_until_moved,
)

EPOCH_MS = 1_793_606_400_123


def text_of(number: int) -> str:
    return distinct_article(number, "feeds").split("\n\n", 1)[1]


SHAPES = {
    "rss.json": (
        {"headline": "Harbour reopens after storm", "content": f"<p>{text_of(1)}</p>",
         "date": "Sun, 01 Nov 2026 09:30:00 -0500", "link": "https://rss.example/harbour",
         "source": "Coastal Wire", "guid": "rss-1"},
        {"title": "Harbour reopens after storm", "published": "2026-11-01T14:30:00.000Z",
         "source": "Coastal Wire", "url": "https://rss.example/harbour", "producer": {"id": "rss-1"}},
    ),
    "jsonfeed.json": (
        {"id": "https://feed.example/2", "url": "https://feed.example/2", "title": "Council votes on budget",
         "content_html": f"<h2>Budget</h2><p>{text_of(2)}</p>", "date_published": "2026-11-02T08:15:00+01:00",
         "authors": [{"name": "A. Writer"}], "tags": ["council"]},
        {"title": "Council votes on budget", "published": "2026-11-02T08:15:00+01:00",
         "source": None, "url": "https://feed.example/2",
         "producer": {"id": "https://feed.example/2", "tags": ["council"]}},
    ),
    "scraped.json": (
        {"title": "Rail strike called off", "text": text_of(3), "published": EPOCH_MS,
         "source": {"name": "Metro Daily", "url": "https://metro.example"}, "url": "https://metro.example/rail",
         "lang": "en", "meta": {"crawl": {"depth": 2, "at": "2026-11-03"}, "desk": "transport"}},
        {"title": "Rail strike called off",
         "published": datetime.fromtimestamp(EPOCH_MS / 1000, timezone.utc).isoformat(timespec="milliseconds")
         .replace("+00:00", "Z"),
         "source": "Metro Daily", "url": "https://metro.example/rail",
         "producer": {"lang": "en", "meta": {"crawl": {"at": "2026-11-03", "depth": 2}, "desk": "transport"}}},
    ),
}


def test_feed_shapes_reach_the_timeline_with_their_fields(daemons, paths):
    daemon = daemons.start(paths)
    for name, (content, _) in SHAPES.items():
        drop_maildir(paths.inbox, name, json.dumps(content))
    wait_until_moved(paths, SHAPES)
    assert daemon.stop() == 0

    events = {file_of(event): event for event in checked_timeline(paths.timeline)}
    assert set(events) == set(SHAPES)
    for name, (_, expected) in SHAPES.items():
        event = events[name]
        assert event["event"] == "story_started", event
        article = event["article"]
        assert {key: article[key] for key in expected} == expected, name
        assert article["words"] > 50, article
    assert paths.archived_names() == set(SHAPES)


#: Each date form a producer may write (docs/timeline.md, "Input fields and dates"), and the line's `published`.
DATE_FORMS = {
    "rfc3339.json": ("2026-11-04T09:30:00+01:00", "2026-11-04T09:30:00+01:00"),
    "date_only.json": ("2026-11-04", "2026-11-04"),
    "rss_gmt.json": ("Wed, 04 Nov 2026 14:02:00 GMT", "2026-11-04T14:02:00.000Z"),
    "rss_offset.json": ("4 Nov 2026 09:02:00 -0500", "2026-11-04T14:02:00.000Z"),
    "rss_zone_name.json": ("Wed, 04 Nov 2026 09:02:00 EST", "2026-11-04T14:02:00.000Z"),
    "no_zone.json": ("2026-11-04 14:02:00", "2026-11-04T14:02:00.000Z"),
    "epoch_seconds.json": (1_793_800_920, "2026-11-04T14:02:00.000Z"),
    "epoch_seconds_text.json": ("1793800920", "2026-11-04T14:02:00.000Z"),
    "epoch_milliseconds.json": (1_793_800_920_250, "2026-11-04T14:02:00.250Z"),
}


def test_every_date_form_reaches_the_line_as_the_time_it_names(daemons, paths):
    daemon = daemons.start(paths)
    for number, (name, (written, _)) in enumerate(DATE_FORMS.items(), start=10):
        drop_maildir(paths.inbox, name, json.dumps({"title": f"Item {number}", "text": text_of(number), "date": written}))
    wait_until_moved(paths, DATE_FORMS)
    assert daemon.stop() == 0

    events = {file_of(event): event for event in checked_timeline(paths.timeline) if "article" in event}
    assert {name: events[name]["article"]["published"] for name in DATE_FORMS} == {
        name: expected for name, (_, expected) in DATE_FORMS.items()}


def test_a_fields_mapping_in_the_configuration_reads_a_producers_own_names(daemons, paths, tmp_path):
    config = tmp_path / "storyline.yaml"
    config.write_text("fields:\n  title: [hed, meta.headline]\n  text: story.body_text\n  published: pub_time\n"
                      "  url: permalink\n  id: record\n")
    daemon = daemons.start(paths, arguments=["--config", str(config)])
    drop_maildir(paths.inbox, "own.json", json.dumps({
        "meta": {"headline": "Ferry strike ends"}, "story": {"body_text": text_of(30)},
        "pub_time": "2026-11-05T07:00:00Z", "permalink": "https://own.example/ferry", "record": "r-30"}))
    drop_maildir(paths.inbox, "common.json", json.dumps({"title": "Tram line opens", "text": text_of(31)}))
    wait_until_moved(paths, ["own.json", "common.json"])
    assert daemon.stop() == 0

    events = {file_of(event): event for event in checked_timeline(paths.timeline) if "article" in event}
    own = events["own.json"]["article"]
    assert (own["title"], own["published"], own["url"], own["producer"]["id"]) == (
        "Ferry strike ends", "2026-11-05T07:00:00Z", "https://own.example/ferry", "r-30")
    assert own["words"] > 50
    assert events["common.json"]["article"]["title"] == "Tram line opens"
    assert events["own.json"]["story_data"]["label_is_headline"] is True
