"""A started thread runs alongside main: its lines can land anywhere after start().

What it teaches: Thread.start() only makes the new thread runnable. From then on
the main thread and the worker take turns in an order nobody promises, so the
worker's lines can appear before, between or after main's remaining lines.
main() does not join; the thread is not a daemon, so program exit still waits
for it (it always finishes), but main cannot know how far it got.

Outcome: the tuple of log lines present at the moment main returns.

Facts (derived by counting, every append an atomic step):
- main's 4 lines always appear, in order; "before running thread" is always
  before any worker line (the worker cannot run before start()).
- the worker has logged 0, 1 or 2 lines by then, and those k lines merge with
  main's last two lines in C(2 + k, k) ways: 1 + 3 + 6 = 10 possible outcomes.
- if only thread operations and sleeps are yield points (no switch between
  two appends of one thread; a switch possible right after start()), 3
  remain: the worker did nothing, logged "starting", or logged both, always
  right after "before running thread".
- a real run nearly always gives main's 4 lines with "starting" somewhere;
  "finishing" is rare because the worker sleeps first.
"""
import threading
import time

LESSON = "A started thread runs alongside main: its lines can land anywhere after start()."


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
    # x.join()  -- left out on purpose: see join.py
    lines.append("Main    : all done")
    return tuple(lines)


if __name__ == "__main__":
    print(main())
