"""join() waits for a thread: after it, everything the thread did has happened.

What it teaches: x.join() blocks the caller until x has finished (daemon or
not). Lines logged before the join may still interleave with the worker's,
but every line after the join sees the worker's whole work.

Outcome: the tuple of all log lines, in the order they were written.

Facts (derived by counting, every append an atomic step):
- "Thread 1: finishing" always comes before "Main    : all done".
- the only freedom is where "wait for the thread to finish" falls among the
  worker's two lines: before both, between them, or after both -> 3 outcomes.
- with only thread operations and sleeps as yield points (and a switch
  possible right after start()) the same 3 remain: the worker's sleep is the
  switch point between its two lines.
"""
import threading
import time

LESSON = "join() waits for a thread: after it, everything the thread did has happened."


def main():
    lines = []

    def thread_function(name):
        lines.append(f"Thread {name}: starting")
        time.sleep(0.01)
        lines.append(f"Thread {name}: finishing")

    lines.append("Main    : before creating thread")
    x = threading.Thread(target=thread_function, args=(1,))
    lines.append("Main    : before running thread")
    x.start()
    lines.append("Main    : wait for the thread to finish")
    x.join()
    lines.append("Main    : all done")
    return tuple(lines)


if __name__ == "__main__":
    print(main())
