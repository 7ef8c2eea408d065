#!/usr/bin/env node
// Type-checks every ```ts block of README.md, CONTRIBUTING.md and docs/*.md against the package's public types, as a
// user's project would see them: each block becomes one module in a temporary project whose node_modules/filemapping
// is this repository, so 'filemapping', 'filemapping/win32' and 'filemapping/posix' resolve through package.json's
// "exports" to the built dist/*.d.ts (run `npm run build` first). A block is checked line for line as written (no
// prelude is added), so an error's line in the module is its line in the Markdown file.
//
// A block that is deliberately partial is fenced as ```ts skip-check, and says why in a comment of its own.
//
// Usage: node scripts/check-doc-samples.mjs [--keep]   (--keep leaves the temporary project for a look)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The Markdown files whose samples are checked: README.md, CONTRIBUTING.md and docs/*.md (not docs/api/, generated). */
export function markdownFiles(root = ROOT) {
  const docs = path.join(root, 'docs');
  const pages = fs.existsSync(docs)
    ? fs
        .readdirSync(docs, { withFileTypes: true })
        .filter((entry) => entry.isFile() && entry.name.endsWith('.md'))
        .map((entry) => `docs/${entry.name}`)
        .sort()
    : [];
  return ['README.md', 'CONTRIBUTING.md', ...pages].filter((file) => fs.existsSync(path.join(root, file)));
}

/**
 * The fenced code blocks of a Markdown text: `lang` and `info` from the opening fence, `line` the 1-based line of
 * the block's first line of code, `code` without the indentation the fence has (a block inside a list item).
 */
export function codeBlocks(text) {
  const lines = text.split(/\r?\n/);
  const blocks = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([^\s`]*)\s*(.*)$/.exec(lines[i]);
    // A backtick fence's info string has no backtick (CommonMark): ```` ```ts ```` is inline code, not a fence.
    if (!open || (open[2][0] === '`' && open[4].includes('`'))) continue;
    const [, indent, fence, lang, info] = open;
    const body = [];
    let j = i + 1;
    while (j < lines.length && !new RegExp(`^\\s*${fence[0]}{${fence.length},}\\s*$`).test(lines[j])) {
      body.push(lines[j].startsWith(indent) ? lines[j].slice(indent.length) : lines[j].trimStart());
      j++;
    }
    blocks.push({ lang, info: info.trim(), line: i + 2, end: j + 1, code: body.join('\n') });
    i = j;
  }
  return blocks;
}

/**
 * The lines of a Markdown text with every fenced code block blanked (fences included), so line numbers hold.
 * @param {string} text
 * @returns {string[]}
 */
export function proseLines(text) {
  const lines = text.split(/\r?\n/);
  for (const block of codeBlocks(text)) lines.fill('', block.line - 2, block.end);
  return lines;
}

/** The ```ts blocks of the Markdown files, with the file each comes from. */
export function tsSamples(root = ROOT) {
  return markdownFiles(root).flatMap((file) =>
    codeBlocks(fs.readFileSync(path.join(root, file), 'utf8'))
      .filter((block) => block.lang === 'ts' || block.lang === 'typescript')
      .map((block) => ({ file, line: block.line, code: block.code, skip: /\bskip-check\b/.test(block.info) })),
  );
}

const COMPILER_OPTIONS = {
  target: 'ES2022',
  lib: ['ES2022', 'ESNext.Disposable'],
  module: 'NodeNext',
  moduleResolution: 'NodeNext',
  moduleDetection: 'force',
  types: ['node'],
  strict: true,
  noUncheckedIndexedAccess: true,
  skipLibCheck: true,
  noEmit: true,
};

/** Makes a link (a junction on Windows, where plain directory symlinks need a privilege). */
function linkDirectory(target, at) {
  fs.mkdirSync(path.dirname(at), { recursive: true });
  fs.symlinkSync(target, at, 'junction');
}

/**
 * Type-checks the samples. Returns how many there are, which were skipped, and every error with the Markdown file
 * and line it belongs to (`file` is the Markdown file; an error outside any sample names its own file).
 */
export function checkDocSamples({ root = ROOT, keep = false } = {}) {
  const samples = tsSamples(root);
  const checked = samples.filter((sample) => !sample.skip);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'filemapping-doc-samples-'));
  try {
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ private: true, type: 'module' }));
    linkDirectory(root, path.join(dir, 'node_modules', 'filemapping'));
    linkDirectory(path.join(root, 'node_modules', '@types'), path.join(dir, 'node_modules', '@types'));
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: COMPILER_OPTIONS }, null, 2));

    const byModule = new Map();
    for (const sample of checked) {
      const name = `${sample.file.replace(/[^A-Za-z0-9]+/g, '_')}_L${sample.line}.ts`;
      const modulePath = path.join(dir, name);
      fs.writeFileSync(modulePath, `${sample.code}\n`);
      byModule.set(path.resolve(modulePath), sample);
    }

    const { options, errors: optionErrors } = ts.convertCompilerOptionsFromJson(COMPILER_OPTIONS, dir);
    if (optionErrors.length > 0) throw new Error(ts.formatDiagnostics(optionErrors, formatHost(dir)));
    const program = ts.createProgram([...byModule.keys()], options);
    const errors = ts.getPreEmitDiagnostics(program).map((diagnostic) => {
      const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
      const sourceFile = diagnostic.file;
      if (sourceFile === undefined || diagnostic.start === undefined) {
        return { file: '(compiler)', line: 0, column: 0, code: diagnostic.code, message };
      }
      const where = sourceFile.getLineAndCharacterOfPosition(diagnostic.start);
      const sample = byModule.get(path.resolve(sourceFile.fileName));
      if (sample === undefined) {
        return { file: sourceFile.fileName, line: where.line + 1, column: where.character + 1, code: diagnostic.code, message };
      }
      return { file: sample.file, line: sample.line + where.line, column: where.character + 1, code: diagnostic.code, message };
    });
    return { samples: samples.length, checked: checked.length, skipped: samples.filter((s) => s.skip), errors, dir };
  } finally {
    if (!keep) fs.rmSync(dir, { recursive: true, force: true });
  }
}

function formatHost(dir) {
  return { getCanonicalFileName: (f) => f, getCurrentDirectory: () => dir, getNewLine: () => '\n' };
}

/** One line per error: `README.md:97:5 TS2339 Property 'x' does not exist...`. */
export function formatErrors(errors) {
  return errors.map((e) => `${e.file}:${e.line}:${e.column} TS${e.code} ${e.message}`).join('\n');
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const keep = process.argv.includes('--keep');
  const result = checkDocSamples({ keep });
  if (keep) console.log(`Samples kept in ${result.dir}`);
  for (const sample of result.skipped) console.log(`skipped: ${sample.file}:${sample.line}`);
  if (result.errors.length > 0) {
    console.error(formatErrors(result.errors));
    console.error(`${result.errors.length} error(s) in ${result.checked} checked samples`);
    process.exitCode = 1;
  } else {
    console.log(`${result.checked} TypeScript samples compile (${result.skipped.length} skipped)`);
  }
}
