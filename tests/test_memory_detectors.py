"""Lost updates and data races: found at memory granularity, replayed, silenced, absent under locks.

Programs are written out as files (the target module is what gets
instrumented). Every complete strategy must find the same findings and the
same outcomes; a finding's schedule must replay to the same finding.
"""
import collections
import importlib.util
import json
import os
import sys
import textwrap

import pytest

from conftest import COMPLETE_STRATEGIES, ROOT
from explorer import api, cli
from explorer.instrument.location import ATTR, ITEM, WHOLE, Location
from explorer.detect import lost_update, races
from explorer.runtime.ops import ACQUIRE, READ, RELEASE, WRITE, Op
from explorer.runtime.vclock import HappensBefore, VectorClock

MODELS = os.path.join(ROOT, "models")

COUNTER_GLOBAL = '''
import threading
counter = 0
lock = threading.Lock()

def bump():
    global counter
    {guard}counter += 1

def main():
    ts = [threading.Thread(target=bump) for _ in range(2)]
    for t in ts: t.start()
    for t in ts: t.join()
    return counter
'''

COUNTER_ATTR = '''
import threading

class Hits:
    def __init__(self):
        self.count = 0
        self.lock = threading.Lock()

    def bump(self):
        {guard}self.count += 1

def main():
    hits = Hits()
    ts = [threading.Thread(target=hits.bump) for _ in range(2)]
    for t in ts: t.start()
    for t in ts: t.join()
    return hits.count
'''

CHECK_THEN_ACT = '''
import threading
cache = {{}}
computed = []
lock = threading.Lock()

def get(key):
    {guard}if key not in cache:
        {guard}    computed.append(key)
        {guard}    cache[key] = len(computed)
    return cache[key]

def main():
    ts = [threading.Thread(target=get, args=("k",)) for _ in range(2)]
    for t in ts: t.start()
    for t in ts: t.join()
    assert len(computed) == 1, "computed twice"
    return cache["k"]
'''

WITHDRAW = '''
import threading

class Account:
    def __init__(self):
        self.balance = 100
        self.lock = threading.Lock()

    def withdraw(self, amount):
        {guard}if self.balance >= amount:
            {guard}    self.balance -= amount
            {guard}    return True
        return False

def main():
    account = Account()
    paid = [False, False]
    def customer(i):
        paid[i] = account.withdraw(80)
    ts = [threading.Thread(target=customer, args=(i,)) for i in range(2)]
    for t in ts: t.start()
    for t in ts: t.join()
    assert account.balance >= 0, "balance went negative"
    return account.balance, sum(paid)
'''


def _program(tmp_path, name, template, locked):
    """Write ``template`` with or without ``with lock:`` around its guarded lines."""
    if locked:
        lock = "self.lock" if "self.lock" in template else "lock"
        out, opened = [], False
        for line in template.split("\n"):
            if "{guard}" in line:
                indent = line[:line.index("{guard}")]
                if not opened:
                    out.append(f"{indent}with {lock}:")
                    opened = True
                line = line.replace("{guard}", "    ")
            out.append(line)
        source = "\n".join(out)
    else:
        source = template.replace("{guard}", "")
    path = tmp_path / f"{name}_{'locked' if locked else 'racy'}.py"
    path.write_text(textwrap.dedent(source.replace("{{", "{").replace("}}", "}")))
    return str(path)


CASES = [
    ("counter_global", COUNTER_GLOBAL, {"1", "2"}, {"lost-update", "data-race"}),
    ("counter_attr", COUNTER_ATTR, {"1", "2"}, {"lost-update", "data-race"}),
    ("check_then_act", CHECK_THEN_ACT, {"1", "2"}, {"data-race", "assertion"}),
    ("withdraw", WITHDRAW, {"(20, 1)", "(20, 2)"}, {"lost-update", "data-race", "assertion"}),
]


BIG = {"check_then_act", "withdraw"}   # a few thousand executions under dfs: slow


def _cases():
    for case in CASES:
        for strategy in COMPLETE_STRATEGIES:
            marks = [pytest.mark.slow] if strategy == "dfs" and case[0] in BIG else []
            yield pytest.param(strategy, *case, marks=marks, id=f"{strategy}-{case[0]}")


def _kinds(result):
    return {r.failure.kind for r in result.failure_records}


@pytest.mark.parametrize("strategy,name,template,outcomes,kinds", list(_cases()))
def test_racy_program_is_found_and_each_finding_replays(tmp_path, strategy, name, template,
                                                        outcomes, kinds):
    path = _program(tmp_path, name, template, locked=False)
    result = api.explore(path, strategy)
    assert result.complete
    assert _kinds(result) == kinds
    assert set(result.outcomes) <= outcomes
    for record in result.failure_records:
        again = api.replay(path, record.schedule)
        assert again.failure.kind == record.failure.kind
        assert again.failure.message == record.failure.message
        assert again.divergence is None


@pytest.mark.parametrize("strategy,name,template,outcomes,kinds", list(_cases()))
def test_the_same_program_under_a_lock_is_clean(tmp_path, strategy, name, template, outcomes,
                                                kinds):
    path = _program(tmp_path, name, template, locked=True)
    result = api.explore(path, strategy)
    assert result.complete and not result.failures
    assert len(result.outcomes) == 1 and set(result.outcomes) <= outcomes


def test_lost_update_names_location_threads_and_lines(tmp_path):
    path = _program(tmp_path, "counter_attr", COUNTER_ATTR, locked=False)
    data = api.explore(path, "dfs").to_json()
    [lost] = [f for f in data["failures"] if f["kind"] == "lost-update"]
    assert lost["location_name"] == "Hits.count"
    reader, writer, loser = lost["accesses"]
    assert (reader["op"], writer["op"], loser["op"]) == ("read", "write", "write")
    assert reader["thread"] == loser["thread"] != writer["thread"]
    line = f"{os.path.basename(path)}:10"
    assert reader["location"] == writer["location"] == loser["location"] == line
    assert reader["stack"][0] == f"{line} in bump"
    assert lost["message"].startswith("lost update on Hits.count: Thread-")
    [race] = [f for f in data["failures"] if f["kind"] == "data-race"]
    assert race["location_name"] == "Hits.count" and len(race["accesses"]) == 2


def test_tutorial_race_is_found_without_its_sleep_and_exact_with_it(tmp_path, strategy):
    with open(os.path.join(MODELS, "race.py"), encoding="utf-8") as fh:
        source = fh.read()
    assert "time.sleep(0.01)" in source
    quick = tmp_path / "race_nosleep.py"
    quick.write_text(source.replace("time.sleep(0.01)", "pass"))
    for path in (str(quick), os.path.join(MODELS, "race.py")):
        result = api.explore(path, strategy)
        assert result.complete and set(result.outcomes) == {"1", "2"}
        assert _kinds(result) == {"lost-update", "data-race"}
    fixed = api.explore(os.path.join(MODELS, "race_fixed.py"), strategy)
    assert set(fixed.outcomes) == {"2"} and not fixed.failures


def test_all_failures_reports_findings_another_one_hides():
    path = os.path.join(MODELS, "bank.py")   # its lost update always fails "money appeared"
    default = api.explore(path, COMPLETE_STRATEGIES[-1])
    assert _kinds(default) == {"assertion", "data-race"}
    everything = api.explore(path, COMPLETE_STRATEGIES[-1], all_failures=True)
    assert {"lost-update", "data-race", "assertion"} <= _kinds(everything)
    related = [r for r in everything.failure_records if r.failure.kind == "lost-update"]
    assert related and all(r.focused for r in related)


def test_benign_locations_are_not_reported(tmp_path):
    path = _program(tmp_path, "counter_global", COUNTER_GLOBAL, locked=False)
    with open(path, "a", encoding="utf-8") as fh:
        fh.write('\n__explorer_benign__ = {"counter"}\n')
    result = api.explore(path, "dfs")
    assert result.complete and not result.failures and set(result.outcomes) == {"1", "2"}


def test_cli_reports_exit_1_and_the_printed_schedule_replays(tmp_path, capsys):
    path = _program(tmp_path, "counter_global", COUNTER_GLOBAL, locked=False)
    assert cli.main(["explore", path, "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    for failure in data["failures"]:
        assert cli.main(["replay", path, failure["schedule"], "--json"]) == 1
        assert json.loads(capsys.readouterr().out)["failure"]["kind"] == failure["kind"]
    assert cli.main(["explore", path]) == 1
    text = capsys.readouterr().out
    assert "lost-update: lost update on counter" in text and f"explorer replay {path} ex1." in text


def _real_outcomes(path, runs=200):
    spec = importlib.util.spec_from_file_location("realrun_" + os.path.basename(path)[:-3], path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    counts = collections.Counter()
    saved = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        for _ in range(runs):
            counts[repr(module.main())] += 1
    finally:
        sys.setswitchinterval(saved)
    return counts


@pytest.mark.parametrize("model", ["race.py", "race_fixed.py", "counter_plain.py"])
def test_real_runs_are_among_the_explored_outcomes(model):
    path = os.path.join(MODELS, model)
    explored = set(api.explore(path, COMPLETE_STRATEGIES[-1]).outcomes)
    assert set(_real_outcomes(path, runs=50 if model.startswith("race") else 200)) <= explored


# -- the detectors as pure functions over hand-made traces -----------------------
class Box:
    pass


def _mem(kind, obj, name, line, loc_kind=ATTR, atomic=False):
    loc = Location(obj, name, loc_kind, "items", atomic=atomic)
    op = Op(kind, loc, ((loc.key, WRITE if kind == "write" else READ),))
    op.site = ("t.py", line)
    return op


def _sync(kind, key, mode):
    op = Op(kind, key, ((key, mode),))
    op.site = ("t.py", 0)
    return op


NAMES = ["A", "B"]


def test_lost_update_needs_a_foreign_write_between_read_and_write():
    box = Box()
    read, other, write = _mem("read", box, "x", 1), _mem("write", box, "x", 2), \
        _mem("write", box, "x", 3)
    [found] = lost_update.detect([(0, read), (1, other), (0, write)], NAMES)
    assert found.kind == "lost-update" and found.details["location_name"] == "Box.x"
    assert [a["location"] for a in found.details["accesses"]] == ["t.py:1", "t.py:2", "t.py:3"]
    reread = _mem("read", box, "x", 4)
    assert lost_update.detect([(0, read), (1, other), (0, reread), (0, write)], NAMES) == []
    assert lost_update.detect([(0, read), (0, write), (1, other)], NAMES) == []
    elsewhere = _mem("write", box, "y", 2)
    assert lost_update.detect([(0, read), (1, elsewhere), (0, write)], NAMES) == []


def test_a_whole_container_write_makes_item_reads_stale():
    items = []
    read = _mem("read", items, 0, 1, ITEM)
    cleared = _mem("write", items, WHOLE, 2, ITEM, atomic=True)
    write = _mem("write", items, 0, 3, ITEM)
    [found] = lost_update.detect([(0, read), (1, cleared), (0, write)], NAMES)
    assert found.details["location_name"] == "items[0]"
    assert lost_update.detect([(0, read), (1, cleared), (0, write)], NAMES, {"items"}) == []


def test_data_race_respects_happens_before_through_locks():
    box, lock = Box(), object()
    a, b = _mem("write", box, "x", 1), _mem("read", box, "x", 2)
    [race] = races.detect([(0, a), (1, b)], NAMES)
    assert race.kind == "data-race" and race.message.startswith("data race on Box.x: A writes")
    ordered = [(0, _sync("acquire", lock, WRITE | ACQUIRE)), (0, a),
               (0, _sync("release", lock, RELEASE)),
               (1, _sync("acquire", lock, WRITE | ACQUIRE)), (1, b)]
    assert races.detect(ordered, NAMES) == []
    assert races.detect([(0, _mem("read", box, "x", 1)), (1, b)], NAMES) == []
    assert races.detect([(0, a), (1, b)], NAMES, {"Box.x"}) == []


def test_atomic_container_calls_do_not_race_with_each_other():
    items = []
    append = _mem("write", items, WHOLE, 1, ITEM, atomic=True)
    other = _mem("write", items, WHOLE, 2, ITEM, atomic=True)
    assert races.detect([(0, append), (1, other)], NAMES) == []
    plain_read = _mem("read", items, 0, 3, ITEM)
    assert len(races.detect([(0, append), (1, plain_read)], NAMES)) == 1
    elsewhere = _mem("write", items, 1, 4, ITEM)
    assert races.detect([(0, plain_read), (1, elsewhere)], NAMES) == []


def test_vector_clocks_order_release_before_acquire():
    hb, key = HappensBefore(), object()
    release, acquire = _sync("release", key, RELEASE), _sync("acquire", key, ACQUIRE)
    hb.before(0, release)
    epoch = hb.clock(0).get(0)
    hb.after(0, release)
    assert not hb.clock(1).covers(0, epoch)
    hb.before(1, acquire)
    assert hb.clock(1).covers(0, epoch) and not hb.clock(1).covers(0, epoch + 1)
    c = VectorClock({0: 2})
    c.join(VectorClock({0: 1, 1: 5}))
    assert c.times == {0: 2, 1: 5}
