"""A Lock around the read-modify-write makes every update count.

What it teaches: the same FakeDatabase as race.py, but update() holds
self._lock from the read to the write. A thread that sleeps while holding
the lock keeps others out; they wait at acquire() instead of reading a value
that is about to change.

Outcome: the final database value after n updates in n threads.

Facts (derived by reasoning):
- always n (n=2: {2}). The critical sections are serialised; the n! orders
  in which threads win the lock all give the same value.
- no deadlock is possible: one lock, always released by `with`.
"""
import threading
import time

LESSON = "A Lock around the read-modify-write makes every update count."


class FakeDatabase:
    def __init__(self):
        self.value = 0
        self._lock = threading.Lock()

    def update(self, name):
        with self._lock:
            local_copy = self.value
            local_copy += 1
            time.sleep(0.01)
            self.value = local_copy


def main(n=2):
    database = FakeDatabase()
    threads = [threading.Thread(target=database.update, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return database.value


if __name__ == "__main__":
    print(main())
