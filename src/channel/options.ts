/** The options of Channel.create(), Channel.open(), send() and receive(), and the schemas that check them. */
import { expectedOwnerSchema, securitySchema } from '../section/options.js';
import type { ExpectedOwner } from '../core/owner.js';
import { timeoutSchema } from '../sync/kernel-object.js';
import { lazy, zod } from '../core/zod.js';

const schemas = lazy(() => {
  const z = zod();
  const capacitySchema = z
    .number({ error: 'Expected a number of bytes' })
    .int({ error: 'Expected an integer' })
    .min(4096, { error: 'Must be at least 4096 bytes' })
    .max(2 ** 30, { error: 'Must be at most 1 GiB' })
    .refine((n) => (n & (n - 1)) === 0, { error: 'Must be a power of two (4096, 65536, 1048576...)' });
  return {
    create: z.strictObject({
      capacity: capacitySchema.default(1 << 20),
      exclusive: z.boolean({ error: 'Expected a boolean' }).default(false),
      security: securitySchema().optional(),
    }),
    open: z.strictObject({ expectedOwner: expectedOwnerSchema().optional() }),
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
  /** Fail with ERROR_ALREADY_EXISTS instead of joining an existing channel of this name. */
  exclusive?: boolean;
  /**
   * The security descriptor in SDDL of the channel's section, its two events and its set-up mutex (default: the
   * caller's default DACL). Whoever joins needs read and write access to the section (FILE_MAP_READ | FILE_MAP_WRITE)
   * and SYNCHRONIZE | EVENT_MODIFY_STATE on the events: e.g. 'D:P(A;;GA;;;SY)(A;;GA;;;IU)' lets a service share a
   * Global\ channel with interactive users. Applies only when this call creates the channel.
   */
  security?: string;
}

/** The options of Channel.open(). */
export interface ChannelOpenOptions {
  /**
   * Join only a channel whose section and events are owned by this user: 'current-user', 'system', 'administrators'
   * or a SID string (as FileMapping.open()'s option of that name). Otherwise open() releases what it opened and
   * throws an UnexpectedOwnerError: another process may have squatted the name.
   */
  expectedOwner?: ExpectedOwner;
}

/** The options of the synchronous send() and receive(). */
export interface SyncWaitOptions {
  /** Milliseconds to wait for room or for a message; default Infinity. A timeout is a result, not an exception. */
  timeoutMs?: number;
}
