// vitest.config.ts splits the tests into projects by the runtime they need. A test file that no project includes would
// never run, and nothing would say so: every test file belongs to exactly one project.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import config, { SLOWEST_FIRST } from '../../vitest.config.js';

const ROOT = join(import.meta.dirname, '..', '..');

/** The config's include patterns as regular expressions: they use `**\/` and `*` only, as this checks. */
function matcher(pattern: string): RegExp {
  expect(pattern, 'a pattern this test can read (`**/` and `*` only)').toMatch(/^[\w./-]+(?:\*\*\/)?(?:[\w.-]*\*?[\w.-]*)$/u);
  const source = pattern
    .split(/(\*\*\/|\*)/u)
    .map((part) => (part === '**/' ? '(?:[^/]+/)*' : part === '*' ? '[^/]*' : part.replace(/[.+?^${}()|[\]\\]/gu, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, 'u');
}

describe('the test projects', () => {
  const projects = (config.test?.projects ?? []).map((project) => {
    if (typeof project !== 'object' || project === null || !('test' in project)) throw new Error('a project this test cannot read');
    return { name: project.test?.name as string, include: (project.test?.include ?? []).map(matcher) };
  });

  it('run every test file in exactly one project', () => {
    const files = readdirSync(join(ROOT, 'test'), { recursive: true, encoding: 'utf8' })
      .map((file) => `test/${file.replaceAll('\\', '/')}`)
      .filter((file) => file.endsWith('.test.ts'));
    expect(files.length).toBeGreaterThan(30);
    const owners = Object.fromEntries(
      files.map((file) => [file, projects.filter((project) => project.include.some((pattern) => pattern.test(file))).map((project) => project.name)]),
    );
    expect(Object.entries(owners).filter(([, names]) => names.length !== 1)).toEqual([]);
  });

  it('provision Wine only in the windows project, and nothing in the unit project', () => {
    const setups = Object.fromEntries(
      (config.test?.projects ?? []).map((project) => {
        const test = typeof project === 'object' && 'test' in project ? project.test : undefined;
        return [test?.name, test?.globalSetup ?? []];
      }),
    );
    expect(setups).toEqual({ unit: [], linux: ['test/setup/linux.ts'], windows: ['test/setup/windows.ts'], repo: [] });
    expect(config.test?.globalSetup).toBeUndefined();
  });

  it('start first only test files that exist (a renamed one would silently go back to the end)', () => {
    expect(SLOWEST_FIRST.filter((file) => !existsSync(join(ROOT, file)))).toEqual([]);
  });
});
