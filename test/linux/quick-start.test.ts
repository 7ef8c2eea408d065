// The README's Quick start as a new user meets it: its two blocks copied as they are into a new project that installed
// the packed package, saved as .mjs (run by node, in each Node version) and as .ts (run by tsx), and run as the README
// says: process 1 first, process 2 in another terminal, then Enter in process 1's.
import { spawn } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeBlocks, freshProject } from '../fixtures/fresh-project.js';
import { onLinux, run, runtime, versions } from './harness.js';

const TSX = join(import.meta.dirname, '..', '..', 'node_modules', '.bin', 'tsx');
let project: string;

beforeAll(() => {
  if (!onLinux) return;
  project = freshProject('quick-start');
  const [process1, process2] = codeBlocks('README.md', '## Quick start');
  for (const extension of ['mjs', 'ts']) {
    writeFileSync(join(project, `process1.${extension}`), process1 ?? '');
    writeFileSync(join(project, `process2.${extension}`), process2 ?? '');
  }
});

afterAll(() => {
  if (project) rmSync(project, { recursive: true, force: true });
});

/** Runs process 1, waits for its first line, runs process 2 to its end, then presses Enter in process 1. */
async function quickStart(command: string, prefix: string[], extension: string) {
  const first = spawn(command, [...prefix, `process1.${extension}`], { cwd: project, stdio: 'pipe' });
  let said = '';
  let errors = '';
  first.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const ended = new Promise<number | null>((resolve) => first.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    first.stdout.on('data', (chunk: Buffer) => {
      said += chunk.toString();
      if (said.includes('\n')) resolve();
    });
    first.once('exit', (code) => reject(new Error(`process 1 ended (${code}) before it wrote: ${said}${errors}`)));
  });
  const second = await run(command, [...prefix, `process2.${extension}`], { cwd: project });
  const named = existsSync('/dev/shm/MyFileMapping');
  first.stdin.write('\n');
  return { said, second: { code: second.code, stdout: second.stdout, stderr: second.stderr }, named, first: { code: await ended, stderr: errors } };
}

const expected = {
  said: 'Written. Run process 2 now, then press Enter here to end.\n',
  second: { code: 0, stdout: 'Message from first process.\n', stderr: '' },
  named: true,
  first: { code: 0, stderr: '' },
};

// One at a time: the README's name is one name.
describe.runIf(onLinux).sequential("the README's Quick start, copied as it is", () => {
  it.each(versions)('runs as two .mjs programs in Node %s', async (version) => {
    expect(await quickStart(runtime.nodePath(version) as string, [], 'mjs')).toEqual(expected);
    expect(existsSync('/dev/shm/MyFileMapping')).toBe(false);
  });

  it('runs as two .ts programs with tsx', async () => {
    expect(await quickStart(TSX, [], 'ts')).toEqual(expected);
    expect(existsSync('/dev/shm/MyFileMapping')).toBe(false);
  });
});
