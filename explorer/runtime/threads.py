"""LogicalThread: one thread of the target, run as a greenlet."""


class LogicalThread:
    """A logical thread: the main function, a Thread, a Timer or a pool worker.

    ``pending`` is the operation the thread is parked on (None while it runs);
    ``obj`` is the user-visible Thread object (or the main thread object).
    Busy-wait detection (``spin.py``) keeps ``visits`` ((site, kind) -> trace
    index, or a ``spin.Visit`` once seen twice), ``watch`` (what it waits on
    while it spins) and ``probe`` (a primitive its next operation may leave
    unchanged).
    """

    __slots__ = ("tid", "name", "daemon", "obj", "glet", "pending", "finished",
                 "result", "parent", "visits", "watch", "probe")

    def __init__(self, tid, name, daemon, obj, glet, parent):
        self.tid = tid
        self.name = name
        self.daemon = daemon
        self.obj = obj
        self.glet = glet
        self.parent = parent
        self.pending = None
        self.finished = False
        self.result = None
        self.visits = {}
        self.watch = None
        self.probe = None

    def __repr__(self):
        return f"<LogicalThread {self.name}>"
