// The documentation is checked as code: every ```ts block of README.md, CONTRIBUTING.md and docs/*.md compiles
// against the package's public types (scripts/check-doc-samples.mjs, against the built dist/), and every relative
// link and #anchor between those pages points at a file and a heading that exist.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { checkDocSamples, formatErrors, markdownFiles, proseLines } from '../../scripts/check-doc-samples.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens; repeats get -1, -2... */
function anchorsOf(file: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of proseLines(fs.readFileSync(file, 'utf8'))) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading?.[1]) continue;
    const text = heading[1].replace(/\[([^\]]*)\]\([^)]*\)/g, '$1');
    const slug = text
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

interface Link {
  file: string;
  line: number;
  target: string;
}

/** The links of a page outside code: `[text](target)` and `![alt](target)`, inline code removed first. */
function linksOf(file: string): Link[] {
  const links: Link[] = [];
  proseLines(fs.readFileSync(path.join(ROOT, file), 'utf8')).forEach((line: string, index: number) => {
    const prose = line.replace(/(`+)[^`]*?\1/g, '');
    for (const match of prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      links.push({ file, line: index + 1, target: match[1] ?? '' });
    }
  });
  return links;
}

/** Why a relative link is broken, or undefined when it is fine (or not relative: http, mailto). */
function brokenBecause(link: Link): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(link.target)) return undefined;
  const [pathPart = '', anchor] = link.target.split('#', 2);
  const target = pathPart === '' ? path.join(ROOT, link.file) : path.resolve(path.dirname(path.join(ROOT, link.file)), decodeURI(pathPart));
  if (!fs.existsSync(target)) return `${path.relative(ROOT, target)} does not exist`;
  if (anchor === undefined) return undefined;
  if (!target.endsWith('.md')) return `#${anchor} points into ${path.relative(ROOT, target)}, which has no headings`;
  return anchorsOf(target).has(anchor) ? undefined : `${path.relative(ROOT, target)} has no heading #${anchor}`;
}

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
    const broken = files
      .flatMap(linksOf)
      .map((link) => ({ link, reason: brokenBecause(link) }))
      .filter(({ reason }) => reason !== undefined)
      .map(({ link, reason }) => `${link.file}:${link.line} (${link.target}): ${reason}`);
    expect(broken.join('\n'), 'broken links').toBe('');
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
