"""Run unmodified ``threading`` code: swap the stdlib's names for ours, then restore.

Only module attributes are swapped, and only for the duration of a
``with patched():`` block; ``finally`` restores them whatever the target
does. The target's module is executed inside the block, so its
``from threading import Lock`` binds the explorer's Lock.
"""
import concurrent.futures
import concurrent.futures.thread
import contextlib
import queue
import threading
import time

from .primitives import barrier, condition, event, futures, local, lock
from .primitives import queue as xqueue
from .primitives import semaphore, thread

_TABLE = {
    threading: {
        "Thread": thread.Thread, "Timer": thread.Timer, "Lock": lock.Lock,
        "RLock": lock.RLock, "Condition": condition.Condition,
        "Semaphore": semaphore.Semaphore, "BoundedSemaphore": semaphore.BoundedSemaphore,
        "Event": event.Event, "Barrier": barrier.Barrier, "local": local.local,
        "current_thread": thread.current_thread, "currentThread": thread.current_thread,
        "main_thread": thread.main_thread, "enumerate": thread.enumerate,
        "active_count": thread.active_count, "activeCount": thread.active_count,
        "get_ident": thread.get_ident, "get_native_id": thread.get_ident,
    },
    queue: {
        "Queue": xqueue.Queue, "LifoQueue": xqueue.LifoQueue,
        "PriorityQueue": xqueue.PriorityQueue, "SimpleQueue": xqueue.SimpleQueue,
    },
    time: {"sleep": thread.sleep},
    concurrent.futures: {"ThreadPoolExecutor": futures.ThreadPoolExecutor,
                         "Future": futures.Future},
    concurrent.futures._base: {"_AcquireFutures": futures._AcquireFutures},
    concurrent.futures.thread: {"ThreadPoolExecutor": futures.ThreadPoolExecutor},
}

_MISSING = object()


@contextlib.contextmanager
def patched():
    """Swap in the explorer's primitives; always restore the originals."""
    saved = []
    try:
        for module, names in _TABLE.items():
            for name, replacement in names.items():
                saved.append((module, name, module.__dict__.get(name, _MISSING)))
                setattr(module, name, replacement)
        yield
    finally:
        for module, name, original in reversed(saved):
            if original is _MISSING:
                module.__dict__.pop(name, None)
            else:
                setattr(module, name, original)


def originals():
    """The stdlib objects the patch replaces, for tests that check restoration."""
    return {(m.__name__, n): m.__dict__.get(n) for m, names in _TABLE.items() for n in names}
