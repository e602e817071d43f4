"""`counter += 1` is not atomic: two threads can lose an increment with no sleep at all.

What it teaches: `counter += 1` on a global is a load, an add and a store.
If a thread switch lands between another thread's load and store, both
threads store the same number. Nothing in the code pauses, so real runs
almost never show it; an explorer that can switch threads at every shared
memory access finds it at once.

Outcome: the final value of the global counter after 2 threads increment it
once each (n threads in general).

Facts (derived by reasoning):
- n=2: final values {1, 2} when every read and write of `counter` is a yield
  point; 1 needs a switch between one thread's read and its write.
- with only sync-level yield points (thread start/join) there is no switch
  inside `counter += 1`, so only 2 is reachable.
- n threads: every value 1..n, as in race.py.
- real runs give 2 practically always.
"""
import threading

LESSON = "`counter += 1` is not atomic: two threads can lose an increment with no sleep at all."

counter = 0


def increment():
    global counter
    counter += 1


def main(n=2):
    global counter
    counter = 0
    threads = [threading.Thread(target=increment) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return counter


if __name__ == "__main__":
    print(main())
