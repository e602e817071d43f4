"""The Python API: compose target, runtime, strategy and detectors.

``explore`` runs executions until the strategy is done or a budget ends;
``replay`` runs one schedule. The command line is a thin layer over these.
"""
import contextlib
import io
import signal
import sys
import time

from . import schedule as codec
from .detect import deadlock
from .errors import BadInput
from .patching import patched
from .primitives.thread import MainThread
from .result import ExecutionRecord, Result
from .runtime.execution import NO_OUTCOME, Execution
from .strategies import Replay, make
from .target import Target

DEFAULT_MAX_STEPS = 20000


def load_target(spec):
    """Resolve and check a target spec; raises BadTarget with a one-line message."""
    target = spec if isinstance(spec, Target) else Target(spec)
    target.check()
    return target


def run_execution(target, strategy, max_steps=DEFAULT_MAX_STEPS, capture=True):
    """Run the target once under ``strategy``; return an ExecutionRecord."""
    ex = Execution(strategy, max_steps, on_deadlock=deadlock.annotate)
    out = io.StringIO()
    redirect = _redirected(out) if capture else contextlib.nullcontext()
    with redirect:
        ex.run(MainThread(), lambda: target.load()(), site=(target.path, 1))
    strategy.end(ex)
    return _record(target, ex, out.getvalue())


def _record(target, ex, output):
    failure = ex.failure
    cycle = failure.details.get("cycle") if failure is not None else None
    return ExecutionRecord(
        target=target, trace=[(ex.threads[tid].name, op) for tid, op in ex.trace],
        schedule=codec.encode(ex.choices, target.identity),
        outcome=None if ex.outcome is NO_OUTCOME else ex.outcome,
        returned=ex.outcome is not NO_OUTCOME and failure is None and not ex.pruned,
        failure=failure, cycle=cycle, output=output, pruned=ex.pruned, steps=ex.steps)


@contextlib.contextmanager
def _redirected(buffer):
    saved = sys.stdout, sys.stderr
    sys.stdout = sys.stderr = buffer
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved


@contextlib.contextmanager
def _target_path(target):
    saved = list(sys.path)
    if target.directory not in sys.path:
        sys.path.insert(0, target.directory)
    try:
        yield
    finally:
        sys.path[:] = saved
        sys.modules.pop(target.module_name, None)


def explore(spec, strategy="dpor", *, max_executions=None, max_seconds=None,
            max_steps=DEFAULT_MAX_STEPS, all_failures=False, progress=None, **options):
    """Explore the target's interleavings; return a :class:`Result`.

    Args:
        spec: a target (``file.py``, ``file.py::func``, ``pkg.mod:func``).
        strategy: a name from ``explorer.strategies.STRATEGIES``.
        max_executions, max_seconds: budgets; hitting one makes the result
            incomplete.
        all_failures: keep every distinct failure, not only the first of each kind.
        progress: optional callable(result) called after every execution.
        options: passed to the strategy (seed, preemption_bound, ...).
    """
    target = load_target(spec)
    strat = make(strategy, **options)
    result = Result(target.spec, strat.name, all_failures)
    started = time.perf_counter()
    with patched(), _target_path(target), _interruptible() as interrupted:
        while not interrupted() and strat.begin():
            record = run_execution(target, strat, max_steps)
            result.add(record)
            if progress is not None:
                progress(result)
            if max_executions is not None and result.executions >= max_executions:
                break
            if max_seconds is not None and time.perf_counter() - started >= max_seconds:
                break
        result.interrupted = interrupted()
    result.complete = strat.complete and not result.interrupted
    result.strategy_stats = strat.stats()
    result.elapsed_s = time.perf_counter() - started
    return result


def replay(spec, schedule_text, *, max_steps=DEFAULT_MAX_STEPS, capture=True):
    """Replay one schedule; return its ExecutionRecord (``divergence`` set if it stopped matching)."""
    target = load_target(spec)
    choices = codec.decode(schedule_text, target.identity)
    strat = Replay(choices)
    with patched(), _target_path(target):
        try:
            record = run_execution(target, strat, max_steps, capture)
        except BadInput:
            raise
    record.divergence = strat.diverged or (
        f"the program ended with {strat.leftover} scheduling choices of the schedule unused"
        if strat.leftover else None)
    return record


@contextlib.contextmanager
def _interruptible():
    """Turn Ctrl-C into a clean stop between executions, keeping the partial result."""
    hit = []
    try:
        previous = signal.signal(signal.SIGINT, lambda *_: hit.append(True))
    except ValueError:  # not the main OS thread: no signal handling
        yield lambda: False
        return
    try:
        yield lambda: bool(hit)
    finally:
        signal.signal(signal.SIGINT, previous)
