// What the benchmark drivers share, whatever the OS: the JSON line each peer prints last, statistics, names, and
// the results: a Markdown table on stdout, and RESULTS/NAME.json + NAME.md (platform.mjs says where RESULTS is).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { environment, RESULTS, where } from './platform.mjs';

export { args, BENCH, buildC, NAMES, NODE_PATH, NODE_VERSION, runExe, runNode, targetPath, TARGET } from './platform.mjs';

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

/** Figures with three significant digits or so, and 'not run' for a method that was not. */
export const fmt = (x) => (x === undefined || Number.isNaN(x) ? 'not run' : x >= 10 ? x.toFixed(1) : x >= 1 ? x.toFixed(2) : x.toFixed(3));

/** A Markdown table from a header row and rows of cells; numbers right-aligned where `align` says 'r'. */
export function markdownTable(header, rows, align = header.map((_, i) => (i === 0 ? 'l' : 'r'))) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(header), line(align.map((a) => (a === 'r' ? '---:' : '---'))), ...rows.map(line)].join('\n');
}

/** A row of a targets table: the measured ratio, what is wanted, and whether it is met. */
export const targetRow = (label, ratio, wanted, met) => [
  label,
  Number.isNaN(ratio) ? 'not run' : `${fmt(ratio)}x`,
  wanted,
  Number.isNaN(ratio) ? '' : met(ratio) ? 'met' : 'missed',
];

/**
 * Prints the benchmark's Markdown (title, where it ran, notes, tables) and writes RESULTS/NAME.md and NAME.json (the
 * environment, the parameters and the raw figures). Returns the Markdown.
 */
export function report(name, { title, notes = [], tables, data }) {
  const env = environment();
  const load = `load average ${env.loadAverageAtStart.join(', ')} at the start, ${env.loadAverage.join(', ')} at the end`;
  const markdown = [`### ${title}`, '', `${where(env)}; ${env.date}, ${load}.`, ...notes.map((n) => `\n${n}`), '', ...tables.flatMap((t) => [t, ''])].join(
    '\n',
  );
  console.log(markdown);
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(join(RESULTS, `${name}.md`), `${markdown}\n`);
  writeFileSync(join(RESULTS, `${name}.json`), `${JSON.stringify({ name, environment: env, ...data }, null, 2)}\n`);
  return markdown;
}
