"""Threads started in order do not run or finish in order.

What it teaches: main starts n threads one after another, then joins them one
after another. Each thread logs "starting", sleeps, logs "finishing". The
start order only says when a thread *may* begin; after that the scheduler
mixes every thread's lines freely, and joining in order does not make the
threads finish in order.

Outcome: the tuple of all 5n log lines, in the order they were written.

What constrains the order (every append an atomic step):
- main's own 3n lines keep their program order;
- "Thread i: starting" comes after "Main    : create and start thread i"
  (thread i cannot run before main starts it, and main logs that line first);
- "Thread i: finishing" comes after "Thread i: starting" and before
  "Main    : thread i done" (that line follows join(i)).
Nothing else does: thread 2 may finish before thread 0 has logged
"starting", and main may wait on join(0) while threads 1 and 2 are long done.

Facts: the outcomes are exactly the linear extensions of that partial order.
Counted by brute force (n=1..4 by enumerating every interleaving, n=1..5 by
a dynamic program over sets of written lines; they agree): n=1: 3, n=2: 103, n=3: 10349,
n=4: 2079630, n=5: 697743032. No closed formula is claimed. Every order of
the "finishing" lines (n! of them) occurs. With only thread operations and
sleeps as yield points far fewer orders are reachable, since one thread's
consecutive appends can then not be split.

`explorer explore models/many_threads.py::orders` explores n=2 with each line
shortened to a code (M0 = main starts thread 0, S0/F0 = thread 0 starting/
finishing, J0 = main joins thread 0, D0 = thread 0 done), so every one of the
103 orders is printed in full; the same for main(3) takes a minute or more.
Every append conflicts with every other, so the default strategy (dpor) runs
exactly one execution per order: 103 for n=2, 10349 for n=3.
"""
import threading
import time

LESSON = "Threads started in order do not run or finish in order."


def main(n=3):
    lines = []

    def thread_function(name):
        lines.append(f"Thread {name}: starting")
        time.sleep(0.01)
        lines.append(f"Thread {name}: finishing")

    threads = []
    for index in range(n):
        lines.append(f"Main    : create and start thread {index}")
        x = threading.Thread(target=thread_function, args=(index,))
        threads.append(x)
        x.start()

    for index, thread in enumerate(threads):
        lines.append(f"Main    : before joining thread {index}")
        thread.join()
        lines.append(f"Main    : thread {index} done")
    return tuple(lines)


CODES = {"create and start": "M", "starting": "S", "finishing": "F",
         "before joining": "J", "done": "D"}


def orders(n=2):
    """main(n) with each line as a short code, e.g. "M0 S0 M1 J0 F0 D0 ..."."""
    codes = []
    for line in main(n):
        letter = next(code for words, code in CODES.items() if words in line)
        codes.append(letter + "".join(ch for ch in line if ch.isdigit()))
    return " ".join(codes)


if __name__ == "__main__":
    print(main())
