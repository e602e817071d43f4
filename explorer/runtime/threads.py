"""LogicalThread: one thread of the target, run as a greenlet."""


class LogicalThread:
    """A logical thread: the main function, a Thread, a Timer or a pool worker.

    ``pending`` is the operation the thread is parked on (None while it runs);
    ``obj`` is the user-visible Thread object (or the main thread object).
    """

    __slots__ = ("tid", "name", "daemon", "obj", "glet", "pending", "finished",
                 "result", "parent")

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

    def __repr__(self):
        return f"<LogicalThread {self.name}>"
