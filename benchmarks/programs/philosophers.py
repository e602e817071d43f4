"""philosophers: n dining philosophers, each takes the left fork, then the right.

Classic DPOR benchmark. n forks as Locks; philosopher i acquires forks[i],
then forks[(i + 1) % n], releases both. No other shared accesses. The
execution in which every philosopher holds their left fork deadlocks (it is
one of the traces).

Expected Mazurkiewicz traces (executions of an optimal DPOR): 2**n - 1;
n=3: 7. Fork k is wanted by philosopher k (as left fork) and by k-1 (as
right fork), so there are 2**n choices of who takes each fork first. "Every
fork goes first to the one who needs it as the right fork" is cyclic and
impossible; "every fork goes first to the one who needs it as the left fork"
is the deadlock (one trace); every other choice completes.
(Checked by brute force for n = 2..5: 3, 7, 15, 31.)

Outcome: n, when no deadlock occurs.
"""
import threading


def expected(n):
    return 2 ** n - 1


def main(n=3):
    forks = [threading.Lock() for _ in range(n)]

    def philosopher(i):
        with forks[i]:
            with forks[(i + 1) % n]:
                pass

    threads = [threading.Thread(target=philosopher, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return n


if __name__ == "__main__":
    print(main())
