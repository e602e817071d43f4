"""A Queue does the locking for producer and consumer; an Event alone cannot stop them.

What it teaches: queue.Queue(maxsize=1) is a ready-made thread-safe pipeline:
put() blocks while it is full, get() while it is empty. The producer puts n
messages and then sets an Event meaning "no more messages". The consumer
keeps going while the event is unset or the queue still holds something.

That test alone has a hole (see pipeline_queue_hang.py): the consumer can see
"not set yet", call get() on an empty queue, and then the producer sets the
event and leaves; nobody will ever put again. So the producer, after setting
the event, also puts a sentinel: if the consumer is asleep in get(), the
sentinel wakes it, and it stops there.

Outcome: the tuple of messages the consumer received.

Facts (derived by reasoning):
- always (1, 2, ..., n); n=2: {(1, 2)}. The consumer leaves the loop either
  at the sentinel (FIFO: all n messages came before it) or when it sees the
  event set and the queue empty (the event is set after the last put, so all
  n were already taken).
- never a deadlock: while the producer waits in put() the event is unset,
  so the consumer is still looping and will get().
- in some executions the sentinel is left in the queue; that is harmless.
"""
import queue
import threading

LESSON = "A Queue does the locking for producer and consumer; an Event alone cannot stop them."


def main(n=2):
    sentinel = object()
    pipeline = queue.Queue(maxsize=1)
    event = threading.Event()
    received = []

    def producer():
        for message in range(1, n + 1):
            pipeline.put(message)
        event.set()
        pipeline.put(sentinel)          # wakes a consumer already waiting in get()

    def consumer():
        while not event.is_set() or not pipeline.empty():
            message = pipeline.get()
            if message is sentinel:
                break
            received.append(message)

    threads = [threading.Thread(target=producer), threading.Thread(target=consumer)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return tuple(received)


if __name__ == "__main__":
    print(main())
