// The filemapping command, driven as a user drives it: separate processes, stdout and exit codes.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../scripts/windows-runtime.mjs';
import { runtime, uniqueName, versions, VIEW_MODES } from './harness.js';

const CLI = join(ROOT, 'bin', 'filemapping.cjs');
const version = versions[versions.length - 1] as string;

// Every command that maps a view runs in both view modes, as Electron's main process would force copy mode.
describe.each(VIEW_MODES)(`the filemapping command, Windows node ${version}, %s mode`, (_mode, env) => {
  const cli = (...args: string[]) => runtime.runNode(version, CLI, args, { env });

  it('creates and holds a section that other commands read, write and describe', async () => {
    const name = uniqueName('cli');
    const holder = cli('create', name, '--size', '1024', '--text', 'hello from the CLI', '--signal', `${name}-ready`, '--until', `${name}-stop`);
    // The section is ready once `create` sets its --signal event; `wait event` creates the event if it comes first.
    const ready = await cli('wait', 'event', `${name}-ready`, '--timeout', '60000');
    expect(ready.code, ready.stderr).toBe(0);

    const read = await cli('read', name, '--cstring');
    expect(read).toMatchObject({ code: 0, stdout: 'hello from the CLI' });
    expect(await cli('write', name, '--text', 'rewritten', '--offset', '100')).toMatchObject({ code: 0 });
    expect((await cli('read', name, '--offset', '100', '--cstring')).stdout).toBe('rewritten');
    const hex = await cli('read', name, '--length', '5', '--as', 'hex');
    expect(hex.stdout).toBe(`${Buffer.from('hello').toString('hex')}\n`);
    const json = JSON.parse((await cli('read', name, '--length', '5', '--as', 'json')).stdout);
    expect(json).toEqual({ text: 'hello', hex: Buffer.from('hello').toString('hex'), length: 5 });
    expect(JSON.parse((await cli('info', name)).stdout)).toMatchObject({ name, size: 4096 });

    expect(await cli('signal', 'event', `${name}-stop`)).toMatchObject({ code: 0 });
    expect((await holder).code).toBe(0);
    // The holder is gone, and the section with it.
    const gone = await cli('read', name);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain('ERROR_FILE_NOT_FOUND');
  });

  it('answers usage errors with exit code 2 and help, and timeouts with 3', async () => {
    const help = await cli('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: filemapping');
    expect(await cli('frobnicate', 'x')).toMatchObject({ code: 2, stderr: expect.stringContaining('unknown command') });
    expect(await cli('read')).toMatchObject({ code: 2 });
    expect(await cli('create', uniqueName('x'))).toMatchObject({ code: 2, stderr: expect.stringContaining('--size') });
    expect(await cli('read', 'x', '--bogus')).toMatchObject({ code: 2 });
    // Extra words are refused, not ignored, and a usage error comes before any error about the name.
    expect(await cli('read', 'x', 'y')).toMatchObject({ code: 2, stderr: expect.stringContaining('unexpected "y"') });
    expect(await cli('signal', 'event', 'x', 'y')).toMatchObject({ code: 2, stderr: expect.stringContaining('unexpected "y"') });
    expect(await cli('read', 'bad\\name\\x', '--as', 'bogus')).toMatchObject({ code: 2, stderr: expect.stringContaining('--as must be') });
    const name = uniqueName('cli-timeout');
    const holder = cli('create', `${name}-section`, '--size', '64', '--signal', name, '--until', `${name}-stop`);
    expect(await cli('wait', 'event', name, '--timeout', '60000')).toMatchObject({ code: 0 });
    const timedOut = await cli('wait', 'semaphore', `${name}-missing`, '--timeout', '10');
    expect(timedOut.code).toBe(1); // no such semaphore
    expect(await cli('wait', 'event', `${name}-stop`, '--timeout', '10')).toMatchObject({ code: 3 });
    await cli('signal', 'event', `${name}-stop`);
    expect((await holder).code).toBe(0);
  });
});

// On Node 20 a Buffer holds at most 4 GiB: the command maps only the range asked for, so a few bytes of a larger
// section can be read and written (it once mapped the whole section first, and failed).
describe.each(versions)('the filemapping command on a 5 GiB section, Windows node %s', (v) => {
  const cli = (...args: string[]) => runtime.runNode(v, CLI, args);

  it('reads and writes a few bytes anywhere in it, past 4 GiB too', async () => {
    const name = uniqueName('cli-large');
    const holder = cli('create', name, '--size', String(5 * 2 ** 30), '--text', 'start', '--signal', `${name}-ready`, '--until', `${name}-stop`);
    expect((await cli('wait', 'event', `${name}-ready`, '--timeout', '60000')).code).toBe(0);
    const past = String(2 ** 32 + 3);
    expect(await cli('write', name, '--text', 'far away', '--offset', past)).toMatchObject({ code: 0 });
    expect(await cli('read', name, '--offset', past, '--length', '8')).toMatchObject({ code: 0, stdout: 'far away' });
    expect(await cli('read', name, '--length', '5')).toMatchObject({ code: 0, stdout: 'start' });
    expect(await cli('read', name, '--offset', String(5 * 2 ** 30 - 1), '--length', '1', '--as', 'hex')).toMatchObject({ code: 0, stdout: '00\n' });
    await cli('signal', 'event', `${name}-stop`);
    expect((await holder).code).toBe(0);
  });
});
