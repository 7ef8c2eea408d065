/**
 * The command line of `filemapping`, parsed once into a typed command: which command, its positionals, and only the
 * options that command takes. Everything here is checked before anything is opened, and every problem is a
 * UsageError (exit code 2).
 */
import { parseArgs } from 'node:util';

export const HELP = `Usage: filemapping <command> [options]

  create NAME --size N [--text T | --file F] [--hold] [--until EVENT] [--signal EVENT]
      Create a section (or open it if the name exists) and write T (as a C string) or the bytes of F into it
      (--file - reads standard input). The data must fit in N bytes.
      A section it created lives on in a process of its own (its id on stderr) until "filemapping close NAME".
      --hold instead keeps it in this process until interrupted (Ctrl+C); --until EVENT until that event is set.
      --signal EVENT sets that named event once the section is ready.
  close NAME
      End the process create left holding the section; returns once it has gone, and the name with it.
  read NAME [--offset N] [--length N] [--as raw|text|hex|json] [--cstring]
      Print the section's bytes as they are (default: from the offset, 0, to the end). --cstring stops at the
      first NUL. --as text prints the UTF-8 text up to the first NUL; hex, one line of hex; json, {text,hex,length}.
  write NAME (--text T | --file F) [--offset N]
      Write T (as a C string, with its NUL) or the bytes of F (--file - reads standard input) at N (default 0).
  info NAME
      Print the section's size as JSON (on Windows rounded up to the page size: sizeRoundedToPage).
  wait event|mutex|semaphore NAME [--timeout MS]
      Wait for the object (a mutex is released again at once; an event that does not exist yet is created, so a
      script can start waiting first). Exit code 3 on timeout.
  signal event|semaphore NAME
      Set the event, or release the semaphore once.

  --help, -h prints this; --version prints the package's version.

Exit codes: 0 done, 1 failed, 2 wrong usage, 3 timed out.`;

/** A command line the command cannot run: exit code 2, with a pointer to --help. */
export class UsageError extends Error {}
UsageError.prototype.name = 'UsageError';

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
  version: { type: 'boolean' },
} as const;

type OptionName = keyof typeof OPTIONS;
export type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

/** What each command takes after its name, in order, and the options it takes (--help and --version go anywhere). */
const COMMANDS = {
  create: { positionals: ['a section name'], options: ['size', 'text', 'file', 'hold', 'until', 'signal'] },
  read: { positionals: ['a section name'], options: ['offset', 'length', 'as', 'cstring'] },
  write: { positionals: ['a section name'], options: ['text', 'file', 'offset'] },
  info: { positionals: ['a section name'], options: [] },
  wait: { positionals: ['a kind (event, mutex, semaphore)', 'a name'], options: ['timeout'] },
  signal: { positionals: ['a kind (event, semaphore)', 'a name'], options: [] },
  close: { positionals: ['a section name'], options: [] },
  // Not in --help: what `create` starts to hold a section (holder.ts).
  __hold: { positionals: ['a section name', 'an event name'], options: ['signal'] },
} as const satisfies Record<string, { positionals: readonly string[]; options: readonly OptionName[] }>;

export type Command = keyof typeof COMMANDS;

export type CommandLine = { kind: 'help'; asked: boolean } | { kind: 'version' } | { kind: 'run'; command: Command; positionals: string[]; values: Values };

const isCommand = (name: string): name is Command => Object.hasOwn(COMMANDS, name);
const isOption = (name: string): name is OptionName => Object.hasOwn(OPTIONS, name);

/** Parses `args`; throws a UsageError for an unknown command or option, a missing or extra word, or an option the command does not take. */
export function parseCommandLine(args: string[]): CommandLine {
  // Unknown options first, from the tokens, in the command's own words: Node's strict parse names them in a message
  // whose quotes do not pair up ("... as in '-- "--version"").
  const { tokens } = parseArgs({ args, options: OPTIONS, allowPositionals: true, strict: false, tokens: true });
  for (const token of tokens) {
    if (token.kind === 'option' && !isOption(token.name)) throw new UsageError(`unknown option "${token.rawName}"`);
  }
  const { values, positionals } = parseArgs({ args, options: OPTIONS, allowPositionals: true, strict: true });
  if (values.help) return { kind: 'help', asked: true };
  if (values.version) return { kind: 'version' };
  const [command, ...rest] = positionals;
  if (command === undefined) return { kind: 'help', asked: false };
  if (!isCommand(command)) throw new UsageError(`unknown command "${command}"`);
  const takes = COMMANDS[command];
  if (rest.length < takes.positionals.length) throw new UsageError(`${command} needs ${takes.positionals.join(' and ')}`);
  if (rest.length > takes.positionals.length) {
    throw new UsageError(`${command} takes ${takes.positionals.join(' and ')}; unexpected "${rest[takes.positionals.length] as string}"`);
  }
  const allowed: readonly OptionName[] = takes.options;
  for (const name of Object.keys(values)) {
    if (isOption(name) && !allowed.includes(name)) {
      const list = allowed.length > 0 ? `it takes ${allowed.map((option) => `--${option}`).join(', ')}` : 'it takes none';
      throw new UsageError(`${command} does not take --${name} (${list})`);
    }
  }
  return { kind: 'run', command, positionals: rest, values };
}

/** The value of a numeric option: a non-negative integer in decimal, exact as a JavaScript number. */
export function integer(value: string | undefined, option: string): number | undefined {
  if (value === undefined) return undefined;
  const number = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(number)) {
    throw new UsageError(`--${option} must be a non-negative integer in decimal, at most ${Number.MAX_SAFE_INTEGER}, got "${value}"`);
  }
  return number;
}

export const FORMATS = ['raw', 'text', 'hex', 'json'] as const;
export type Format = (typeof FORMATS)[number];

/** The value of --as (raw by default). */
export function format(value: string | undefined): Format {
  if (value === undefined) return 'raw';
  if (!(FORMATS as readonly string[]).includes(value)) throw new UsageError(`--as must be ${FORMATS.join(', ')}, got "${value}"`);
  return value as Format;
}
