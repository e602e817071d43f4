"""A Barrier holds every thread until all of them have arrived.

What it teaches: threading.Barrier(n) makes each of n threads wait in
wait() until the n-th one arrives; then all go on together. Whatever the
scheduling, no thread gets past the barrier while another is still on its way.

Outcome: True if every "arrived" line came before every "passed" line (the
log itself varies, so it is not the outcome).

Facts for n=3 (derived by reasoning):
- the only outcome is True.
- the log varies: the 3 arrivals in any of 3! orders, then the 3 passes in
  any of 3! orders: 36 possible logs, all with the arrivals first.
- never a deadlock with n threads and Barrier(n); with Barrier(n + 1) every
  execution would deadlock (a barrier short of a party).
"""
import threading

LESSON = "A Barrier holds every thread until all of them have arrived."


def main(n=3):
    barrier = threading.Barrier(n)
    log = []

    def worker(i):
        log.append(("arrived", i))
        barrier.wait()
        log.append(("passed", i))

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    kinds = [kind for kind, _ in log]
    return kinds == ["arrived"] * n + ["passed"] * n


if __name__ == "__main__":
    print(main())
