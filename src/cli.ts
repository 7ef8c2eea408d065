/**
 * The `filemapping` command: named sections and synchronisation objects from a shell (PowerShell, cmd, bash),
 * without writing code. Data goes to stdout alone, messages to stderr, and the exit code says what happened:
 * 0 done, 1 failed (a system error, a value refused, data that does not fit), 2 wrong usage, 3 timed out.
 * The command line is parsed in cli/arguments.ts, the subcommands are in cli/commands.ts, their input and output in
 * cli/io.ts.
 */
import { HELP, parseCommandLine, UsageError } from './cli/arguments.js';
import { close, create, info, read, signal, waitFor, write } from './cli/commands.js';
import { hold } from './cli/holder.js';
import { writeStdout } from './cli/io.js';
import { sourceRequire } from './core/package-require.js';

/** The package's version, written into the build (tsup.config.ts): the command looks up no file at run time. */
declare const FILEMAPPING_VERSION: string | undefined;

function version(): string {
  if (typeof FILEMAPPING_VERSION === 'string') return FILEMAPPING_VERSION;
  // Run from source: the package.json beside src/.
  return (sourceRequire()('../../package.json') as { version: string }).version;
}

/** Runs the command line `args`; resolves to the exit code. */
export async function main(args: string[]): Promise<number> {
  try {
    const line = parseCommandLine(args);
    switch (line.kind) {
      case 'help':
        if (!line.asked) {
          process.stderr.write(`${HELP}\n`);
          return 2;
        }
        await writeStdout(`${HELP}\n`);
        return 0;
      case 'version':
        await writeStdout(`${version()}\n`);
        return 0;
    }
    const [first, second] = line.positionals as [string, string];
    switch (line.command) {
      case 'create':
        await create(first, line.values);
        return 0;
      case 'read':
        await read(first, line.values);
        return 0;
      case 'write':
        await write(first, line.values);
        return 0;
      case 'info':
        await info(first);
        return 0;
      case 'wait':
        return await waitFor(first, second, line.values);
      case 'signal':
        signal(first, second);
        return 0;
      case 'close':
        await close(first);
        return 0;
      case '__hold':
        await hold(first, second, line.values.signal);
        return 0;
    }
  } catch (error) {
    const usage = error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    process.stderr.write(`filemapping: ${(error as Error).message}${usage ? '\n(filemapping --help for usage)' : ''}\n`);
    return usage ? 2 : 1;
  }
}
