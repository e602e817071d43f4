"""Two threads taking two locks in opposite orders can deadlock.

What it teaches: thread A takes lock_a then lock_b; thread B takes lock_b
then lock_a. If each gets its first lock before the other gets its second,
each waits for a lock the other holds, forever. Nothing in the code looks
wrong line by line; the bug is in the order.

Outcome: the order in which the two threads got both locks.

Facts (derived by reasoning):
- outcomes ("A", "B") and ("B", "A") when one thread takes both locks
  before the other takes its first.
- deadlock when both take their first lock before either takes its second:
  the cycle A -> lock_b -> B -> lock_a -> A (main waits in join()).
- even executions that do not deadlock show the lock-order inversion
  (lock_a before lock_b in A, the reverse in B).
- real runs almost never deadlock: there is no pause between the two
  acquisitions, so a thread switch has to land in a window a few bytecodes wide.
"""
import threading

LESSON = "Two threads taking two locks in opposite orders can deadlock."


def main():
    lock_a = threading.Lock()
    lock_b = threading.Lock()
    done = []

    def take(name, first, second):
        with first:
            with second:
                done.append(name)

    a = threading.Thread(target=take, args=("A", lock_a, lock_b))
    b = threading.Thread(target=take, args=("B", lock_b, lock_a))
    a.start()
    b.start()
    a.join()
    b.join()
    return tuple(done)


if __name__ == "__main__":
    print(main())
