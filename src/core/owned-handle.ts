/**
 * OwnedHandle: a native handle (a Win32 HANDLE, a file descriptor) with exactly one owner that closes it, and the
 * holders that keep it open meanwhile: the views of a section, the waits in progress on an object. It is closed once
 * the owner has let go and the last holder has released it, so that an owner can close() while a view is still mapped
 * or a wait is still pending, and nothing is closed under them.
 *
 * If the owner is garbage collected without letting go, the safety net lets go for it (see SafetyNet): a safety net,
 * not the plan.
 */
import { SafetyNet } from './safety-net.js';

/** Lets go for owners the program forgot to close. A failure to close has nobody to be reported to there. */
const owners = new SafetyNet<OwnedHandle<unknown>>((handle) => {
  try {
    handle.letGo();
  } catch {
    // The owner is gone: nothing to report to.
  }
});

export class OwnedHandle<T> {
  #value: T | undefined;
  readonly #close: (value: T) => void;
  /** The owner's reference and each holder's. */
  #references = 1;
  #ownerLetGo = false;

  /**
   * `close` closes the value once nothing holds it; it may throw (the error goes to whoever let go last). `owner`, if
   * given, is the object whose collection lets go of the owner's reference.
   */
  constructor(value: T, close: (value: T) => void, owner?: object) {
    this.#value = value;
    this.#close = close;
    if (owner) owners.register(owner, this as OwnedHandle<unknown>, this);
  }

  /** The value, while the owner has not let go; undefined after. */
  get value(): T | undefined {
    return this.#ownerLetGo ? undefined : this.#value;
  }

  /** True once the value itself is closed (the owner let go and no holder remains). */
  get closed(): boolean {
    return this.#references === 0;
  }

  /** How many holders keep it open besides the owner. */
  get holders(): number {
    return this.#references - (this.#ownerLetGo ? 0 : 1);
  }

  /** A holder keeps the value open until its release(). Returns the value. */
  hold(): T {
    if (this.#references === 0) throw new Error('OwnedHandle.hold() after the handle was closed: this is a bug');
    this.#references++;
    return this.#value as T;
  }

  /** The owner lets go (close(), dispose): the value is closed now, or when the last holder releases it. Idempotent. */
  letGo(): void {
    if (this.#ownerLetGo) return;
    this.#ownerLetGo = true;
    owners.unregister(this);
    this.release();
  }

  /** A holder (or, through letGo(), the owner) releases its reference; the last one closes the value. */
  release(): void {
    if (this.#references === 0) return;
    if (--this.#references > 0) return;
    const value = this.#value as T;
    this.#value = undefined;
    this.#close(value);
  }
}
