// Not an example by itself: the hand-off that examples/process1.mjs and examples/process2.mjs use, so that one
// process can tell the other "the message is there" (and "I have read it") without sleeping or polling.
//
// It is a named manual-reset event, made with the raw layer (filemapping/win32) exactly as a C program would. Either
// process may start first: CreateEventW creates the event, or opens it when the other process already has. Each wait
// is bounded, so a missing peer ends the example with an error instead of hanging it.
import {
  CloseHandle,
  CreateEventW,
  formatMessage,
  GetLastError,
  SetEvent,
  WAIT_OBJECT_0,
  WAIT_TIMEOUT,
  WaitForSingleObject,
} from '../dist/win32/index.js';

/** How long one process waits for the other: long enough to start the second one by hand in another console. */
export const HANDOFF_TIMEOUT_MS = 60_000;

function lastError(call) {
  const errno = GetLastError();
  return new Error(`${call} failed: error ${errno}: ${formatMessage(errno)}`);
}

/**
 * Creates or opens the manual-reset event `name` (unsignalled when new). Events share the namespace of sections,
 * so the name must differ from the section's.
 */
export function namedEvent(name) {
  const handle = CreateEventW(null, true, false, name);
  if (handle === null) throw lastError(`CreateEventW("${name}")`);
  return {
    /** Signals the event: every waiter, now or later, goes on. */
    set() {
      if (!SetEvent(handle)) throw lastError(`SetEvent("${name}")`);
    },
    /** Waits until the event is signalled; `what` says what for, in the error when the wait times out. */
    wait(what) {
      const result = WaitForSingleObject(handle, HANDOFF_TIMEOUT_MS);
      if (result === WAIT_OBJECT_0) return;
      if (result === WAIT_TIMEOUT) throw new Error(`gave up after ${HANDOFF_TIMEOUT_MS / 1000} s waiting for ${what}`);
      throw lastError(`WaitForSingleObject("${name}")`);
    },
    close() {
      CloseHandle(handle);
    },
  };
}
