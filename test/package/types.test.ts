// The published declarations in a user's new TypeScript project: the packed package installed, `typescript` and
// `@types/node` as the user adds them (this repository's copies, linked), a tsconfig.json with `strict` and nothing
// else (no skipLibCheck), and a file that uses the public API. `tsc --noEmit` must report nothing: the declarations
// import no dependency (zod's own types failed by the dozen there), and compile at tsc's default target (ES5).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshProject } from '../fixtures/fresh-project.js';

const ROOT = join(import.meta.dirname, '..', '..');
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const TS_NODE = join(ROOT, 'node_modules', 'ts-node', 'dist', 'bin.js');

/** Uses every entry point and the types a program names, each once. */
const PROGRAM = `import { FileMapping, MappedView, NamedMutex, NamedEvent, NamedSemaphore, Channel, FileMappingValidationError,
  isSystemCallError, type CreateOptions, type LockResult, type SignalResult, type AsyncWaitOptions } from 'filemapping';
import * as win32 from 'filemapping/win32';
import * as posix from 'filemapping/posix';

const options: CreateOptions = { name: process.argv[2], size: 4096 };
const mapping = FileMapping.create(options);
const view: MappedView = mapping.map();
view.writeString('typed');
const size: bigint = mapping.size;
const wait: AsyncWaitOptions = { timeoutMs: 10 };
const results: Array<LockResult | SignalResult> = [];
const classes = [NamedMutex, NamedEvent, NamedSemaphore, Channel, FileMappingValidationError, isSystemCallError];
console.log(view.readString() + ' ' + String(size) + ' ' + view.length + ' ' + typeof win32.FILE_MAP_READ + ' ' + typeof posix.O_CREAT);
view.unmap();
mapping.close();
export { wait, results, classes };
`;

let project: string;

beforeAll(() => {
  project = freshProject('types');
  mkdirSync(join(project, 'node_modules', '@types'), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules', '@types', 'node'), join(project, 'node_modules', '@types', 'node'), 'dir');
  symlinkSync(join(ROOT, 'node_modules', 'typescript'), join(project, 'node_modules', 'typescript'), 'dir');
  writeFileSync(join(project, 'index.ts'), PROGRAM);
});

afterAll(() => {
  if (project) rmSync(project, { recursive: true, force: true });
});

/** Runs tsc on index.ts with `compilerOptions`; returns its output (empty when it found nothing). */
function tsc(compilerOptions: Record<string, unknown>): string {
  writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['index.ts'] }));
  const result = spawnSync(process.execPath, [TSC, '--noEmit', '-p', '.'], { cwd: project, encoding: 'utf8' });
  return `${result.stdout}${result.stderr}`.trim();
}

describe("the package's types in a new project, with a plain tsc", () => {
  it.each([
    ['only strict (tsc picks ES5 and CommonJS)', { strict: true }],
    ['strict, module nodenext', { strict: true, module: 'nodenext' }],
    ['strict, module commonjs', { strict: true, module: 'commonjs' }],
  ])('compile with %s: no error', (_title, compilerOptions) => {
    expect(tsc(compilerOptions)).toBe('');
  });

  // ts-node in a CommonJS project runs a .ts file as it is (`npx ts-node index.ts`), type-checked first against the
  // package's declarations; an ESM project needs `node --loader ts-node/esm` (the examples suite runs that).
  it.runIf(process.platform === 'linux')('runs with ts-node in a CommonJS project, type-checked first', () => {
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true } }));
    const name = `filemapping-test-types-${process.pid}`;
    const stdout = execFileSync(process.execPath, [TS_NODE, 'index.ts', name], { cwd: project, encoding: 'utf8' });
    expect(stdout).toBe('typed 4096 4096 number number\n');
  });
});
