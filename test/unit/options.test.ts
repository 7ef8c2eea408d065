// The public options, parsed once at the door: every bad value is refused with a FileMappingValidationError that
// names the option (and, for a choice, the accepted values), and good values come out normalised.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { FileMappingValidationError } from '../../src/errors.js';
import { createOptionsSchema, mapOptionsSchema, openOptionsSchema, parseName, parseOptions } from '../../src/section/options.js';

const PROTECTIONS = ['readonly', 'readwrite', 'writecopy', 'execute-read', 'execute-readwrite', 'execute-writecopy'];
const ATTRIBUTES = ['commit', 'reserve', 'large-pages', 'no-cache', 'write-combine', 'image', 'image-no-execute'];
const ACCESSES = ['read', 'write', 'all', 'copy', 'execute-read', 'execute-write', 'execute-copy'];

/** Shows a value in a test title and a failure message; bigints as 1n. */
const show = (value: unknown): string => JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)) ?? String(value);

/** The error parsing `value` throws; fails the test if it is accepted or throws anything else. */
function refusal(schema: z.ZodType | (() => z.ZodType), value: unknown, context = 'test options'): FileMappingValidationError {
  let thrown: unknown;
  try {
    parseOptions(schema, value, context);
  } catch (error) {
    thrown = error;
  }
  if (thrown === undefined) throw new Error(`accepted ${show(value)}`);
  expect(thrown).toBeInstanceOf(FileMappingValidationError);
  const error = thrown as FileMappingValidationError;
  expect(error.cause).toBeInstanceOf(z.ZodError);
  expect(error.message.startsWith(`Invalid ${context}:\n`)).toBe(true);
  return error;
}

/** The issues about `option`: each line names its option first ("size: ..."), unknown keys in the text. */
const about = (error: FileMappingValidationError, option: string): string[] =>
  error.issues.filter((issue) => issue.startsWith(`${option}: `) || issue.includes(`"${option}"`));

/** Asserts that `message` lists every accepted value of an option, each quoted. */
function expectListed(message: string, accepted: readonly string[]): void {
  for (const value of accepted) expect(message).toContain(`'${value}'`);
}

type Row = [option: string, value: Record<string, unknown>, message: RegExp];

describe('FileMapping.create() options', () => {
  it.each<Row>([
    ['size', { size: -1 }, /non-negative/],
    ['size', { size: -1n }, /non-negative/],
    ['size', { size: 0 }, /greater than 0/],
    ['size', { size: 0n }, /greater than 0/],
    ['size', { size: 1.5 }, /integer, got 1\.5/],
    ['size', { size: Number.NaN }, /integer, got NaN/],
    ['size', { size: Number.POSITIVE_INFINITY }, /integer, got Infinity/],
    ['size', { size: '1024' }, /number or a bigint/],
    ['size', { size: null }, /number or a bigint/],
    ['size', { size: 2 ** 53 }, /pass a bigint/],
    ['size', { size: 2n ** 64n }, /64 bits/],
    ['size', {}, /Required for a section backed by the paging file/],
    ['size', { name: 'Local\\x' }, /Required for a section backed by the paging file/],
    ['attributes', { size: 1, attributes: 'commit' }, /array/],
    ['attributes', { size: 1, attributes: ['commit', 'commit'] }, /Must not repeat a value/],
    ['attributes', { size: 1, attributes: ['commit', 'reserve'] }, /'commit' and 'reserve' exclude each other/],
    ['attributes', { file: 'a.bin', attributes: ['large-pages'] }, /'large-pages' needs a section backed by the paging file/],
    ['attributes', { size: 1, attributes: ['large-pages', 'reserve'] }, /committed memory/],
    ['attributes', { size: 1, attributes: ['image'] }, /need a file/],
    ['attributes', { size: 1, attributes: ['image-no-execute'] }, /need a file/],
    ['attributes', { file: 'a.bin', attributes: ['reserve'] }, /'reserve' is for sections backed by the paging file/],
    ['attributes', { file: 'a.dll', attributes: ['image', 'commit'] }, /'image' takes no other attribute/],
    ['attributes', { file: 'a.dll', attributes: ['image-no-execute', 'no-cache'] }, /'image-no-execute' takes no other attribute/],
    ['attributes', { file: 'a.dll', attributes: ['image', 'image-no-execute'] }, /'image' takes no other attribute/],
    ['exclusive', { size: 1, exclusive: true }, /Needs a name/],
    ['exclusive', { name: 'Local\\x', size: 1, exclusive: 'yes' }, /boolean/],
    ['name', { name: '', size: 1 }, /empty/],
    ['name', { name: 'a\0b', size: 1 }, /NUL/],
    ['name', { name: 'x'.repeat(261), size: 1 }, /at most 260 characters/],
    ['name', { name: 'a\\b', size: 1 }, /backslash/],
    ['name', { name: 'Local\\', size: 1 }, /name after the prefix/],
    ['name', { name: 42, size: 1 }, /string/],
    ['file', { file: '' }, /empty/],
    ['file', { file: 'a\0b' }, /NUL/],
    ['file', { file: 42 }, /file path/],
    ['security', { size: 1, security: '' }, /empty/],
    ['security', { size: 1, security: 42 }, /SDDL/],
    ['inheritable', { size: 1, inheritable: 'yes' }, /boolean/],
    ['colour', { size: 1, colour: 'red' }, /Unrecognized key/],
    ['Size', { size: 1, Size: 2 }, /Unrecognized key/],
  ])('refuses a bad %s: %o', (option, value, message) => {
    const error = refusal(createOptionsSchema, value);
    const issues = about(error, option);
    expect(issues).not.toEqual([]);
    expect(issues.join('\n')).toMatch(message);
  });

  it.each([['rw'], ['READWRITE'], [4], [null]])('refuses the protection %o, listing the accepted ones', (protection) => {
    const error = refusal(createOptionsSchema, { size: 1, protection });
    expect(about(error, 'protection')).toHaveLength(1);
    expectListed(about(error, 'protection')[0] ?? '', PROTECTIONS);
  });

  it.each([['fast'], ['COMMIT'], [0x0800_0000]])('refuses the attribute %o, listing the accepted ones', (attribute) => {
    const error = refusal(createOptionsSchema, { size: 1, attributes: ['commit', attribute] });
    // The element is named by its index: attributes[1].
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]).toMatch(/^attributes\[1\]: /);
    expectListed(error.issues[0] ?? '', ATTRIBUTES);
  });

  it('reports every problem of one object at once', () => {
    const error = refusal(createOptionsSchema, { name: 'a\\b', size: -1, protection: 'rw', attributes: ['fast'], colour: 1 });
    for (const option of ['name', 'size', 'protection', 'attributes[0]', 'colour']) expect(about(error, option)).toHaveLength(1);
    expect(error.issues).toHaveLength(5);
    expect((error.cause as z.ZodError).issues).toHaveLength(5);
  });

  it('reports every broken rule between options at once', () => {
    const error = refusal(createOptionsSchema, { size: 1, exclusive: true, attributes: ['commit', 'reserve', 'image', 'commit'] });
    expect(about(error, 'exclusive')).toHaveLength(1);
    expect(about(error, 'attributes').join('\n')).toMatch(/repeat[\s\S]*exclude each other[\s\S]*need a file[\s\S]*takes no other attribute/);
    expect(error.issues).toHaveLength(5);
  });

  // Bug in src/options.ts createOptionsSchema: the cross-field rules live in .superRefine, which zod skips when any
  // field is invalid, so { size: -1, exclusive: true } reports only size; the missing name is reported only after the
  // caller fixes the size (two round trips, against "the message lists every problem").
  it.fails('reports a broken rule between options together with a bad field', () => {
    const error = refusal(createOptionsSchema, { size: -1, exclusive: true });
    expect(about(error, 'size')).toHaveLength(1);
    expect(about(error, 'exclusive')).toHaveLength(1);
  });

  it.each<[string, Record<string, unknown>]>([
    ['a named section', { name: 'Local\\x', size: 1 }],
    ['a file-backed section without size', { file: 'a.bin' }],
    ['an exclusive named section', { name: 'Global\\x', size: 1, exclusive: true }],
    ['large pages on the paging file', { size: 2n ** 21n, attributes: ['large-pages'] }],
    ['an image', { file: 'a.exe', attributes: ['image'], protection: 'readonly' }],
    ['reserve on the paging file', { size: 1, attributes: ['reserve', 'no-cache'] }],
  ])('accepts %s', (_what, options) => {
    expect(() => parseOptions(createOptionsSchema, options, 'x')).not.toThrow();
  });

  it('fills the defaults', () => {
    expect(parseOptions(createOptionsSchema, { size: 1024 }, 'x')).toEqual({
      size: 1024n,
      protection: 'readwrite',
      attributes: [],
      exclusive: false,
      inheritable: false,
    });
  });

  it.each<[number | bigint, bigint]>([
    [1, 1n],
    [1024, 1024n],
    [1024n, 1024n],
    [2 ** 32, 2n ** 32n],
    [Number.MAX_SAFE_INTEGER, 2n ** 53n - 1n],
    [2n ** 64n - 1n, 2n ** 64n - 1n],
  ])('gives the size %s as the bigint %s', (size, expected) => {
    const parsed = parseOptions(createOptionsSchema, { size }, 'x');
    expect(typeof parsed.size).toBe('bigint');
    expect(parsed.size).toBe(expected);
  });

  it('treats undefined options as empty ones', () => {
    expect(about(refusal(createOptionsSchema, undefined), 'size')).toHaveLength(1);
  });

  it('refuses options that are not an object', () => {
    expect(refusal(createOptionsSchema, 1024).issues).toEqual([expect.stringMatching(/expected object/)]);
  });

  // zod reads an object's own keys: a Map of options was an options object with none, its timeoutMs never seen.
  it.each([
    ['Map', new Map([['size', 1024]])],
    ['Date', new Date()],
    ['RegExp', /size/u],
    [
      'class instance',
      new (class Options {
        size = 1024;
      })(),
    ],
  ])('refuses a %s where a plain object of options belongs, naming what it got', (_kind, value) => {
    expect(() => parseOptions(createOptionsSchema, value, 'test options')).toThrow(FileMappingValidationError);
    expect(() => parseOptions(createOptionsSchema, value, 'test options')).toThrow(
      new RegExp(`plain object .* received ${(value as object).constructor.name} instance`, 'u'),
    );
  });

  it('takes a null-prototype object as a plain one', () => {
    const options = Object.assign(Object.create(null) as Record<string, unknown>, { size: 1024 });
    expect(parseOptions(createOptionsSchema, options, 'test options').size).toBe(1024n);
  });
});

describe('FileMapping.open() options', () => {
  it.each([[undefined], [{}], [null]])('defaults %o to write access, not inheritable', (options) => {
    expect(parseOptions(openOptionsSchema, options, 'x')).toEqual({ access: 'write', inheritable: false });
  });

  it.each([['readwrite'], ['READ'], [2], ['']])('refuses the access %o, listing the accepted ones', (access) => {
    const error = refusal(openOptionsSchema, { access });
    expect(about(error, 'access')).toHaveLength(1);
    expectListed(about(error, 'access')[0] ?? '', ACCESSES);
  });

  it.each<Row>([
    ['inheritable', { inheritable: 1 }, /boolean/],
    ['timeout', { timeout: 5 }, /Unrecognized key/],
    ['size', { size: 1024 }, /Unrecognized key/],
  ])('refuses a bad %s: %o', (option, value, message) => {
    const issues = about(refusal(openOptionsSchema, value), option);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(message);
  });

  it('reports every problem at once', () => {
    const error = refusal(openOptionsSchema, { access: 'x', inheritable: 'no', extra: 1 });
    expect(error.issues).toHaveLength(3);
  });
});

describe('FileMapping.map() options', () => {
  it('defaults the offset to 0n and leaves length, address and access to the mapping', () => {
    expect(parseOptions(mapOptionsSchema, {}, 'x')).toEqual({ offset: 0n });
    expect(parseOptions(mapOptionsSchema, undefined, 'x')).toEqual({ offset: 0n });
  });

  it.each<[Record<string, number | bigint>, Record<string, bigint>]>([
    [
      { offset: 65536, length: 10, address: 0x10000 },
      { offset: 65536n, length: 10n, address: 65536n },
    ],
    [
      { offset: 65536n, length: 10n, address: 0x10000n },
      { offset: 65536n, length: 10n, address: 65536n },
    ],
    [
      { offset: 0, length: 2 ** 40 },
      { offset: 0n, length: 2n ** 40n },
    ],
  ])('gives %o as bigints', (options, expected) => {
    const parsed = parseOptions(mapOptionsSchema, options, 'x');
    expect(parsed).toEqual(expected);
    for (const value of Object.values(parsed)) expect(typeof value).toBe('bigint');
  });

  it.each<Row>([
    ['offset', { offset: -65536 }, /non-negative/],
    ['offset', { offset: 0.5 }, /integer/],
    ['offset', { offset: Number.NaN }, /integer, got NaN/],
    ['offset', { offset: '0' }, /number or a bigint/],
    ['offset', { offset: 2n ** 64n }, /64 bits/],
    ['length', { length: 0 }, /greater than 0/],
    ['length', { length: -0.5 }, /integer/],
    ['length', { length: Number.POSITIVE_INFINITY }, /integer/],
    ['address', { address: 0 }, /greater than 0/],
    ['copy', { copy: 'yes' }, /boolean/],
    ['size', { size: 1 }, /Unrecognized key/],
  ])('refuses a bad %s: %o', (option, value, message) => {
    const issues = about(refusal(mapOptionsSchema, value), option);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(message);
  });

  it.each([['execute'], ['rw'], [4]])('refuses the access %o, listing the accepted ones', (access) => {
    const error = refusal(mapOptionsSchema, { access });
    expectListed(about(error, 'access')[0] ?? '', ACCESSES);
  });

  it('reports every problem at once', () => {
    const error = refusal(mapOptionsSchema, { offset: '0', length: Number.NaN, access: 'w', address: -1 });
    for (const option of ['offset', 'length', 'access', 'address']) expect(about(error, option)).toHaveLength(1);
  });
});

describe('section names', () => {
  it.each([
    'Local\\x',
    'Global\\x',
    'Session\\1\\x',
    'Session\\12\\x',
    'plain',
    'with spaces, dots. and ünïcode',
    'a surrogate pair: \u{1f600}',
    'x'.repeat(260),
    `Local\\${'x'.repeat(254)}`,
  ])('accepts %j as it is', (name) => {
    expect(parseName(name, 'FileMapping.open() name')).toBe(name);
    expect(parseOptions(createOptionsSchema, { name, size: 1 }, 'x').name).toBe(name);
  });

  it.each<[unknown, RegExp]>([
    ['', /empty/],
    ['a\0b', /NUL/],
    ['Local\\a\0', /NUL/],
    ['x'.repeat(261), /at most 260 characters/],
    [`Local\\${'x'.repeat(255)}`, /at most 260 characters/],
    ['a\\b', /backslash/],
    ['\\x', /backslash/],
    ['Local\\a\\b', /backslash/],
    ['Session\\x\\y', /backslash/],
    ['Session\\1', /backslash/],
    ['Local\\', /name after the prefix/],
    ['Global\\', /name after the prefix/],
    ['Session\\1\\', /name after the prefix/],
    // Linux would make U+FFFD of each, so that two names would be one object.
    ['a\ud800', /well-formed Unicode/],
    ['Local\\a\udc00b', /well-formed Unicode/],
    [42, /string/],
    [undefined, /string/],
  ])('refuses %j, saying why and naming the name', (name, message) => {
    let thrown: unknown;
    try {
      parseName(name, 'FileMapping.open() name');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(FileMappingValidationError);
    const error = thrown as FileMappingValidationError;
    expect(error.message).toMatch(/^Invalid FileMapping\.open\(\) name:\n/);
    expect(error.issues.join('\n')).toMatch(message);
    expect(error.cause).toBeInstanceOf(z.ZodError);
  });
});
