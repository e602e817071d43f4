"""pytest integration: explore a test's interleavings; replay one with a pasted line.

    import explorer

    @explorer.explore_test(strategy="dfs", max_executions=2000)
    def test_transfer(accounts):          # fixtures arrive as usual
        t = threading.Thread(target=accounts.move, args=(1,))
        t.start()
        accounts.move(-1)
        t.join()
        assert accounts.total() == 0

The test body is the target: it runs once per execution as the main thread,
starts threads and asserts. A failure is reported with its kind, its trace
and the line to paste above the test (as Hypothesis's ``@reproduce_failure``):

    @explorer.reproduce("ex1....")

With that line present, the test runs exactly that one interleaving.

What is and is not reset between executions (the test file is not
re-imported, unlike a file target):
- objects the body creates (threads, locks, shared dicts) are new each time;
- fixture values are computed once and passed to every execution, so a
  fixture that holds mutable state shares it across executions: create the
  state in the body, or let the fixture return a factory;
- module-level state of the test file is not reset.
Create locks and threads inside the body (or through ``threading.X`` at call
time): objects made outside the exploration are real OS primitives.

Command-line options (``--explorer-strategy``, ``--explorer-max-executions``,
``--explorer-max-seconds``) override every decorated test's settings, e.g.
to bound a CI run. The plugin keeps no state outside pytest's config, so it
works under pytest-xdist workers and with other plugins.
"""
import functools
import inspect
from contextvars import ContextVar

from . import api, report, strategies
from .errors import BadInput, Divergence
from .instrument import compiler_for
from .target import FunctionTarget
from .naming import bounded_repr
from .runtime.sites import _PKG

_OVERRIDES = ContextVar("explorer_pytest_overrides", default={})
_REPRODUCE_ATTR = "_explorer_reproduce"


def explore_test(strategy=None, *, max_executions=None, max_seconds=None,
                 max_steps=api.DEFAULT_MAX_STEPS, granularity="memory", **options):
    """Decorate a test so that its body is explored under every interleaving.

    Args:
        strategy: a strategy name; default "dpor" (or "dfs" where dpor is absent).
        max_executions, max_seconds: budgets; when one ends the exploration the
            test passes on what was covered.
        max_steps: the per-execution step bound (a longer run is a step-limit failure).
        granularity: "memory" adds yield points at shared-memory accesses in the
            test body (its own source is recompiled; pytest's assertion
            introspection is lost there), "sync" only at threading operations.
        options: passed to the strategy (seed, preemption_bound, ...).
    """
    def decorate(test):
        if inspect.iscoroutinefunction(test):
            raise TypeError("explorer.explore_test explores threads, not async tests")

        @functools.wraps(test)
        def wrapper(*args, **kwargs):
            __tracebackhide__ = True
            settings = {"strategy": strategy, "max_executions": max_executions,
                        "max_seconds": max_seconds, "max_steps": max_steps,
                        "granularity": granularity, **options}
            schedule = getattr(wrapper, _REPRODUCE_ATTR, None) or getattr(
                test, _REPRODUCE_ATTR, None)
            run_test(test, args, kwargs, settings, schedule)
        return wrapper
    return decorate


def reproduce(schedule):
    """Make an explored test run only ``schedule`` (the line a failure prints)."""
    def decorate(test):
        setattr(test, _REPRODUCE_ATTR, "".join(str(schedule).split()))
        return test
    return decorate


def run_test(test, args, kwargs, settings, schedule=None):
    """Explore (or replay ``schedule`` of) ``test(*args, **kwargs)``; fail the test on a failure."""
    __tracebackhide__ = True
    settings = {**settings, **_OVERRIDES.get()}
    compiler = compiler_for(settings.pop("granularity"))
    target = FunctionTarget(test, args, kwargs, compiler=compiler)
    if schedule is not None:
        _replay(target, schedule, settings["max_steps"])
        return
    name = settings.pop("strategy") or _default_strategy()
    result = api.explore(target, name, **settings)
    if result.interrupted:
        raise KeyboardInterrupt
    records = result.failure_records
    if records:
        head = (f"explorer found {len(records)} failure(s) in {target.spec} after "
                f"{result.executions} executions ({result.strategy}, {result.elapsed_s:.2f} s)")
        _fail("\n".join([head] + [line for r in records for line in failure_lines(r)]))


def _replay(target, schedule, max_steps):
    __tracebackhide__ = True
    try:
        record = api.replay(target, schedule, max_steps=max_steps)
    except BadInput as exc:
        _fail(f"explorer: @explorer.reproduce: {exc}")
    except Divergence as exc:
        _stale(target, exc)
    if record.failure is not None:
        _fail("\n".join([f"explorer replayed {target.spec}:"] + failure_lines(record)))
    if record.divergence:
        _stale(target, record.divergence)


def _stale(target, why):
    __tracebackhide__ = True
    _fail(f"explorer: the schedule in @explorer.reproduce no longer matches {target.spec} "
          f"({why}); remove the line")


def failure_lines(record):
    """The failure's kind, traceback and trace, then the line to paste above the test."""
    f = record.failure
    lines = [f"  {f.kind}: {f.message}"]
    if f.traceback:
        lines.append("    traceback (most recent call last, test frames):")
        lines.extend("      " + line for line in _user_frames(f.traceback))
    lines.append(f"    trace ({len(record.trace)} steps):")
    lines.extend(report.trace_table(record))
    if record.returned:
        lines.append(f"    outcome: {bounded_repr(record.outcome)}")
    lines.append("  To replay exactly this interleaving, paste above the test:")
    lines.append(f"    {reproduce_line(record.schedule)}")
    return lines


def reproduce_line(schedule):
    return f'@explorer.reproduce("{schedule}")'


def _user_frames(text):
    """Drop the explorer's and greenlet's frames (each frame is its File line + source lines)."""
    keep, skipping = [], False
    for line in text.rstrip().splitlines():
        if line.startswith("  File "):
            skipping = _PKG in line or "greenlet" in line
        elif not line.startswith("  "):
            skipping = False
        if not skipping:
            keep.append(line)
    return keep[-16:]


def _default_strategy():
    return "dpor" if "dpor" in strategies.STRATEGIES else "dfs"


def _fail(message):
    __tracebackhide__ = True
    try:
        from _pytest.outcomes import fail
    except ImportError:  # used outside pytest
        raise AssertionError(message) from None
    fail(message, pytrace=False)


# -- pytest hooks (registered through the ``pytest11`` entry point) ---------------

def pytest_addoption(parser):
    group = parser.getgroup("explorer", "interleaving exploration (explorer)")
    group.addoption("--explorer-strategy", default=None,
                    help="strategy for every @explorer.explore_test test")
    group.addoption("--explorer-max-executions", type=int, default=None,
                    help="execution budget for every @explorer.explore_test test")
    group.addoption("--explorer-max-seconds", type=float, default=None,
                    help="time budget (seconds) for every @explorer.explore_test test")


def pytest_configure(config):
    overrides = {key: config.getoption(f"--explorer-{key.replace('_', '-')}")
                 for key in ("strategy", "max_executions", "max_seconds")}
    overrides = {k: v for k, v in overrides.items() if v is not None}
    if overrides.get("strategy") not in (None, *strategies.STRATEGIES):
        raise _usage_error(f"--explorer-strategy: unknown strategy {overrides['strategy']!r} "
                           f"(known: {', '.join(strategies.STRATEGIES)})")
    config._explorer_token = _OVERRIDES.set(overrides)


def pytest_unconfigure(config):
    token = getattr(config, "_explorer_token", None)
    if token is not None:
        _OVERRIDES.reset(token)


def _usage_error(message):
    from _pytest.config import UsageError
    return UsageError(message)
