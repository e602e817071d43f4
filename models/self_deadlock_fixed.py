"""An RLock may be re-taken by the thread that holds it.

What it teaches: the same Account as self_deadlock.py with threading.RLock.
An RLock remembers its owner and counts acquisitions, so deposit() called
from inside transfer_in() enters at once; the lock is free again only after
the outer `with` ends.

Outcome: the final balance after transfer_in(10, fee=1).

Facts (derived by reasoning):
- always 9; there is one worker, so there is no interleaving that matters
  beyond main waiting in join().
- never a deadlock.
"""
import threading

LESSON = "An RLock may be re-taken by the thread that holds it."


class Account:
    def __init__(self):
        self.balance = 0
        self.lock = threading.RLock()

    def deposit(self, amount):
        with self.lock:
            self.balance += amount

    def transfer_in(self, amount, fee):
        with self.lock:
            self.deposit(amount)        # same thread: the RLock lets it in
            self.balance -= fee


def main():
    account = Account()
    worker = threading.Thread(target=account.transfer_in, args=(10, 1))
    worker.start()
    worker.join()
    return account.balance


if __name__ == "__main__":
    print(main())
