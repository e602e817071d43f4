"""Deadlock diagrams, timelines, ``--graph`` and the names people recognise."""
import os
import textwrap
import xml.etree.ElementTree as ET

import pytest

from explorer import api, cli
from explorer.render import dot, tools
from explorer.render.timeline import timeline_svg, timeline_text
from explorer.strategies import STRATEGIES

STRATEGY = "dpor" if "dpor" in STRATEGIES else "dfs"
MODELS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "models")
TWO_LOCKS = os.path.join(MODELS, "two_locks.py")
CYCLE = ["Thread-1 (take)", "lock_b", "Thread-2 (take)", "lock_a"]
RED = "#d62728"

NAMES = """
    import threading

    class Account:
        def __init__(self):
            self.lock = threading.Lock()

    def main():
        lock_a = threading.Lock()
        left, right = threading.Lock(), threading.RLock()
        forks = [threading.Lock() for _ in range(3)]
        cond = threading.Condition()
        account_a, account_b = Account(), Account()
        made = make()

        def worker():
            with account_b.lock:
                with account_a.lock:
                    pass

        objects = [lock_a, left, right, *forks, cond, cond._lock, account_a.lock,
                   account_b.lock, made]
        t = threading.Thread(target=worker)
        with account_a.lock:
            t.start()
            with account_b.lock:
                pass
        t.join()
        return [o.xp_name for o in objects]

    def make():
        return threading.Semaphore()
"""


@pytest.fixture(scope="module")
def deadlock_result():
    return api.explore(TWO_LOCKS, STRATEGY)


def _texts(svg_path):
    root = ET.parse(svg_path).getroot()        # well-formed XML, or this raises
    return root, " ".join(t for el in root.iter() for t in [el.text or ""])


def test_svg_names_every_thread_and_lock_of_the_cycle_and_marks_it(deadlock_result, tmp_path):
    assert tools.renderers(), "graphviz-pure ships with the package: a renderer must exist"
    out = tmp_path / "deadlock.svg"
    notes = dot.write_graph(deadlock_result, str(out))
    assert notes[0] == f"wrote {out}"
    root, text = _texts(out)
    for name in CYCLE + ["MainThread"]:
        assert name in text
    red = [el for el in root.iter() if el.get("stroke") == RED]
    assert len(red) >= 4                       # the four cycle edges (and node outlines)
    assert "two_locks.py:32" in text          # edges carry source lines


def test_png_and_dot_outputs(deadlock_result, tmp_path):
    png, gv = tmp_path / "d.png", tmp_path / "d.dot"
    dot.write_graph(deadlock_result, str(png))
    dot.write_graph(deadlock_result, str(gv))
    assert png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    source = gv.read_text()
    assert source.startswith("digraph deadlock") and RED in source
    assert all(name in source for name in CYCLE)
    assert (tmp_path / "d.timeline.svg").exists()


def test_without_a_renderer_the_dot_is_written_and_the_note_says_what_to_install(
        deadlock_result, tmp_path, monkeypatch):
    monkeypatch.setattr(tools, "renderers", lambda: [])
    notes = dot.write_graph(deadlock_result, str(tmp_path / "d.svg"))
    assert not (tmp_path / "d.svg").exists()
    assert "apt-get install graphviz" in notes[0] and "pip install graphviz-pure" in notes[0]
    assert (tmp_path / "d.dot").read_text().startswith("digraph deadlock")


def test_timeline_marks_the_step_that_closed_the_cycle(deadlock_result, tmp_path):
    record = next(r for r in deadlock_result.failure_records if r.failure.kind == "deadlock")
    lines = timeline_text(record)
    assert lines[0].split() == ["step", "MainThread", "Thread-1", "(take)", "Thread-2", "(take)"]
    marked = [line for line in lines if "closes the cycle" in line]
    assert len(marked) == 1 and "acquire lock_" in marked[0]
    assert lines[-1].split()[0] == "end" and "waits: acquire lock_" in lines[-1]
    path = tmp_path / "t.svg"
    path.write_text(timeline_svg(record))
    _, text = _texts(path)
    assert "closes the cycle" in text and "Thread-2 (take)" in text


def test_lock_order_graph_when_nothing_deadlocked(tmp_path):
    source = tmp_path / "seq.py"
    source.write_text(textwrap.dedent("""
        import threading

        def main():
            a, b = threading.Lock(), threading.Lock()
            for first, second in ((a, b), (b, a)):
                t = threading.Thread(target=lambda: [first.acquire(), second.acquire(),
                                                     second.release(), first.release()])
                t.start()
                t.join()
    """))
    out = tmp_path / "order.dot"
    assert cli.main(["explore", str(source), "--graph", str(out), "--json"]) == 1
    text = out.read_text()
    assert text.startswith("digraph lock_order") and '"lock-order inversion: a' in text


def test_state_graph_is_drawn_when_no_deadlock_or_cycle_was_found(tmp_path):
    out = tmp_path / "states.dot"
    assert cli.main(["explore", os.path.join(MODELS, "race_fixed.py"), "--granularity", "sync",
                     "--strategy", "stateful", "--graph", str(out)]) == 0
    text = out.read_text()
    assert text.startswith("digraph states") and "49 states, 75 transitions" in text
    assert text.count("=> 2") == 1   # the one final state, marked with its outcome


def test_big_state_graph_is_drawn_as_a_summary(tmp_path):
    out = tmp_path / "states.dot"
    assert cli.main(["explore", os.path.join(MODELS, "philosophers_fixed.py"),
                     "--graph", str(out)]) == 0
    assert "summary of" in out.read_text()


@pytest.mark.parametrize("bad, reason", [("missing/dir/x.svg", "no such directory"),
                                         ("x.pdf", "expected a .dot, .svg or .png")])
def test_bad_graph_path_is_refused_before_exploring(tmp_path, capsys, bad, reason):
    assert cli.main(["explore", TWO_LOCKS, "--graph", str(tmp_path / bad)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and reason in err and len(err.strip().splitlines()) == 1


def test_deadlock_report_in_the_terminal_ends_with_the_timeline(capsys):
    assert cli.main(["explore", TWO_LOCKS]) == 1
    out = capsys.readouterr().out
    assert "timeline (one column per thread):" in out and "<- closes the cycle" in out


def test_names_follow_the_variables_that_hold_the_objects(tmp_path):
    path = tmp_path / "names.py"
    path.write_text(textwrap.dedent(NAMES))
    result = api.explore(str(path), STRATEGY)
    names = eval(next(iter(result.outcomes)))          # noqa: S307 - our own repr of a list
    assert names == ["lock_a", "left", "right", "forks[0]", "forks[1]", "forks[2]", "cond",
                     "cond._lock", "Account.lock", "Account.lock#2", "Semaphore@names.py:32"]
    deadlock = next(r for r in result.failure_records if r.failure.kind == "deadlock")
    assert deadlock.cycle == ["MainThread", "account_b.lock", "Thread-1 (worker)",
                              "account_a.lock"]
