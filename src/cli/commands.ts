/**
 * The command's subcommands. Each gets its options already parsed (arguments.ts), checks what depends on them before
 * any native call, and says what failed in the user's own numbers: the offset and length asked for, not those of the
 * view mapped to serve them.
 */
import { FileMapping } from '../section/file-mapping.js';
import { MAX_VIEW_LENGTH, type MappedView } from '../view/mapped-view.js';
import { backend } from '../backend.js';
import { NamedEvent, NamedSemaphore } from '../sync/named-event.js';
import { NamedMutex } from '../sync/named-mutex.js';
import { format, integer, UsageError, type Values } from './arguments.js';
import { closeHolder, startHolder, untilSignal } from './holder.js';
import { payload, print, writeStdout } from './io.js';

/**
 * A view of `length` bytes from `offset` (at least one), and where they start in it: only that range is mapped, from
 * `offset` rounded down to the allocation granularity, so that a few bytes of a section larger than a Buffer can be
 * read or written.
 */
function mapRange(mapping: FileMapping, offset: number, length: number): { view: MappedView; start: number } {
  const granularity = backend().systemInfo().allocationGranularity;
  const base = offset - (offset % granularity);
  const start = offset - base;
  return { view: mapping.map({ offset: base, length: start + length }), start };
}

/**
 * How many bytes from `offset` a read or write touches (`length`, or up to the end of the section), once checked
 * against the section's size and what one Buffer holds; throws, naming the offset and length asked for, otherwise.
 */
function span(mapping: FileMapping, name: string, offset: number, length: number | undefined): number {
  const size = mapping.size;
  if (BigInt(offset) > size) throw new Error(`offset ${offset} is past the end of ${name} (${size} bytes)`);
  if (length !== undefined && BigInt(offset) + BigInt(length) > size) {
    throw new Error(`${length} bytes at offset ${offset} run past the end of ${name} (${size} bytes)`);
  }
  const count = length ?? Number(size - BigInt(offset));
  if (count > MAX_VIEW_LENGTH) {
    throw new Error(`${count} bytes at offset ${offset} are more than a Buffer holds in this Node (${MAX_VIEW_LENGTH}): give --offset and --length`);
  }
  return count;
}

export async function create(name: string, values: Values): Promise<void> {
  const size = integer(values.size, 'size');
  if (size === undefined) throw new UsageError('create needs --size');
  const data = await payload(values);
  // Checked before the section exists: nothing is created for data that cannot go into it.
  if (data && data.bytes.length > size) throw new Error(`${data.bytes.length} bytes (${data.from}) do not fit in --size ${size}`);
  using mapping = FileMapping.create({ name, size });
  if (data && BigInt(data.bytes.length) > mapping.size) {
    throw new Error(`${data.bytes.length} bytes (${data.from}) do not fit in ${name}, which already existed with ${mapping.size} bytes`);
  }
  if (data && data.bytes.length > 0) {
    // Only the bytes written are mapped: the section may be larger than a Buffer can be.
    using view = mapRange(mapping, 0, data.bytes.length).view;
    view.write(data.bytes, 0);
  }
  // Whatever ends the hold is in place before --signal says the section is ready: a signal sent (or the --until event
  // set) on seeing it must release the section, not find a process that dies of it or an event that is not there yet.
  using until = values.until === undefined ? undefined : NamedEvent.create(values.until, { manualReset: true });
  const settled = new AbortController();
  const interrupted = until === undefined && values.hold ? untilSignal(settled.signal) : undefined;
  try {
    // Open until the end: on Windows an event nobody else has open yet would go, and its state with it, on close.
    using ready = values.signal === undefined ? undefined : NamedEvent.create(values.signal, { manualReset: true });
    ready?.set();
    process.stderr.write(`${mapping.alreadyExisted ? 'opened' : 'created'} ${name} (${mapping.size} bytes)\n`);
    if (until !== undefined) {
      await until.waitAsync();
    } else if (interrupted !== undefined) {
      process.stderr.write('holding it: interrupt (Ctrl+C) to release\n');
      await interrupted;
    } else if (!mapping.alreadyExisted) {
      // The name would go with this process: a process of its own holds it until `close` (see holder.ts). A name that
      // existed already is someone else's to hold.
      const pid = await startHolder(name, values.signal);
      process.stderr.write(`held by process ${pid} until: filemapping close ${name}\n`);
    }
  } finally {
    settled.abort();
  }
}

/** `close NAME`: ends the holder `create` started, once its process has gone. */
export async function close(name: string): Promise<void> {
  const gone = await closeHolder(name);
  process.stderr.write(gone ? `closed ${name}\n` : `closed ${name}'s holder; another process still has ${name} open\n`);
}

export async function read(name: string, values: Values): Promise<void> {
  const offset = integer(values.offset, 'offset') ?? 0;
  const length = integer(values.length, 'length');
  const as = format(values.as);
  using mapping = FileMapping.open(name, { access: 'read' });
  const count = span(mapping, name, offset, length);
  let bytes: Buffer = Buffer.alloc(0);
  if (count > 0) {
    const range = mapRange(mapping, offset, count);
    using view = range.view;
    bytes = view.read(range.start, count);
  }
  if (values.cstring) {
    const nul = bytes.indexOf(0);
    if (nul >= 0) bytes = bytes.subarray(0, nul);
  }
  await print(bytes, as);
}

export async function write(name: string, values: Values): Promise<void> {
  const offset = integer(values.offset, 'offset') ?? 0;
  const data = await payload(values);
  if (!data) throw new UsageError('write needs --text or --file');
  using mapping = FileMapping.open(name, { access: 'write' });
  span(mapping, name, offset, data.bytes.length);
  if (data.bytes.length === 0) return;
  const range = mapRange(mapping, offset, data.bytes.length);
  using view = range.view;
  view.write(data.bytes, range.start);
}

export async function info(name: string): Promise<void> {
  using mapping = FileMapping.open(name, { access: 'read' });
  await writeStdout(`${JSON.stringify({ name, size: Number(mapping.size), sizeRoundedToPage: !mapping.sizeIsExact })}\n`);
}

/** Resolves to the exit code: 0, or 3 on timeout. */
export async function waitFor(kind: string, name: string, values: Values): Promise<number> {
  const timeoutMs = integer(values.timeout, 'timeout') ?? Infinity;
  switch (kind) {
    case 'event': {
      // Created if missing (manual-reset), so that a script can wait before the other side creates it.
      using event = NamedEvent.create(name, { manualReset: true });
      return (await event.waitAsync({ timeoutMs })) === 'timeout' ? 3 : 0;
    }
    case 'semaphore': {
      using semaphore = NamedSemaphore.open(name);
      return (await semaphore.waitAsync({ timeoutMs })) === 'timeout' ? 3 : 0;
    }
    case 'mutex': {
      using mutex = NamedMutex.open(name);
      const result = await mutex.lockAsync({ timeoutMs });
      if (result === 'timeout') return 3;
      if (result === 'abandoned') process.stderr.write(`${name} was abandoned by its previous holder\n`);
      mutex.unlock();
      return 0;
    }
    default:
      throw new UsageError(`wait takes event, mutex or semaphore, not "${kind}"`);
  }
}

export function signal(kind: string, name: string): void {
  if (kind === 'event') {
    using event = NamedEvent.open(name);
    event.set();
  } else if (kind === 'semaphore') {
    using semaphore = NamedSemaphore.open(name);
    semaphore.release();
  } else {
    throw new UsageError(`signal takes event or semaphore, not "${kind}"`);
  }
}
