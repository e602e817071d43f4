"""Checking an Event and then calling get() is a race: the consumer can sleep forever.

What it teaches: the producer-consumer with queue.Queue and an Event as the
tutorial writes it. The consumer loops `while not event.is_set() or not
queue.empty(): queue.get()`. The test and the get() are two separate steps:
between them the producer can set the event and finish, and a get() on an
empty queue waits for a put that never comes. (The tutorial's producer, which
loops until main sets the event, has the same hole.) pipeline_queue.py is
the fixed version.

Outcome: the tuple of messages the consumer received, when it terminates.

Facts (derived by reasoning):
- the consumer always receives (1, ..., n) before anything goes wrong, so
  the only value outcome is (1, 2, ..., n); n=2: {(1, 2)}.
- deadlock is possible: the consumer takes message n, tests the event before
  the producer has set it, and blocks in get() on the empty queue; the
  producer then sets the event and ends. The consumer waits on the queue
  (no cycle: no thread will ever put), and main waits in join().
- the bad window is small (between the producer's last put and its set), so
  real runs hang only occasionally.
"""
import queue
import threading

LESSON = "Checking an Event and then calling get() is a race: the consumer can sleep forever."


def main(n=2):
    pipeline = queue.Queue(maxsize=1)
    event = threading.Event()
    received = []

    def producer():
        for message in range(1, n + 1):
            pipeline.put(message)
        event.set()

    def consumer():
        while not event.is_set() or not pipeline.empty():
            message = pipeline.get()    # may wait forever once the producer is gone
            received.append(message)

    threads = [threading.Thread(target=producer), threading.Thread(target=consumer)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return tuple(received)


if __name__ == "__main__":
    print(main())
