// The documentation is checked as code: every ```ts block of README.md, CONTRIBUTING.md and docs/*.md compiles
// against the package's public types (scripts/check-doc-samples.mjs, against the built dist/), and every relative
// link and #anchor between those pages points at a file and a heading that exist.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkDocSamples, formatErrors, markdownFiles } from '../../scripts/check-doc-samples.mjs';
import { brokenLinks } from '../fixtures/markdown-links.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe('the documentation', () => {
  it('has TypeScript samples that compile against the public types', () => {
    expect(fs.existsSync(path.join(ROOT, 'dist', 'index.d.ts')), 'dist/ is missing: run npm run build').toBe(true);
    const result = checkDocSamples({ root: ROOT });
    expect(result.checked).toBeGreaterThan(20);
    expect(formatErrors(result.errors), 'errors in the documentation samples (Markdown file:line:column)').toBe('');
  });

  it('links only to files and headings that exist', () => {
    const files = markdownFiles(ROOT);
    expect(files).toEqual(expect.arrayContaining(['README.md', 'CONTRIBUTING.md', 'docs/README.md']));
    expect(brokenLinks(ROOT, files).join('\n'), 'broken links').toBe('');
  });
});
