"""Busy-waits: a loop iteration that changes nothing is a wait, not progress.

A thread polling ``while not flag: pass`` would run until the step bound
under a strategy that prefers the current thread, and a correct program be
reported as a ``step-limit``. GenMC blocks such await loops until a value
they read changes (Kokologiannakis, Ren, Vafeiadis: "Dynamic partial order
reductions for spinloops", FMCAD 2021); this does it at yield points.

The rule. When a thread parks at a (site, op kind) it parked at before, the
steps since then are an iteration. The thread *spins* when

1. the iteration had no effect: no memory write; an operation that left its
   primitive's ``xp_state()`` as it was is none (a timed-out wait or get, a
   failed try-acquire), nor is an acquire (WRITE|ACQUIRE) released again in
   the iteration (``with lock:`` polling, a timed ``Condition.wait``), nor
   are reads, sleeps and operations without accesses; any other WRITE or
   RELEASE is an effect;
2. no other thread wrote what it read, after it read it: a location (any key
   of a container read whole, returned by a read or held in a local), or a
   primitive it used (by an operation that changed it);
3. it is where it was: the same frames at the same instructions with the
   same locals (compared with an earlier visit, so only in loops).

Its pending operation is then not ready until another thread writes a
location it read or changes a primitive it used. All it could do meanwhile
is repeat the iteration, so nothing is lost; the strategy still picks among
enabled threads, and a replay blocks at the same step: this depends only on
the trace and the program's state.

Conservative: never a spin with a local iterator or generator, in a
generator frame, when the innermost loop of the looping frame is a ``for``
(its iterator is on the value stack, out of sight), or over an iteration of
more than ``MAX_WINDOW`` steps. Limits: a local container is compared by its
length and first ``MAX_ITEMS`` items; only tracked accesses are seen (a loop
waiting on an untracked variable blocks for good; the message says so).
"""
import dis
from collections import deque
from itertools import chain, islice

from ..naming import object_name
from .ops import ACQUIRE, RELEASE, WRITE
from .sites import _PKG, short

# Kinds that are always an effect: an iteration starting with one is never a wait.
EFFECTS = frozenset(("write", "release", "start", "exit"))
MAX_WINDOW = 1000   # steps: a longer iteration is not checked (bounded work per visit)
MAX_ITEMS = 16      # items of a local container compared
MAX_BACKOFF = 63   # visits left unchecked after a check that found no wait
ANY = object()      # "every key of this object" in a memory read set
_SCALARS = frozenset((type(None), bool, int, float, complex, str, bytes))
_CONTAINERS = (list, dict, set, deque, bytearray)
_GENERATOR = 0x20 | 0x80 | 0x200   # CO_GENERATOR | CO_COROUTINE | CO_ASYNC_GENERATOR
_JUMPS = frozenset(dis.hasjrel) | frozenset(dis.hasjabs) | frozenset(getattr(dis, "hasjump", ()))
_LOOPS = {}         # code -> [(start, end, is_for)]: its loops, by bytecode offset
_OURS = {}          # code -> True when it is the explorer's own


def visit(ex, t, op, seen):
    """``t`` parked on ``op`` at a (site, kind) it parked at before (``seen``: int or Visit)."""
    entry = seen
    if type(seen) is int:
        entry = t.visits[op.site, op.kind] = Visit(seen)
    if op.ready is None and op.kind != "read" and any(m & WRITE for _, m in op.accesses):
        t.probe = getattr(op.obj, "xp_state", None) and op.obj   # learn whether it changes it
    if entry.wait:
        entry.wait -= 1
        return
    n = len(ex.trace)
    frames = Frames(t)
    if frames.hidden:
        entry.restart(n, None, backoff=True)
    elif entry.frames is None or n - entry.index > MAX_WINDOW:
        entry.restart(n, frames, backoff=False)   # the reference state: compare next visit
    elif not frames.same(entry.frames):
        entry.restart(n, frames, backoff=True)
    else:
        reads = _scan(ex, t.tid, entry.index)
        if reads is None or frames.containers.keys() & reads.written:
            entry.restart(n, frames, backoff=True)
        else:
            reads.mem.update(dict.fromkeys(frames.containers, ANY))
            _block(ex, t, op, Watch(reads))
            entry.restart(n, None, backoff=False)


class Visit:
    """The last check at one (site, kind) of a thread: the trace index and the state then.

    After a check that finds no wait, the next ``wait`` visits go unchecked
    (0, 3, 15, then ``MAX_BACKOFF``), so a loop that is no wait costs
    a dict lookup a visit. States several iterations apart prove a wait as
    well as adjacent ones: the window then spans all those iterations.
    """

    __slots__ = ("index", "frames", "wait", "period")

    def __init__(self, index):
        self.index, self.frames, self.wait, self.period = index, None, 0, 0

    def restart(self, index, frames, backoff):
        """Start the next window at trace ``index`` with reference state ``frames``."""
        self.index, self.frames = index, frames
        if backoff:
            self.wait = self.period
            self.period = min(4 * self.period + 3, MAX_BACKOFF)
        elif frames is None:
            self.wait = self.period = 0
        else:
            self.wait = 0


def notice(ex, op):
    """Another thread executed ``op``: a memory write wakes the spinners that read it."""
    for t in ex.spinners:
        t.watch.notice(op)


def release(ex, t):
    """``t`` was chosen to run again: it no longer waits."""
    ex.spinners.remove(t)
    t.watch = None


def livelock(stuck):
    """``(message, details)`` of the step-limit failure of spinners nothing can wake."""
    parts = [f"{t.name} spins forever at {short(t.pending.site)} {t.watch.describe()}"
             for t in stuck]
    details = {"thread": stuck[0].name, "location": short(stuck[0].pending.site)}
    return "; ".join(parts) + " (a busy-wait no other thread can end)", details


class Blocked:
    """``Op.ready`` of a spinning thread's operation: False until what it read changes.

    ``own`` is the operation's own ``ready`` (None: always): whether it could
    run as far as the program goes, as a state graph or a real run sees it.
    """

    __slots__ = ("watch", "own")

    def __init__(self, watch, own):
        self.watch = watch
        self.own = own

    def __call__(self):
        own = self.own
        return self.watch.ready() and (own is None or own())


def _block(ex, t, op, watch):
    op.ready = Blocked(watch, op.ready)
    t.watch = watch
    ex.spinners.append(t)


# -- one iteration of the trace -------------------------------------------------
class Reads:
    """What a thread read in one iteration, and what others wrote meanwhile.

    Attributes:
        mem: ``id(object) -> set of keys`` (or ``ANY``) of memory read.
        prims: ``id(primitive) -> primitive`` operated on.
        keys: other access keys (threads joined or polled with ``is_alive``).
        written: ids of objects other threads wrote in the iteration.
        seen: what was read, in order, for the livelock message.
    """

    __slots__ = ("mem", "prims", "keys", "written", "seen")

    def __init__(self):
        self.mem, self.prims, self.keys, self.written, self.seen = {}, {}, set(), set(), []

    def own(self, op, noop, held):
        """Add the thread's own ``op``; False when it is an effect."""
        kind = op.kind
        if kind == "read":
            self._location(op.obj)
            return True
        if kind == "write":
            return False
        if not noop and not _balanced(op.accesses, held):
            return False
        obj = op.obj
        if op.accesses:
            if getattr(obj, "xp_state", None) is not None:
                self.prims[id(obj)] = obj
            else:
                self.keys.update(key for key, _ in op.accesses)
            self.seen.append(obj)
        return True

    def touched_by(self, op, primitives=True):
        """Whether another thread's ``op`` writes what was read (or changes a primitive used)."""
        kind = op.kind
        if kind == "write":
            self.written.add(op.obj.key[0])
            return hits(self.mem, op.obj)
        if kind == "read":
            return False
        for key, mode in op.accesses:
            if mode & (WRITE | RELEASE) and (key in self.keys or primitives
                                              and id(op.obj) in self.prims):
                return True
        return False

    def _location(self, loc):
        obj_id, name = loc.key
        if loc.whole:
            self.mem[obj_id] = ANY
        else:
            names = self.mem.setdefault(obj_id, set())
            if names is not ANY:
                names.add(name)
            value = _value(loc)   # a container read through it is read by content too
            if isinstance(value, _CONTAINERS):
                self.mem[id(value)] = ANY
        self.seen.append(loc)


def hits(mem, loc):
    """Whether a memory write to location ``loc`` touches the read set ``mem``."""
    names = mem.get(loc.key[0])
    return names is not None and (names is ANY or loc.whole or loc.name in names)


def _scan(ex, tid, start):
    """The Reads of thread ``tid`` since trace index ``start``, or None if it was no wait."""
    trace, noops = ex.trace, ex.noops
    reads, held = Reads(), set()
    for i in range(start, len(trace)):
        who, op = trace[i]
        if who == tid:
            if not reads.own(op, i in noops, held):
                return None
        elif i not in noops and reads.touched_by(op):
            return None
    return None if held else reads


def _balanced(accesses, held):
    """Track acquires released again; False at any other WRITE or RELEASE.

    A lock's release also writes ``(lock, "held")`` (``primitives/lock.py``):
    that is the same release, not another effect.
    """
    released = ()
    for key, mode in accesses:
        if mode & RELEASE and key in held:
            held.discard(key)
            released = key
        elif mode & WRITE and type(key) is tuple and key[0] is released:
            continue
        elif mode & WRITE and mode & ACQUIRE:
            held.add(key)
        elif mode & (WRITE | RELEASE):
            return False
    return True


def _value(loc):
    """The value now at a memory location (the hub runs no hooks, so this is a plain read)."""
    try:
        return getattr(loc.obj, loc.name) if loc.kind == "attr" else loc.obj[loc.name]
    except Exception:  # noqa: BLE001 - a location that is gone holds no container
        return None


# -- the thread's own state -----------------------------------------------------
class Frames:
    """A parked thread's frames outside the explorer, innermost first, and their locals.

    A container in a local is kept as a ``Contents`` snapshot and its id in
    ``containers``: the thread may read it untracked (``while not items``).
    ``hidden`` is set when the state cannot be compared (an iterator or a
    generator in the locals, a generator frame).
    """

    __slots__ = ("frames", "lastis", "locals", "containers", "hidden")

    def __init__(self, t):
        self.frames, self.lastis, self.locals, self.containers = [], [], [], {}
        self.hidden = False
        f = t.glet.gr_frame
        while f is not None and not self.hidden:
            code = f.f_code
            ours = _OURS.get(code)
            if ours is None:
                ours = _OURS[code] = code.co_filename.startswith(_PKG)
            if not ours:
                self._add(f, code)
            f = f.f_back

    def _add(self, f, code):
        values = dict(f.f_locals)
        if code.co_flags & _GENERATOR:
            self.hidden = True
        for name, value in values.items():
            cls = type(value)
            if cls in _SCALARS:
                continue
            if hasattr(cls, "__next__"):
                self.hidden = True
            elif isinstance(value, _CONTAINERS):
                self.containers[id(value)] = value
                values[name] = Contents(value)
        self.frames.append(f)
        self.lastis.append(f.f_lasti)
        self.locals.append(values)

    def same(self, other):
        """Whether the thread is where ``other`` found it, with the same locals."""
        if self.lastis != other.lastis:
            return False
        for a, b in zip(self.locals, other.locals):
            if a.keys() != b.keys() or not all(_same_value(v, b[k]) for k, v in a.items()):
                return False
        # the looping frame: the innermost one that did not return in between
        looping = next((i for i, (a, b) in enumerate(zip(self.frames, other.frames))
                        if a is b), None)
        return looping is not None and not _in_for_loop(self.frames[looping].f_code,
                                                        self.lastis[looping])


class Contents(tuple):
    """A container as it was: its type, its length and its first ``MAX_ITEMS`` items."""

    __slots__ = ()

    def __new__(cls, value):
        items = chain.from_iterable(value.items()) if isinstance(value, dict) else value
        return super().__new__(cls, (type(value), len(value), *islice(items, 2 * MAX_ITEMS)))


def _same_value(a, b, depth=0):
    """Equal scalars, the same object, or tuples and contents made of those."""
    if a is b:
        return True
    cls = type(a)
    if cls is not type(b):
        return False
    if cls in _SCALARS:
        return a == b
    if (cls is tuple or cls is Contents) and depth < 3 and len(a) == len(b):
        return all(_same_value(x, y, depth + 1) for x, y in zip(a, b))
    return False


def _in_for_loop(code, lasti):
    """Whether the innermost loop around ``lasti`` is a ``for`` (or there is no loop)."""
    best = None
    for start, end, is_for in _loops(code):
        if start <= lasti <= end and (best is None or start > best[0]):
            best = (start, is_for)
    return best is None or best[1]


def _loops(code):
    """Backward jumps are loops: (target, last jump, target is FOR_ITER), cached per code."""
    loops = _LOOPS.get(code)
    if loops is None:
        instructions = list(dis.get_instructions(code))
        fors = {i.offset for i in instructions if i.opname == "FOR_ITER"}
        ends = {}
        for i in instructions:
            if i.opcode in _JUMPS and isinstance(i.argval, int) and i.argval <= i.offset:
                ends[i.argval] = max(ends.get(i.argval, -1), i.offset)
        loops = _LOOPS[code] = [(s, e, s in fors) for s, e in ends.items()]
    return loops


# -- the wait -------------------------------------------------------------------
class Watch:
    """What a spinning thread waits on; ``ready()`` tells whether any of it changed.

    Memory and other keys (a thread polled with ``is_alive``) wake it by
    event, another thread's write (:meth:`Reads.touched_by`); primitives by
    value, ``xp_state()`` now against the value at the block, so another
    poller's acquire-and-release wakes nobody.
    """

    __slots__ = ("reads", "states", "woken")

    def __init__(self, reads):
        self.reads = reads
        self.states = [(p, p.xp_state()) for p in reads.prims.values()]
        self.woken = False

    def ready(self):
        if self.woken:
            return True
        for prim, state in self.states:
            if prim.xp_state() != state:
                return True
        return False

    def notice(self, op):
        if self.reads.touched_by(op, primitives=False):
            self.woken = True

    def describe(self):
        """What it waits for, named as in traces, first read first."""
        names = list(dict.fromkeys(object_name(obj) for obj in self.reads.seen))
        if not names:
            return ("and reads nothing the explorer tracks: a loop nothing can end, or one "
                    "waiting on what the explorer does not see (a plain variable at "
                    "--granularity sync, another module's state, I/O, the clock)")
        return f"waiting for {' or '.join(names)} to change"
