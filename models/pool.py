"""A thread pool reuses a few workers; map() still returns results in input order.

What it teaches: ThreadPoolExecutor(max_workers=2) runs 3 tasks with at most 2
threads, so one task has to wait for a worker to come free. Tasks may finish
in a different order from the one they were submitted in, but
executor.map() hands back the results in submission order. Leaving the
`with` block joins the workers.

Outcome: (results in map order, order in which the tasks finished).

Facts for the default n=3 (derived by reasoning):
- results are always (0, 1, 4).
- tasks leave the pool's queue in submission order 0, 1, 2. Task 2 can only
  be taken by a worker that is free, and with two workers that means task 0
  or task 1 has already finished. So task 2 never finishes first, and the
  finishing orders are exactly (0, 1, 2), (0, 2, 1), (1, 0, 2), (1, 2, 0):
  4 outcomes out of the 3! = 6 orders.
- with max_workers=3 all 6 orders would be possible.
"""
import concurrent.futures
import time

LESSON = "A thread pool reuses a few workers; map() still returns results in input order."


def main(n=3):
    finished = []

    def task(i):
        time.sleep(0.01)
        finished.append(i)
        return i * i

    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as executor:
        results = tuple(executor.map(task, range(n)))
    return results, tuple(finished)


if __name__ == "__main__":
    print(main())
