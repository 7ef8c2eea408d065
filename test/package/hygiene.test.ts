// The package as it would be published: the tarball `npm pack` makes from the current build (npm test builds first),
// checked by publint and @arethetypeswrong/cli, listed file by file, and the examples checked to load the package the
// way users do, by its name. Nothing here needs Wine or another Node: it runs in the unprovisioned "repo" project.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brokenLinks } from '../fixtures/markdown-links.js';

const ROOT = join(import.meta.dirname, '..', '..');
const require = createRequire(import.meta.url);

/** What the tarball holds at its top level: exactly these ("files" in package.json, and what npm always adds). */
const TOP_LEVEL = ['BENCHMARKS.md', 'CHANGELOG.md', 'CONTRIBUTING.md', 'LICENSE', 'README.md', 'bin', 'dist', 'docs', 'examples', 'package.json'];

/** Every file the tarball may hold; anything else (a test, a source file, a cache) is a mistake in "files". */
const PACKED = [
  /^(?:BENCHMARKS\.md|CHANGELOG\.md|CONTRIBUTING\.md|LICENSE|README\.md|package\.json)$/u,
  // The examples the README links to, which load the package by its name (a self-reference) where it is installed.
  /^examples\/[\w-]+\.(?:mjs|ts)$/u,
  /^bin\/filemapping\.cjs$/u,
  // The entry points: the one CommonJS build, its ESM and bundler re-exports, and their declarations.
  /^dist\/(?:(?:win32|posix)\/)?index\.(?:cjs|js|module\.js|d\.ts|d\.cts)$/u,
  // The command, the part of zod the package carries, and the declarations tsup shares between entry points.
  /^dist\/(?:cli|zod)\.cjs$/u,
  /^dist\/index-[\w-]+\.d\.cts$/u,
  // Source maps of the package's own code only (zod's copy has none: it would point into node_modules).
  /^dist\/(?:index|cli)\.cjs\.map$/u,
  /^docs\/(?:[\w-]+\/)*[\w.-]+\.(?:md|svg|png)$/u,
];

interface PackedFile {
  path: string;
}

let work: string;
let tarball: string;
let files: string[];

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'filemapping-hygiene-'));
  const [packed] = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: ROOT, encoding: 'utf8' })) as [
    { filename: string; files: PackedFile[] },
  ];
  tarball = join(work, packed.filename);
  files = packed.files.map((file) => file.path).sort();
  mkdirSync(join(work, 'unpacked'));
  execFileSync('tar', ['xzf', tarball, '-C', join(work, 'unpacked')]);
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the packed package', () => {
  it('has nothing publint reports, not even a suggestion', async () => {
    const bytes = readFileSync(tarball);
    const { messages, pkg } = await publint({ pack: { tarball: new Uint8Array(bytes).buffer }, level: 'suggestion', strict: true });
    expect(messages.map((message) => `${message.type}: ${formatMessage(message, pkg, { color: false })}`)).toEqual([]);
  });

  it('has types that resolve for every entry point in every module resolution (@arethetypeswrong/cli)', () => {
    const cli = join(dirname(require.resolve('@arethetypeswrong/cli/package.json')), 'dist', 'index.js');
    // --no-definitely-typed: the package carries its own types, so there is no @types package to fetch and compare.
    const result = spawnSync(process.execPath, [cli, tarball, '--format', 'json', '--no-definitely-typed'], { encoding: 'utf8' });
    const report = JSON.parse(result.stdout) as { problems: Record<string, unknown>; analysis: { entrypoints: Record<string, unknown> } };
    expect(report.problems, result.stdout).toEqual({});
    expect(Object.keys(report.analysis.entrypoints).sort()).toEqual(['.', './package.json', './posix', './win32']);
    expect(result.status, result.stderr).toBe(0);
  });

  it('holds exactly what "files" lists at its top level', () => {
    expect([...new Set(files.map((file) => file.split('/')[0]))].sort()).toEqual(TOP_LEVEL);
  });

  it('holds the build, the command, the docs and the examples, and no test, source, cache or dependency', () => {
    expect(files.filter((file) => !PACKED.some((pattern) => pattern.test(file)))).toEqual([]);
    expect(files.filter((file) => /(?:^|\/)(?:test|src|node_modules|\.cache|scripts)\/|\.test\.|\.tgz$/u.test(file))).toEqual([]);
    for (const entry of ['dist/index.cjs', 'dist/index.js', 'dist/index.module.js', 'dist/index.d.ts', 'dist/index.d.cts', 'dist/zod.cjs', 'dist/cli.cjs']) {
      expect(files).toContain(entry);
    }
  });

  it('has source maps that point into the package source only, never into node_modules', () => {
    const maps = files.filter((file) => file.endsWith('.map'));
    expect(maps.length).toBeGreaterThan(0);
    for (const map of maps) {
      const { sources } = JSON.parse(readFileSync(join(work, 'unpacked', 'package', map), 'utf8')) as { sources: string[] };
      expect(
        sources.filter((source) => !/^\.\.\/src\/[\w/.-]+\.ts$/u.test(source)),
        map,
      ).toEqual([]);
    }
  });

  // A user reads the README and docs/ where npm put them: every relative link must lead to a file of the package.
  it('has a README and docs whose every relative link resolves inside the installed package', () => {
    const pages = files.filter((file) => file === 'README.md' || /^docs\/.*\.md$/u.test(file));
    expect(pages.length).toBeGreaterThan(10);
    expect(brokenLinks(join(work, 'unpacked', 'package'), pages).join('\n'), 'links that lead nowhere in the package').toBe('');
  });

  it('carries the MIT licence that package.json names', () => {
    const manifest = JSON.parse(readFileSync(join(work, 'unpacked', 'package', 'package.json'), 'utf8')) as { license: string };
    const licence = readFileSync(join(work, 'unpacked', 'package', 'LICENSE'), 'utf8');
    expect(manifest.license).toBe('MIT');
    expect(licence).toMatch(/^MIT License\n\nCopyright \(c\) 2026 the filemapping authors\n\nPermission is hereby granted, free of charge/u);
  });
});

describe('examples/', () => {
  // Users import the package by name, so the examples do too: Node resolves 'filemapping' from inside this repository
  // to the package itself (a self-reference, through "name" and "exports"), so they run from the repo as they would
  // from an app.
  it('loads the package by its name, never by a path into dist/', () => {
    const examples = readdirSync(join(ROOT, 'examples')).filter((file) => /\.(?:mjs|ts)$/u.test(file));
    expect(examples.length).toBeGreaterThan(5);
    const imports = examples.flatMap((file) => {
      const text = readFileSync(join(ROOT, 'examples', file), 'utf8');
      return [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)'([^']+)'/gu)].map((match) => ({ file, specifier: match[1] as string }));
    });
    const allowed = (specifier: string): boolean =>
      specifier.startsWith('node:') ||
      /^filemapping(?:\/(?:win32|posix))?$/u.test(specifier) ||
      (specifier.startsWith('./') && examples.includes(specifier.slice(2)));
    expect(imports.filter(({ specifier }) => !allowed(specifier))).toEqual([]);
    expect(imports.filter(({ specifier }) => specifier.startsWith('filemapping')).length).toBeGreaterThanOrEqual(examples.length - 1);
  });
});
