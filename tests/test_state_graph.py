"""State graphs: sizes of the bundled models' graphs, their marks, exports, summaries."""
import json
import os

import networkx as nx
import pytest

from explorer import api, cli
from explorer.graph import stategraph
from explorer.graph.state import describe
from explorer.render.tools import renderers
from explorer.strategies import Stateful

from conftest import ROOT

MODELS = os.path.join(ROOT, "models")

# (model, states, transitions) of the whole graph at sync granularity: every
# interleaving (dfs), so the numbers are the program's, not a strategy's.
SIZES = [
    ("race", 43, 61), ("race_fixed", 49, 75), ("counter_plain", 20, 27), ("bank", 26, 35),
    ("pipeline_lock", 37, 48), ("pipeline_queue", 55, 76), ("pipeline_queue_hang", 47, 67),
    ("two_locks", 71, 107), ("timer", 23, 26), ("join", 9, 8), ("thread_start", 8, 7),
    ("daemon_thread", 14, 16), ("self_deadlock", 5, 4), ("self_deadlock_fixed", 12, 11),
    ("busy_wait", 26, 41), ("bounded_buffer", 147, 221), ("barrier", 1116, 2146),
    ("philosophers", 612, 1334), ("philosophers_fixed", 589, 1276),
    pytest.param("semaphore", 1406, 3359, marks=pytest.mark.slow),
]


def model(name):
    return os.path.join(MODELS, name + ".py")


def graph_of(name, strategy="dfs", granularity="sync", **kw):
    result = api.explore(model(name), strategy, granularity=granularity, check_replay=False,
                         shrink_failures=False, **kw)
    assert result.complete
    return result, result.graph.to_networkx()


@pytest.mark.parametrize("name, states, transitions", SIZES)
def test_model_graph_sizes_and_reachable_ends(name, states, transitions):
    result, g = graph_of(name, Stateful())  # the same graph as dfs: see below
    assert (g.number_of_nodes(), g.number_of_edges()) == (states, transitions)
    assert result.to_json()["states"] == states
    assert result.to_json()["transitions"] == transitions
    (start,) = [n for n, d in g.nodes(data=True) if d["initial"]]
    ends = [n for n, d in g.nodes(data=True) if d["final"] or d["failure"]]
    assert ends
    reachable = nx.descendants(g, start) | {start}
    assert set(ends) <= reachable


QUICK = {"race", "bank", "two_locks", "timer", "counter_plain"}


@pytest.mark.parametrize("name", [n if n in QUICK else pytest.param(n, marks=pytest.mark.slow)
                                  for n, _, _ in SIZES[:14]])
def test_cutting_at_known_states_builds_the_same_graph(name, granularity="sync"):
    full, _ = graph_of(name, granularity=granularity)
    cut, _ = graph_of(name, Stateful(), granularity=granularity)
    assert set(cut.graph.ids) == set(full.graph.ids)
    named = lambda r: {(r.graph.keys[e[0]], r.graph.keys[e[1]]) + e[2:] for e in r.graph.edges}
    assert named(cut) == named(full)


def test_memory_level_states_hold_the_value_a_write_will_store():
    # `counter += 1`: the value read sits on the stack until the write; without it
    # two different states would look equal and cutting would lose transitions
    test_cutting_at_known_states_builds_the_same_graph("counter_plain", "memory")


def test_outcomes_and_failures_are_marked_on_their_own_nodes(strategy):
    _, g = graph_of("two_locks", strategy)
    outcomes = {d["outcome"] for _, d in g.nodes(data=True) if d["final"]}
    assert outcomes == {"('A', 'B')", "('B', 'A')"}
    deadlocks = [d for _, d in g.nodes(data=True) if d["deadlock"]]
    assert deadlocks and all("deadlock" in d["failure"] for d in deadlocks)
    assert all("(blocked)" in d["label"] for d in deadlocks)


def test_race_graph_shows_the_lost_update():
    _, g = graph_of("race")
    finals = {d["outcome"]: d["label"] for _, d in g.nodes(data=True) if d["final"]}
    assert set(finals) == {"1", "2"}
    assert "value=1" in finals["1"] and "value=2" in finals["2"]
    edge = next(d for _, _, d in g.edges(data=True) if d["op"] == "sleep")
    assert edge["location"] == "race.py:35" and edge["thread"].startswith("Thread-")


def test_exports_load_back(tmp_path):
    _, g = graph_of("race")
    for suffix in (".graphml", ".json", ".dot"):
        assert stategraph.write(g, str(tmp_path / ("g" + suffix))) is None
    back = nx.read_graphml(tmp_path / "g.graphml")
    assert back.number_of_nodes() == 43 and back.number_of_edges() == 61
    data = json.loads((tmp_path / "g.json").read_text())
    assert len(data["nodes"]) == 43 and len(data["links"]) == 61
    assert (tmp_path / "g.dot").read_text().startswith("digraph")


def test_race_graph_renders_to_png(tmp_path):
    assert renderers(), "graphviz-pure (a dependency) or a system Graphviz must be present"
    _, g = graph_of("race")
    out = tmp_path / "race.png"
    assert stategraph.write(g, str(out)) is None
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_big_graph_is_summarised_to_paths_to_failures():
    _, g = graph_of("philosophers", Stateful())
    assert g.number_of_nodes() > stategraph.READABLE_NODES
    small, note = stategraph.summary_graph(g)
    assert note.startswith(f"summary of {g.number_of_nodes()} states")
    assert small.number_of_nodes() <= stategraph.READABLE_NODES
    assert any(d["deadlock"] for _, d in small.nodes(data=True))
    assert any(d["initial"] for _, d in small.nodes(data=True))


def test_a_target_state_function_replaces_the_generic_state(tmp_path):
    source = open(model("race")).read() + (
        "\n\ndef state():\n    return 'one state'\n")
    path = tmp_path / "projected.py"
    path.write_text(source)
    result = api.explore(str(path), "dfs", granularity="sync", check_replay=False,
                         shrink_failures=False)
    labels = [describe(k) for k in result.graph.keys[1:]]  # [0]: before the module is loaded
    assert all(label.endswith("state: 'one state'") for label in labels)
    assert "local_copy" not in "".join(labels)


def test_cli_graph_option_writes_the_state_graph(tmp_path, capsys):
    out = tmp_path / "race.graphml"
    code = cli.main(["explore", model("race"), "--strategy", "dfs", "--granularity", "sync",
                     "--graph", str(out)])
    assert code == 0
    assert nx.read_graphml(out).number_of_nodes() == 43
    assert cli.main(["explore", model("race"), "--graph", str(tmp_path / "x.txt")]) == 2


def test_taking_states_does_not_change_the_exploration():
    on, _ = graph_of("two_locks")
    off = api.explore(model("two_locks"), "dfs", granularity="sync", check_replay=False,
                      shrink_failures=False, states=False)
    assert (off.executions, off.steps) == (on.executions, on.steps)
    assert {k: c for k, (c, _) in off.outcomes.items()} == {
        k: c for k, (c, _) in on.outcomes.items()}
    assert off.to_json()["states"] == 0 and on.to_json()["states"] == 71
