"""Check-then-act: two withdrawals can both pass the balance check.

What it teaches: `if balance >= amount: balance -= amount` is two steps. Two
threads withdrawing 80 from 100 can both see 100, both decide there is enough
money, and both withdraw. Depending on how the subtractions interleave, the
account goes negative (-60) or, worse, ends at 20 after paying out 160 (the
second subtraction overwrote the first: a lost update). main checks both
invariants after joining.

Outcome: (final balance, number of withdrawals that were paid).

Facts (derived by reasoning; every read and write of `balance` a yield point):
- the correct outcome (20, 1): one withdrawal paid, one refused.
- assertion failure "balance went negative": both checks pass, then the
  subtractions run one after the other: balance -60.
- assertion failure "money appeared": both checks pass and both threads read
  100 for their subtraction: balance 20 with 2 paid (lost update).
- both bugs need a switch between a thread's check and its subtraction; with
  only sync-level yield points (thread start/join) only (20, 1) is reachable.
  Real runs almost never show them.
"""
import threading

LESSON = "Check-then-act: two withdrawals can both pass the balance check."


class Account:
    def __init__(self, balance):
        self.balance = balance

    def withdraw(self, amount):
        if self.balance >= amount:
            self.balance -= amount
            return True
        return False


def main():
    account = Account(100)
    paid = [False, False]

    def customer(i):
        paid[i] = account.withdraw(80)

    threads = [threading.Thread(target=customer, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert account.balance >= 0, "balance went negative"
    assert account.balance + 80 * sum(paid) == 100, "money appeared"
    return account.balance, sum(paid)


if __name__ == "__main__":
    print(main())
