"""A Semaphore(2) lets at most two threads into a section at once.

What it teaches: three workers share a Semaphore(2). Each one entering the
section takes a permit; the third waits until someone leaves. Inside, each
worker counts how many workers are in the section (under a small Lock, so the
counting itself is not racy) and records the highest count ever seen.

Outcome: the maximum number of workers seen inside the section at once.

Facts (derived by reasoning):
- possible outcomes {1, 2}. 2 when two workers overlap (one enters while
  another is still sleeping inside); 1 when the workers happen to pass
  through one after another. 3 is impossible: only 2 permits exist.
- never a deadlock: each worker releases its permit (the `with` block).
- real runs almost always give 2 (the sleep inside the section is long
  compared to starting a thread).
"""
import threading
import time

LESSON = "A Semaphore(2) lets at most two threads into a section at once."


def main(n=3):
    permits = threading.Semaphore(2)
    count_lock = threading.Lock()
    inside = [0]
    most = [0]

    def worker():
        with permits:
            with count_lock:
                inside[0] += 1
                most[0] = max(most[0], inside[0])
            time.sleep(0.01)
            with count_lock:
                inside[0] -= 1

    threads = [threading.Thread(target=worker) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return most[0]


if __name__ == "__main__":
    print(main())
