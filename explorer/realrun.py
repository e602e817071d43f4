"""Real runs: the target on real OS threads, recorded at its yield points.

A :class:`RealRun` stands in for :class:`~explorer.runtime.execution.Execution`
behind ``explorer.runtime.kernel``, so the explorer's Thread, Timer, sleep,
Barrier and ThreadPoolExecutor work unchanged on OS threads. One big lock
makes the run look like an explored one: a thread holds it from the moment
its operation executes until it parks on its next one, so whenever a thread
parks all others are parked too and the state is taken by the very code that
takes explored states (:class:`~explorer.graph.state.StateRecorder`). Which
thread goes next is up to the OS (shaken by a tiny switch interval and random
tiny sleeps), never up to a strategy.

Locks, semaphores, events, conditions and queues are the standard library's
own objects driven without blocking (``acquire(False)``, ``put_nowait``,
...) under the big lock: their real behaviour, not the explorer's model of
it, decides what happens, and their real state is what the graph sees.
"""
import _thread
import contextlib
import sys
import threading as _std
import time
import types

from . import patching
from .primitives.thread import MainThread
from .runtime import kernel
from .runtime.ops import ACQUIRE, RELEASE, WRITE, Op
from .runtime.sites import caller_site

SLEEP_CAP = 0.05      # a real sleep is cut to this many seconds: timing only makes orders likely
_BLOCKED_POLL = 0.05


class Abort(BaseException):
    """Unwinds a real thread once its run is over (ended, failed or deadlocked)."""


class RealThread:
    """What the state abstraction reads of a thread, as of a LogicalThread."""

    __slots__ = ("tid", "name", "daemon", "obj", "pending", "finished", "result", "frame",
                 "glet")

    def __init__(self, tid, name, daemon, obj):
        self.tid, self.name, self.daemon, self.obj = tid, name, daemon, obj
        self.pending = self.frame = self.glet = self.result = None
        self.finished = False


class RealRun:
    """One run of the target on OS threads; see the module docstring.

    Args:
        recorder: a StateRecorder that receives every state and step.
        rng: random.Random for the shaking sleeps.
        max_steps: a run longer than this ends as ``step-limit``.
    """

    def __init__(self, recorder, rng, max_steps):
        self.recorder = recorder
        self.rng = rng
        self.shake = rng.random()          # this run's taste for switching threads
        self.max_steps = max_steps
        self.big = _thread.allocate_lock()
        self.changed = _std.Condition(self.big)
        self.threads, self.live, self.atexit = [], [], []
        self.by_ident, self.counters = {}, {}
        self.steps = 0
        self.end = None                     # ("outcome", value) | (kind, message)
        self.over = False
        self.os_threads = 0
        self.idle = _thread.allocate_lock()  # released when the last OS thread is gone
        self.idle.acquire()

    # -- what kernel and primitives ask of an execution ----------------------
    @property
    def running(self):
        return self.by_ident.get(_thread.get_ident())

    def next_number(self, key):
        n = self.counters.get(key, 0) + 1
        self.counters[key] = n
        return n

    def spawn(self, obj, body, name, daemon, site=None):
        """Create a thread parked on "begin" and its OS thread (caller holds the big lock)."""
        t = RealThread(len(self.threads), name, daemon, obj)
        t.pending = Op("begin", obj, ((obj, ACQUIRE),))
        t.pending.site = site or ("?", 0)
        self.threads.append(t)
        self.live.append(t)
        self.os_threads += 1
        _thread.start_new_thread(self._os_thread, (t, body))
        return t

    def park(self, op):
        """``kernel.step``: park on ``op``, let the OS pick who runs, run ``op`` when picked."""
        op.site = caller_site()
        t = self.running
        self._arrive(t, op)
        self._take_turn(t, op)

    # -- the protocol ---------------------------------------------------------
    def start(self, main_obj, body, site):
        """Start the main thread; return once the initial state is recorded."""
        with self.big:
            main = self.spawn(main_obj, body, "MainThread", False, site)
            main_obj._lt = main
            self.recorder.keys.append(self.recorder.state(self.threads))

    def _arrive(self, t, op, last=False):
        """``t`` parks on ``op`` (None: it ended); every thread is parked: take the state.

        ``last``: the run ends here (an uncaught error), so nobody is waited for.
        """
        if self.over:
            raise Abort
        t.pending = op
        t.frame = sys._getframe(1)
        self.recorder.keys.append(self.recorder.state(self.threads))
        self.changed.notify_all()
        if not last and self.live and not any(_ready(u.pending) for u in self.live):
            self._finish(("deadlock", "no thread can run"))
            raise Abort

    def _take_turn(self, t, op):
        while True:
            self.big.release()
            try:
                self._shake(op)
            finally:
                self.big.acquire()
            if self.over:
                raise Abort
            if _ready(op):
                break
            self.changed.wait(_BLOCKED_POLL)
        t.pending = None
        self.recorder.executed(t, op)
        self.steps += 1
        if self.steps >= self.max_steps:
            self._finish(("step-limit", f"no end after {self.max_steps} steps"))
            raise Abort

    def _shake(self, op):
        if op.kind == "sleep":
            time.sleep(min(op.detail or 0, SLEEP_CAP))
        elif self.rng.random() < self.shake:
            time.sleep(self.rng.random() * 2e-5)

    def _os_thread(self, t, body):
        self.by_ident[_thread.get_ident()] = t
        self.big.acquire()
        try:
            self._take_turn(t, t.pending)
            self._body(t, body)
        except Abort:
            pass
        finally:
            self.os_threads -= 1
            self.changed.notify_all()
            if not self.os_threads:
                self.idle.release()
            self.big.release()

    def _body(self, t, body):
        try:
            t.result = body()
        except (Abort, SystemExit):
            return
        except BaseException as exc:  # noqa: BLE001 - an uncaught error ends the run
            kind = "assertion" if isinstance(exc, AssertionError) else "exception"
            self._arrive(t, None, last=True)
            self._finish((kind, f"{type(exc).__name__}: {exc} in {t.name}"))
            return
        if t.tid == 0:
            for callback in self.atexit:
                callback()
            kernel.step(Op("shutdown", None, ready=self._non_daemons_done,
                           waits_for="non-daemon threads"))
        kernel.step(Op("exit", t.obj, ((t, WRITE | RELEASE),)))
        t.finished = True
        self.live.remove(t)
        self._arrive(t, None)
        if t.tid == 0:
            self._finish(("outcome", t.result))

    def _non_daemons_done(self):
        return all(u.daemon or u.finished for u in self.live if u.tid != 0)

    def _finish(self, end):
        if not self.over:
            self.over, self.end = True, end
        self.changed.notify_all()

    def stop(self, end):
        """From outside the run (the watchdog): end it; stuck threads are abandoned."""
        if self.big.acquire(timeout=1.0):
            try:
                self._finish(end)
            finally:
                self.big.release()
        else:
            self.over, self.end = True, end


def _ready(op):
    return op is not None and (op.ready is None or bool(op.ready()))


def run_once(target, recorder, rng, max_steps, timeout):
    """Run ``target`` once on OS threads; return how it ended.

    A run still going after ``timeout`` seconds is stopped and ends as
    ``("timeout", ...)``: a hang is a finding about the run, not a crash of
    the check.
    """
    run = RealRun(recorder, rng, max_steps)
    previous = kernel.activate(run)
    try:
        run.start(MainThread(), lambda: target.load()(), (target.path, 1))
        if not run.idle.acquire(timeout=timeout):
            run.stop(("timeout", f"still running after {timeout:g} s"))
            run.idle.acquire(timeout=1.0)
    finally:
        kernel.activate(previous)
    return run.end or ("timeout", "the run ended without an outcome")


def real_table():
    """What real runs put in place of the standard library's names.

    The explorer's own Thread, Timer, sleep, Barrier and ThreadPoolExecutor
    (they only call the kernel); the recorded real primitives for the rest.
    """
    import queue

    from . import realprims
    table = {module: dict(names) for module, names in patching._TABLE.items()}
    for name in ("Lock", "RLock", "Condition", "Semaphore", "BoundedSemaphore", "Event"):
        table[_std][name] = getattr(realprims, name)
    for name in ("Queue", "LifoQueue", "PriorityQueue", "SimpleQueue"):
        table[queue][name] = getattr(realprims, name)
    return table


@contextlib.contextmanager
def proxied(table):
    """Let the target import proxies of ``threading``, ``queue``, ``time`` ...

    Unlike exploration, real runs cannot swap names inside the standard
    library's modules: their own code (``threading.Thread`` internals, real
    queues) must keep the real primitives. So the target alone gets proxy
    modules, through ``sys.modules``, for the duration; and the futures'
    ``threading`` so that a Future's condition is recorded too.
    """
    import concurrent
    import concurrent.futures._base as futures_base
    saved = [(sys.modules, module.__name__, module) for module in table]
    saved += [(vars(concurrent), "futures", concurrent.futures),
              (vars(futures_base), "threading", futures_base.threading)]
    try:
        for module, names in table.items():
            proxy = types.ModuleType(module.__name__, module.__doc__)
            vars(proxy).update(vars(module))
            vars(proxy).update(names)
            sys.modules[module.__name__] = proxy
        concurrent.futures = sys.modules["concurrent.futures"]
        futures_base.threading = sys.modules["threading"]
        yield
    finally:
        for namespace, name, original in saved:
            namespace[name] = original
