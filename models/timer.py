"""A Timer can be cancelled, but only until it has fired.

What it teaches: threading.Timer(interval, fn) is a thread that waits for
`interval` seconds and then calls fn, unless cancel() was called first.
cancel() does not undo a call that already happened, and cancelling right
after start() is a race against the timer thread.

Outcome: whether the function fired (main starts the timer, cancels it at
once, then joins the timer thread).

Facts (derived by reasoning):
- possible outcomes {False, True}. False when cancel() runs before the timer's
  wait ends. True when the timer thread's wait ends and it passes its "was I
  cancelled?" check before main's cancel(): nothing forbids that, since
  thread scheduling makes no promise about how soon main runs again.
- with real time this needs main to be delayed by the whole 0.01 s interval
  between start() and cancel(), so real runs give False nearly always; an
  explorer that treats the timeout as a yield point with no ordering promise
  finds True too; in a timed (virtual clock) mode only False is reachable,
  because main's cancel() happens at time 0.
- never a deadlock.
"""
import threading

LESSON = "A Timer can be cancelled, but only until it has fired."


def main():
    fired = []

    def ring():
        fired.append("ring")

    timer = threading.Timer(0.01, ring)
    timer.start()
    timer.cancel()
    timer.join()
    return bool(fired)


if __name__ == "__main__":
    print(main())
