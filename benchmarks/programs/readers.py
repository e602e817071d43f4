"""readers: one writer and n readers of a single shared variable.

Classic DPOR benchmark (readers-writers, as in Abdulla et al., POPL 2014).
The writer does `x[0] = 42`; each reader does `v = x[0]`. Reads commute
with each other; each read is either before or after the write.

Expected Mazurkiewicz traces (executions of an optimal DPOR): 2**n; n=2: 4.
(Checked by brute force for n = 1..4.)

Outcome: the tuple of values the readers saw (each 0 or 42).
"""
import threading


def expected(n):
    return 2 ** n


def main(n=2):
    x = [0]
    seen = [None] * n

    def writer():
        x[0] = 42

    def reader(i):
        v = x[0]
        seen[i] = v

    threads = [threading.Thread(target=writer)]
    threads += [threading.Thread(target=reader, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return tuple(seen)


if __name__ == "__main__":
    print(main())
