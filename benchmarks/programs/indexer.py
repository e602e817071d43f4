"""indexer: threads insert into a hash table with linear probing, one Lock per slot.

Classic DPOR benchmark (Flanagan and Godefroid, "Dynamic partial-order
reduction for model checking software", POPL 2005). A table of 128 slots,
all 0, with one Lock per slot. Thread tid (0..n-1) inserts the 4 values
w = m*11 + tid, m = 1..4, each at h = (w*7) % 128, probing linearly:
under locks[h], if table[h] is 0 it stores w and stops, else it moves on to
h = (h + 1) % 128.

For n <= 11 all 4n values hash to distinct slots, so threads never touch the
same slot. Each extra thread beyond 11 inserts 3 values that another thread
also inserts (e.g. 22, 33, 44 for tid 11 and tid 0), adding 3 binary races.

Expected Mazurkiewicz traces (executions of an optimal DPOR):
1 for n <= 11, else 2**(3 * (n - 11)); n=12: 8.
(Checked by brute force on the interacting threads only: tids {0, 11}
give 8, {0, 1, 11, 12} give 64; the other threads are independent.)

Outcome: the sorted tuple of occupied (slot, value) pairs.
"""
import threading

SIZE = 128


def expected(n):
    return 1 if n <= 11 else 2 ** (3 * (n - 11))


def main(n=12):
    table = [0] * SIZE
    locks = [threading.Lock() for _ in range(SIZE)]

    def insert(tid):
        for m in range(1, 5):
            w = m * 11 + tid
            h = (w * 7) % SIZE
            while True:
                with locks[h]:
                    if table[h] == 0:
                        table[h] = w
                        break
                h = (h + 1) % SIZE

    threads = [threading.Thread(target=insert, args=(tid,)) for tid in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return tuple((h, w) for h, w in enumerate(table) if w)


if __name__ == "__main__":
    print(main())
