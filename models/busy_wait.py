"""A busy-wait: one thread polls a flag in a loop until another thread raises it.

What it teaches: a handshake does not need a Condition. The producer stores
a value and then raises a flag; the consumer spins (`while not flag: pass`)
until it sees the flag, then reads the value. That is correct: the value is
stored before the flag goes up, and the consumer reads it only after seeing
the flag. The flag is an Event polled with is_set(), which also orders the
value's write before its read (no data race). A plain attribute would work
the same in CPython, which never reorders one thread's steps, but nothing
would order the two threads' accesses and the race detector would say so.
It burns CPU while it waits: Event.wait() blocks instead, and is the better
tool; the spin is here to be seen.

Outcome: the value the consumer received.

Facts (derived by reasoning):
- main(): the outcome is always 42, and nothing fails. The explorer does not
  let the consumer spin until the step bound: once an iteration changed
  nothing and nothing it read has changed, the consumer waits until another
  thread changes the flag, as GenMC does with await loops.
- lost_signal(): the producer only raises the flag for a consumer that has
  already said it waits. When the producer looks first, the flag is never
  raised and the consumer spins forever: a step-limit failure,
  "Thread-1 (consumer) spins forever at busy_wait.py:LINE waiting for
  Mailbox.ready to change", found at once, not after 20000 steps. Otherwise
  the outcome is 42.
"""
import threading

LESSON = "A busy-wait: one thread polls a flag in a loop until another thread raises it."


class Mailbox:
    """One value handed from a producer to a consumer, and the flag that says it is there."""

    def __init__(self):
        self.value = None
        self.ready = threading.Event()
        self.waiting = threading.Event()   # lost_signal: "a consumer is waiting"


def _handshake(consumer, producer):
    received = []
    consumer_thread = threading.Thread(target=lambda: received.append(consumer()),
                                       name="Thread-1 (consumer)")
    producer_thread = threading.Thread(target=producer, name="Thread-2 (producer)")
    for t in (consumer_thread, producer_thread):
        t.start()
    for t in (consumer_thread, producer_thread):
        t.join()
    return received[0]


def main():
    box = Mailbox()

    def consumer():
        while not box.ready.is_set():
            pass                      # busy-wait: poll until the flag is up
        return box.value

    def producer():
        box.value = 42
        box.ready.set()

    return _handshake(consumer, producer)


def lost_signal():
    """The bug: a signal sent only to a consumer already waiting is lost if it comes late."""
    box = Mailbox()

    def consumer():
        box.waiting.set()
        while not box.ready.is_set():
            pass
        return box.value

    def producer():
        box.value = 42
        if box.waiting.is_set():      # nobody waiting yet? then nobody to tell...
            box.ready.set()

    return _handshake(consumer, producer)


if __name__ == "__main__":
    print(main())
