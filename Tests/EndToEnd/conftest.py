"""Shared set-up for the end-to-end tests: the binary must exist before anything runs."""

import sys
from pathlib import Path

sys.dont_write_bytecode = True  # keep the repository free of __pycache__
# The harness package shared with the soak, the benchmark and the eval: scripts/storyline_harness.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))

import pytest  # noqa: E402

import support  # noqa: E402


def pytest_sessionstart(session):
    path = support.binary_path()
    if not path.is_file():
        pytest.exit(f"no storyline binary at {path}: run `swift build` first, or set STORYLINE_BIN", returncode=1)


def pytest_report_header(config):
    return f"storyline binary: {support.binary_path()}"
