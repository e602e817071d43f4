"""Two Locks can hand a one-slot message back and forth between threads.

What it teaches: a Pipeline with a single message slot and two locks used as
signals. producer_lock is held while the slot is full, consumer_lock while it
is empty (so it starts out acquired). set_message takes producer_lock,
fills the slot and releases consumer_lock; get_message takes consumer_lock,
empties the slot and releases producer_lock. Each lock is released by the
*other* thread, which a plain Lock allows (an RLock would not). The producer
sends n messages and then a sentinel; the consumer reads until the sentinel.

Outcome: the tuple of messages the consumer received.

Facts (derived by reasoning):
- always (1, 2, ..., n); n=2: {(1, 2)}. After a set, the producer cannot set
  again until the consumer's get has released producer_lock, and the consumer
  cannot get until a set has released consumer_lock, so sets and gets
  strictly alternate: no message is lost or read twice.
- never a deadlock: the producer is at most one message ahead.
- what varies between executions is only where each thread pauses, e.g.
  whether the producer is already waiting with message k+1 when message k is
  read.
"""
import threading

LESSON = "Two Locks can hand a one-slot message back and forth between threads."


class Pipeline:
    def __init__(self):
        self.message = 0
        self.producer_lock = threading.Lock()
        self.consumer_lock = threading.Lock()
        self.consumer_lock.acquire()          # nothing to read yet

    def get_message(self):
        self.consumer_lock.acquire()
        message = self.message
        self.producer_lock.release()
        return message

    def set_message(self, message):
        self.producer_lock.acquire()
        self.message = message
        self.consumer_lock.release()


def main(n=2):
    sentinel = object()
    pipeline = Pipeline()
    received = []

    def producer():
        for message in range(1, n + 1):
            pipeline.set_message(message)
        pipeline.set_message(sentinel)

    def consumer():
        message = None
        while message is not sentinel:
            message = pipeline.get_message()
            if message is not sentinel:
                received.append(message)

    threads = [threading.Thread(target=producer), threading.Thread(target=consumer)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return tuple(received)


if __name__ == "__main__":
    print(main())
