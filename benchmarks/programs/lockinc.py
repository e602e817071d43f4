"""lockinc: n threads each increment x under one shared Lock.

Each thread does `with lock: v = x[0]; x[0] = v + 1`. The critical sections
are totally ordered by the lock; only their order varies.

Expected Mazurkiewicz traces (executions of an optimal DPOR): n!; n=3: 6.
(Checked by brute force for n = 2..4.)

Outcome: the final value of x (always n).
"""
import math
import threading


def expected(n):
    return math.factorial(n)


def main(n=3):
    x = [0]
    lock = threading.Lock()

    def inc():
        with lock:
            v = x[0]
            x[0] = v + 1

    threads = [threading.Thread(target=inc) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return x[0]


if __name__ == "__main__":
    print(main())
