// Not an example by itself: the hand-off that examples/process1.mjs and examples/process2.mjs use, so that one
// process can tell the other "the message is there" (and "I have read it") without sleeping or polling.
//
// It is a named manual-reset event (NamedEvent), the same on Windows and Linux. Either process may start first:
// create() creates the event, or opens it when the other process already has. Each wait is bounded, so a missing
// peer ends the example with an error instead of hanging it.
import { NamedEvent } from 'filemapping';

/** How long one process waits for the other: long enough to start the second one by hand in another console. */
export const HANDOFF_TIMEOUT_MS = 60_000;

/**
 * Creates or opens the manual-reset event `name` (unsignalled when new). Events share the namespace of sections (on
 * Windows and on Linux), so the name must differ from the section's.
 */
export function namedEvent(name) {
  const event = NamedEvent.create(name, { manualReset: true });
  return {
    /** Signals the event: every waiter, now or later, goes on. */
    set() {
      event.set();
    },
    /** Waits until the event is signalled; `what` says what for, in the error when the wait times out. */
    wait(what) {
      // A timeout is a result, not an exception; a failure of the wait itself throws a SystemCallError.
      if (event.wait(HANDOFF_TIMEOUT_MS) === 'timeout') throw new Error(`gave up after ${HANDOFF_TIMEOUT_MS / 1000} s waiting for ${what}`);
    },
    close() {
      event.close();
    },
  };
}
