"""inc: n threads each do an unprotected read-then-write increment of x.

Each thread does `v = x[0]; x[0] = v + 1` with no lock: 2 events per thread.

Expected Mazurkiewicz traces (executions of an optimal DPOR): (n!)**2;
n=2: 4. (Checked by brute force for n = 2..4: 4, 36, 576.)

Outcome: the final value of x (1..n).
"""
import math
import threading


def expected(n):
    return math.factorial(n) ** 2


def main(n=2):
    x = [0]

    def inc():
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
