"""HTML pages (#17 item 1) dropped into the inbox of a running daemon.

A page is read with libxml2's HTML parser: its headline, its article's paragraphs without the page's
furniture (navigation, header, footer, aside, figure captions, scripts, comments), its date, site and URL
from the meta tags, in the encoding the page names. The same article saved as `.txt` is a `duplicate` of
the page; a windows-1252 page's title reaches the line as its characters.
"""
from __future__ import annotations

import html

from daemon_support import (  # noqa: F401 (fixtures)
    checked_timeline, daemons, distinct_article, drop_maildir, file_of, paths, wait_for_file_line,
    wait_until_moved,
)


def paragraphs_of(number: int) -> list[str]:
    """A distinct article's 60 words as three paragraphs of 20."""
    words = distinct_article(number, "pages").split("\n\n", 1)[1].split()
    return [" ".join(words[start:start + 20]) for start in range(0, len(words), 20)]


def page(title: str, paragraphs: list[str], head: str = "", charset: str = "utf-8") -> str:
    """A news page around an article: site furniture, a figure with a caption, a script, a comment."""
    body = "\n".join(f"<p>{html.escape(text)}</p>" for text in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="{charset}"><title>{html.escape(title)} | Coastal Wire</title>{head}
<script>window.analytics = {{"page": "article"}};</script><style>p {{ margin: 0 }}</style></head>
<body><header><a href="/">Coastal Wire</a><nav><ul><li>Home</li><li>World</li><li>Sport</li></ul></nav></header>
<main><article><header><h1>{html.escape(title)}</h1><p>By A. Writer</p></header>
<figure><img src="harbour.jpg" alt=""><figcaption>Boats in the harbour. Photo: Coastal Wire</figcaption></figure>
<!-- advertisement slot -->
{body}
<aside><h2>Related</h2><ul><li>More storms expected on the coast</li></ul></aside>
</article></main>
<footer><p>&copy; Coastal Wire. All rights reserved.</p></footer></body></html>
"""


HARBOUR_TITLE = "Harbour reopens after the storm"
HARBOUR = page(HARBOUR_TITLE, paragraphs_of(1), head="""
<meta property="og:title" content="Harbour reopens after the storm">
<meta property="og:site_name" content="Coastal Wire">
<meta property="og:url" content="https://wire.example/harbour">
<meta property="article:published_time" content="2026-11-01T09:30:00Z">""")

#: The same article as a person saves it as text: a header block, then the paragraphs.
HARBOUR_TEXT = (
    f"Title: {HARBOUR_TITLE}\nSource: Coastal Wire\nURL: https://wire.example/harbour\n"
    "Published: 2026-11-01T09:30:00Z\n\n" + "\n\n".join(paragraphs_of(1)) + "\n"
)

CAFE_TITLE = "Caf\u00e9 \u201cZ\u00fcrich\u201d reopens \u2013 na\u00efvely"


def test_a_page_reaches_the_timeline_and_its_text_copy_is_a_duplicate(daemons, paths):
    daemon = daemons.start(paths)
    drop_maildir(paths.inbox, "harbour.html", HARBOUR)
    wait_for_file_line(paths, "harbour.html", daemon)
    drop_maildir(paths.inbox, "harbour.txt", HARBOUR_TEXT)
    wait_for_file_line(paths, "harbour.txt", daemon)
    wait_until_moved(paths, ["harbour.html", "harbour.txt"])
    assert daemon.stop() == 0

    events = {file_of(event): event for event in checked_timeline(paths.timeline)}
    original = events["harbour.html"]
    assert original["event"] == "story_started", original
    article = original["article"]
    assert {key: article[key] for key in ("title", "source", "url", "published")} == {
        "title": HARBOUR_TITLE, "source": "Coastal Wire", "url": "https://wire.example/harbour",
        "published": "2026-11-01T09:30:00Z",
    }
    # The 60 words of the paragraphs: no headline, byline, menu, caption, related link or footer.
    assert article["words"] == 60, article

    copy = events["harbour.txt"]
    assert copy["event"] == "duplicate", copy
    assert copy["duplicate_of"] == article["id"]
    assert copy["similarity"] == 1.0
    assert copy["article"]["title"] == HARBOUR_TITLE
    assert copy["article"]["words"] == article["words"]
    assert paths.archived_names() == {"harbour.html", "harbour.txt"}


def test_pages_in_other_encodings_and_pages_without_text(daemons, paths):
    cafe = page(CAFE_TITLE, paragraphs_of(2), charset="windows-1252").encode("cp1252")
    # Labelled ISO-8859-1, as old pages are, with windows-1252's curly quotes: read as browsers read it.
    latin = page("Ferry \u201cfares\u201d fall", paragraphs_of(3), charset="iso-8859-1").encode("cp1252")
    app = ('<!DOCTYPE html><html><head><title>Coastal Wire</title></head>'
           '<body><div id="root"></div><script src="app.js"></script></body></html>')
    files = {"cafe.htm": cafe, "ferry.html": latin, "app.html": app, "nul.html": b"<p>a\x00b</p>"}
    daemon = daemons.start(paths)
    for name, content in files.items():
        drop_maildir(paths.inbox, name, content)
    wait_until_moved(paths, files)
    assert daemon.stop() == 0

    events = {file_of(event): event for event in checked_timeline(paths.timeline)}
    assert set(events) == set(files)
    assert events["cafe.htm"]["event"] == "story_started", events["cafe.htm"]
    assert events["cafe.htm"]["article"]["title"] == CAFE_TITLE
    assert events["ferry.html"]["article"]["title"] == "Ferry \u201cfares\u201d fall"
    assert {name: events[name].get("code") for name in ("app.html", "nul.html")} == {
        "app.html": "missing_text", "nul.html": "binary",
    }
    assert paths.rejected_names() == {"app.html", "nul.html"}
