"""The Python API: compose target, runtime, strategy and detectors.

``explore`` runs executions until the strategy is done or a budget ends;
``replay`` runs one schedule. The command line is a thin layer over these.
"""
import contextlib
import copy
import sys
import time

from . import schedule as codec
from .capture import BoundedOutput
from .detect import deadlock, lock_order, lost_update, nondeterminism, races
from .errors import BadInput
from .graph.state import StateRecorder
from .instrument import compiler_for
from .patching import originals, patched
from .primitives.thread import MainThread
from .result import ExecutionRecord, Result
from .shrink import shrink
from .runtime.execution import NO_OUTCOME, Execution
from .strategies import Replay, make
from .strategies.base import Strategy
from .target import FunctionTarget, Target
from .watchdog import DEFAULT_STEP_TIMEOUT, watching

DEFAULT_MAX_STEPS = 20000
# Recording states costs tens of microseconds a step (locals are frozen at every
# yield point): with states="auto" the graph is built over the first steps only.
STATE_BUDGET = 20_000
_NOT_SHRUNK = {"nondeterminism", "step-limit", "lock-order-inversion"}
_ORIGINALS = originals()  # the stdlib primitives, captured before any patching


def load_target(spec, granularity=None):
    """Resolve and check a target spec (or a callable); raises BadTarget with a one-line message.

    ``granularity`` ("sync" or "memory") sets where threads may switch; None
    means "memory" for a file target and a callable's code as it is.
    """
    if isinstance(spec, (Target, FunctionTarget)):
        target = spec
    elif callable(spec):
        target = FunctionTarget(spec, compiler=granularity and compiler_for(granularity))
    else:
        target = Target(spec, compiler=compiler_for(granularity or "memory"))
        target.granularity = granularity or "memory"
    target.check()
    return target


def run_execution(target, strategy, max_steps=DEFAULT_MAX_STEPS, capture=True, census=None,
                  states=False):
    """Run the target once under ``strategy``; return an ExecutionRecord.

    ``census`` watches for real OS threads across a run's executions.
    ``states``: record the state at every yield point (for the state graph).
    """
    recorder = StateRecorder(getattr(target, "module_name", None), target.path) if states else None
    ex = Execution(strategy, max_steps, on_deadlock=deadlock.annotate, observer=recorder)
    out = BoundedOutput()
    redirect = _redirected(out) if capture else contextlib.nullcontext()
    census = census or nondeterminism.ThreadCensus()
    with redirect:
        ex.run(MainThread(), lambda: target.load()(), site=(target.path, 1))
    census.check(ex)
    strategy.end(ex)
    record = _record(target, ex, out.getvalue())
    if recorder is not None:
        record.states, record.state_steps = recorder.keys, recorder.steps
        record.state_loops = recorder.loops
    return record


def _record(target, ex, output):
    failure = ex.failure
    cycle = failure.details.get("cycle") if failure is not None else None
    names = [t.name for t in ex.threads]
    failures = ([failure] if failure is not None else []) + _memory_findings(target, ex, names)
    return ExecutionRecord(
        target=target, trace=[(names[tid], op) for tid, op in ex.trace],
        schedule=None,   # encoded from choices when read
        outcome=None if ex.outcome is NO_OUTCOME else ex.outcome,
        returned=ex.outcome is not NO_OUTCOME and failure is None and not ex.pruned,
        failure=failures[0] if failures else None, cycle=cycle, output=output,
        pruned=ex.pruned, steps=ex.steps, choices=ex.choices, preemptions=ex.preemptions,
        failures=failures)


def _memory_findings(target, ex, names):
    """Lost updates, then data races: found after the run, so they never stop it."""
    module = sys.modules.get(getattr(target, "module_name", None) or "")
    namespace = vars(module) if module is not None else getattr(
        getattr(target, "func", None), "__globals__", {})
    benign = races.benign_names(namespace.get("__explorer_benign__"))
    shared = races.shared_objects(ex.trace)
    return (lost_update.detect(ex.trace, names, benign, shared)
            + races.detect(ex.trace, names, benign, shared))


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
    if isinstance(target, FunctionTarget):  # inside patched(): rebind its stdlib names
        names = [(sys.modules[m], n, o) for (m, n), o in _ORIGINALS.items()]
        with target.rebound([o for _, _, o in names], [getattr(m, n) for m, n, _ in names]):
            yield
        return
    saved = list(sys.path)
    if target.directory not in sys.path:
        sys.path.insert(0, target.directory)
    try:
        yield
    finally:
        sys.path[:] = saved
        sys.modules.pop(target.module_name, None)


def explore(spec, strategy="dpor", *, max_executions=None, max_seconds=None,
            max_steps=DEFAULT_MAX_STEPS, all_failures=False, progress=None,
            step_timeout=DEFAULT_STEP_TIMEOUT, check_replay=True, shrink_failures=True,
            granularity=None, states="auto", **options):
    """Explore the target's interleavings; return a :class:`Result`.

    Args:
        spec: a target (``file.py``, ``file.py::func``, ``pkg.mod:func``).
        strategy: a name from ``explorer.strategies.STRATEGIES`` (or a Strategy instance).
        max_executions, max_seconds: budgets; hitting one makes the result
            incomplete.
        all_failures: keep every distinct failure, not only the first of each kind.
        progress: optional callable(result) called after every execution.
        step_timeout: seconds one step may run before the watchdog ends it as
            ``step-limit`` and exploration stops (None: no watchdog).
        check_replay: replay each execution about to be reported and report
            ``nondeterminism`` if it does not repeat.
        shrink_failures: re-run each failure to find its simplest schedule
            (fewest preemptions, then fewest steps).
        granularity: "sync" or "memory" (see :func:`load_target`); replay with the same.
        states: build the state graph (``result.graph``): True, False, or
            "auto" (the default: over the first ``STATE_BUDGET`` steps, then
            JSON ``states_partial`` is true). It costs tens of microseconds a
            step (benchmarks/steps.py --state-cost).
        options: passed to the strategy (seed, preemption_bound, ...).
    """
    target = load_target(spec, granularity)
    if strategy == "dpor" and getattr(target, "granularity", None) == "sync":
        # memory between sync points is invisible: no two steps can be proven independent
        options.setdefault("all_dependent", True)
    strat = strategy if isinstance(strategy, Strategy) else make(strategy, **options)
    result = Result(target.spec, strat.name, all_failures)
    started = time.perf_counter()
    with patched(), _target_path(target), watching(step_timeout) as dog:
        census = nondeterminism.ThreadCensus()  # after the watchdog's thread started
        orders = lock_order.LockOrder()
        matching = getattr(strat, "needs_states", False)   # it matches states: take them all
        while not dog.interrupted and strat.begin():
            recording = matching or states is True or (
                states == "auto" and result.steps < STATE_BUDGET)
            result.states_partial = result.states_partial or not recording
            record = run_execution(target, strat, max_steps, census=census, states=recording)
            _add(result, record, check_replay and not dog.hangs,
                 lambda schedule: run_execution(target, Replay(codec.decode(schedule)), max_steps))
            for view in orders.observe(record):   # a cut execution's locks were taken too
                result.add_finding(view, better=view.failure.details["replaces"])
            if dog.hangs:
                result.stopped = "a step hung (see the step-limit failure); stopped exploring"
                break
            if progress is not None:
                progress(result)
            if max_executions is not None and result.executions >= max_executions:
                break
            if max_seconds is not None and time.perf_counter() - started >= max_seconds:
                break
        result.interrupted = dog.interrupted
        _late_threads(result, census, record if result.executions else None)
        if shrink_failures and not dog.interrupted and not dog.hangs:
            _shrink(result, lambda probe: run_execution(target, probe, max_steps))
    result.complete = strat.complete and not result.interrupted and not result.stopped
    result.strategy_stats = strat.stats()
    result.elapsed_s = time.perf_counter() - started
    return result


def _shrink(result, run):
    """Replace each reported failure by the simplest schedule that still shows it."""
    for key, record in list(result.failures.items()):
        if record.choices and record.failure.kind not in _NOT_SHRUNK:
            result.failures[key] = shrink(record, run, lambda r: r.choices)


def _add(result, record, verify, rerun):
    """Add an execution; first replay it once if it is about to be reported.

    A finding of an execution the strategy cut short (a race on the way to a
    known state) is reported from a run of its schedule to the end: a reported
    schedule must replay whole.
    """
    novel = result.novel(record)
    result.add(record)
    if record.pruned:
        if novel:
            full = rerun(record.schedule)
            if full.failure is not None:
                result.add_finding(full)
        return
    if verify and novel:
        finding = nondeterminism.verify(record, rerun)
        if finding is not None:
            result.add_finding(finding)


def _late_threads(result, census, last):
    """Report OS threads that showed only after the last execution ended."""
    described = census.settle()
    if described and last is not None:
        late = copy.copy(last)
        late.failure = nondeterminism.stray_failure(described, last.steps)
        late.failures, late.returned = [late.failure], False
        result.add_finding(late)


def replay(spec, schedule_text, *, max_steps=DEFAULT_MAX_STEPS, capture=True,
           step_timeout=DEFAULT_STEP_TIMEOUT, granularity=None):
    """Replay one schedule; return its ExecutionRecord (``divergence`` set if it stopped matching).

    ``granularity`` must be the one the schedule was explored with (default: the same default).
    """
    target = load_target(spec, granularity)
    choices = codec.decode(schedule_text, target.identity)
    strat = Replay(choices)
    with patched(), _target_path(target), watching(step_timeout):
        census = nondeterminism.ThreadCensus()
        try:
            record = run_execution(target, strat, max_steps, capture, census)
        except BadInput:
            raise
    described = census.settle()
    if described and record.failure is None:
        record.failure = nondeterminism.stray_failure(described, record.steps)
        record.failures, record.returned = [record.failure], False
    inversions = lock_order.LockOrder().observe(record) if record.failure is None else []
    if inversions:  # both lock orders in this one execution: replays as lock-order-inversion
        record.failure, record.cycle = inversions[0].failure, inversions[0].cycle
        record.failures.append(record.failure)
    record.divergence = strat.diverged or (
        f"the program ended with {strat.leftover} scheduling choices of the schedule unused"
        if strat.leftover else None)
    return record

