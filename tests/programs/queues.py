"""queue.Queue, LifoQueue, PriorityQueue, SimpleQueue: blocking, timeouts, task_done/join."""
import queue
import threading


def fifo_handoff():
    """A bounded queue passes items in order; the producer blocks when full."""
    q = queue.Queue(maxsize=1)
    got = []

    def consumer():
        for _ in range(3):
            got.append(q.get())

    t = threading.Thread(target=consumer)
    t.start()
    for i in range(3):
        q.put(i)
    t.join()
    return got


def two_producers():
    """Items of two producers arrive in either order."""
    q = queue.Queue()
    ts = [threading.Thread(target=q.put, args=(n,)) for n in "ab"]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return q.get() + q.get()


def lifo_and_priority():
    lifo, prio = queue.LifoQueue(), queue.PriorityQueue()
    for i in (2, 3, 1):
        lifo.put(i)
        prio.put(i)
    return [lifo.get() for _ in range(3)], [prio.get() for _ in range(3)]


def lifo_race():
    """A consumer may take the first item before the second arrives."""
    q = queue.LifoQueue()
    got = []

    def consumer():
        got.append(q.get())
        got.append(q.get())

    t = threading.Thread(target=consumer)
    t.start()
    q.put(1)
    q.put(2)
    t.join()
    return got


def full_and_empty():
    """Non-blocking and timed calls raise Full and Empty."""
    q = queue.Queue(maxsize=1)
    out = []
    for call in (q.get_nowait, lambda: q.get(timeout=0.001)):
        try:
            call()
        except queue.Empty:
            out.append("Empty")
    q.put("x")
    for call in (lambda: q.put_nowait("y"), lambda: q.put("y", timeout=0.001)):
        try:
            call()
        except queue.Full:
            out.append("Full")
    out += [q.qsize(), q.full(), q.empty()]
    return out


def get_timeout_race():
    """A timed get gets the item if it comes in time, else raises Empty."""
    q = queue.Queue()
    out = []

    def consumer():
        try:
            out.append(q.get(timeout=0.001))
        except queue.Empty:
            out.append("Empty")

    t = threading.Thread(target=consumer)
    t.start()
    q.put("item")
    t.join()
    return out


def task_done_join():
    """join() returns once every item put was marked done."""
    q = queue.Queue()
    done = []

    def worker():
        for _ in range(3):
            done.append(q.get())
            q.task_done()

    t = threading.Thread(target=worker)
    t.start()
    for i in range(3):
        q.put(i)
    q.join()
    t.join()
    return sorted(done)


def simple_queue():
    q = queue.SimpleQueue()
    out = []
    t = threading.Thread(target=lambda: out.append(q.get()))
    t.start()
    q.put("a")
    t.join()
    try:
        q.get(timeout=0.001)
    except queue.Empty:
        out.append("Empty")
    return out, q.empty(), q.qsize()
