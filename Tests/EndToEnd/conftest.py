"""Shared set-up for the end-to-end tests: the binary must exist before anything runs."""

import sys

sys.dont_write_bytecode = True  # keep the repository free of __pycache__

import pytest  # noqa: E402

import support  # noqa: E402


def pytest_sessionstart(session):
    path = support.binary_path()
    if not path.is_file():
        pytest.exit(f"no storyline binary at {path}: run `swift build` first, or set STORYLINE_BIN", returncode=1)


def pytest_report_header(config):
    return f"storyline binary: {support.binary_path()}"
