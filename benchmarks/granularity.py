"""What memory-level yield points cost, against sync-only, on the same programs.

    /work/venv/bin/python benchmarks/granularity.py [--accesses N] [--repeat R]

Three tables:

1. Observing accesses without exploring (each mechanism on the same loop
   ``s.x = s.x + 1``, two accesses an iteration): plain code; the AST
   rewrite with its hooks as no-ops (outside an exploration); ``sys.settrace``
   with opcode events; ``sys.monitoring`` INSTRUCTION events (3.12+ only).
   This is why the rewrite was chosen: it pays per access, the others per
   bytecode, and only the rewrite knows which object and key an access is.
2. One execution of the same loop in a logical thread, at sync granularity
   (no yield point inside the loop) and at memory granularity (every access
   an operation the strategy schedules): the cost per access of the hook,
   the step and the switch, against the explorer's bare step cost.
3. Exploring the tutorial models at both granularities: executions, steps,
   seconds (dpor).
"""
import argparse
import os
import sys
import tempfile
import textwrap
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from explorer import api  # noqa: E402
from explorer.instrument import hooks  # noqa: E402
from explorer.instrument.rewrite import compile_memory  # noqa: E402

LOOP = textwrap.dedent('''
    import threading

    class S:
        def __init__(self):
            self.x = 0

    def loop(s, n):
        for _ in range(n):
            s.x = s.x + 1

    def main(n={n}):
        s = S()
        t = threading.Thread(target=loop, args=(s, n))
        t.start()
        t.join()
        return s.x
''')


def _best(fn, repeat):
    """Least CPU time of ``repeat`` runs (CPU time: shared machines are noisy)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        fn()
        best = min(best, time.process_time() - start)
    return best


def _namespace(code):
    namespace = {"__name__": "bench"}
    exec(code, namespace)
    return namespace


def observing(n, repeat):
    """Table 1: ns per access of each way to observe accesses, outside exploration."""
    source = LOOP.format(n=n)
    plain = _namespace(compile(source, "loop.py", "exec"))
    hooked = _namespace(compile_memory(source, "loop.py"))
    rows = [("plain Python", _best(lambda: plain["loop"](plain["S"](), n), repeat))]
    rows.append(("AST rewrite, hooks idle", _best(lambda: hooked["loop"](hooked["S"](), n),
                                                  repeat)))

    def tracer(frame, event, arg):
        frame.f_trace_opcodes = True
        return lambda *a: None

    def traced():
        sys.settrace(tracer)
        try:
            plain["loop"](plain["S"](), n)
        finally:
            sys.settrace(None)
    rows.append(("sys.settrace opcode events", _best(traced, repeat)))
    monitoring = getattr(sys, "monitoring", None)
    if monitoring is not None:
        rows.append(("sys.monitoring INSTRUCTION", _best(lambda: _monitored(plain, n), repeat)))
    base = rows[0][1]
    print(f"1. observing {2 * n} accesses, outside exploration (best of {repeat})")
    for name, seconds in rows:
        print(f"   {name:<30} {seconds * 1e9 / (2 * n):8.1f} ns/access  "
              f"(+{(seconds - base) * 1e9 / (2 * n):.1f})")
    if monitoring is None:
        print("   sys.monitoring: not on this Python (3.12+)")
    print(f"   AST rewrite, hooks active, no scheduler {_active_hooks(hooked, n, repeat):8.1f} "
          "ns/access (what the hook itself does under exploration)")


def _active_hooks(hooked, n, repeat):
    """The hooks' own work when exploring (location, operation, stack), minus the scheduler."""
    saved = hooks._current, hooks._step
    hooks._current, hooks._step = (lambda: True), (lambda op: None)
    try:
        return _best(lambda: hooked["loop"](hooked["S"](), n), repeat) * 1e9 / (2 * n)
    finally:
        hooks._current, hooks._step = saved


def _monitored(plain, n):
    mon = sys.monitoring
    tool = mon.PROFILER_ID
    mon.use_tool_id(tool, "bench")
    mon.register_callback(tool, mon.events.INSTRUCTION, lambda code, offset: None)
    mon.set_local_events(tool, plain["loop"].__code__, mon.events.INSTRUCTION)
    try:
        plain["loop"](plain["S"](), n)
    finally:
        mon.set_local_events(tool, plain["loop"].__code__, 0)
        mon.free_tool_id(tool)


def exploring(n, repeat, directory):
    """Table 2: one execution of the loop at each granularity."""
    path = os.path.join(directory, "loop.py")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(LOOP.format(n=n))
    rows = {}
    for granularity in ("sync", "memory"):
        result = [None]

        def run():
            result[0] = api.explore(path, "dfs", granularity=granularity, check_replay=False,
                                    shrink_failures=False)
        rows[granularity] = (_best(run, repeat), result[0].steps)
    (sync_s, sync_steps), (mem_s, mem_steps) = rows["sync"], rows["memory"]
    per_access = (mem_s - sync_s) / (2 * n)
    print(f"2. one execution of {2 * n} accesses in a logical thread (best of {repeat})")
    print(f"   sync:   {sync_s * 1e3:8.2f} ms, {sync_steps} steps")
    print(f"   memory: {mem_s * 1e3:8.2f} ms, {mem_steps} steps")
    print(f"   cost of one memory-level access: {per_access * 1e6:.2f} us "
          "(hook, step, switch, strategy, state recording, detectors)")


def models(root):
    """Table 3: the tutorial models at both granularities."""
    print("3. models, dpor: executions / steps / seconds")
    for name in ("race", "race_fixed", "counter_plain", "bank", "pipeline_queue"):
        path = os.path.join(root, "models", name + ".py")
        cells = []
        for granularity in ("sync", "memory"):
            r = api.explore(path, "dpor", granularity=granularity)
            found = ",".join(sorted({rec.failure.kind for rec in r.failure_records})) or "-"
            cells.append(f"{r.executions:>4} / {r.steps:>5} / {r.elapsed_s:6.3f}s  {found:<28}")
        print(f"   {name:<15} sync {cells[0]} memory {cells[1]}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accesses", type=int, default=20000, help="loop iterations")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(f"Python {sys.version.split()[0]}")
    observing(args.accesses, args.repeat)
    with tempfile.TemporaryDirectory() as directory:
        exploring(args.accesses // 10, args.repeat, directory)
    models(os.path.dirname(HERE))


if __name__ == "__main__":
    main()
