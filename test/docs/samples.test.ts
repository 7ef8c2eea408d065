// The documentation is checked as code: every ```ts block of README.md, CONTRIBUTING.md and docs/*.md compiles
// against the package's public types (scripts/check-doc-samples.mjs, against the built dist/), and every relative
// link and #anchor between those pages points at a file and a heading that exist.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { checkDocSamples, formatErrors, markdownFiles } from '../../scripts/check-doc-samples.mjs';
import { brokenLinks } from '../fixtures/markdown-links.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * The function `name` of a JavaScript or TypeScript source as JavaScript without comments, types or `export`, printed
 * alike whatever the layout: what runs, for comparing copies of one function.
 */
function functionCode(source: string, name: string, where: string): string {
  const compilerOptions = { target: ts.ScriptTarget.ESNext, module: ts.ModuleKind.ESNext, removeComments: true };
  const js = ts.transpileModule(source, { compilerOptions, fileName: 'sample.ts' }).outputText;
  const file = ts.createSourceFile('sample.mjs', js, ts.ScriptTarget.ESNext, true, ts.ScriptKind.JS);
  const found = file.statements.find((node): node is ts.FunctionDeclaration => ts.isFunctionDeclaration(node) && node.name?.text === name);
  if (!found) throw new Error(`${where} has no function ${name}()`);
  const modifiers = found.modifiers?.filter((modifier) => modifier.kind !== ts.SyntaxKind.ExportKeyword);
  const bare = ts.factory.updateFunctionDeclaration(found, modifiers, found.asteriskToken, found.name, undefined, found.parameters, undefined, found.body);
  return ts.createPrinter({ removeComments: true }).printNode(ts.EmitHint.Unspecified, bare, file);
}

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

  it('gives users the function the tests move views with: mapAt() of the docs, examples/move-view.mjs and the scenarios is one', () => {
    const docs = fs.readFileSync(path.join(ROOT, 'docs', 'sections-and-views.md'), 'utf8');
    const block = [...docs.matchAll(/^```ts\n([\s\S]*?)^```$/gmu)].map((match) => match[1] ?? '').find((code) => code.includes('function mapAt('));
    expect(block, 'docs/sections-and-views.md has a ts block with mapAt()').toBeDefined();
    const documented = functionCode(block ?? '', 'mapAt', 'docs/sections-and-views.md');
    expect(documented).toContain('attempts');
    for (const file of ['examples/move-view.mjs', 'test/fixtures/scenarios/lib.mjs']) {
      expect(functionCode(fs.readFileSync(path.join(ROOT, file), 'utf8'), 'mapAt', file), file).toBe(documented);
    }
  });
});
