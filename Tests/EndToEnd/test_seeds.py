"""The seeds: five articles about one story, none a copy of another."""

import hashlib

import support


def test_seeds_make_one_story_of_five_articles():
    seeds = support.seed_paths()
    assert len(seeds) == 5

    events = support.ingest(*seeds)

    assert [event["seq"] for event in events] == [1, 2, 3, 4, 5]
    assert [event["event"] for event in events] == ["story_started"] + ["story_extended"] * 4
    assert len({event["story"] for event in events}) == 1
    assert [event["article"]["file"] for event in events] == [path.name for path in seeds]
    assert len({event["article"]["id"] for event in events}) == 5
    for event in events[1:]:
        assert event["why"]["terms"], "a story_extended line names the terms that tied it to the story"


def test_seed_article_fields_describe_the_file():
    path = support.seed(0)
    (event,) = support.ingest(path)

    article = event["article"]
    assert article["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert article["file"] == path.name
    assert article["title"]
    assert article["words"] > 500
    assert (article["source"], article["url"], article["published"]) == (None, None, None)
