// The package bundled into an Electron-style main process by esbuild and Vite, run in Windows node.exe from a folder
// that holds only the bundle and koffi (test/fixtures/bundle/).
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBundles, removeBundles } from '../fixtures/bundle/build.mjs';
import { runtime, uniqueName, versions, VIEW_MODES } from './harness.js';

type Report = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- parsed JSON

const KINDS = ['esbuild-cjs', 'esbuild-esm', 'vite'] as const;
let bundles: Record<(typeof KINDS)[number], string>;

beforeAll(async () => {
  bundles = await buildBundles();
});
afterAll(() => removeBundles());

async function run(version: string, kind: (typeof KINDS)[number], args: string[], env: Record<string, string> = {}): Promise<Report> {
  const bundle = bundles[kind];
  const result = await runtime.runNode(version, bundle, args, { env, cwd: dirname(bundle) });
  expect(result.stderr, result.stderr).not.toMatch(/Error/u);
  expect(result.code, `${kind} exited with ${result.code}\n${result.stdout}\n${result.stderr}`).toBe(0);
  return JSON.parse(result.stdout.trim().split('\n').pop() ?? '') as Report;
}

describe.each(versions.flatMap((version) => VIEW_MODES.map(([mode, env]) => [version, mode, env] as const)))(
  'bundled into one file, Windows node %s, %s mode',
  (version, mode, env) => {
    // zod's copy and the wait thread were files the package looked up beside itself: a bundle left them behind, the
    // first validation failed, and the missing wait-thread script crashed the host after 30 s.
    it.each(KINDS)('runs a section, an async mutex wait and a channel message each way from a %s bundle', async (kind) => {
      const report = await run(version, kind, [uniqueName(`bundle-${kind}`)], env);
      expect(report).toEqual({ section: 'from the bundle', locked: 'acquired', messages: ['request', 'reply'], copyMode: mode === 'copy' });
    });
  },
);

describe.each(versions)('a wait thread that cannot start, bundled, Windows node %s', (version) => {
  it.each(KINDS)('fails the call that needed it with the thread’s own reason, and the %s bundle goes on', async (kind) => {
    const report = await run(version, kind, [uniqueName(`bundle-fails-${kind}`), 'wait-thread-fails']);
    for (const call of [report.asyncLock, report.syncLock]) {
      expect(call.error.message).toMatch(/The filemapping wait thread could not start: Error: Cannot find module .*no-koffi-here\.js/u);
    }
  });
});
