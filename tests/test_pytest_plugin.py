"""The pytest plugin, used as a user would: a test file run by pytest in a subprocess.

The seeded suite has a lost update (a locked read, then a locked write), a two-lock
deadlock and a clean locked counter. Each failure must print its kind, its
trace and a ``@explorer.reproduce(...)`` line; pasting that line above the
test must replay exactly that interleaving (the body runs once).
"""
import re

import pytest

from conftest import COMPLETE_STRATEGIES

pytest_plugins = ["pytester"]

SUITE = '''
import threading
import time

import pytest

import explorer

RUNS = []        # module state is not reset between executions (documented)
FIXTURE_CALLS = []


@pytest.fixture
def start():
    FIXTURE_CALLS.append(1)
    return 0


@explorer.explore_test(strategy=STRATEGY)
def test_racy(start):
    RUNS.append(1)
    box = {"v": start}
    lock = threading.Lock()

    def inc():              # each access is locked, the read-modify-write is not
        with lock:
            seen = box["v"]
        with lock:
            box["v"] = seen + 1

    t = threading.Thread(target=inc)
    t.start()
    inc()
    t.join()
    assert box["v"] == 2


@explorer.explore_test(strategy=STRATEGY)
def test_deadlock():
    a, b = threading.Lock(), threading.Lock()

    def take(first, second):
        with first:
            with second:
                pass

    t = threading.Thread(target=take, args=(a, b))
    t.start()
    take(b, a)
    t.join()


@explorer.explore_test(strategy=STRATEGY)
def test_clean(start):
    box = {"v": start}
    lock = threading.Lock()

    def inc():
        with lock:
            seen = box["v"]
            time.sleep(0)
            box["v"] = seen + 1

    t = threading.Thread(target=inc)
    t.start()
    inc()
    t.join()
    assert box["v"] == 2


def test_zz_bookkeeping():
    print("RUNS", len(RUNS), "FIXTURE_CALLS", len(FIXTURE_CALLS))
'''

REPRODUCE = re.compile(r'@explorer\.reproduce\("(ex1\.[a-z0-9]+)"\)')


def write_suite(pytester, strategy):
    return pytester.makepyfile(test_seeded=SUITE.replace("STRATEGY", repr(strategy)))


def run_pytest(pytester, *args, subprocess=False):
    run = pytester.runpytest_subprocess if subprocess else pytester.runpytest_inprocess
    result = run("-p", "no:cacheprovider", "-s", "-rf", *args)
    return result.ret, result.stdout.str() + result.stderr.str()


def section(output, test):
    """The failure section pytest printed for ``test``."""
    match = re.search(rf"_{{3,}} {test} _{{3,}}\n(.*?)(?=\n_{{3,}} |\n={{3,}} )", output, re.S)
    assert match, f"no failure section for {test} in:\n{output}"
    return match.group(1)


@pytest.mark.parametrize("strategy", COMPLETE_STRATEGIES)
def test_seeded_suite_finds_the_race_and_the_deadlock(pytester, strategy):
    write_suite(pytester, strategy)
    code, out = run_pytest(pytester)
    assert code == 1, out
    assert re.search(r"2 failed, 2 passed", out), out
    racy = block(section(out, "test_racy"), "assertion: AssertionError")
    assert 'assert box["v"] == 2' in racy and "acquire" in racy and "trace (" in racy
    deadlock = block(section(out, "test_deadlock"), "deadlock: wait-for cycle")
    assert "held by" in deadlock and "trace (" in deadlock
    # fixtures are computed once per test, not once per execution
    assert re.search(r"RUNS (\d+) FIXTURE_CALLS 2\b", out), out


@pytest.mark.parametrize("strategy", COMPLETE_STRATEGIES)
@pytest.mark.parametrize("test, kind", [("test_racy", "assertion: AssertionError"),
                                        ("test_deadlock", "deadlock: wait-for cycle")])
def test_pasted_line_replays_exactly_that_interleaving(pytester, strategy, test, kind):
    path = write_suite(pytester, strategy)
    _, out = run_pytest(pytester, f"test_seeded.py::{test}")
    first = block(section(out, test), kind)
    line = REPRODUCE.search(first).group(0)
    source = path.read_text().replace(f"@explorer.explore_test(strategy={strategy!r})\ndef {test}(",
                                      f"{line}\n@explorer.explore_test(strategy={strategy!r})\n"
                                      f"def {test}(")
    path.write_text(source)
    # a fresh process, as after editing a file (caches of source lines start empty)
    code, out = run_pytest(pytester, f"test_seeded.py::{test}",
                           "test_seeded.py::test_zz_bookkeeping", subprocess=True)
    assert code == 1, out
    again = section(out, test)
    assert "explorer replayed" in again, again
    assert _trace(block(again, kind)) == _trace(first)
    if test == "test_racy":
        assert "RUNS 1 " in out, out   # only the pasted schedule ran


def block(text, kind):
    """The part of a failure section about the failure of ``kind`` (up to its replay line)."""
    match = re.search(rf"\n  {re.escape(kind)}.*?{REPRODUCE.pattern}", text, re.S)
    assert match, f"no {kind} failure in:\n{text}"
    return match.group(0)


def _trace(text):
    """The trace rows, without line numbers (the pasted line moved the code down one)."""
    return [re.sub(r"\.py:\d+", ".py", line) for line in text.splitlines()
            if re.match(r"\s+\d+  \S", line)]


def test_line_pasted_above_another_test_is_rejected(pytester):
    path = write_suite(pytester, "dfs")
    _, out = run_pytest(pytester, "test_seeded.py::test_deadlock")
    line = REPRODUCE.search(block(section(out, "test_deadlock"), "deadlock")).group(0)
    decorator = "@explorer.explore_test(strategy='dfs')\ndef test_clean("
    path.write_text(path.read_text().replace(decorator, f"{line}\n{decorator}"))
    code, out = run_pytest(pytester, "test_seeded.py::test_clean")
    assert code == 1, out
    assert "@explorer.reproduce: this schedule belongs to another target" in out, out


def test_xdist_and_dash_x(pytester):
    write_suite(pytester, "dfs")
    code, out = run_pytest(pytester, "-p", "xdist", "-n", "2", "-k", "deadlock or clean",
                           subprocess=True)
    assert code == 1, out
    assert re.search(r"1 failed, 1 passed", out), out
    assert REPRODUCE.search(block(out, "deadlock: wait-for cycle")), out
    code, out = run_pytest(pytester, "-x")
    assert code == 1, out
    assert re.search(r"\b1 failed in", out) and "test_clean" not in out, out


def test_command_line_budget_and_bad_strategy(pytester):
    write_suite(pytester, "dfs")
    # one execution of the first (non-preemptive) schedule cannot show the race
    code, out = run_pytest(pytester, "--explorer-max-executions", "1", "-k", "racy")
    assert code == 0, out
    code, out = run_pytest(pytester, "--explorer-strategy", "nope")
    assert code != 0 and "unknown strategy 'nope'" in out, out


def test_decorator_outside_pytest_raises_assertion_with_the_line():
    import explorer
    import threading

    @explorer.explore_test(strategy="dfs")
    def body():
        lock = threading.Lock()
        lock.acquire()
        lock.acquire()

    with pytest.raises(BaseException) as info:
        body()
    assert "deadlock" in str(info.value)
    assert REPRODUCE.search(str(info.value))
