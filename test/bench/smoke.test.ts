// A smoke run of the benchmarks (scripts/bench/all.mjs --quick) natively on Linux: every benchmark runs to the end
// and its results file holds every method it should, with figures that are numbers above zero. Small sizes: the
// figures mean nothing, and nothing here looks at how fast anything was.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../scripts/linux-runtime.mjs';

const onLinux = process.platform === 'linux';

type Json = Record<string, unknown>;
const positive = (value: unknown): void => {
  expect(typeof value).toBe('number');
  expect(value as number).toBeGreaterThan(0);
};

// The native run is the Linux one; on Windows the same script measures Windows natively, and is not a unit of this suite.
describe.runIf(onLinux)('npm run bench -- --quick, natively on Linux (skipped elsewhere: the native benchmarks are Linux ones)', () => {
  const results = mkdtempSync(join(tmpdir(), 'filemapping-bench-'));
  let run: ReturnType<typeof spawnSync>;
  const read = (name: string): Json => JSON.parse(readFileSync(join(results, `${name}.json`), 'utf8')) as Json;

  beforeAll(() => {
    run = spawnSync(process.execPath, [join(ROOT, 'scripts', 'bench', 'all.mjs'), '--quick'], {
      cwd: ROOT,
      env: { ...process.env, FILEMAPPING_BENCH_RESULTS: results, FILEMAPPING_BENCH_WINE: '' },
      encoding: 'utf8',
    });
  });
  afterAll(() => rmSync(results, { recursive: true, force: true }));

  it('runs every benchmark and the charts to the end', () => {
    expect(run.status, `${String(run.stdout)}\n${String(run.stderr)}`).toBe(0);
  });

  it('says in every results file that it ran natively on Linux, and in which Node', () => {
    for (const name of ['binding', 'bulk', 'latency', 'import']) {
      const environment = read(name).environment as Json;
      expect(environment.target).toBe('linux');
      expect(environment.native).toBe(true);
      expect(environment.node).toMatch(/^\d+\.\d+\.\d+$/);
      expect(environment.loadAverage).toHaveLength(3);
    }
  });

  it('measures map+unmap and create+map+unmap+close in TypeScript and in C', () => {
    const { samples } = read('binding') as { samples: Array<{ c: Json; ts: Json }> };
    expect(samples.length).toBeGreaterThan(0);
    for (const { c, ts } of samples) {
      for (const key of ['mapUnmapNs', 'createMapUnmapCloseNs', 'mapUnmapTouchedNs']) {
        positive(c[key]);
        positive(ts[key]);
      }
      positive(ts.rawMapUnmapNs);
    }
  });

  it('moves 1 MiB messages by every method, and sweeps the message sizes for the Channel, the socket and the pipe', () => {
    const bulk = read('bulk') as { samples: Record<string, Json[]>; sweep: Array<{ method: string; size: number; GBps: number }> };
    for (const method of ['section', 'channel', 'channel-zero-copy', 'channel-into', 'socket', 'pipe', 'ipc', 'file']) {
      expect(bulk.samples[method], method).toBeDefined();
      for (const sample of bulk.samples[method] ?? []) positive(sample.GBps);
    }
    for (const key of ['copyMemoryGBps', 'copyCachedGBps', 'checksumGBps']) positive(bulk.samples.local?.[0]?.[key]);
    const sizes = [64, 256, 1024, 4096, 16384, 65536, 262144, 1 << 20, 4 << 20];
    for (const method of ['channel', 'channel-zero-copy', 'socket', 'pipe']) {
      expect(bulk.sweep.filter((s) => s.method === method).map((s) => s.size)).toEqual(sizes);
    }
    for (const point of bulk.sweep) positive(point.GBps);
  });

  it('times the round trips of the C pairs, the Channel with and without spinning, the socket and IPC', () => {
    const { results: latency } = read('latency') as { results: Record<string, Json> };
    expect(Object.keys(latency).sort()).toEqual(['c-futex', 'c-spin', 'channel', 'channel-spin', 'ipc', 'socket']);
    for (const result of Object.values(latency)) {
      for (const key of ['medianNs', 'p90Ns', 'p99Ns', 'p999Ns']) positive(result[key]);
    }
  });

  it('times the import and the first create in process', () => {
    const { samples } = read('import') as { samples: Record<string, Json[]> };
    for (const sample of samples.import ?? []) positive(sample.importMs);
    for (const sample of samples.create ?? []) positive(sample.createMs);
    expect(samples.import?.length).toBeGreaterThan(0);
  });

  it('draws the throughput and latency charts as SVG', () => {
    for (const file of ['linux-throughput-by-size.svg', 'linux-latency-percentiles.svg']) {
      expect(readFileSync(join(results, file), 'utf8')).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
    }
  });
});
