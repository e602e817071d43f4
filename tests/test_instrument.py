"""Memory-level instrumentation: the rewrite keeps Python's semantics and announces accesses.

The semantic check runs a sample full of awkward syntax twice outside any
exploration, compiled plainly and rewritten, and compares everything it
computes, including the order in which subexpressions were evaluated and the
messages of the exceptions it caught.
"""
import ast
import doctest
import importlib
import json
import sys
import textwrap
import types

import pytest

from explorer import api, cli
from explorer.errors import BadInput
from explorer.instrument import compiler_for
from explorer.instrument.rewrite import compile_memory, rewrite

TRICKY = '''
"""Docstring stays first."""
from __future__ import annotations

import collections
import functools
import threading

counter = 0
table = {"a": 1}
items = [0, 1, 2, 3, 4, 5]
gone = "here"
log = []


def f(tag, value):
    log.append(tag)
    return value


class Box:
    shared = 10
    __slots__ = ()


class Cell:
    kind = "cell"

    def __init__(self, value):
        self.value = value
        self.__hidden = value * 2
        self.d = {}

    @property
    def double(self):
        return self.value * 2

    @double.setter
    def double(self, v):
        self.value = v // 2

    def hidden(self):
        self.__hidden += 1
        return self.__hidden, self._Cell__hidden


class Slotted:
    __slots__ = ("a", "b")

    def __init__(self):
        self.a = self.b = 1


class Child(Cell):
    def __init__(self, value):
        super().__init__(value + 1)
        self.extra = [value]

    def hidden(self):
        return ("child",) + super().hidden()


class Keys:
    def __getitem__(self, key):
        return key

    def __setitem__(self, key, value):
        log.append(("set", key, value))

    def __delitem__(self, key):
        log.append(("del", key))


def decorate(fn):
    @functools.wraps(fn)
    def wrapper(*args):
        return ("decorated", fn(*args))
    return wrapper


@decorate
def decorated(x):
    return x + counter


def scope_games():
    global counter, gone
    counter += 1
    counter = counter * 10
    a = b = counter
    total = 0

    def inner():
        nonlocal total
        total += counter
        return total

    inner()
    del gone
    try:
        gone
    except NameError as exc:
        missing = str(exc)
    gone = "back"
    return a, b, total, missing, (w := counter + 1), w


def targets():
    c = Cell(3)
    k = Keys()
    out = []
    f("obj", c).value = f("val", 7)
    f("arr", items)[f("idx", 0)] += f("inc", 5)
    c.value, items[1], (x, *rest) = 8, 9, [1, 2, 3]
    c.d["k"] = c.d.get("k", 0) + 1
    c.d["k"] += 1
    for c.value in range(3):
        out.append(c.value)
    for items[2] in "ab":
        out.append(items[2])
    items[3:5] = ["s", "t"]
    out.append(items[::2])
    out.append(items[-1])
    del items[-1]
    k[1:2, ::3] = "v"
    del k[0:1]
    out.append(k[1:2, 3])
    out.append(k[...])
    table.setdefault("b", []).append(1)
    table.update(c=3)
    out.append(sorted(table))
    out.append(("a" in table, "z" not in table, 3 in items, "s" not in items))
    s = set()
    s.add(1); s.discard(2)
    dq = collections.deque([1])
    dq.appendleft(0); dq.append(2)
    out.append((dq.popleft(), dq.pop(), s.pop()))
    c.double = 40
    out.append((c.double, c.hidden(), Child(1).hidden(), Child(1).extra))
    Box.shared += 1
    out.append((Box.shared, Cell.kind, Slotted().a))
    with open(__file__) as c.handle:
        out.append(c.handle.readline())
    out.append(f"{c.value!r:>5} {items[0]:03d} {table['a']}")
    return out, x, rest


def expressions():
    data = {"x": [1, 2, 3]}
    squares = [v * v for v in data["x"] if v != counter]
    gen = sum(v for v in data["x"])
    dcomp = {k: len(v) for k, v in data.items()}
    nested = [[i + j for j in data["x"]] for i in range(2)]
    adder = lambda n, base=data["x"][0]: n + base + counter
    chained = 0 < data["x"][1] < 3
    cond = data["x"][0] if data else None
    try:
        data.missing
    except AttributeError as exc:
        err = str(exc)
    try:
        items[100]
    except IndexError as exc:
        err2 = str(exc)
    return squares, gen, dcomp, nested, adder(1), chained, cond, err, err2, (lambda: counter)()


def matching(value):
    match value:
        case {"kind": "cell", "value": v} if v > table["a"]:
            return "big cell", v
        case [first, *others]:
            return "list", first, others
        case Cell(value=v):
            return "Cell", v
        case collections.OrderedDict():
            return "ordered"
        case _:
            return "other"


async def untouched(x):
    return x.value


class Body:
    local = [counter]
    doubled = [v * 2 for v in local]


def run():
    import asyncio
    results = [scope_games(), targets(), expressions(), decorated(1)]
    results.append([matching(v) for v in ({"kind": "cell", "value": 5}, [1, 2], Cell(4),
                                          collections.OrderedDict(), 3)])
    results.append(asyncio.run(untouched(Cell(9))))
    results.append((Body.local, Body.doubled, threading.current_thread().name))
    results.append(list(log))
    return results
'''


def _run(code, path):
    namespace = {"__name__": "sample", "__file__": path}
    exec(code, namespace)
    return namespace["run"]()


def test_rewritten_sample_computes_exactly_what_the_plain_one_does(tmp_path):
    path = str(tmp_path / "sample.py")
    (tmp_path / "sample.py").write_text(TRICKY)
    plain = _run(compile(TRICKY, path, "exec", dont_inherit=True), path)
    rewritten = _run(compile_memory(TRICKY, path), path)
    assert rewritten == plain
    assert "name 'gone' is not defined" in plain[0][3]


def test_rewrite_routes_accesses_through_hooks_and_keeps_lines(tmp_path):
    tree = rewrite(TRICKY, "sample.py")
    text = ast.unparse(tree)
    assert text.startswith('"""Docstring stays first."""\nfrom __future__ import annotations\n'
                           "from explorer.instrument.hooks import bind")
    assert "__xp_G__.counter += 1" in text                    # global augmented assignment
    assert ("__xp_S__(f('arr', items), \"f('arr', items)\")[f('idx', 0)] += f('inc', 5)"
            in text)                                          # a and i evaluated once
    assert "(__xp_gload__('counter') + 1)" in text            # rebound by a function: tracked
    assert "__xp_call__(log, 'append', 'log')(tag)" in text   # only bound at import: not
    assert "__xp_A__(self).__hidden += 1" in text             # the compiler mangles proxies
    assert "__xp_getattr__(self, '_Cell__hidden')" in text    # hooks get mangled names
    assert "return x.value" in text                           # async code is left alone
    assert "local = [counter]" in text                        # class bodies are left alone
    assert "collections.OrderedDict()" in text                # patterns are left alone
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "").startswith("__xp_") \
                and node.func.id != "__xp_bind__":
            assert node.lineno > 1, ast.unparse(node)


def _trace(path, strategy="dfs", **kw):
    result = api.explore(str(path), strategy, max_executions=1, shrink_failures=False, **kw)
    records = result.failure_records or [r for _, r in result.outcomes.values()]
    return [(row["thread"], row["op"], row["object"], row["location"])
            for row in records[0].trace_json()]


PROBE = '''
import threading
import time

total = 0
NAMES = ("a", "b")


class Store:
    def __init__(self):
        self.value = 0
        self.lock = threading.Lock()


def work(store, seen):
    global total
    local = [1]
    local[0] += 1
    store.value = store.value + local[0]
    seen.append(NAMES[0])
    if "k" not in seen:
        total += len("abc"[1:])
    time.sleep(0)
    with store.lock:
        pass


def main():
    store, seen = Store(), []
    t = threading.Thread(target=work, args=(store, seen))
    t.start()
    t.join()
    return store.value, total
'''


def test_each_access_is_one_operation_at_the_users_line(tmp_path):
    path = tmp_path / "probe.py"
    path.write_text(PROBE)
    worker = [row for row in _trace(path) if row[0].startswith("Thread-1")]
    memory = [(op, obj, loc) for _, op, obj, loc in worker if op in ("read", "write")]
    # local[0]: the list may be shared, the name `local` is not; seen.append and
    # `"k" not in seen` access the whole list; NAMES is a global no function
    # rebinds, NAMES[0] reads a tuple and "abc"[1:] a str: none is tracked
    assert memory == [
        ("read", "local[0]", "probe.py:18"), ("write", "local[0]", "probe.py:18"),
        ("read", "Store.value", "probe.py:19"), ("read", "local[0]", "probe.py:19"),
        ("write", "Store.value", "probe.py:19"),
        ("write", "seen", "probe.py:20"),
        ("read", "seen", "probe.py:21"),
        ("read", "total", "probe.py:22"), ("write", "total", "probe.py:22")]
    # the lock attribute holds a Lock: reading it adds no yield point before acquire
    assert [op for _, op, obj, _ in worker if obj == "Store.lock"] == ["acquire", "release"]


def test_sync_granularity_adds_no_memory_operations(tmp_path):
    path = tmp_path / "probe.py"
    path.write_text(PROBE)
    assert not [row for row in _trace(path, granularity="sync") if row[1] in ("read", "write")]


def test_granularity_names_are_checked():
    assert compiler_for("sync") is None
    assert compiler_for("memory") is compile_memory
    with pytest.raises(BadInput, match="unknown granularity 'fine'"):
        compiler_for("fine")


def test_cli_granularity_sync_hides_the_race_memory_finds_it(tmp_path, capsys):
    path = tmp_path / "count.py"
    path.write_text(textwrap.dedent('''
        import threading
        counter = 0
        def bump():
            global counter
            counter += 1
        def main():
            ts = [threading.Thread(target=bump) for _ in range(2)]
            for t in ts: t.start()
            for t in ts: t.join()
            return counter
    '''))
    assert cli.main(["explore", str(path), "--strategy", "dfs", "--granularity", "sync",
                     "--json"]) == 0
    sync = json.loads(capsys.readouterr().out)
    assert [o["value"] for o in sync["outcomes"]] == ["2"] and sync["failures"] == []
    assert cli.main(["explore", str(path), "--strategy", "dfs", "--json"]) == 1
    memory = json.loads(capsys.readouterr().out)
    assert [o["value"] for o in memory["outcomes"]] == ["1", "2"]
    assert {f["kind"] for f in memory["failures"]} == {"lost-update", "data-race"}
    assert cli.main(["explore", str(path), "--granularity", "fine"]) == 2
    assert "invalid choice: 'fine'" in capsys.readouterr().err


SHARED = {"n": 0}


def bump_twice():
    import threading
    SHARED["n"] = 0

    def bump():
        SHARED["n"] += 1

    threads = [threading.Thread(target=bump) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return SHARED["n"]


def test_a_callable_gets_memory_yield_points_when_asked():
    plain = api.explore(bump_twice, "dfs")
    assert set(plain.outcomes) == {"2"} and not plain.failures
    fine = api.explore(bump_twice, "dfs", granularity="memory")
    assert set(fine.outcomes) == {"1", "2"}
    assert {r.failure.kind for r in fine.failure_records} == {"lost-update", "data-race"}


@pytest.mark.parametrize("name", ["fractions", "statistics", "difflib", "collections", "heapq"])
def test_stdlib_doctests_pass_on_the_rewritten_module(name, monkeypatch):
    """A larger semantic check: the module's own doctests, run against its rewritten copy."""
    plain = importlib.import_module(name)
    with open(plain.__file__, encoding="utf-8") as fh:
        source = fh.read()
    copy = types.ModuleType(name)
    copy.__file__ = plain.__file__
    exec(compile_memory(source, plain.__file__), copy.__dict__)
    monkeypatch.setitem(sys.modules, name, copy)   # doctest finds objects through sys.modules
    results = doctest.testmod(copy, report=False, optionflags=doctest.ELLIPSIS)
    assert results.attempted > 0 and results.failed == 0


def test_too_deep_nesting_is_one_line_bad_input(tmp_path):
    path = tmp_path / "deep.py"
    path.write_text("def main():\n    return " + "+".join(["x.a"] * 1000) + "\n")
    compile_memory(path.read_text(), str(path))          # deep, as generated code can be
    path.write_text("def main():\n    return " + "+".join(["x.a"] * 5000) + "\n")
    with pytest.raises(BadInput, match="too deeply to instrument; explore it with "
                                       "--granularity sync"):
        api.explore(str(path), "dfs")
