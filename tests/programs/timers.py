"""Timer: fires after its interval unless cancelled first."""
import threading


def fires():
    out = []
    t = threading.Timer(0.001, out.append, args=("fired",))
    t.start()
    t.join()
    return out


def cancel_race():
    """cancel() right after start: the timer usually does not fire, but may."""
    out = []
    t = threading.Timer(0.001, out.append, args=("fired",))
    t.start()
    t.cancel()
    t.join()
    return out


def cancel_before_start():
    out = []
    t = threading.Timer(0.001, out.append, args=("fired",))
    t.cancel()
    t.start()
    t.join()
    return out
