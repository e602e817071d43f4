"""Dining philosophers fixed: always take the lower-numbered fork first.

What it teaches: the same table as philosophers.py, but each philosopher
picks up the lower-numbered of their two forks first. Every thread then takes
locks in one global order, so no cycle of waiting threads can form: the last
philosopher (whose forks are n-1 and 0) reaches for fork 0 first, competing
with philosopher 0 instead of closing the circle.

Outcome: the order in which the philosophers ate.

Facts for n=3 (derived by reasoning):
- the outcomes are the 3! = 6 orders of (0, 1, 2); every one is possible.
- no deadlock and no lock-order inversion in any execution.
"""
import threading

LESSON = "Dining philosophers fixed: always take the lower-numbered fork first."


def main(n=3):
    forks = [threading.Lock() for _ in range(n)]
    meals = []

    def philosopher(i):
        a, b = i, (i + 1) % n
        first, second = forks[min(a, b)], forks[max(a, b)]
        with first:
            with second:
                meals.append(i)

    threads = [threading.Thread(target=philosopher, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return tuple(meals)


if __name__ == "__main__":
    print(main())
