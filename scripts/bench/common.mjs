// What the benchmark drivers share: the Windows runtime (the newest provisioned node.exe, under Wine on Linux), the
// JSON line each Windows-side script prints last, statistics, and the results: a Markdown table on stdout, and
// bench-results/NAME.json + NAME.md beside it.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release } from 'node:os';
import { join } from 'node:path';
import { provision, ROOT, runWindows } from '../windows-runtime.mjs';

export { buildC, ROOT, runWindows } from '../windows-runtime.mjs';

export const runtime = provision();
/** The newest provisioned Windows Node: the one every benchmark runs in. */
export const NODE_VERSION = runtime.versions[runtime.versions.length - 1];
export const RESULTS = join(ROOT, 'bench-results');
export const BENCH = join(ROOT, 'scripts', 'bench');

/** Runs a script of scripts/bench in Windows node.exe; resolves to { code, stdout, stderr }. */
export const runNode = (script, args = [], options = {}) => runtime.runNode(NODE_VERSION, join(BENCH, script), args.map(String), options);

/** The last line of a run's stdout as JSON, or an Error saying what the program said. */
export function lastJson(result, what) {
  if (result.code !== 0) throw new Error(`${what} failed (exit ${result.code}):\n${result.stderr || result.stdout}`);
  const line = result.stdout.trim().split('\n').pop();
  try {
    return JSON.parse(line);
  } catch {
    throw new Error(`${what} printed no JSON result:\n${result.stdout}\n${result.stderr}`);
  }
}

export const median = (values) => quantile(values, 0.5);

/** The q-quantile of the values (nearest rank). */
export function quantile(values, q) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/** A unique kernel-object name prefix for one run, so that two runs on one machine never meet. */
export const uniqueName = (what) => `Local\\filemapping-bench-${what}-${process.pid}-${Date.now().toString(36)}`;

/** What the figures were measured on: put in every result file. */
export function environment() {
  let wine;
  if (!runtime.native) {
    const version = readFileSync('/proc/version', 'utf8').trim();
    wine = { wine: wineVersion(), linux: version.split(' ').slice(0, 3).join(' ') };
  }
  return {
    date: new Date().toISOString(),
    node: NODE_VERSION,
    native: runtime.native,
    ...wine,
    cpus: cpus().length,
    /** The 1, 5 and 15-minute load averages when the results were written: the machine is shared. */
    loadAverage: loadavg().map((x) => Number(x.toFixed(2))),
    cpu: cpus()[0]?.model,
    osRelease: release(),
  };
}

let cachedWine;
function wineVersion() {
  try {
    cachedWine ??= execFileSync('wine', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    cachedWine = 'Wine (version unknown)';
  }
  return cachedWine;
}

/** A Markdown table from a header row and rows of cells; numbers right-aligned where `align` says 'r'. */
export function markdownTable(header, rows, align = header.map((_, i) => (i === 0 ? 'l' : 'r'))) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(header), line(align.map((a) => (a === 'r' ? '---:' : '---'))), ...rows.map(line)].join('\n');
}

/**
 * Prints the benchmark's Markdown (title, notes, tables) and writes bench-results/NAME.md and NAME.json (the
 * environment, the parameters and the raw figures). Returns the Markdown.
 */
export function report(name, { title, notes = [], tables, data }) {
  const env = environment();
  const where = env.native
    ? `Windows node.exe ${env.node}, natively`
    : `Windows node.exe ${env.node} under ${env.wine} on ${env.linux}, ${env.cpus} CPUs: kernel calls are Wine's, not Windows'`;
  const load = env.loadAverage.join(', ');
  const markdown = [`### ${title}`, '', `${where}; ${env.date}, load average ${load}.`, ...notes.map((n) => `\n${n}`), '', ...tables.flatMap((t) => [t, ''])].join('\n');
  console.log(markdown);
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(join(RESULTS, `${name}.md`), `${markdown}\n`);
  writeFileSync(join(RESULTS, `${name}.json`), `${JSON.stringify({ name, environment: env, ...data }, null, 2)}\n`);
  return markdown;
}

/** runWindows, re-exported under a name that says it runs an .exe (a C program) rather than a script. */
export const runExe = (exe, args = [], options = {}) => runWindows(exe, args.map(String), options);
