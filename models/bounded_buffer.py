"""A Condition lets threads sleep until the shared state they need is true.

What it teaches: a bounded buffer of capacity 2 guarded by one Condition.
The producer waits while the buffer is full, the consumer while it is empty;
each notifies after changing the buffer. The waits are in `while` loops, not
`if`: a woken thread re-checks, because the state may have changed again
before it got the lock back.

Outcome: the tuple of items the consumer received.

Facts (derived by reasoning):
- always (1, 2, ..., n); n=3: {(1, 2, 3)}. The buffer is FIFO and only
  touched under the condition's lock.
- the buffer never holds more than 2 items (asserted inside the producer).
- never a deadlock: a thread only waits when the other can make progress
  (full means the consumer has items to take, empty means the producer has
  items left to put), and every change is followed by notify().
- the producer is at most 2 items ahead of the consumer. With n=3 it waits
  on a full buffer in some executions (it put 1 and 2 before the consumer
  took any) and never in others.
"""
import threading

LESSON = "A Condition lets threads sleep until the shared state they need is true."

CAPACITY = 2


def main(n=3):
    buffer = []
    changed = threading.Condition()
    received = []

    def producer():
        for item in range(1, n + 1):
            with changed:
                while len(buffer) == CAPACITY:
                    changed.wait()
                buffer.append(item)
                assert len(buffer) <= CAPACITY
                changed.notify()

    def consumer():
        for _ in range(n):
            with changed:
                while not buffer:
                    changed.wait()
                received.append(buffer.pop(0))
                changed.notify()

    threads = [threading.Thread(target=producer), threading.Thread(target=consumer)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return tuple(received)


if __name__ == "__main__":
    print(main())
