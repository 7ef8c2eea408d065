import { describe, expect, it } from 'vitest';
import { cPeer, runScenario, runWindows, scenario, uniqueName, versions, VIEW_MODES } from './harness.js';

const matrix = versions.flatMap((version) => VIEW_MODES.map(([mode, env]) => [version, mode, env] as const));

describe.each(matrix)('two processes, Windows node %s, %s views', (version, mode, env) => {
  it('lets a second process read what the first wrote, through a read-only view', async () => {
    const name = uniqueName('pair');
    const text = `Message from first process ${name} ✓`;
    const [written, read] = await Promise.all([
      scenario<{ alreadyExisted: boolean; size: string }>(version, 'writer.mjs', [name, text], env),
      scenario<{ text: string; access: string; length: number; alreadyExisted: boolean; copyMode: boolean }>(version, 'reader.mjs', [name], env),
    ]);
    expect(read.copyMode).toBe(mode === 'copy');
    expect(written).toMatchObject({ alreadyExisted: false, size: '1024' });
    expect(read.text).toBe(text);
    expect(read.access).toBe('read');
    expect(read.alreadyExisted).toBe(true);
    // The opened section's size comes from VirtualQuery: 1024 rounded up to the page size.
    expect(read.length).toBe(4096);
  });

  it('makes the name vanish once the last handle is closed', async () => {
    const name = uniqueName('vanish');
    await Promise.all([scenario(version, 'writer.mjs', [name, 'bye'], env), scenario(version, 'reader.mjs', [name], env)]);
    const after = await scenario<{ error?: { code: string; errno: number; syscall: string } }>(version, 'open.mjs', [name]);
    expect(after.error).toMatchObject({ nativeCode: 'ERROR_FILE_NOT_FOUND', errno: 2, syscall: 'OpenFileMappingW' });
  });
});

describe('interop with an independent C program (mingw-w64)', () => {
  const peer = cPeer();
  const version = versions[0] as string;

  it.runIf(peer !== undefined)('a TS reader reads what a C writer wrote', async () => {
    const name = uniqueName('c-to-ts');
    const text = 'written by C';
    const [c, ts] = await Promise.all([runWindows(peer as string, ['writer', name, text]), scenario<{ text: string }>(version, 'reader.mjs', [name])]);
    expect(c).toMatchObject({ code: 0, stderr: '' });
    expect(ts.text).toBe(text);
  });

  it.runIf(peer !== undefined)('a C reader reads what a TS writer wrote', async () => {
    const name = uniqueName('ts-to-c');
    const text = 'written by TypeScript';
    const [ts, c] = await Promise.all([scenario(version, 'writer.mjs', [name, text]), runWindows(peer as string, ['reader', name])]);
    expect(ts).toMatchObject({ alreadyExisted: false });
    expect(c).toMatchObject({ code: 0, stdout: text });
  });

  it.runIf(peer === undefined)('is skipped: no C compiler (gcc from mingw-w64) on this Windows machine', () => {
    expect(peer).toBeUndefined();
  });
});

export { runScenario };
