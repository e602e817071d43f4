"""A read-modify-write with a pause in the middle loses updates.

What it teaches: FakeDatabase.update copies the shared value into a local,
adds one, sleeps (a stand-in for real work, and a place where another thread
may run), then writes the local back. If a second thread reads the value
after the first one's read but before its write, both write the same number
and one increment is lost.

Outcome: the final database value after n updates in n threads.

Facts (derived by reasoning):
- n=2: final values {1, 2}. 2 when one update runs entirely before the
  other's read; 1 when both read 0 before either writes (a switch between
  read and write: the sleep is that switch point, so this is found even with
  only sync-level yield points).
- n threads: every value 1..n is possible. The last write wins and writes
  (what its thread read) + 1; let k-1 updates run one after another, then the
  rest all read k-1 and write k.
- the explorer's lost-update detector should flag every execution with a
  final value below n.
"""
import threading
import time

LESSON = "A read-modify-write with a pause in the middle loses updates."


class FakeDatabase:
    def __init__(self):
        self.value = 0

    def update(self, name):
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
