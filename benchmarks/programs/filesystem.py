"""filesystem: threads allocate a disk block for an inode, one Lock per inode and per block.

Classic DPOR benchmark (Flanagan and Godefroid, POPL 2005). 32 inodes and 26
blocks, all free, with locks locki[32] and lockb[26]. Thread tid takes inode
i = tid % 32 under locki[i]; if inode[i] is 0 it searches blocks from
b = (i*2) % 26: under lockb[b], if busy[b] is 0 it marks it busy, sets
inode[i] = b + 1 and stops, else it tries b = (b + 1) % 26.

For n <= 13 the starting blocks 0, 2, ..., 24 are all different, so threads
touch disjoint data. Thread 13 starts at block (26 % 26) = 0, like thread 0,
and so on: each thread beyond 13 adds one binary race on a block lock.

Expected Mazurkiewicz traces (executions of an optimal DPOR):
1 for n <= 13, else 2**(n - 13); n=14: 2.
(Checked by brute force on the interacting threads only: tids {0, 13}
give 2, {0, 1, 13, 14} give 4.)

Outcome: (inode table, busy table) as tuples.
"""
import threading

NUMINODE = 32
NUMBLOCKS = 26


def expected(n):
    return 1 if n <= 13 else 2 ** (n - 13)


def main(n=14):
    inode = [0] * NUMINODE
    busy = [0] * NUMBLOCKS
    locki = [threading.Lock() for _ in range(NUMINODE)]
    lockb = [threading.Lock() for _ in range(NUMBLOCKS)]

    def thread(tid):
        i = tid % NUMINODE
        with locki[i]:
            if inode[i] == 0:
                b = (i * 2) % NUMBLOCKS
                while True:
                    with lockb[b]:
                        if busy[b] == 0:
                            busy[b] = 1
                            inode[i] = b + 1
                            break
                    b = (b + 1) % NUMBLOCKS

    threads = [threading.Thread(target=thread, args=(tid,)) for tid in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return tuple(inode), tuple(busy)


if __name__ == "__main__":
    print(main())
