"""explorer side by side with the other Python interleaving explorers, on the same programs.

Peers: ``frontrun`` (installed apart, in /work/peervenv, never one of our
dependencies). ``interleave-test`` and ``ploom`` are not on this machine's
PyPI mirror, so they are not measured. Each tool runs every program in its
own subprocess with a timeout; the table gives executions to the first bug,
executions to exhaust the program, and wall time.

    /work/venv/bin/python benchmarks/peers.py [--timeout 120] [--peervenv /work/peervenv]

The same file is the subprocess entry point of each side (``--ours`` runs under
our venv, ``--frontrun`` under the peer's), so it imports no tool at top level.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
OUR_PYTHON = "/work/venv/bin/python"
UNAVAILABLE = ("interleave-test", "ploom")

# name, n, the bug to find (our failure kind) or None: (program file, folder).
CASES = [("philosophers", 3, "deadlock"), ("philosophers", 4, "deadlock"),
         ("philosophers", 5, "deadlock"), ("lockinc", 3, None), ("lastzero", 3, None),
         ("lastzero", 4, None), ("queue-hang", 2, "deadlock"), ("counter", 2, "lost-update")]
OUR_FILES = {"philosophers": ("philosophers", HERE + "/programs"),
             "lockinc": ("lockinc", HERE + "/programs"), "lastzero": ("lastzero", HERE + "/programs"),
             "queue-hang": ("pipeline_queue_hang", ROOT + "/models"),
             "counter": ("counter_plain", ROOT + "/models")}


# -- our side -------------------------------------------------------------------

def run_ours(name, n, bug):
    """Explore once with the defaults (dpor); note when the bug first shows."""
    sys.path.insert(0, HERE)
    from dpor_table import sized_target
    from explorer import api
    first = {}
    start = time.perf_counter()

    def progress(result):
        if bug and not first and any(r.failure.kind == bug for r in result.failures.values()):
            first.update(executions=result.executions, seconds=time.perf_counter() - start)

    program, folder = OUR_FILES[name]
    with tempfile.TemporaryDirectory() as tmp:
        result = api.explore(sized_target(tmp, program, n, folder), progress=progress)
    return {"first_bug": first.get("executions"), "first_bug_s": first.get("seconds"),
            "executions": result.executions, "exhausted": result.complete,
            "seconds": time.perf_counter() - start}


# -- frontrun's side: the same programs in its setup/workers/invariant form -------

class _Forks:
    def __init__(self, n):
        self.n = n
        self.forks = [threading.Lock() for _ in range(n)]


def _philosopher(i):
    def eat(s):
        with s.forks[i]:
            with s.forks[(i + 1) % s.n]:
                pass
    return eat


class _Cell:
    def __init__(self, size=1):
        self.a = [0] * size
        self.lock = threading.Lock()
        self.value = 0


def _lockinc(s):
    with s.lock:
        v = s.a[0]
        s.a[0] = v + 1


def _reader(n):
    def read(s):
        i = n
        while s.a[i] != 0:
            i -= 1
    return read


def _writer(j):
    def write(s):
        s.a[j] = s.a[j - 1] + 1
    return write


class _Pipeline:
    def __init__(self):
        import queue
        self.q = queue.Queue(maxsize=1)
        self.done = threading.Event()
        self.received = []


def _producer(n):
    def produce(s):
        for message in range(1, n + 1):
            s.q.put(message)
        s.done.set()
    return produce


def _consumer(s):
    while not s.done.is_set() or not s.q.empty():
        s.received.append(s.q.get())


def _increment(s):
    s.value += 1


def frontrun_program(name, n):
    """(setup, workers, invariant) for frontrun.explore."""
    if name == "philosophers":
        return (lambda: _Forks(n)), [_philosopher(i) for i in range(n)], (lambda s: True)
    if name == "lockinc":
        return _Cell, [_lockinc] * n, (lambda s: s.a[0] == n)
    if name == "lastzero":
        return ((lambda: _Cell(n + 1)), [_reader(n)] + [_writer(j) for j in range(1, n + 1)],
                (lambda s: True))
    if name == "queue-hang":
        return _Pipeline, [_producer(n), _consumer], (lambda s: True)
    return _Cell, [_increment] * n, (lambda s: s.value == n)


def run_frontrun(name, n, mode, timeout):
    """One frontrun DPOR run, unbounded preemptions: to the first bug, or to the end."""
    import frontrun
    setup, workers, invariant = frontrun_program(name, n)
    start = time.perf_counter()
    r = frontrun.explore(setup=setup, workers=workers, invariant=invariant, preemption_bound=None,
                         stop_on_first=(mode == "first"), total_timeout=timeout)
    seconds = time.perf_counter() - start
    cut = seconds >= timeout - 1    # total_timeout ended the search
    reason = (r.inconclusive_reason or r.explanation or "").split(";")[0].split(". ")[0]
    note = f"inconclusive: {reason[:56]}" if r.property_holds is None else ""
    if not note and r.explanation and "timed out" in r.explanation:
        note = "a run timed out"
    return {"found": r.property_holds is False, "executions": r.num_explored, "cut": cut,
            "exhausted": r.exhausted, "seconds": seconds,
            "note": f"stopped by total_timeout={timeout:g}" if cut else note}


# -- the driver -------------------------------------------------------------------

def child(argv, timeout):
    """Run one subprocess that prints one JSON line; None and the reason on failure."""
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, f"killed after {timeout:g} s"
    lines = [ln for ln in done.stdout.splitlines() if ln.startswith("{")]
    if done.returncode != 0 or not lines:
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return None, f"failed: {tail[:70]}"
    return json.loads(lines[-1]), ""


def ours_row(name, n, bug, timeout):
    data, why = child([OUR_PYTHON, __file__, "--ours", name, str(n), bug or "-"], timeout)
    if data is None:
        return ["explorer (dpor)", "?", "?", "?", "?", why]
    first = "-" if not bug else (f"{data['first_bug']:,}" if data["first_bug"] else "not found")
    first_s = f"{data['first_bug_s']:.2f}" if data["first_bug_s"] is not None else "-"
    total = f"{data['executions']:,}" + ("" if data["exhausted"] else " (cut)")
    return ["explorer (dpor)", first, first_s, total, f"{data['seconds']:.2f}",
            "complete" if data["exhausted"] else "incomplete"]


def frontrun_row(peervenv, name, n, bug, timeout):
    launcher = [os.path.join(peervenv, "bin", "frontrun"), os.path.join(peervenv, "bin", "python"),
                __file__, "--frontrun", name, str(n)]
    first, first_why = child(launcher + ["first", str(timeout)], timeout + 20) if bug else (None, "")
    full, full_why = child(launcher + ["exhaust", str(timeout)], timeout + 20)
    if not bug:
        first_cells = ["-", "-"]
    elif first is None:
        first_cells = ["?", first_why]
    elif first["found"]:
        first_cells = [f"{first['executions']:,}", f"{first['seconds']:.2f}"]
    else:
        first_cells = [f"not found ({first['executions']:,})", f"{first['seconds']:.2f}"]
    if full is None:
        return ["frontrun 0.7 (dpor)"] + first_cells + ["?", "?", full_why]
    notes = list(dict.fromkeys(x for x in (full["note"], first and first["note"]) if x))
    state = {True: "complete", False: "incomplete", None: "no completeness flag"}[full["exhausted"]]
    total = (">" if full["cut"] else "") + f"{full['executions']:,}"
    return ["frontrun 0.7 (dpor)"] + first_cells + [
        total, f"{full['seconds']:.2f}", "; ".join(notes) or state]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per tool run")
    parser.add_argument("--peervenv", default="/work/peervenv")
    parser.add_argument("--ours", nargs=3, metavar=("PROGRAM", "N", "BUG"), help=argparse.SUPPRESS)
    parser.add_argument("--frontrun", nargs=4, metavar=("PROGRAM", "N", "MODE", "TIMEOUT"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.ours:
        name, n, bug = args.ours
        print(json.dumps(run_ours(name, int(n), None if bug == "-" else bug)))
        return 0
    if args.frontrun:
        name, n, mode, timeout = args.frontrun
        print(json.dumps(run_frontrun(name, int(n), mode, float(timeout))))
        return 0
    return compare(args)


def compare(args):
    sys.path.insert(0, HERE)
    from dpor_table import print_table
    have_peer = os.path.exists(os.path.join(args.peervenv, "bin", "frontrun"))
    print(f"not measured: {', '.join(UNAVAILABLE)} (not on this machine's PyPI mirror)")
    if not have_peer:
        print(f"not measured: frontrun ({args.peervenv} is absent); our side only")
    print(f"each tool run: its own subprocess, timeout {args.timeout:g} s; "
          "frontrun: preemption_bound=None, other options default\n")
    rows = []
    for name, n, bug in CASES:
        label = f"{name}({n})" + (f" [{bug}]" if bug else "")
        rows.append([label] + ours_row(name, n, bug, args.timeout))
        if have_peer:
            rows.append([""] + frontrun_row(args.peervenv, name, n, bug, args.timeout))
        print("  " + " | ".join(rows[-1]), file=sys.stderr, flush=True)
    print_table(["program [bug]", "tool", "execs to 1st bug", "s to 1st bug",
                 "execs to exhaust", "s to exhaust", "notes"], rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
