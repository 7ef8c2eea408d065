/**
 * The waits of the Linux objects: try each waitable once (tryTake), and when none can be taken, sleep on their words
 * together (futex_waitv) until one changes or the time is up. The same loop serves a wait on the calling thread
 * (events, semaphores, a channel's wake event and peer) and the wait threads (posix/waiter-worker.ts).
 */
import type { Waitable, WaitOutcome } from '../backend.js';
import { FUTEX_WAITV_FALLBACK_MS } from './futex.js';
import { markContended, sleepWord, tryTake, type ObjectTools } from './objects.js';

/** How often a wait that watches a process (a channel's peer) looks whether it ended: a process has no word. */
export const PROCESS_SLICE_MS = 100;

/** What one pass over a wait's targets found: an outcome for one of them, or nothing yet. */
export type Found = { outcome: WaitOutcome; index: number } | { failed: number } | undefined;

/** Tries each target once, in order; `slept`: the wait slept before, so a mutex taken keeps its waiters' bit. */
export function tryEach(tools: ObjectTools, targets: readonly Waitable[], slept: boolean): Found {
  for (let index = 0; index < targets.length; index++) {
    const target = targets[index] as Waitable;
    const attempt = tryTake(tools, target);
    if (attempt === 'busy') continue;
    if (typeof attempt === 'object') return attempt;
    if (slept && typeof target !== 'bigint' && target.kind === 'mutex') markContended(tools, target);
    return { outcome: attempt, index };
  }
  return undefined;
}

/**
 * Sleeps until one of the words of `targets` (and `extra`, a wait thread's wake word) changes, at most `ms`
 * milliseconds (less when a process is watched: it has no word). Returns false when a word had changed already: try
 * again at once.
 */
export function sleepOn(tools: ObjectTools, targets: readonly Waitable[], extra: ReadonlyArray<{ address: bigint; value: number }>, ms: number): boolean {
  const words = [...extra];
  let watchesProcess = false;
  const seen = new Set<bigint>();
  for (const target of targets) {
    const word = sleepWord(tools, target);
    if (word === 'retry') return false;
    if (word === undefined) {
      watchesProcess = true;
      continue;
    }
    if (seen.has(word.address)) continue;
    seen.add(word.address);
    words.push(word);
  }
  const timeout = Math.max(0, watchesProcess ? Math.min(ms, PROCESS_SLICE_MS) : ms);
  if (words.length === 0) {
    // Nothing to sleep on but time: a process to look at again.
    sleep(timeout);
    return true;
  }
  if (words.length === 1) {
    const [only] = words as [{ address: bigint; value: number }];
    tools.futex.wait(only.address, only.value, timeout);
    return true;
  }
  if (tools.futex.waitAny(words, timeout) !== undefined) return true;
  // Before Linux 5.16 (no futex_waitv): sleep in short slices on the first word, and look at the others between them.
  const [first] = words as [{ address: bigint; value: number }];
  tools.futex.wait(first.address, first.value, Math.min(timeout, FUTEX_WAITV_FALLBACK_MS));
  return true;
}

const nap = new Int32Array(new SharedArrayBuffer(4));

/** Sleeps `ms` on the calling thread (a word nobody wakes). */
export function sleep(ms: number): void {
  Atomics.wait(nap, 0, 0, ms);
}

/** A wait on the calling thread for the first of `targets`, up to `timeoutMs` (Infinity: forever). */
export function waitHere(tools: ObjectTools, targets: readonly Waitable[], timeoutMs: number): { outcome: WaitOutcome; index: number } | { failed: number } {
  const deadline = timeoutMs === Infinity ? Infinity : performance.now() + timeoutMs;
  let slept = false;
  for (;;) {
    const found = tryEach(tools, targets, slept);
    if (found) return found;
    const left = deadline - performance.now();
    if (left <= 0) return { outcome: 'timeout', index: 0 };
    if (sleepOn(tools, targets, [], left)) slept = true;
  }
}
