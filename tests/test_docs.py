"""Every command shown in docs/ runs, and prints what the docs say it prints.

The docs show ```console blocks: a ``$ explorer ...`` line, then the output.
Each command is run from the repository root. Compared: the exit status
(1 when the shown output has failures), the summary line's target, strategy,
execution count and completeness, every shown outcome with its count, the
failure count, and each failure's kind and (shown part of its) message.
Timings, step and state counts, traces and schedule strings are not compared:
they may change without the lesson changing. A line ``...`` marks a cut.
"""
import glob
import os
import re
import shlex
import subprocess
import sys

import pytest

from conftest import ROOT

SUMMARY = re.compile(r"^explorer: (\S+) with (\S+): (\d+) executions(?: \(\+\d+ cut short\))?, .*?, "
                     r"(complete|INCOMPLETE)")
OUTCOME = re.compile(r"^  (.*)  x(\d+)$")
FAILURE = re.compile(r"^  ([a-z-]+): (.*?)(?: \.\.\.)?$")
OUTPUT_OPTIONS = {"--graph", "--report"}


def shown_commands():
    """(doc file, command line, shown output lines) for every ``$ explorer`` line."""
    found = []
    for path in sorted(glob.glob(os.path.join(ROOT, "docs", "*.md"))):
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
        for block in re.findall(r"```console\n(.*?)```", text, re.S):
            command, lines = None, []
            for line in block.splitlines():
                if line.startswith("$ "):
                    if command:
                        found.append((os.path.basename(path), command, lines))
                    command, lines = line[2:], []
                else:
                    lines.append(line)
            if command:
                found.append((os.path.basename(path), command, lines))
    return found


def key_facts(lines):
    """What a block of output asserts, as comparable pieces."""
    facts = {"summary": None, "outcomes": [], "cut": False, "failures": None, "kinds": [],
             "rows": []}
    section = None
    for line in lines:
        if line.strip() == "...":
            facts["cut"] = facts["cut"] or section == "outcomes"
            continue
        summary = SUMMARY.match(line)
        if summary:
            facts["summary"] = summary.groups()
        elif line.startswith(("outcomes", "failures", "failure:")):
            section = line.split(":")[0]
            if section == "failures":
                facts["failures"] = line
        elif section == "outcomes" and OUTCOME.match(line):
            facts["outcomes"].append(OUTCOME.match(line).groups())
        elif section in ("failures", "failure") and FAILURE.match(line):
            facts["kinds"].append(FAILURE.match(line).groups())
        elif section is None and not line.startswith(("explorer:", "graph:", "report:", "trace")):
            facts["rows"].append(line.split())
    return facts


def expected_status(lines):
    failed = any(line.startswith("failure:") or
                 (line.startswith("failures:") and line != "failures: none") for line in lines)
    return 1 if failed else 0


COMMANDS = shown_commands()


def test_the_docs_show_commands():
    assert len(COMMANDS) >= 20
    assert {doc for doc, _, _ in COMMANDS} == {"tutorial.md"}


@pytest.mark.parametrize("doc,command,shown", COMMANDS,
                         ids=[f"{doc}:{command[9:]}" for doc, command, _ in COMMANDS])
def test_shown_command_prints_what_is_shown(doc, command, shown, tmp_path):
    args = shlex.split(command)
    assert args[0] == "explorer"
    for i, arg in enumerate(args[:-1]):   # write pictures and reports to a scratch folder
        if arg in OUTPUT_OPTIONS:
            args[i + 1] = str(tmp_path / args[i + 1])
    run = subprocess.run([sys.executable, "-m", "explorer", *args[1:]], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == expected_status(shown), run.stderr
    want, got = key_facts(shown), key_facts(run.stdout.splitlines())
    assert got["summary"] == want["summary"]
    assert got["failures"] == want["failures"]
    if want["cut"]:
        assert set(want["outcomes"]) <= set(got["outcomes"])
    else:
        assert got["outcomes"] == want["outcomes"]
    for kind, message in want["kinds"]:
        assert any(k == kind and m.startswith(message) for k, m in got["kinds"]), (kind, message)
    assert got["rows"][:len(want["rows"])] == want["rows"]
