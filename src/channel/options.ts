/** The options of Channel.create(), Channel.open(), send() and receive(), and the schemas that check them. */
import { expectedOwnerSchema, parseOptions, securitySchema } from '../section/options.js';
import type { ExpectedOwner } from '../core/owner.js';
import { isTimeoutMs, timeoutSchema } from '../sync/kernel-object.js';
import { lazy, zod } from '../core/zod.js';

const schemas = lazy(() => {
  const z = zod();
  const capacitySchema = z
    .number({ error: 'Expected a number of bytes' })
    .int({ error: 'Expected an integer' })
    .min(4096, { error: 'Must be at least 4096 bytes' })
    .max(2 ** 30, { error: 'Must be at most 1 GiB' })
    .refine((n) => (n & (n - 1)) === 0, { error: 'Must be a power of two (4096, 65536, 1048576...)' });
  const spinSchema = z
    .number({ error: 'Expected a number of microseconds' })
    .min(0, { error: 'Must be at least 0' })
    .max(1_000_000, { error: 'Must be at most 1000000 (1 s): a side that waits longer should sleep' })
    .default(0);
  return {
    create: z.strictObject({
      capacity: capacitySchema.default(1 << 20),
      exclusive: z.boolean({ error: 'Expected a boolean' }).default(false),
      security: securitySchema().optional(),
      spinMicroseconds: spinSchema,
    }),
    open: z.strictObject({ expectedOwner: expectedOwnerSchema().optional(), spinMicroseconds: spinSchema }),
    sync: z.strictObject({ timeoutMs: timeoutSchema() }),
  };
});
export const createSchema = (): ReturnType<typeof schemas>['create'] => schemas().create;
export const openSchema = (): ReturnType<typeof schemas>['open'] => schemas().open;
export const syncSchema = (): ReturnType<typeof schemas>['sync'] => schemas().sync;

/** The options of Channel.create(). */
export interface ChannelOptions {
  /** Bytes of ring, a power of two from 4096 to 1 GiB; default 1 MiB. Messages can be up to capacity - 4 bytes. */
  capacity?: number;
  /** Fail (code 'EEXIST') instead of joining an existing channel of this name, or one whose parts exist. */
  exclusive?: boolean;
  /**
   * The security descriptor in SDDL of the channel's section, its two events and its set-up mutex (default: the
   * caller's default DACL). Whoever joins needs read and write access to the section (FILE_MAP_READ | FILE_MAP_WRITE)
   * and SYNCHRONIZE | EVENT_MODIFY_STATE on the events: e.g. 'D:P(A;;GA;;;SY)(A;;GA;;;IU)' lets a service share a
   * Global\ channel with interactive users. Applies only when this call creates the channel.
   */
  security?: string;
  /**
   * Microseconds this end looks for the other side (busy, in user space) before it sleeps in the kernel, when it
   * must wait for a message or for room; default 0 (it sleeps at once). For latency-sensitive pairs whose other side
   * answers within microseconds: a wait it covers costs no kernel call and no wake-up. Spinning occupies the calling
   * thread (the event loop, for the asynchronous calls) for up to this long per wait; at most 1 s.
   */
  spinMicroseconds?: number;
}

/** The options of Channel.open(). */
export interface ChannelOpenOptions {
  /**
   * Join only a channel whose section and events are owned by this user: 'current-user', 'system', 'administrators'
   * or a SID string (as FileMapping.open()'s option of that name). Otherwise open() releases what it opened and
   * throws an UnexpectedOwnerError: another process may have squatted the name.
   */
  expectedOwner?: ExpectedOwner;
  /** Microseconds this end spins before it sleeps, as in ChannelOptions (default 0). */
  spinMicroseconds?: number;
}

/** The options of the synchronous send() and receive(). */
export interface SyncWaitOptions {
  /** Milliseconds to wait for room or for a message; default Infinity. A timeout is a result, not an exception. */
  timeoutMs?: number;
}

/**
 * The timeout of a synchronous send() or receive(): the two shapes nearly every call has (no options, and
 * `{ timeoutMs }` with a valid value) are read by hand, because a zod parse cost a third of a 64-byte send() and
 * receive() (BENCHMARKS.md); anything else goes through the schema, for its checks and its messages.
 */
export function parseSyncTimeout(options: unknown, context: string): number {
  if (options === undefined) return Infinity;
  if (typeof options === 'object' && options !== null && Object.getPrototypeOf(options) === Object.prototype) {
    // Any other key (inherited ones too) is the schema's to refuse.
    for (const key in options) if (key !== 'timeoutMs') return parseOptions(syncSchema, options, context).timeoutMs;
    const ms = (options as { timeoutMs?: unknown }).timeoutMs;
    if (ms === undefined) return Infinity;
    if (isTimeoutMs(ms)) return ms;
  }
  return parseOptions(syncSchema, options, context).timeoutMs;
}
