// The API reference (`npm run docs`: TypeDoc over the three entry points, typedoc.json) builds from the TSDoc with no
// warning: every public export and member has a doc comment, every {@link} resolves, nothing public refers to a type
// the package does not export. TypeDoc runs here without writing the pages (--emit none).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');

describe('the API reference', () => {
  it('builds from the TSDoc with no warning (every export documented, every link resolved)', () => {
    const typedoc = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typedoc', 'bin', 'typedoc'), '--emit', 'none'], { cwd: ROOT, encoding: 'utf8' });
    const output = `${typedoc.stdout}${typedoc.stderr}`;
    expect(output, output).not.toMatch(/\[(?:warning|error)\]/u);
    expect(typedoc.status, output).toBe(0);
  });
});
