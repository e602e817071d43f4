"""A plain Lock is not reentrant: taking it twice in one thread hangs forever.

What it teaches: Account.transfer_in() holds the lock and calls deposit(),
which tries to take the same lock again. threading.Lock does not know or care
who holds it, so the second acquire() waits for a release that the waiting
thread itself would have to perform.

Outcome: none; every execution deadlocks.

Facts (derived by reasoning):
- deadlock in every execution, whatever the interleaving: the worker holds
  the lock and waits for it (a one-thread cycle worker -> lock -> worker),
  and main waits in join() on the worker.
- a real run hangs too (run it under a timeout).
- the fix is an RLock: see self_deadlock_fixed.py.
"""
import threading

LESSON = "A plain Lock is not reentrant: taking it twice in one thread hangs forever."


class Account:
    def __init__(self):
        self.balance = 0
        self.lock = threading.Lock()

    def deposit(self, amount):
        with self.lock:
            self.balance += amount

    def transfer_in(self, amount, fee):
        with self.lock:
            self.deposit(amount)        # takes self.lock again: blocks forever
            self.balance -= fee


def main():
    account = Account()
    worker = threading.Thread(target=account.transfer_in, args=(10, 1))
    worker.start()
    worker.join()
    return account.balance


if __name__ == "__main__":
    print(main())
