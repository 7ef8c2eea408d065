/**
 * This process's turns at its mutexes: at most one holder per mutex, then the waiting locks in order.
 *
 * A mutex's own wait cannot order the locks of one process: the thread that holds a mutex may acquire it again
 * (Win32 mutexes are recursive for their owner thread), and the lock holders of this process are wait threads that
 * serve everyone. So within the process a lock first takes its turn here, then waits on the mutex, as any other
 * process would. An entry lives only while its mutex is held or awaited, so distinct names cost nothing once unlocked.
 */
interface Turn {
  /** The waiting locks, in order; each one called when the turn passes to it. */
  queue: Array<() => void>;
}

export class Turns {
  readonly #turns = new Map<string, Turn>();

  /** How many mutexes are held or awaited (for the tests). */
  get size(): number {
    return this.#turns.size;
  }

  /** Takes the turn at `key` if nobody holds it; false otherwise. */
  tryTake(key: string): boolean {
    if (this.#turns.has(key)) return false;
    this.#turns.set(key, { queue: [] });
    return true;
  }

  /** Waits for the turn at `key`: true once taken, false on timeout; rejects with the signal's reason on abort. */
  take(key: string, timeoutMs: number, signal: AbortSignal | undefined): Promise<boolean> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.tryTake(key)) return Promise.resolve(true);
    const turn = this.#turns.get(key) as Turn;
    return new Promise<boolean>((resolve, reject) => {
      const finish = (outcome: () => void) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        const index = turn.queue.indexOf(next);
        if (index >= 0) turn.queue.splice(index, 1);
        outcome();
      };
      const next = () => finish(() => resolve(true));
      const onAbort = () => finish(() => reject(signal?.reason));
      const timer = timeoutMs === Infinity ? undefined : setTimeout(() => finish(() => resolve(false)), timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      turn.queue.push(next);
    });
  }

  /** Passes the turn at `key` to the next waiting lock, or frees it (and forgets the key) when none waits. */
  pass(key: string): void {
    const turn = this.#turns.get(key);
    if (!turn) return;
    const next = turn.queue.shift();
    if (next) next();
    else this.#turns.delete(key);
  }
}
