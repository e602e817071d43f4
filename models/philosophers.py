"""Dining philosophers: everyone takes the left fork first, and all can starve.

What it teaches: n philosophers sit at a round table with one fork between
neighbours. Philosopher i picks up fork i, then fork (i + 1) % n, eats (here:
writes its number in the meal log), and puts both down. If every
philosopher holds their first fork at the same moment, each waits for a fork
the neighbour holds: a cycle of n threads and n locks.

Outcome: the order in which the philosophers ate.

Facts for n=3 (derived by reasoning):
- any of the 3! = 6 orders of (0, 1, 2) is possible (run them one by one).
- deadlock is possible: 0 holds fork 0, 1 holds fork 1, 2 holds fork 2, and
  each waits for the next fork (cycle 0 -> fork 1 -> 1 -> fork 2 -> 2 ->
  fork 0 -> 0).
- the fix in philosophers_fixed.py orders the forks.
"""
import threading

LESSON = "Dining philosophers: everyone takes the left fork first, and all can starve."


def main(n=3):
    forks = [threading.Lock() for _ in range(n)]
    meals = []

    def philosopher(i):
        left, right = forks[i], forks[(i + 1) % n]
        with left:
            with right:
                meals.append(i)

    threads = [threading.Thread(target=philosopher, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return tuple(meals)


if __name__ == "__main__":
    print(main())
