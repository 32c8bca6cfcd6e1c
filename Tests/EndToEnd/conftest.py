"""Shared set-up for the end-to-end tests: the binary must exist before anything runs."""

import sys

sys.dont_write_bytecode = True  # keep the repository clean of __pycache__ where we can

import pytest  # noqa: E402

import support  # noqa: E402


@pytest.fixture(scope="session", autouse=True)
def storyline_binary():
    path = support.binary_path()
    if not path.is_file():
        pytest.fail(f"no storyline binary at {path}: run `swift build` first, or set STORYLINE_BIN", pytrace=False)
    return path
