"""lastzero: a reader scans an array backwards for the last zero while writers fill it.

Classic DPOR benchmark (Abdulla, Aronis, Jonsson, Sagonas, "Optimal dynamic
partial order reduction", POPL 2014). Shared array a[0..n] of zeros. The
reader thread (started first) does `i = n; while a[i] != 0: i -= 1`. Writer j
(j = 1..n) does `a[j] = a[j-1] + 1`. Events: one per read or write of a[k].

Expected Mazurkiewicz traces (executions of an optimal DPOR):
(n + 3) * 2**(n - 2) for n >= 1; n=3: 12.
(Checked by brute force for n = 1..5: 2, 5, 12, 28, 64.)

Outcome: (index the reader stopped at, final array). found[0] is written once
by the reader and read by main only after join(), so it adds no traces.
"""
import threading


def expected(n):
    return (n + 3) * 2 ** n // 4        # = (n + 3) * 2**(n - 2), an int for n >= 1


def main(n=3):
    a = [0] * (n + 1)
    found = [None]

    def reader():
        i = n
        while a[i] != 0:
            i -= 1
        found[0] = i

    def writer(j):
        a[j] = a[j - 1] + 1

    threads = [threading.Thread(target=reader)]
    threads += [threading.Thread(target=writer, args=(j,)) for j in range(1, n + 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return found[0], tuple(a)


if __name__ == "__main__":
    print(main())
