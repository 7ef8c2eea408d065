// Sections shared with programs no one here wrote: CPython's multiprocessing.shared_memory and a C program using
// shm_open and mmap, both ways. A bare name is exactly what they pass to shm_open ("/" + name).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../scripts/linux-runtime.mjs';
import { onLinux, run, uniqueName, loadPackage as load } from './harness.js';

const PYTHON_PEER = join(ROOT, 'test', 'fixtures', 'python', 'peer.py');
const C_PEER = join(ROOT, '.cache', 'linux', 'posix-peer');

/** Starts a peer that says "ready" once its segment exists; `reply` sends it a line and resolves to what it printed next. */
function startPeer(command: string, args: string[]): Promise<{ reply: () => Promise<{ code: number | null; lastLine: string }> }> {
  const child = spawn(command, args, { stdio: 'pipe' });
  let out = '';
  let err = '';
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.startsWith('ready\n')) {
        resolve({
          reply: async () => {
            child.stdin.write('go\n');
            const code = await exited;
            return { code, lastLine: out.trim().split('\n').pop() ?? '' };
          },
        });
      }
    });
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} ended (${code}) before it was ready: ${out}${err}`)));
  });
}

describe.runIf(onLinux)('sharing sections with Python and C on Linux', () => {
  beforeAll(() => {
    mkdirSync(join(ROOT, '.cache', 'linux'), { recursive: true });
    execFileSync('gcc', ['-O2', '-Wall', '-Werror', '-o', C_PEER, join(ROOT, 'test', 'fixtures', 'c', 'posix-peer.c')]);
  });

  it("opens a segment Python's shared_memory created, reads it, and writes back what Python then reads", async () => {
    const { FileMapping } = await load();
    const name = uniqueName('from-python');
    const python = await startPeer('python3', [PYTHON_PEER, 'create', name, 'hello from python']);
    const mapping = FileMapping.open(name);
    const view = mapping.map();
    expect({ size: mapping.size, text: view.readString(0) }).toEqual({ size: 4096n, text: 'hello from python' });
    view.writeString('hello from node', 100);
    view.unmap();
    mapping.close();
    // Python's segment: this package leaves it alone (its creator unlinks it).
    expect(existsSync(`/dev/shm/${name}`)).toBe(true);
    expect(await python.reply()).toEqual({ code: 0, lastLine: 'hello from node' });
    expect(existsSync(`/dev/shm/${name}`)).toBe(false);
  });

  it("creates a section Python's shared_memory attaches to by the same name, and reads what Python wrote", async () => {
    const { FileMapping } = await load();
    const name = uniqueName('to-python');
    const mapping = FileMapping.create({ name, size: 4096 });
    const view = mapping.map();
    view.writeString('hello from node', 0);
    const python = await run('python3', [PYTHON_PEER, 'attach', name]);
    expect(python.code, python.stderr).toBe(0);
    expect(python.stdout.trim()).toBe('4096 hello from node');
    expect(view.readString(200)).toBe('from python');
    view.unmap();
    mapping.close();
    expect(existsSync(`/dev/shm/${name}`)).toBe(false);
  });

  // The limit docs/linux-and-windows.md explains: Python's resource tracker (3.8 and later, with its default
  // track=True from 3.13) unlinks at the Python process's exit every segment it attached to, this package's included.
  // Linux cannot give a name back to a segment once removed; the remedy is Python's (the test above uses it).
  it('loses the name of a section Python attached to without the remedy, while its creator keeps the memory', async () => {
    const { FileMapping } = await load();
    const name = uniqueName('python-tracked');
    const mapping = FileMapping.create({ name, size: 4096 });
    const view = mapping.map();
    view.writeString('hello from node', 0);
    const python = await run('python3', [PYTHON_PEER, 'attach-tracked', name]);
    expect(python.code, python.stderr).toBe(0);
    expect(python.stdout.trim()).toBe('4096 hello from node');
    expect(existsSync(`/dev/shm/${name}`)).toBe(false);
    expect(() => FileMapping.open(name)).toThrow(expect.objectContaining({ code: 'ENOENT' }));
    // The creator's memory is untouched: only the name went.
    expect(view.readString(200)).toBe('from python');
    view.unmap();
    mapping.close();
  });

  it('opens a segment a C program made with shm_open, and the C program reads what was written', async () => {
    const { FileMapping } = await load();
    const name = uniqueName('from-c');
    const c = await startPeer(C_PEER, ['writer', `/${name}`, 'hello from C']);
    const mapping = FileMapping.open(`Local\\${name}`);
    const view = mapping.map();
    expect(view.readString(0)).toBe('hello from C');
    view.writeString('hello back', 100);
    view.unmap();
    mapping.close();
    expect(await c.reply()).toEqual({ code: 0, lastLine: 'hello back' });
  });

  it('creates a section a C program opens by name, with its exact size, and loses no atomic increment to it', async () => {
    const { FileMapping } = await load();
    const name = uniqueName('to-c');
    const mapping = FileMapping.create({ name, size: 4096 });
    const view = mapping.map();
    view.writeString('hello to C', 0);
    const read = await run(C_PEER, ['reader', `/${name}`]);
    expect(read).toMatchObject({ code: 0, stdout: '4096 hello to C\n' });
    // A C process and this one add to the same word at once: C's __atomic builtins and the view's atomics (copy mode's
    // locked instructions, or JavaScript's Atomics) are the same instructions.
    view.writeU32(0, 0);
    const n = 200_000;
    const counting = run(C_PEER, ['count', `/${name}`, String(n)]);
    const copy = mapping.map({ copy: true });
    for (let i = 0; i < n; i++) (i % 2 === 0 ? view : copy).atomics.addI32(0, 1);
    expect((await counting).code).toBe(0);
    expect(view.atomics.loadI32(0)).toBe(2 * n);
    copy.unmap();
    view.unmap();
    mapping.close();
  });
});
