"""A daemon thread is dropped at exit: nothing waits for it to finish.

What it teaches: the same program as thread_start.py, but the worker is a
daemon. CPython's shutdown joins only non-daemon threads, so when main
returns the daemon is stopped wherever it stands; its "finishing" line is
only ever written if the worker got there before main finished.

Outcome: the tuple of log lines present at the moment main returns.

Facts (derived by counting, every append an atomic step):
- the possible outcomes are the same 10 as in thread_start.py: the worker has
  logged k = 0, 1 or 2 lines, merged with main's last two lines in
  C(2 + k, k) ways (1 + 3 + 6). The difference is after main returns: a
  non-daemon thread is always completed, a daemon one never is.
- with only thread operations and sleeps as yield points (and a switch
  possible right after start()), 3 outcomes remain.
- executions where main returns before the worker logs "finishing" end with
  the worker unfinished; that is correct behaviour, not a deadlock.
"""
import threading
import time

LESSON = "A daemon thread is dropped at exit: nothing waits for it to finish."


def main():
    lines = []

    def thread_function(name):
        lines.append(f"Thread {name}: starting")
        time.sleep(0.01)
        lines.append(f"Thread {name}: finishing")

    lines.append("Main    : before creating thread")
    x = threading.Thread(target=thread_function, args=(1,), daemon=True)
    lines.append("Main    : before running thread")
    x.start()
    lines.append("Main    : wait for the thread to finish")
    lines.append("Main    : all done")
    return tuple(lines)


if __name__ == "__main__":
    print(main())
