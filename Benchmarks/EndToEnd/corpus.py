#!/usr/bin/env python3
"""Deterministic news-like corpus for the end-to-end benchmark (`make bench`).

Writes article files (`NNNNNNN.json`: title, text, source, url, optional published) of 3-8 KB, about a third
of the originals follow up an earlier story (same topic words, people and place, new sentences), and a given
share of the files are near-duplicate copies of an earlier original: syndicated (same text, other source),
truncated, lightly edited, with boilerplate added, or a mix. Text comes from templates, a word list in
this file and invented names; nothing is read from anywhere. Article `i` depends only on the seed and `i`
(and, for a copy, on its original's seed), so any worker count gives the same bytes.

    python3 corpus.py --count 20000 --out DIR [--dup-share 0.2] [--dates] [--seed 20261122]

`DIR/manifest.json` lists every file with its kind and, for a copy, the file it copies.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import sys
import time
from pathlib import Path

DEFAULT_SEED = 20261122

# --- Words ------------------------------------------------------------------------------------------------

COMMON = """
the of and to in a is that for on was with as by at from it be are has have had not but this an which
will were they their been more its also after who over would about than new other into two one three year
years last first most some when out up could only people government minister officials city state country
week month day time percent million billion market report plan company companies police court union
president spokesperson agency council board committee workers residents business industry price prices
rate rates policy economy trade energy water health school schools hospital election vote party leader
leaders talks deal agreement support budget tax costs funding project projects system service services
public local national international regional federal security region border area areas community family
families children groups group members data figures results growth demand supply sector banks bank
investors shares stock profit loss losses sales jobs workers wages inflation interest central forecast
analysts experts researchers study studies evidence climate weather storm flooding fire fires drought
emergency crews road roads rail airport flights transport housing rent homes land farmers crops food
""".split()

VERBS = """
announced confirmed rejected approved delayed expanded reduced increased cut raised launched opened
closed suspended resumed reviewed proposed warned promised criticised defended backed blocked signed
extended cancelled unveiled estimated reported recorded expected
""".split()

ADJECTIVES = """
major new local regional national small large significant sharp modest early late final initial key
public private independent former senior recent further strong weak long short broad narrow urgent
""".split()

ROLES = """
chief executive|finance minister|mayor|spokesperson|director|chair|economist|senior analyst|police chief|
health minister|union leader|professor|prosecutor|governor|trade representative|chief economist
""".replace("\n", "").split("|")

PLACES = """
Lyon|Porto|Gdansk|Tampere|Aarhus|Bilbao|Leeds|Cork|Graz|Utrecht|Ghent|Brno|Turin|Seville|Malmo|Bergen|
Kaunas|Tartu|Valencia|Bordeaux|Dresden|Antwerp|Krakow|Galway|Basel|Bologna|Nantes|Geneva|Lisbon|Oslo|
Halifax|Winnipeg|Adelaide|Dunedin|Mombasa|Accra|Recife|Cordoba|Osaka|Busan|Cebu|Pune|Tbilisi|Izmir
""".replace("\n", "").split("|")

DAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
PERIODS = "two years|three months|the next decade|the coming weeks|the first quarter|next year".split("|")

_SYLLABLES = ("ka lo mi ren tor va sel du pri an gho zet bu ri mon el sa ne tu ob ar vik len das ho "
              "mar fin gal or be is kel tam").split()


def _invented(rng: random.Random, low: int = 2, high: int = 3) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(low, high)))


_NAME_RNG = random.Random(7)
SURNAMES = [_invented(_NAME_RNG).capitalize() for _ in range(3000)]
GIVEN = [_invented(_NAME_RNG, 2, 2).capitalize() for _ in range(600)]
ORG_WORDS = [_invented(_NAME_RNG).capitalize() for _ in range(800)]
#: Topic words: each article draws most of its nouns from one topic, so stories cluster.
TOPIC_WORDS = [_invented(_NAME_RNG, 2, 4) for _ in range(6000)]
GENERAL = COMMON + TOPIC_WORDS[:1500]

TEMPLATES = [
    "{P}, the {R} of {O}, said on {D} that the {T} would {V2} by {N} percent over {PER}.",
    "The {A} {T} in {L} was {V} on {D} after {W}.",
    "Officials in {L} {V} the {T} plan, saying {W}.",
    "“{Q},” {P} told reporters in {L}.",
    "According to figures from {O}, {N2} {T} were {V} in {L} last {M}, up from {N3} a year earlier.",
    "{O} {V} a {A} review of the {T}, which {W}.",
    "Critics said the {T} {W}, while supporters argued it {W}.",
    "The decision comes as {W} and the {T} faces {A} pressure from {O}.",
    "{P}, who {V} the {T} in {Y}, said {W}.",
    "In a statement, {O} said it had {V} the {T} and {W}.",
    "The cost of the {T} is estimated at €{N}.{N4} billion, {W}.",
    "Residents of {L} have {V} the {T} since {Y}, {W}.",
    "“We are {A} about the {T},” said {P}, {R} at {O}. “{Q}.”",
    "The {T} is expected to {V2} by {N} percent in {PER}, {O} said.",
    "{P} declined to comment on the {T} when reached on {D}.",
    "Earlier this {M}, {O} {V} plans to {W}.",
]


class ArticleWriter:
    """Builds one original article from its own random generator."""

    def __init__(self, rng: random.Random, story: random.Random) -> None:
        """`story` draws what articles of one story share: topic words, people, organisations, place."""
        self.rng = rng
        self.topic = [story.choice(TOPIC_WORDS) for _ in range(40)]
        self.people = [f"{story.choice(GIVEN)} {story.choice(SURNAMES)}" for _ in range(4)]
        self.orgs = [f"{story.choice(ORG_WORDS)} {story.choice(['Group', 'Council', 'Institute', 'Authority', 'Bank', 'Union'])}"
                     for _ in range(3)]
        self.place = story.choice(PLACES)

    def words(self, low: int, high: int) -> str:
        rng = self.rng
        return " ".join(rng.choice(self.topic) if rng.random() < 0.3 else rng.choice(GENERAL)
                        for _ in range(rng.randint(low, high)))

    def sentence(self) -> str:
        rng = self.rng
        fields = {
            "P": rng.choice(self.people), "R": rng.choice(ROLES), "O": rng.choice(self.orgs),
            "D": rng.choice(DAYS), "T": rng.choice(self.topic), "V": rng.choice(VERBS),
            "V2": rng.choice(["rise", "fall", "grow", "shrink", "change"]),
            "A": rng.choice(ADJECTIVES), "L": self.place if rng.random() < 0.7 else rng.choice(PLACES),
            "N": str(rng.randint(2, 95)), "N2": f"{rng.randint(1, 99)},{rng.randint(0, 999):03d}",
            "N3": f"{rng.randint(1, 99)},{rng.randint(0, 999):03d}", "N4": str(rng.randint(0, 9)),
            "PER": rng.choice(PERIODS), "M": rng.choice(["month", "week", "year"]),
            "Y": str(rng.randint(1998, 2025)), "W": self.words(6, 14), "Q": self.words(8, 16).capitalize(),
        }
        return rng.choice(TEMPLATES).format(**fields)

    def article(self) -> tuple[str, list[str]]:
        rng = self.rng
        target = rng.randint(3000, 7800)
        title = f"{self.place} {rng.choice(VERBS)} {rng.choice(self.topic)} {rng.choice(self.topic)} plan".capitalize()
        paragraphs: list[str] = []
        size = len(title)
        while size < target:
            paragraph = " ".join(self.sentence() for _ in range(rng.randint(2, 4)))
            paragraphs.append(paragraph)
            size += len(paragraph.encode("utf-8")) + 2
        return title, paragraphs


# --- Copies -----------------------------------------------------------------------------------------------

BOILERPLATE_HEAD = ["Advertisement", "Sign up for our morning briefing.", "Listen to this article",
                    "This story has been updated.", "Share this article"]
BOILERPLATE_TAIL = ["Copyright 2026 {S}. All rights reserved.", "Follow us on social media for the latest news.",
                    "Read more: the week in {L}", "Reporting by {P}; editing by {Q}",
                    "This article may not be republished without permission.",
                    "Subscribe to get the newsletter in your inbox every morning."]

COPY_KINDS = ["syndicated", "truncated", "edited", "boilerplate", "truncated+boilerplate", "edited+boilerplate"]
COPY_WEIGHTS = [0.15, 0.25, 0.25, 0.15, 0.10, 0.10]
SOURCES = [f"{w} {k}" for w in ("Northern", "Coastal", "Metro", "Daily", "Evening", "Valley", "Capital", "Harbour")
           for k in ("Times", "Post", "Herald", "Wire", "Courier", "Gazette")]


def _edit(rng: random.Random, paragraphs: list[str]) -> list[str]:
    """Light copy-editing: every ~25-70th word replaced, dropped or doubled."""
    every = rng.randint(25, 70)
    out = []
    for paragraph in paragraphs:
        words = paragraph.split(" ")
        edited = []
        for word in words:
            if rng.randrange(every) == 0:
                action = rng.random()
                if action < 0.5:
                    edited.append(rng.choice(GENERAL))
                elif action < 0.8:
                    continue
                else:
                    edited.extend([word, rng.choice(COMMON)])
            else:
                edited.append(word)
        out.append(" ".join(edited))
    return out


def _boilerplate(rng: random.Random, paragraphs: list[str], source: str) -> list[str]:
    fill = {"S": source, "L": rng.choice(PLACES), "P": f"{rng.choice(GIVEN)} {rng.choice(SURNAMES)}",
            "Q": f"{rng.choice(GIVEN)} {rng.choice(SURNAMES)}"}
    head = rng.sample(BOILERPLATE_HEAD, rng.randint(1, 2))
    tail = [line.format(**fill) for line in rng.sample(BOILERPLATE_TAIL, rng.randint(1, 3))]
    return head + paragraphs + tail


def make_copy(kind: str, rng: random.Random, paragraphs: list[str], source: str) -> list[str]:
    if "truncated" in kind:
        keep = max(2, int(len(paragraphs) * rng.uniform(0.5, 0.95)))
        paragraphs = paragraphs[:keep]
    if "edited" in kind:
        paragraphs = _edit(rng, paragraphs)
    if "boilerplate" in kind:
        paragraphs = _boilerplate(rng, paragraphs, source)
    return paragraphs


# --- The plan and the files -------------------------------------------------------------------------------

BASE_DAY = 1_790_000_000  # 2026-09-21T...Z, seconds; published times are relative to it


def plan(count: int, dup_share: float, seed: int, follow_up_share: float = 0.35) -> list[dict]:
    """Which index is an original (a new story, or a follow-up in an earlier original's story) and which
    copies which earlier original: cheap, done once."""
    rng = random.Random(f"plan-{seed}")
    originals: list[int] = []
    entries = []
    for index in range(count):
        name = f"{index:07d}.json"
        if originals and rng.random() < dup_share:
            window = originals[-3000:]  # copies follow their original within a few thousand files
            source = rng.choice(window)
            kind = rng.choices(COPY_KINDS, COPY_WEIGHTS)[0]
            entries.append({"name": name, "kind": kind, "source": source, "story": entries[source]["story"]})
        elif originals and rng.random() < follow_up_share:
            story = entries[rng.choice(originals[-2000:])]["story"]
            originals.append(index)
            entries.append({"name": name, "kind": "follow-up", "source": None, "story": story})
        else:
            originals.append(index)
            entries.append({"name": name, "kind": "original", "source": None, "story": index})
    return entries


def _original(seed: int, index: int, story: int) -> tuple[str, list[str], str]:
    rng = random.Random(f"article-{seed}-{index}")
    writer = ArticleWriter(rng, random.Random(f"story-{seed}-{story}"))
    title, paragraphs = writer.article()
    return title, paragraphs, rng.choice(SOURCES)


def render(seed: int, index: int, entry: dict, dates: bool, count: int) -> bytes:
    """The bytes of file `index`."""
    rng = random.Random(f"copy-{seed}-{index}")
    published_index = index
    if entry["source"] is None:
        title, paragraphs, source = _original(seed, index, entry["story"])
    else:
        title, paragraphs, source = _original(seed, entry["source"], entry["story"])
        source = rng.choice([s for s in SOURCES if s != source])
        paragraphs = make_copy(entry["kind"], rng, paragraphs, source)
        published_index = entry["source"]
    document = {"title": title, "text": "\n\n".join(paragraphs), "source": source,
                "url": f"https://{source.lower().replace(' ', '')}.example/{index:07d}"}
    if dates:
        # Spread over 20 days in arrival order; a copy appears up to a day after its original.
        seconds = BASE_DAY + int(published_index * (20 * 86400) / max(count, 1))
        if entry["source"] is not None:
            seconds += rng.randint(60, 86400)
        document["published"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))
    return json.dumps(document, ensure_ascii=False).encode("utf-8")


def _render_chunk(arguments: tuple[int, list[tuple[int, dict]], bool, int, str]) -> int:
    seed, items, dates, count, out = arguments
    total = 0
    for index, entry in items:
        data = render(seed, index, entry, dates, count)
        with open(os.path.join(out, entry["name"]), "wb") as file:
            file.write(data)
        total += len(data)
    return total


def generate(out: Path, count: int, dup_share: float = 0.2, seed: int = DEFAULT_SEED, dates: bool = False,
             workers: int | None = None) -> list[dict]:
    """Writes `count` files into `out` (reusing them when `out/manifest.json` says they are the same)."""
    out.mkdir(parents=True, exist_ok=True)
    settings = {"count": count, "dup_share": dup_share, "seed": seed, "dates": dates, "version": 2}
    manifest_path = out / "manifest.json"
    if manifest_path.exists():
        existing = json.loads(manifest_path.read_text())
        if existing.get("settings") == settings:
            return existing["files"]
    entries = plan(count, dup_share, seed)
    chunk = 500
    jobs = [(seed, [(i, entries[i]) for i in range(start, min(start + chunk, count))], dates, count, str(out))
            for start in range(0, count, chunk)]
    with multiprocessing.Pool(workers or os.cpu_count() or 1) as pool:
        for _ in pool.imap_unordered(_render_chunk, jobs):
            pass
    manifest_path.write_text(json.dumps({"settings": settings, "files": entries}))
    return entries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=20000)
    parser.add_argument("--out", type=Path, help="directory to write (required unless --print)")
    parser.add_argument("--dup-share", type=float, default=0.2, help="share of files that copy an earlier one")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--dates", action="store_true", help="give every article a `published` time")
    parser.add_argument("--print", type=int, metavar="INDEX", help="print one article's text and exit")
    arguments = parser.parse_args()
    if arguments.print is not None:
        entries = plan(arguments.print + 1, arguments.dup_share, arguments.seed)
        sys.stdout.write(render(arguments.seed, arguments.print, entries[arguments.print], arguments.dates,
                                arguments.count).decode("utf-8") + "\n")
        return
    if arguments.out is None:
        parser.error("--out DIR is required")
    started = time.monotonic()
    entries = generate(arguments.out, arguments.count, arguments.dup_share, arguments.seed, arguments.dates)
    size = sum((arguments.out / e["name"]).stat().st_size for e in entries)
    print(f"{len(entries)} files, {size / 1e6:.1f} MB in {arguments.out} ({time.monotonic() - started:.1f} s)")


if __name__ == "__main__":
    main()
