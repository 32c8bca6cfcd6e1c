#!/usr/bin/env python3
"""Writes storyline(1) in roff from the binary's own help: `storyline --help`, `--version` and
`storyline help COMMAND` for each subcommand the top-level help lists.

    scripts/man-page.py BINARY > storyline.1

The help is read unwrapped (COLUMNS=10000: one line per paragraph and per option) and turned into
sections: NAME and DESCRIPTION from the overview, one COMMANDS subsection per subcommand (its overview,
its discussion, its usage, its arguments and options), then EXIT STATUS, FILES and SEE ALSO, which the
help does not hold. The date is the last commit's (SOURCE_DATE_EPOCH when set), so the page is the same
for the same commit.
"""

import os
import re
import subprocess
import sys
import time


def help_text(binary: str, *arguments: str) -> str:
    environment = dict(os.environ, COLUMNS="10000")
    return subprocess.run([binary, *arguments], check=True, capture_output=True, text=True, env=environment).stdout


def sections(text: str) -> dict[str, list[str]]:
    """The help's sections by heading (OVERVIEW, DISCUSSION, USAGE, ARGUMENTS, OPTIONS, SUBCOMMANDS): their
    non-empty lines. The paragraphs between the overview and the usage are the discussion."""
    found: dict[str, list[str]] = {}
    current = None
    for line in text.splitlines():
        heading = re.match(r"^([A-Z]+): ?(.*)$", line)
        if heading:
            current = heading[1]
            found[current] = [heading[2]] if heading[2] else []
        elif current == "OVERVIEW" and found["OVERVIEW"] and not line.strip():
            current = "DISCUSSION"
            found[current] = []
        elif current and line.strip():
            found[current].append(line)
        elif current == "DISCUSSION" and not line.strip():
            found[current].append("")
    return found


HELP_COLUMN = 26  # argument-parser's: two spaces, then names padded to 24 columns


def items(lines: list[str]) -> list[tuple[str, str]]:
    """The entries of an OPTIONS, ARGUMENTS or SUBCOMMANDS section: (name, help). The help starts at
    column 26; a name too long for that has its help on the next line, indented to it."""
    entries: list[tuple[str, str]] = []
    for line in lines:
        if line.startswith(" " * HELP_COLUMN) and entries:
            name, help_ = entries[-1]
            entries[-1] = (name, (help_ + " " + line.strip()).strip())
        elif line.startswith("  ") and not line.startswith("   "):
            if len(line) > HELP_COLUMN and line[HELP_COLUMN - 1] == " " and line[HELP_COLUMN] != " ":
                entries.append((line[2:HELP_COLUMN].strip(), line[HELP_COLUMN:].strip()))
            else:
                entries.append((line.strip(), ""))
    return entries


def roff(text: str) -> str:
    """Text escaped for roff: backslashes, a leading dot or quote, dashes of option names."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    return "\\&" + text if text.startswith((".", "'")) else text


def paragraphs(lines: list[str]) -> list[str]:
    text = "\n".join(lines).strip()
    return [" ".join(part.split("\n")) for part in text.split("\n\n")] if text else []


def entry_list(entries: list[tuple[str, str]]) -> list[str]:
    out: list[str] = []
    for name, help_ in entries:
        if name == "-h, --help" or name == "--version":
            continue
        out += [".TP", "\\fB" + roff(name) + "\\fR", roff(help_)]
    return out


def page(binary: str) -> str:
    version = " ".join(help_text(binary, "--version").split()[:2])  # "storyline 0.9.0", without the commit
    top = sections(help_text(binary, "--help"))
    date = time.strftime("%Y-%m-%d", time.gmtime(int(os.environ.get("SOURCE_DATE_EPOCH", time.time()))))
    out = [
        f'.TH STORYLINE 1 "{date}" "{roff(version)}" "User Commands"',
        ".SH NAME",
        "storyline \\- " + roff(" ".join(top["OVERVIEW"]).rstrip(".")),
        ".SH SYNOPSIS",
        ".B storyline",
        ".I command",
        "[\\fIoptions\\fR]",
        ".br",
        ".B storyline \\-\\-version",
        ".SH DESCRIPTION",
    ]
    for paragraph in paragraphs(top.get("DISCUSSION", [])):
        out += [roff(paragraph), ".PP"]
    out += ["Each command's options follow.", "\\fB\\-\\-help\\fR shows them for one command;",
            "\\fB\\-\\-version\\fR prints the version and the commit the binary was built from.", ".SH COMMANDS"]
    for name, _ in items(top["SUBCOMMANDS"]):
        if not re.fullmatch(r"[a-z][a-z-]*", name):
            continue  # the closing "See 'storyline help <subcommand>' ..." line
        command = sections(help_text(binary, "help", name))
        out += [f'.SS "storyline {name}"', roff(" ".join(command["OVERVIEW"]))]
        for paragraph in paragraphs(command.get("DISCUSSION", [])):
            out += [".PP", roff(paragraph)]
        out += [".PP", ".nf", roff(" ".join(command["USAGE"]).strip()), ".fi"]
        out += entry_list(items(command.get("ARGUMENTS", [])))
        out += entry_list(items(command.get("OPTIONS", [])))
    out += [
        ".SH EXIT STATUS",
        ".TP", "0", "Success; for \\fBrun\\fR, a clean stop on SIGTERM or SIGINT.",
        ".TP", "1", "A failure once the arguments were understood: a file or state that cannot be read or written.",
        ".TP", "64", "Arguments that cannot be parsed; the usage is printed.",
        ".TP", "78",
        "Settings that cannot work, or a state database written by a newer build: what is installed must change "
        "first, so the systemd unit does not restart on it.",
        ".SH FILES",
        ".TP", "/lib/systemd/system/storyline.service", "The systemd unit: \\fBstoryline run\\fR on /var/lib/storyline.",
        ".TP", "/var/lib/storyline/inbox/", "Producers drop article files here.",
        ".TP", "/var/lib/storyline/timeline.jsonl", "The timeline, one JSON object per line.",
        ".TP", "/var/lib/storyline/state/", "The state database, the engine snapshot, archive/ and rejected/.",
        ".TP", "/usr/share/doc/storyline/examples/storyline.yaml",
        "An example configuration file (\\fB\\-\\-config\\fR).",
        ".SH SEE ALSO",
        "\\fBsystemctl\\fR(1), \\fBjournalctl\\fR(1), \\fBlogrotate\\fR(8);",
        "/usr/share/doc/storyline/operations.md (install, upgrade, backup and restore),",
        "/usr/share/doc/storyline/configuration.md and /usr/share/doc/storyline/timeline.md.",
    ]
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: scripts/man-page.py BINARY > storyline.1")
    sys.stdout.write(page(sys.argv[1]))
