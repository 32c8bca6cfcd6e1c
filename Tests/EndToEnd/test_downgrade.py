"""A state written by a newer build, opened by an older one: refused with one line that says what to do.

A newer build records its migrations in the database (GRDB's grdb_migrations table); an older build that
finds one it does not know must not judge a file against tables it does not understand. The test gives a
real state such a row, as a newer build's migration would leave it.
"""

import sqlite3
from pathlib import Path

from daemon_support import (  # noqa: F401
    checked_timeline, daemons, distinct_article, drop_plain, has, paths, wait_for_file_line, wait_until_moved,
)
import support

FUTURE = "v99: a migration of a newer build"


def applied_migrations(database: Path) -> list[str]:
    with sqlite3.connect(database) as connection:
        return [row[0] for row in connection.execute("SELECT identifier FROM grdb_migrations ORDER BY rowid")]


def migrate_as_a_newer_build(database: Path) -> None:
    with sqlite3.connect(database) as connection:
        connection.execute("INSERT INTO grdb_migrations (identifier) VALUES (?)", (FUTURE,))
    connection.close()


def a_state_of_a_newer_build(daemons, paths) -> list[str]:
    """A real state with one judged file, then the row a newer build's migration leaves; its migrations."""
    first = daemons.start(paths)
    drop_plain(paths.inbox, "before.txt", distinct_article(1))
    wait_for_file_line(paths, "before.txt", first)
    wait_until_moved(paths, ["before.txt"])
    assert first.stop() == 0
    migrate_as_a_newer_build(paths.state / "state.sqlite")
    return applied_migrations(paths.state / "state.sqlite")


def assert_the_refusal(message: str) -> None:
    lines = [line for line in message.splitlines() if line.strip()]
    assert len(lines) == 1, message
    assert "written by a newer Storyline" in message, message
    assert FUTURE in message, message
    assert "Install the newer build again" in message and "storyline restore --from DIR" in message, message


def test_the_daemon_refuses_a_state_of_a_newer_build_with_status_78(daemons, paths):
    migrations = a_state_of_a_newer_build(daemons, paths)
    timeline = paths.timeline.read_bytes()
    drop_plain(paths.inbox, "waiting.txt", distinct_article(2))

    older = daemons.start(paths, ready=False, log_name="older")
    status = older.wait_exit()

    message = older.log()
    # 78 (EX_CONFIG): the unit's RestartPreventExitStatus= does not restart it into the same refusal.
    assert status == 78, message
    assert_the_refusal(message)
    assert str(paths.state) in message, message
    assert not older.listener.find(has("READY")), older.listener.transcript()
    _, failure = older.listener.wait_for(has("ERRNO"), "ERRNO= before the failing exit", timeout=2)
    assert "newer Storyline" in failure.fields.get("STATUS", ""), failure.text
    assert paths.timeline.read_bytes() == timeline
    assert paths.inbox_names() == {"waiting.txt"}
    assert applied_migrations(paths.state / "state.sqlite") == migrations, "the refused database was written"


def test_backup_refuses_a_state_of_a_newer_build(daemons, paths, tmp_path):
    a_state_of_a_newer_build(daemons, paths)

    result = support.run_storyline("backup", "--inbox", paths.inbox, "--state", paths.state,
                                   "--timeline", paths.timeline, "--to", tmp_path / "backup")

    assert result.returncode == 78, result.stderr
    assert_the_refusal(result.stderr)


def test_restore_refuses_a_backup_of_a_newer_build_and_sets_nothing_aside(daemons, paths, tmp_path):
    daemon = daemons.start(paths)
    drop_plain(paths.inbox, "before.txt", distinct_article(1))
    wait_for_file_line(paths, "before.txt", daemon)
    wait_until_moved(paths, ["before.txt"])
    assert daemon.stop() == 0
    backup = tmp_path / "backup"
    made = support.run_storyline("backup", "--inbox", paths.inbox, "--state", paths.state,
                                 "--timeline", paths.timeline, "--to", backup)
    assert made.returncode == 0, made.stderr
    migrate_as_a_newer_build(backup / "state.sqlite")  # the backup a newer build made
    before = sorted(path.name for path in paths.state.iterdir())

    result = support.run_storyline("restore", "--inbox", paths.inbox, "--state", paths.state,
                                   "--timeline", paths.timeline, "--from", backup)

    assert result.returncode == 78, result.stderr
    assert_the_refusal(result.stderr)
    assert sorted(path.name for path in paths.state.iterdir()) == before
    assert [event["seq"] for event in checked_timeline(paths.timeline)] == [1]
