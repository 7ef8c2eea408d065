/**
 * What releases a handle or view the program forgot to close: a safety net, not the plan.
 *
 * A FinalizationRegistry releases it once its owner is garbage collected. But a worker thread's heap is dropped when
 * the thread ends, and no finaliser runs then: what a worker left open would stay open until the process ends. So in a
 * worker thread the net also keeps what is still held, and releases it when the thread ends (the 'exit' event of the
 * worker's `process`: a natural end, process.exit(), an uncaught exception). worker.terminate() runs no JavaScript in
 * the worker, so what a terminated worker left open stays open until the process ends, as TerminateThread leaves it in C.
 */
import { isMainThread } from 'node:worker_threads';

export class SafetyNet<Held extends object> {
  readonly #registry: FinalizationRegistry<Held>;
  readonly #release: (held: Held) => void;
  /** In a worker thread: what is held still, to release when the thread ends (held values never point to owners). */
  readonly #held = isMainThread ? undefined : new Set<Held>();
  readonly #byToken = new WeakMap<object, Held>();
  #listening = false;

  constructor(release: (held: Held) => void) {
    this.#release = release;
    this.#registry = new FinalizationRegistry((held) => {
      this.#held?.delete(held);
      release(held);
    });
  }

  /** Releases `held` once `target` is collected (or this worker thread ends), unless unregister(token) comes first. */
  register(target: object, held: Held, token: object): void {
    this.#registry.register(target, held, token);
    if (!this.#held) return;
    this.#held.add(held);
    this.#byToken.set(token, held);
    if (!this.#listening) {
      this.#listening = true;
      process.once('exit', () => this.#releaseAll());
    }
  }

  /** Its owner released it: nothing left to do. */
  unregister(token: object): void {
    this.#registry.unregister(token);
    const held = this.#byToken.get(token);
    if (held === undefined) return;
    this.#byToken.delete(token);
    this.#held?.delete(held);
  }

  #releaseAll(): void {
    const held = this.#held;
    if (!held) return;
    for (const one of held) {
      try {
        this.#release(one);
      } catch {
        // The thread is ending: nothing to report to, and the rest must still be released.
      }
    }
    held.clear();
  }
}
