"""readers: one writer and n readers of a single shared variable.

Classic DPOR benchmark (readers-writers, as in Abdulla et al., POPL 2014).
The writer does `x[0] = 42`; each reader does `v = x[0]`. Reads commute
with each other; each read is either before or after the write.

Expected Mazurkiewicz traces (executions of an optimal DPOR): 2**n; n=2: 4.
(Checked by brute force for n = 1..4.)

Outcome: the final x[0], always 42. The values the readers saw are not
recorded on purpose: storing them in a shared list would add accesses
(and, if a list counts as one location, extra traces).
"""
import threading


def expected(n):
    return 2 ** n


def main(n=2):
    x = [0]

    def writer():
        x[0] = 42

    def reader():
        v = x[0]  # noqa: F841 -- the read is the benchmark

    threads = [threading.Thread(target=writer)]
    threads += [threading.Thread(target=reader) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return x[0]


if __name__ == "__main__":
    print(main())
