"""`storyline run` refusing to start: a second instance on the same state, a configuration that cannot work.

Each refusal exits non-zero with a message that names the problem, before it judges a file or says READY=1.
"""

import pytest

from daemon_support import (  # noqa: F401
    DaemonPaths, checked_timeline, daemons, distinct_article, drop_plain, file_of, has, paths, wait_for_file_line,
    wait_until_moved,
)


def test_a_second_instance_on_the_same_state_exits_with_a_message(daemons, paths):
    first = daemons.start(paths)
    drop_plain(paths.inbox, "before.txt", distinct_article(1))
    wait_for_file_line(paths, "before.txt", first)
    wait_until_moved(paths, ["before.txt"])
    timeline = paths.timeline.read_bytes()

    second = daemons.start(paths, ready=False, log_name="second")
    status = second.wait_exit()

    message = second.log()
    assert status != 0, message
    assert "already running" in message and "lock" in message, message
    assert str(paths.state) in message, message
    assert not second.listener.find(has("READY")), second.listener.transcript()
    _, failure = second.listener.wait_for(has("ERRNO"), "ERRNO= before the failing exit", timeout=2)
    assert "STATUS" in failure.fields, failure.text
    assert paths.timeline.read_bytes() == timeline

    drop_plain(paths.inbox, "after.txt", distinct_article(2))  # the first goes on, alone
    wait_for_file_line(paths, "after.txt", first)
    assert first.running()
    assert first.stop() == 0
    assert [file_of(event) for event in checked_timeline(paths.timeline)] == ["before.txt", "after.txt"]


def test_the_state_is_free_again_once_the_first_instance_stopped(daemons, paths):
    assert daemons.start(paths).stop() == 0

    again = daemons.start(paths)

    assert again.stop() == 0


INVALID_CONFIGURATIONS = {
    "bands_over_slots": ("bands: 20\n", "bands"),
    "unknown_key": ("colour: blue\n", "colour"),
    "not_a_number": ("max_file_bytes: lots\n", "max_file_bytes"),
    "batch_size_zero": ("batch_size: 0\n", "batch_size"),
    "threshold_above_one": ("jaccard_threshold: 1.5\n", "jaccard_threshold"),
    "horizon_infinite": ("horizon_days: .inf\n", "horizon_days"),
    "not_yaml": ("bands: [16, 8\n", "YAML"),
    "not_a_mapping": ("- bands\n- rows\n", "mapping"),
}


@pytest.mark.parametrize("case", list(INVALID_CONFIGURATIONS))
def test_an_invalid_configuration_stops_before_start_naming_the_key(daemons, paths, case):
    yaml, key = INVALID_CONFIGURATIONS[case]
    config = paths.root / "storyline.yaml"
    config.write_text(yaml)
    drop_plain(paths.inbox, "waiting.txt", distinct_article(1))

    daemon = daemons.start(paths, ready=False, arguments=["--config", str(config)])
    status = daemon.wait_exit()

    message = daemon.log()
    # 78 (EX_CONFIG), which the unit's RestartPreventExitStatus= does not restart into the same failure;
    # one line that says what is wrong, not argument-parser's usage banner.
    assert status == 78, message
    assert len(message.splitlines()) == 1, message
    assert message.startswith(f"storyline: configuration error: configuration file {config}: ") or (
        message.startswith("storyline: configuration error: ")), message
    assert key in message and "Usage" not in message, message
    assert not daemon.listener.find(has("READY")), daemon.listener.transcript()
    assert not paths.state.exists(), "the state directory was made before the configuration was checked"
    assert not paths.timeline.exists()
    assert paths.inbox_names() == {"waiting.txt"}


def test_a_missing_inbox_stops_with_a_message(daemons, paths):
    paths.inbox.rmdir()

    daemon = daemons.start(paths, ready=False)
    status = daemon.wait_exit()

    message = daemon.log()
    assert status != 0, message
    assert str(paths.inbox) in message and "mkdir" in message, message
    assert not daemon.listener.find(has("READY")), daemon.listener.transcript()
    assert daemon.listener.find(has("ERRNO")), daemon.listener.transcript()


def test_verbose_logs_each_batch_and_quiet_does_not(daemons, paths):
    """`--verbose` adds a debug line per batch (its files, its stages' times, what still waits); without it
    the log holds no debug line."""
    quiet_paths = DaemonPaths.make(paths.root / "quiet")
    for current, arguments in ((paths, ["--verbose"]), (quiet_paths, [])):
        daemon = daemons.start(current, arguments=arguments)
        drop_plain(current.inbox, "one.txt", distinct_article(1))
        wait_for_file_line(current, "one.txt", daemon)
        assert daemon.stop() == 0
        # Standard error with a priority prefix per line, as under systemd: <7> is debug.
        debug = [line for line in daemon.log().splitlines() if line.startswith("<7>")]
        batches = [line for line in debug if "batch of" in line]
        if arguments:
            assert batches and "batch.files=1" in batches[0] and "batch.judge.ms=" in batches[0], daemon.log()
        else:
            assert not debug, daemon.log()
