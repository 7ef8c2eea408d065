/**
 * The `filemapping` command: named sections and synchronisation objects from a shell (PowerShell, cmd, bash),
 * without writing code. Data goes to stdout alone, messages to stderr, and the exit code says what happened:
 * 0 done, 1 failed (a Win32 error, a bad value), 2 wrong usage, 3 timed out.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { FileMapping } from './section/file-mapping.js';
import type { MappedView } from './view/mapped-view.js';
import { backend } from './backend.js';
import { NamedEvent, NamedSemaphore } from './sync/named-event.js';
import { NamedMutex } from './sync/named-mutex.js';

const HELP = `Usage: filemapping <command> [options]

  create NAME --size N [--text T | --file F] [--hold] [--until EVENT] [--signal EVENT]
      Create a section (or open it if the name exists) and write T (as a C string) or the bytes of F into it.
      --hold keeps it alive until interrupted (Ctrl+C); --until EVENT until that named event is set.
      --signal EVENT sets that named event once the section is ready.
  read NAME [--offset N] [--length N] [--as text|hex|json] [--cstring]
      Print the section's bytes (default: all of them, as UTF-8 text). --cstring stops at the first NUL.
  write NAME (--text T | --file F) [--offset N]
      Write T (as a C string, with its NUL) or the bytes of F at N (default 0).
  info NAME
      Print the section's size as JSON (on Windows rounded up to the page size: sizeRoundedToPage).
  wait event|mutex|semaphore NAME [--timeout MS]
      Wait for the object (a mutex is released again at once; an event that does not exist yet is created, so a
      script can start waiting first). Exit code 3 on timeout.
  signal event|semaphore NAME
      Set the event, or release the semaphore once.

Exit codes: 0 done, 1 failed, 2 wrong usage, 3 timed out.`;

class UsageError extends Error {}

/** What each command takes after its name, in order: checked before anything is opened. */
const POSITIONALS: Readonly<Record<string, readonly string[]>> = {
  create: ['a section name'],
  read: ['a section name'],
  write: ['a section name'],
  info: ['a section name'],
  wait: ['a kind (event, mutex, semaphore)', 'a name'],
  signal: ['a kind (event, semaphore)', 'a name'],
};

const OPTIONS = {
  size: { type: 'string' },
  text: { type: 'string' },
  file: { type: 'string' },
  hold: { type: 'boolean' },
  until: { type: 'string' },
  signal: { type: 'string' },
  offset: { type: 'string' },
  length: { type: 'string' },
  as: { type: 'string' },
  cstring: { type: 'boolean' },
  timeout: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

function integer(value: string | undefined, option: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`--${option} must be a non-negative integer, got "${value}"`);
  return Number(value);
}

/** The bytes --text or --file give: text as a C string with its NUL. */
function payload(values: Values): Buffer | undefined {
  if (values.text !== undefined && values.file !== undefined) throw new UsageError('give --text or --file, not both');
  if (values.text !== undefined) return Buffer.from(`${values.text}\0`, 'utf8');
  if (values.file !== undefined) return readFileSync(values.file);
  return undefined;
}

const FORMATS = ['text', 'hex', 'json'] as const;
type Format = (typeof FORMATS)[number];

function format(value: string | undefined): Format {
  if (value === undefined) return 'text';
  if (!(FORMATS as readonly string[]).includes(value)) throw new UsageError(`--as must be text, hex or json, got "${value}"`);
  return value as Format;
}

/**
 * A view of the bytes from `offset` (`length` of them, or to the end of the section), and where they start in it:
 * only that range is mapped, from `offset` rounded down to the allocation granularity, so that a few bytes of a
 * section larger than a Buffer can be read or written.
 */
function mapRange(mapping: FileMapping, offset: number, length: number | undefined): { view: MappedView; start: number } {
  const granularity = backend().systemInfo().allocationGranularity;
  const base = offset - (offset % granularity);
  const start = offset - base;
  return { view: mapping.map({ offset: base, ...(length === undefined ? {} : { length: start + Math.max(length, 1) }) }), start };
}

function print(bytes: Buffer, as: Format): void {
  switch (as) {
    case 'text':
      process.stdout.write(bytes.toString('utf8'));
      break;
    case 'hex':
      process.stdout.write(`${bytes.toString('hex')}\n`);
      break;
    case 'json':
      process.stdout.write(`${JSON.stringify({ text: bytes.toString('utf8'), hex: bytes.toString('hex'), length: bytes.length })}\n`);
      break;
  }
}

async function create(name: string, values: Values): Promise<void> {
  const size = integer(values.size, 'size');
  const bytes = payload(values);
  if (size === undefined) throw new UsageError('create needs --size');
  const mapping = FileMapping.create({ name, size });
  // Only the bytes written are mapped: the section may be larger than a Buffer can be.
  const view = bytes && mapRange(mapping, 0, bytes.length).view;
  if (view && bytes) view.write(bytes, 0);
  if (values.signal !== undefined) NamedEvent.create(values.signal, { manualReset: true }).set();
  process.stderr.write(`${mapping.alreadyExisted ? 'opened' : 'created'} ${name} (${mapping.size} bytes)\n`);
  if (values.until !== undefined) {
    const until = NamedEvent.create(values.until, { manualReset: true });
    await until.waitAsync();
  } else if (values.hold) {
    process.stderr.write('holding it: interrupt (Ctrl+C) to release\n');
    await new Promise<void>((resolve) => {
      // A timer keeps the event loop alive until a signal arrives.
      const alive = setInterval(() => {}, 1 << 30);
      for (const signal of ['SIGINT', 'SIGTERM', 'SIGBREAK'] as const) {
        process.once(signal, () => {
          clearInterval(alive);
          resolve();
        });
      }
    });
  }
  view?.unmap();
  mapping.close();
}

function read(name: string, values: Values): void {
  const offset = integer(values.offset, 'offset') ?? 0;
  const length = integer(values.length, 'length');
  const as = format(values.as);
  using mapping = FileMapping.open(name, { access: 'read' });
  const range = mapRange(mapping, offset, length);
  using view = range.view;
  let bytes = view.read(range.start, length);
  if (values.cstring) {
    const nul = bytes.indexOf(0);
    if (nul >= 0) bytes = bytes.subarray(0, nul);
  }
  print(bytes, as);
}

function write(name: string, values: Values): void {
  const bytes = payload(values);
  if (!bytes) throw new UsageError('write needs --text or --file');
  const offset = integer(values.offset, 'offset') ?? 0;
  using mapping = FileMapping.open(name, { access: 'write' });
  const range = mapRange(mapping, offset, bytes.length);
  using view = range.view;
  view.write(bytes, range.start);
}

function info(name: string): void {
  using mapping = FileMapping.open(name, { access: 'read' });
  process.stdout.write(`${JSON.stringify({ name, size: Number(mapping.size), sizeRoundedToPage: !mapping.sizeIsExact })}\n`);
}

async function waitFor(kind: string | undefined, name: string | undefined, values: Values): Promise<number> {
  if (!name) throw new UsageError('wait needs a kind (event, mutex, semaphore) and a name');
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
      throw new UsageError(`wait takes event, mutex or semaphore, not "${String(kind)}"`);
  }
}

function signal(kind: string | undefined, name: string | undefined): void {
  if (!name) throw new UsageError('signal needs a kind (event, semaphore) and a name');
  if (kind === 'event') {
    using event = NamedEvent.open(name);
    event.set();
  } else if (kind === 'semaphore') {
    using semaphore = NamedSemaphore.open(name);
    semaphore.release();
  } else {
    throw new UsageError(`signal takes event or semaphore, not "${String(kind)}"`);
  }
}

/** Runs the command line `args`; resolves to the exit code. */
export async function main(args: string[]): Promise<number> {
  try {
    const { values, positionals } = parseArgs({ args, options: OPTIONS, allowPositionals: true, strict: true });
    const [command, first, second] = positionals;
    if (values.help || !command) {
      (values.help ? process.stdout : process.stderr).write(`${HELP}\n`);
      return values.help ? 0 : 2;
    }
    const takes = POSITIONALS[command];
    if (takes === undefined) throw new UsageError(`unknown command "${command}"`);
    if (positionals.length - 1 < takes.length) {
      throw new UsageError(`${command} needs ${takes.join(' and ')}`);
    }
    if (positionals.length - 1 > takes.length) {
      throw new UsageError(`${command} takes ${takes.join(' and ')}; unexpected "${positionals[takes.length + 1] as string}"`);
    }
    switch (command) {
      case 'create':
        await create(first as string, values);
        return 0;
      case 'read':
        read(first as string, values);
        return 0;
      case 'write':
        write(first as string, values);
        return 0;
      case 'info':
        info(first as string);
        return 0;
      case 'wait':
        return await waitFor(first, second, values);
      case 'signal':
        signal(first, second);
        return 0;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    const usage = error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    process.stderr.write(`filemapping: ${(error as Error).message}${usage ? '\n(filemapping --help for usage)' : ''}\n`);
    return usage ? 2 : 1;
  }
}
