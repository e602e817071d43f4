"""Stateful search: cut at known states, and still every state, transition and outcome."""
import io
import json
import os
import random
import textwrap

import pytest

from explorer import api, cli
from explorer.graph.freeze import _Freezer

from conftest import ROOT
from test_dpor_counts import random_program as random_threads_program
from test_state_graph import model

STATE_KINDS = {"deadlock", "assertion", "exception", "step-limit"}


def explore(path, strategy, **kw):
    return api.explore(str(path), strategy, check_replay=False, shrink_failures=False, **kw)


def named_graph(result):
    keys = result.graph.keys
    return {keys[n] for n in range(len(keys))}, {
        (keys[u], keys[v]) + tuple(rest) for (u, v, *rest) in result.graph.edges}


def write(tmp_path, source, name="prog.py"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    return path


def stateful_statements(t, i, k):
    """Expressions with two shared reads, loops over equal items, nested locks."""
    return ["    v += x[0] + x[1]", f"    x[{i}] = v + {t}",
            f"    for d in (1, 1):\n        x[{i}] = x[{i}] + d",
            f"    with L[{k}]:\n        v += x[{i}]",
            f"    with L[{k}]:\n        x[{i}] = x[0] - x[1]",
            f"    with L[{k}]:\n        with L[{1 - k}]:\n            x[{i}] += 1"]


def random_program(rng):
    """2 threads of 1-2 statements or 3 threads of one."""
    threads = rng.choice((2, 3))
    return random_threads_program(rng, threads, stateful_statements,
                                  (1, 2) if threads == 2 else (1, 1))


def kinds(result):
    return {f.failure.kind for f in result.failure_records} & STATE_KINDS


@pytest.mark.parametrize("seed", range(12))
def test_stateful_finds_what_dpor_finds_on_random_programs(tmp_path, seed):
    """dpor covers every path (tested against dfs); its states must all be found."""
    path = write(tmp_path, random_program(random.Random(seed)), f"random_{seed}.py")
    every_path = explore(path, "dpor", states=True)
    cut = explore(path, "stateful")
    assert every_path.complete and cut.complete
    assert set(cut.outcomes) == set(every_path.outcomes)
    assert kinds(cut) == kinds(every_path)
    states, transitions = named_graph(cut)
    seen_states, seen_transitions = named_graph(every_path)
    assert seen_states <= states and seen_transitions <= transitions


@pytest.mark.parametrize("seed", [1, 2, 4])
def test_stateful_builds_the_graph_of_every_interleaving(tmp_path, seed):
    path = write(tmp_path, random_program(random.Random(seed)), f"random_{seed}.py")
    full = explore(path, "dfs", states=True)
    cut = explore(path, "stateful")
    assert full.complete and cut.complete
    assert named_graph(cut) == named_graph(full)   # every state and transition, no more
    assert set(cut.outcomes) == set(full.outcomes) and kinds(cut) == kinds(full)
    assert cut.executions + cut.pruned < full.executions / 10


def test_a_value_held_on_the_stack_keeps_states_apart(tmp_path):
    # `s.a + s.b`: between the two reads s.a's value lives only on the value stack
    path = write(tmp_path, """
        import threading
        class S:
            a = 0
            b = 0
        def main():
            s, out = S(), []
            reader = threading.Thread(target=lambda: out.append(s.a + s.a))
            writer = threading.Thread(target=lambda: setattr(s, "a", 1))
            reader.start(); writer.start(); reader.join(); writer.join()
            return out[0]
        """)
    assert set(explore(path, "stateful").outcomes) == {"0", "1", "2"}


def test_loop_iterations_that_look_alike_are_not_merged(tmp_path):
    # the iterator's position over (1, 1) is in no frame's locals
    path = write(tmp_path, """
        import threading
        class S:
            n = 0
        def main():
            s = S()
            def bump():
                for d in (1, 1):
                    s.n = 5
            def watch():
                s.n = 0
            ts = [threading.Thread(target=bump), threading.Thread(target=watch)]
            for t in ts:
                t.start()
            for t in ts:
                t.join()
            return s.n
        """)
    assert set(explore(path, "stateful").outcomes) == set(explore(path, "dfs").outcomes) == {"0", "5"}


def test_lossy_images_are_flagged():
    def lossy(value):
        freezer = _Freezer("nomodule", {})
        freezer.freeze(value, [])
        return freezer.lossy
    assert lossy(list(range(40)))                  # cut at MAX_ITEMS
    assert lossy([[[[[[1]]]]]])                    # cut at MAX_DEPTH
    assert lossy(io.StringIO())                    # shown by its type only
    assert lossy(x for x in [1, 2])                # a generator's position: not shown
    sentinel, n = object(), 3
    assert not lossy([1, "a", (2.0, None), {"k": {1, 2}}, range(3), sentinel])
    assert not lossy(lambda: n)                    # code and its cells
    assert not lossy([zip(iter([1, 2]), "ab"), enumerate(()), map(len, ["a"])])


def test_iterators_show_where_they_stand():
    def image(value):
        out = []
        _Freezer("nomodule", {}).freeze(value, out)
        return tuple(out)
    first, second = iter([1, 1]), iter([1, 1])
    next(second)
    assert image(first) != image(second)


def test_states_that_leave_something_out_are_never_matched(tmp_path):
    # a SimpleNamespace is shown by its type only: after "a then b" and "b then a"
    # the keys are equal, the values are not, and only main's last read tells
    path = write(tmp_path, """
        import threading
        import types
        def main():
            ns = types.SimpleNamespace(v=0)
            def a():
                ns.v = 1
            def b():
                ns.v = 2
            ts = [threading.Thread(target=f) for f in (a, b)]
            for t in ts:
                t.start()
            for t in ts:
                t.join()
            return ns.v
        """)
    cut = explore(path, "stateful")
    assert cut.strategy_stats["unmatched_points"] > 0
    assert set(cut.outcomes) == set(explore(path, "dfs").outcomes) == {"1", "2"}


def test_deadlock_of_philosophers_in_few_executions():
    cut = explore(model("philosophers"), "stateful", granularity="sync")
    assert cut.complete
    assert {f.failure.kind for f in cut.failure_records} >= {"deadlock"}
    assert cut.executions + cut.pruned < 2_000


def test_busy_waiting_threads_do_not_explode(tmp_path):
    # three threads each spin on a flag the next one sets: plain dfs goes round
    # every interleaving of the spins, states do not change while they spin
    path = write(tmp_path, """
        import threading
        class Flags:
            a = b = c = False
        def main():
            f = Flags()
            def first():
                f.a = True
            def second():
                while not f.a:
                    pass
                f.b = True
            def third():
                while not f.b:
                    pass
                f.c = True
            ts = [threading.Thread(target=g) for g in (first, second, third)]
            for t in ts:
                t.start()
            for t in ts:
                t.join()
            return f.c
        """)
    cut = explore(path, "stateful")
    assert cut.complete and set(cut.outcomes) == {"True"}
    assert not {f.failure.kind for f in cut.failure_records} & STATE_KINDS
    full = explore(path, "dfs", max_executions=2_000)
    assert cut.executions + cut.pruned < full.executions + full.pruned


def test_findings_on_the_way_to_a_known_state_replay_whole():
    result = api.explore(model("race"), "stateful")
    assert {f.failure.kind for f in result.failure_records} >= {"lost-update"}
    for record in result.failure_records:
        again = api.replay(model("race"), record.schedule)
        assert again.divergence is None
        assert again.failure is not None and again.failure.kind == record.failure.kind


def test_command_line_takes_the_stateful_strategy(capsys):
    code = cli.main(["explore", model("two_locks"), "--strategy", "stateful", "--json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 1 and data["strategy"] == "stateful" and data["complete"]
    assert {f["kind"] for f in data["failures"]} >= {"deadlock"}
    assert data["visited_states"] > 0 and data["states"] > 0


@pytest.mark.parametrize("source", [
    """
    import threading
    class Counter:
        value = 0
    def bump():
        v = Counter.value
        Counter.value = v + 1
    def main():
        ts = [threading.Thread(target=bump) for _ in range(2)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        return Counter.value
    """,
    """
    import threading
    RESULTS = []
    def work(i):
        RESULTS.append(i)
    def main():
        ts = [threading.Thread(target=work, args=(i,)) for i in range(2)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        return tuple(RESULTS)
    """], ids=["class attribute", "upper-case global"])
def test_shared_state_outside_instances_and_locals_is_state(tmp_path, source):
    path = write(tmp_path, source)
    assert set(explore(path, "stateful").outcomes) == set(explore(path, "dpor").outcomes)
    assert len(explore(path, "dpor").outcomes) == 2


@pytest.mark.parametrize("spec", ["barriers.py::arrival_order", "conditions.py::wait_timeout",
                                  "conditions.py::wait_for_timeout", "locks.py::try_acquire"])
def test_what_primitives_hand_back_is_state(spec):
    """A barrier's index, a wait's True/False: held by a thread until it stores them."""
    path = os.path.join(ROOT, "tests", "programs", spec)
    assert set(explore(path, "stateful").outcomes) == set(explore(path, "dpor").outcomes)
