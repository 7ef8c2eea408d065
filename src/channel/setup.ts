/**
 * Setting a channel up: its name, and its parts (the section with the ring, the events NAME-data and NAME-space), made
 * or joined under the set-up mutex NAME-init so that nobody finds a section without its header.
 */
import { ALREADY_EXISTS_HINTS, FileMappingValidationError, isSystemCallError, SystemCallError } from '../errors.js';
import type { FileMapping } from '../section/file-mapping.js';
import { MAX_NAME_LENGTH, parseName } from '../section/options.js';
import { memoryOf, type MappedView } from '../view/mapped-view.js';
import { backend } from '../backend.js';
import type { NamedEvent } from '../sync/named-event.js';
import { NamedMutex } from '../sync/named-mutex.js';
import { Ring } from './ring.js';

/** The parts of a channel beside its section, by the suffix of their names. */
export const PARTS = { init: '-init', data: '-data', space: '-space' } as const;
/** The longest channel name: its parts' names (NAME-space the longest) must be valid kernel object names. */
export const MAX_CHANNEL_NAME_LENGTH = MAX_NAME_LENGTH - PARTS.space.length;

/** How create() and open() make the parts of a channel: buildChannel() runs them under the set-up mutex. */
export interface BuildSteps {
  /** The ring's capacity when the section is new and this end writes the header; undefined to attach only. */
  capacity: number | undefined;
  /** create() with `exclusive`: every part must be new. */
  exclusive: boolean;
  security: { security?: string };
  section(): FileMapping;
  event(name: string): NamedEvent;
}
/** How long create() and open() wait for another process that is setting the same channel up. */
const INIT_TIMEOUT_MS = 30_000;

/** What a channel end is made of. */
export interface ChannelParts {
  mapping: FileMapping;
  view: MappedView;
  ring: Ring;
  /** NAME-data (wakes a reader) and NAME-space (wakes a writer). */
  events: [NamedEvent, NamedEvent];
}

export function buildChannel(name: string, how: BuildSteps): ChannelParts {
  const owned: Disposable[] = [];
  // Creating the section and writing its header are two steps: a process joining in between would find no header.
  // A mutex NAME-init makes them one for every process that creates or opens the channel.
  const init = part(name, 'mutex NAME-init', () => NamedMutex.create(`${name}${PARTS.init}`, { ...how.security, exclusive: how.exclusive }));
  try {
    if (init.lock(INIT_TIMEOUT_MS) === 'timeout') {
      throw new Error(`Timed out after ${INIT_TIMEOUT_MS} ms waiting to set up channel "${name}" (another process holds ${name}${PARTS.init})`);
    }
    const mapping = part(name, 'section', how.section);
    owned.push(mapping);
    // The creator writes the header; whoever joins checks it (a section of that name may hold something else, even
    // too little to map).
    const capacity = mapping.alreadyExisted ? undefined : how.capacity;
    if (capacity === undefined) Ring.refuseShort(mapping.size, name);
    // Zero-copy or copy mode, as the runtime allows (or FILEMAPPING_COPY_MODE asks): the ring uses the view's
    // atomics, which are the same locked instructions in both, so processes in different modes share a channel.
    const view = mapping.map();
    owned.push(view);
    const memory = () => memoryOf(view, `reach channel "${name}" through`);
    const ring = capacity === undefined ? Ring.attach(memory, view.length, name) : Ring.initialize(memory, capacity, name);
    const data = part(name, 'event NAME-data', () => how.event(`${name}${PARTS.data}`));
    owned.push(data);
    const space = part(name, 'event NAME-space', () => how.event(`${name}${PARTS.space}`));
    owned.push(space);
    return { mapping, view, ring, events: [data, space] };
  } catch (error) {
    for (const resource of owned.reverse()) resource[Symbol.dispose]();
    throw error;
  } finally {
    // close() unlocks first if this object holds the lock.
    init.close();
  }
}

/** Parses a channel's name: a section name short enough for the names of its parts too. */
export function parseChannelName(name: unknown, context: string): string {
  const parsed = parseName(name, context);
  if (parsed.length > MAX_CHANNEL_NAME_LENGTH) {
    throw new FileMappingValidationError(context, [
      `Must be at most ${MAX_CHANNEL_NAME_LENGTH} characters for a channel (got ${parsed.length}): its events are named NAME${PARTS.data} and NAME${PARTS.space}, and a name is at most ${MAX_NAME_LENGTH} characters`,
    ]);
  }
  // Where the OS counts a name's bytes (Linux), the parts' names must fit too.
  const bytes = backend().nameBytes;
  const used = Buffer.byteLength(parsed.replace(/^(?:Global|Local|Session\\\d+)\\/u, ''), 'utf8') + PARTS.space.length;
  if (bytes !== undefined && used > bytes) {
    throw new FileMappingValidationError(context, [
      `Must be at most ${bytes - PARTS.space.length} bytes for a channel on this OS (got ${used - PARTS.space.length}, after any Local\\ or Global\\ prefix): its events are named NAME${PARTS.data} and NAME${PARTS.space}, and a name is at most ${bytes} bytes here`,
    ]);
  }
  return parsed;
}

/**
 * Makes one part of channel `name`, and tells an error about it as the channel's: an exclusive create that finds the
 * part existing names the channel and the part (a squatter may have taken the name), and an SDDL the system refuses
 * is the channel's option, whatever part it was read for.
 */
function part<T>(name: string, what: string, make: () => T): T {
  try {
    return make();
  } catch (error) {
    if (!isSystemCallError(error) || !(error instanceof SystemCallError)) throw error;
    const object = what.replace('NAME', name);
    if (error.code === 'EEXIST') {
      throw error.retold(`creating channel "${name}" (exclusive): its ${object} exists already`, name, ALREADY_EXISTS_HINTS.channel);
    }
    if (error.syscall === 'ConvertStringSecurityDescriptorToSecurityDescriptorW') {
      throw error.retold(`reading the security option of channel "${name}" (see the cause for the SDDL)`, name, undefined);
    }
    throw error;
  }
}
