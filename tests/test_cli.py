"""The command line from the outside: exit status, JSON shape, bad input, round trips."""
import json
import os
import re
import shlex
import subprocess
import sys

import pytest

from conftest import ROOT, program

EXPLORER = [sys.executable, "-m", "explorer"]
TRACE_KEYS = {"step", "thread", "op", "object", "location"}
RESULT_KEYS = {"target", "strategy", "complete", "executions", "steps", "states",
               "transitions", "outcomes", "failures", "elapsed_s"}
FAILURE_KEYS = {"kind", "message", "schedule", "trace", "cycle"}


def run(*args, cwd=ROOT):
    return subprocess.run(EXPLORER + list(args), capture_output=True, text=True, cwd=cwd,
                          timeout=120)


def explore_json(spec, *extra):
    p = run("explore", program(spec), "--strategy", "dfs", "--granularity", "sync", "--json",
            *extra)
    assert p.returncode in (0, 1), p.stderr
    return p, json.loads(p.stdout)


def check_trace(trace):
    assert trace
    for i, row in enumerate(trace):
        assert TRACE_KEYS <= set(row), row
        assert isinstance(row["step"], int) and isinstance(row["thread"], str)
        assert isinstance(row["op"], str) and isinstance(row["object"], (str, type(None)))
        assert re.fullmatch(r".+:\d+", row["location"]), row
    assert [row["step"] for row in trace] == list(range(trace[0]["step"],
                                                        trace[0]["step"] + len(trace)))


def test_clean_target_exits_0_with_the_contract_shape():
    p, data = explore_json("locks.py::lock_order")
    assert p.returncode == 0 and p.stderr == ""
    assert RESULT_KEYS <= set(data)
    assert data["strategy"] == "dfs" and data["complete"] is True and data["failures"] == []
    for key in ("executions", "steps", "states", "transitions"):
        assert isinstance(data[key], int) and data[key] > 0
    assert isinstance(data["elapsed_s"], float)
    assert [o["value"] for o in data["outcomes"]] == ["'a<a>b<b>'", "'b<b>a<a>'"]
    for o in data["outcomes"]:
        assert set(o) >= {"value", "count", "schedule"} and o["schedule"].startswith("ex1.")
    assert sum(o["count"] for o in data["outcomes"]) == data["executions"]


def test_failing_target_exits_1_and_each_failure_has_the_contract_shape():
    p, data = explore_json("raises.py::assertion")
    assert p.returncode == 1
    [failure] = data["failures"]
    assert FAILURE_KEYS <= set(failure) and failure["kind"] == "assertion"
    assert failure["cycle"] is None
    check_trace(failure["trace"])


def test_deadlock_reports_its_cycle():
    p = run("explore", os.path.join(ROOT, "models", "two_locks.py"), "--strategy", "dfs",
            "--granularity", "sync", "--json")
    data = json.loads(p.stdout)
    assert p.returncode == 1
    [failure] = [f for f in data["failures"] if f["kind"] == "deadlock"]
    assert isinstance(failure["cycle"], list) and len(failure["cycle"]) == 4


def test_replay_json_shape_and_status():
    _, data = explore_json("raises.py::assertion")
    failing = data["failures"][0]["schedule"]
    p = run("replay", program("raises.py::assertion"), failing, "--granularity", "sync",
            "--json")
    replayed = json.loads(p.stdout)
    assert p.returncode == 1
    assert {"target", "schedule", "outcome", "failure", "trace"} <= set(replayed)
    assert replayed["failure"]["kind"] == "assertion" and replayed["outcome"] is None
    assert replayed["trace"] == data["failures"][0]["trace"]
    check_trace(replayed["trace"])
    ok = data["outcomes"][0]["schedule"]
    p = run("replay", program("raises.py::assertion"), ok, "--granularity", "sync", "--json")
    assert p.returncode == 0 and json.loads(p.stdout)["outcome"] == "['worker']"


def _replay_line(text):
    """The last line of the human report, which must be the command to paste."""
    lines = [line.strip() for line in text.strip().splitlines()]
    commands = [line.split("replay:", 1)[1].strip() for line in lines if "replay:" in line]
    assert commands and lines[-1].endswith(commands[-1])
    return commands[-1]


@pytest.mark.parametrize("spec,kind", [("raises.py::assertion", "assertion"),
                                       ("raises.py::main", "exception")])
def test_printed_replay_command_round_trips(spec, kind):
    """Parse `explorer replay ...` from the real report, run it: same failure, same trace."""
    p = run("explore", program(spec), "--strategy", "dfs", "--granularity", "sync")
    assert p.returncode == 1
    command = shlex.split(_replay_line(p.stdout))
    assert command[:2] == ["explorer", "replay"]
    _, data = explore_json(spec)
    replayed = run(*command[1:], "--json")
    assert replayed.returncode == 1, replayed.stderr
    got = json.loads(replayed.stdout)
    assert got["failure"]["kind"] == kind
    assert got["failure"]["message"] == data["failures"][0]["message"]
    assert got["trace"] == data["failures"][0]["trace"]
    human = run(*command[1:])
    assert human.returncode == 1
    first = got["trace"][0]
    row = re.compile(rf"^\s*0\s+{re.escape(first['thread'])}\s+{first['op']}\s+.*"
                     rf"{re.escape(first['location'])}\s*$", re.M)
    assert row.search(human.stdout), human.stdout


def test_models_lists_the_bundled_models():
    p = run("models", "--json")
    rows = json.loads(p.stdout)
    assert p.returncode == 0 and "race" in {r["name"] for r in rows}
    assert all(set(r) >= {"name", "target", "lesson"} for r in rows)


def _bad(*args):
    p = run(*args)
    assert p.returncode == 2, (p.returncode, p.stdout, p.stderr)
    assert "Traceback" not in p.stderr + p.stdout
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("explorer: "), p.stderr
    return lines[0]


def test_bad_input_is_one_line_and_exit_2(tmp_path):
    race = program("locks.py::lock_order")
    assert "no such file" in _bad("explore", str(tmp_path / "missing.py"))
    assert "no function 'nope'" in _bad("explore", program("locks.py::nope"))
    assert "RuntimeError: cannot import me" in _bad("explore", program("bad_import.py"))
    assert "ex1." in _bad("replay", race, "not-a-schedule")
    assert "base32" in _bad("replay", race, "ex1.!!!")
    other = run("explore", program("locks.py::lock_counter"), "--strategy", "dfs",
                "--granularity", "sync", "--json")
    foreign = json.loads(other.stdout)["outcomes"][0]["schedule"]
    assert "another target" in _bad("replay", race, foreign)
    assert "--bogus" in _bad("explore", race, "--bogus")
    assert "strategy" in _bad("explore", race, "--strategy", "nope")
    assert "max-executions" in _bad("explore", race, "--max-executions", "0")
    syntax = tmp_path / "broken.py"
    syntax.write_text("def main(:\n")
    assert "syntax error" in _bad("explore", str(syntax))


def test_console_script_is_installed():
    script = os.path.join(os.path.dirname(sys.executable), "explorer")
    p = subprocess.run([script, "models"], capture_output=True, text=True, cwd=ROOT)
    assert p.returncode == 0 and "race" in p.stdout
