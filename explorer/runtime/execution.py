"""Execution: one run of the target under the cooperative scheduler.

The hub (the greenlet that calls :meth:`Execution.run`) owns the step loop:
every logical thread runs until it parks on its next operation, then control
returns to the hub, which asks the strategy which enabled thread goes next.
The runtime only *executes*; the choice is always the strategy's (shuttle's
``Scheduler::next_task``; loom's ``rt::execution``).
"""
import traceback

from greenlet import GreenletExit, greenlet

from . import kernel, spin
from .ops import ACQUIRE, RELEASE, WRITE, Op
from ..errors import Divergence
from ..naming import bounded_repr, object_name
from .sites import caller_site, short
from .threads import LogicalThread


class ChoicePoint:
    """What a strategy sees at a yield point (it never sees threads).

    Attributes:
        step: index of the step about to be taken.
        enabled: tids that can run, in creation order.
        current: tid that took the previous step (None at the start).
        pending: tid -> pending Op, for every live thread, blocked ones too.
        state: the state key here when the observer takes exact states
            (``explorer.graph.state``), else None.
    """

    __slots__ = ("step", "enabled", "current", "pending", "state")

    def __init__(self, step, enabled, current, pending, state=None):
        self.step = step
        self.enabled = enabled
        self.current = current
        self.pending = pending
        self.state = state


class Failure:
    """A failure found in one execution (kind as in DESIGN.md's contract)."""

    def __init__(self, kind, message, tid=None, step=None, details=None, tb=None):
        self.kind = kind
        self.message = message
        self.tid = tid
        self.step = step
        self.details = details or {}
        self.traceback = tb

    def __repr__(self):
        return f"Failure({self.kind}: {self.message})"


NO_OUTCOME = object()
_EFFECTS = spin.EFFECTS


class Execution:
    """One execution: logical threads, the step loop, the trace and the schedule.

    Args:
        strategy: answers ``choose(point)``; see ``explorer.strategies.base``.
        max_steps: a per-execution bound; hitting it is a ``step-limit`` failure.
    """

    def __init__(self, strategy, max_steps=20000, on_deadlock=None, observer=None):
        self.strategy = strategy
        self.on_deadlock = on_deadlock  # observer: describes a deadlock before teardown
        # observer.at_yield_point(ex): called whenever every thread is parked (before
        # the first step and after each one); it may read state, never change it.
        # observer.exact_key(): that state's key for ``ChoicePoint.state``, or None.
        self.observer = observer
        self.max_steps = max_steps
        self.threads = []          # every logical thread, by tid
        self.live = []             # started and not finished
        self.trace = []            # (tid, op) per executed step
        self.choices = []          # tid at each step with more than one enabled thread
        self.failure = None
        self.outcome = NO_OUTCOME
        self.running = None
        self.pruned = False
        self.steps = 0
        self.preemptions = 0       # switches away from a thread that could have gone on
        self.counters = {}         # per-execution counters for default names
        self.hub = None
        self.atexit = []           # run by the main thread at exit (threading._register_atexit)
        self.roots = {}            # objects alive at the first Thread.start (runtime/roots.py)
        self.spinners = []         # threads blocked in a busy-wait (see spin.py)
        self.noops = set()         # trace indices of operations that changed nothing (spin.py)

    # -- threads -----------------------------------------------------------
    def spawn(self, obj, body, name, daemon, site=None):
        """Create a logical thread that will run ``body()``; it starts parked."""
        tid = len(self.threads)
        glet = greenlet(self._bootstrap, parent=self.hub)
        t = LogicalThread(tid, name, daemon, obj, glet, self.running)
        t.pending = Op("begin", obj, ((obj, ACQUIRE),))
        t.pending.site = site or ("?", 0)
        self.threads.append(t)
        self.live.append(t)
        glet.xp_body = body
        return t

    def next_number(self, key):
        n = self.counters.get(key, 0) + 1
        self.counters[key] = n
        return n

    def park(self, op):
        """Park the running thread on ``op`` and return when it is chosen."""
        op.site = caller_site()
        t = self.running
        t.pending = op
        self.hub.switch()

    def _bootstrap(self):
        t = self.running
        try:
            t.result = greenlet.getcurrent().xp_body()
        except GreenletExit:
            raise
        except SystemExit:
            pass  # as in CPython: SystemExit ends the thread quietly
        except BaseException as exc:  # noqa: BLE001 - every uncaught error is a finding
            if self.running is t:  # not an error of cleanup code run by _teardown
                self._uncaught(t, exc)
            return
        if t.tid == 0:
            self.outcome = t.result
            self._shutdown()
        kernel.step(Op("exit", t.obj, ((t, WRITE | RELEASE),)))
        t.finished = True
        self.live.remove(t)

    def _shutdown(self):
        """Join non-daemon threads at program exit, as ``threading._shutdown`` does."""
        for callback in self.atexit:
            callback()

        def ready():
            return all(u.daemon or u.finished for u in self.live if u.tid != 0)
        kernel.step(Op("shutdown", None, ready=ready, waits_for="non-daemon threads"))

    def _uncaught(self, t, exc):
        kind = getattr(exc, "failure_kind", None)  # e.g. the watchdog's StepTimeout
        where = _raise_site(exc)
        text = _exc_text(exc)
        if kind is None:
            kind = "assertion" if isinstance(exc, AssertionError) else "exception"
            text = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
            text = f"{text} in {t.name} at {where}"
        tb = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        self.failure = Failure(kind, text, t.tid, self.steps,
                               {"thread": t.name, "location": where}, tb)

    # -- the step loop -----------------------------------------------------
    def run(self, main_obj, target, site=None):
        """Run ``target`` as the main thread until it ends, fails or deadlocks."""
        previous = kernel.activate(self)
        self.hub = greenlet.getcurrent()
        try:
            main = self.spawn(main_obj, target, "MainThread", False,
                              site=site or _code_site(target))
            main_obj._lt = main
            self._loop(main)
        finally:
            self._teardown()
            kernel.activate(previous)
        return self

    def _loop(self, main):
        strategy = self.strategy
        current = None
        observer = self.observer
        if observer is not None:
            observer.at_yield_point(self)
        while self.failure is None and not main.finished:
            live = self.live
            pending = {t.tid: t.pending for t in live}
            enabled = [tid for tid, op in pending.items() if op.ready is None or op.ready()]
            if not enabled:
                self._stuck(live)
                break
            if self.steps >= self.max_steps:
                self.failure = Failure(
                    "step-limit",
                    f"no end after {self.max_steps} steps: a spin loop or livelock "
                    "(a thread waiting for another without blocking)?", current, self.steps)
                break
            state = observer.exact_key() if observer is not None else None
            try:
                tid = strategy.choose(ChoicePoint(self.steps, enabled, current, pending, state))
            except Divergence as exc:
                self.failure = Failure("nondeterminism", str(exc), current, self.steps)
                break
            if tid is None:
                self.pruned = True
                break
            if tid not in enabled:
                self.failure = _diverged(self, tid, enabled, current)
                break
            if len(enabled) > 1:
                self.choices.append(tid)
                if tid != current and current in enabled:
                    self.preemptions += 1
            current = tid
            self._step(self.threads[tid])
            if observer is not None:
                observer.at_yield_point(self)
        self.final = ChoicePoint(self.steps, [], current, {t.tid: t.pending for t in self.live})
        if self.failure is not None:
            self.failure.details.setdefault("threads", self._thread_states())

    def _step(self, t):
        """Run ``t``'s pending operation and its code up to its next yield point."""
        if t.watch is not None:
            spin.release(self, t)
        op = t.pending
        self.trace.append((t.tid, op))
        self.steps += 1
        t.pending = None
        self.running = t
        probe = t.probe
        if probe is None:
            t.glet.switch()
        else:   # learn whether the operation changes its primitive (spin.py)
            t.probe, before = None, probe.xp_state()
            t.glet.switch()
            if probe.xp_state() == before:
                self.noops.add(self.steps - 1)
        self.running = None
        if self.spinners:
            spin.notice(self, op)
        op = t.pending
        if op is not None and op.kind not in _EFFECTS:   # a busy-wait? (spin.py)
            key = (op.site, op.kind)
            seen = t.visits.get(key)
            if seen is None:
                t.visits[key] = self.steps
            else:
                spin.visit(self, t, op, seen)

    def _stuck(self, live):
        """No thread can run: a livelock if one spins (spin.py), else a deadlock."""
        stuck = [t for t in self.spinners if not t.watch.ready()]
        if stuck:
            message, details = spin.livelock(stuck)
            self.failure = Failure("step-limit", message, stuck[0].tid, self.steps, details)
            return
        blocked = [(t.tid, t.pending) for t in live]
        self.failure = Failure("deadlock", "deadlock", None, self.steps, {"blocked": blocked})
        if self.on_deadlock is not None:
            self.on_deadlock(self.failure, blocked, self.threads)

    def _thread_states(self):
        """What each live thread was pending on when the execution failed."""
        return [{"thread": t.name, "op": t.pending.kind, "object": object_name(t.pending.obj),
                 "location": short(t.pending.site or ("?", 0))}
                for t in self.live if t.pending is not None]

    def _teardown(self):
        """Throw GreenletExit into threads still parked, with scheduling off.

        Daemon threads are dropped where they stand (CPython's shutdown);
        their ``finally`` blocks run now, not later in another execution.
        """
        self.running = None
        for t in self.threads:
            if not t.finished and t.glet and not t.glet.dead:
                try:
                    t.glet.throw(GreenletExit)
                except BaseException:  # noqa: BLE001 - user cleanup errors are irrelevant here
                    pass
            t.glet = None
            t.visits = {}   # busy-wait checks hold frames and their locals: let them go


def _exc_text(exc, limit=1000):
    """``str(exc)``, bounded, and never raising (a target's ``__str__`` may)."""
    try:
        text = str(exc)
    except Exception:  # noqa: BLE001 - an unprintable error is still an error
        return f"<str() failed; repr: {bounded_repr(exc)}>"
    return text if len(text) <= limit else text[:limit] + f"...<{len(text)} chars>"


def _diverged(ex, tid, enabled, current):
    """The strategy chose a thread that cannot run: the program changed under the schedule."""
    names = ", ".join(ex.threads[i].name for i in enabled)
    chosen = ex.threads[tid].name if 0 <= tid < len(ex.threads) else f"thread #{tid}"
    return Failure("nondeterminism", f"step {ex.steps}: the schedule says {chosen} runs, but "
                   f"only {names} can run: the program did not repeat itself under the same "
                   "choices (random, the clock, id() order or I/O?)", current, ex.steps)


def _code_site(fn):
    code = getattr(fn, "__code__", None)
    return (code.co_filename, code.co_firstlineno) if code else ("?", 0)


def _raise_site(exc):
    """The innermost user-code frame of an exception's traceback, as file:line."""
    from .sites import _PKG, short
    site = None
    tb = exc.__traceback__
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        if not name.startswith(_PKG):
            site = (name, tb.tb_lineno)
        tb = tb.tb_next
    return short(site) if site else "?"
