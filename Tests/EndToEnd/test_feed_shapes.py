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
