/**
 * The public options, as zod schemas, and the normalised types the inside works with.
 *
 * Each entry point parses its options once with one strict schema (unknown keys are errors) and passes the parsed
 * object on; sizes and offsets come out as bigint whatever the caller passed. Checks that need the system or the
 * section (allocation granularity, section size) are made by FileMapping.map() before its native call.
 */
import type { z } from 'zod';
import { toUint64 } from '../core/uint64.js';
import { FileMappingValidationError, validationErrorFromZod } from '../errors.js';
import { canonicalSid, OWNER_KEYWORDS, type ExpectedOwner } from '../core/owner.js';
import { lazy, zod } from '../core/zod.js';

/** Kernel object names are limited to MAX_PATH characters (CreateFileMappingW's lpName). */
export const MAX_NAME_LENGTH = 260;

/** Page protection of a section: what its views may do at most. */
export type Protection = 'readonly' | 'readwrite' | 'writecopy' | 'execute-read' | 'execute-readwrite' | 'execute-writecopy';
/** Every Protection, for the schemas (`satisfies` keeps the list and the type in step). */
export const PROTECTION_NAMES = [
  'readonly',
  'readwrite',
  'writecopy',
  'execute-read',
  'execute-readwrite',
  'execute-writecopy',
] as const satisfies readonly Protection[];

/** A section attribute (Windows' SEC_* flags). */
export type Attribute = 'commit' | 'reserve' | 'large-pages' | 'no-cache' | 'write-combine' | 'image' | 'image-no-execute';
/** Every Attribute, for the schemas. */
export const ATTRIBUTE_NAMES = [
  'commit',
  'reserve',
  'large-pages',
  'no-cache',
  'write-combine',
  'image',
  'image-no-execute',
] as const satisfies readonly Attribute[];

/**
 * View access. 'write' is a read/write view; 'all' is the same as 'write' for a view (the documented meaning of
 * FILE_MAP_ALL_ACCESS there); 'copy' is copy-on-write: writes stay private to the view.
 */
export type Access = 'read' | 'write' | 'all' | 'copy' | 'execute-read' | 'execute-write' | 'execute-copy';
/** Every Access, for the schemas. */
export const ACCESS_NAMES = ['read', 'write', 'all', 'copy', 'execute-read', 'execute-write', 'execute-copy'] as const satisfies readonly Access[];

/** Which view accesses each protection allows (MapViewOfFile's table of dwDesiredAccess against flProtect). */
export const ACCESS_ALLOWED_BY: Readonly<Record<Protection, readonly Access[]>> = {
  readonly: ['read', 'copy'],
  readwrite: ['read', 'write', 'all', 'copy'],
  writecopy: ['read', 'copy'],
  'execute-read': ['read', 'copy', 'execute-read', 'execute-copy'],
  'execute-readwrite': ['read', 'write', 'all', 'copy', 'execute-read', 'execute-write', 'execute-copy'],
  'execute-writecopy': ['read', 'copy', 'execute-read', 'execute-copy'],
};

/** The access a view gets by default: the most the section allows without execute. */
export const DEFAULT_ACCESS: Readonly<Record<Protection, Access>> = {
  readonly: 'read',
  readwrite: 'write',
  writecopy: 'copy',
  'execute-read': 'read',
  'execute-readwrite': 'write',
  'execute-writecopy': 'copy',
};

const list = (values: readonly string[]) => values.map((value) => `'${value}'`).join(', ');

/**
 * The schemas, built on first use (see zod.ts). The ones other modules use are exported one by one below, as functions
 * that return them.
 */
const schemas = lazy(() => {
  const z = zod();
  /** A 64-bit unsigned size or offset given as number or bigint, normalised to bigint. */
  const uint64 = z
    // A custom check rather than z.number(), which refuses NaN as "not a number": toUint64 says what is wrong with it.
    .custom<number | bigint>((value) => typeof value === 'number' || typeof value === 'bigint', {
      error: 'Expected a number or a bigint',
    })
    .transform((value, context) => {
      try {
        return toUint64(value);
      } catch (error) {
        context.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    });

  const positiveUint64 = uint64.refine((value) => value > 0n, { error: 'Must be greater than 0' });

  /** A security descriptor in SDDL; Windows parses it (ConvertStringSecurityDescriptorToSecurityDescriptorW). */
  const securitySchema = z
    .string({ error: "Expected a security descriptor in SDDL, e.g. 'D:P(A;;GA;;;OW)'" })
    .min(1, { error: 'Must not be empty (omit it for the default security)' })
    .refine((sddl) => !sddl.includes('\0'), { error: 'Must not contain a NUL character' });

  const NAMESPACE = /^(?:Global|Local|Session\\\d+)\\/u;
  /** In a /u pattern a surrogate pair is one code point: \p{Cs} matches only a surrogate that is alone. */
  const LONE_SURROGATE = /\p{Cs}/u;

  /** A kernel object name: Local\ or Global\ (or Session\N\) prefix, then no backslash, no NUL. */
  const nameSchema = z
    .string({ error: 'Expected a string' })
    .min(1, { error: 'Must not be empty (omit the name for an anonymous section)' })
    .max(MAX_NAME_LENGTH, { error: `Must be at most ${MAX_NAME_LENGTH} characters` })
    .refine((name) => !name.includes('\0'), { error: 'Must not contain a NUL character' })
    // A lone surrogate has no UTF-8 form: Linux would name the object with U+FFFD, so that two different names
    // (NAME\ud800 and NAME\udc00) would be one object, where Windows keeps them apart. Refused on every OS alike.
    .refine((name) => !LONE_SURROGATE.test(name), { error: 'Must be well-formed Unicode (a lone surrogate, such as "\\ud800", has no UTF-8 form)' })
    .refine((name) => !name.replace(NAMESPACE, '').includes('\\'), {
      error: 'Must not contain a backslash except after the Local\\, Global\\ or Session\\N\\ prefix',
    })
    .refine((name) => name.replace(NAMESPACE, '').length > 0, { error: 'Must have a name after the prefix' });

  const pathSchema = z
    .string({ error: 'Expected a file path' })
    .min(1, { error: 'Must not be empty' })
    .refine((path) => !path.includes('\0'), { error: 'Must not contain a NUL character' });

  const protectionSchema = z.enum([...PROTECTION_NAMES], {
    error: `Expected one of ${list(PROTECTION_NAMES)}`,
  });
  const attributeSchema = z.enum([...ATTRIBUTE_NAMES], {
    error: `Expected one of ${list(ATTRIBUTE_NAMES)}`,
  });
  const accessSchema = z.enum([...ACCESS_NAMES], {
    error: `Expected one of ${list(ACCESS_NAMES)}`,
  });

  const createOptionsSchema = z
    .strictObject({
      /** The section's name (Local\ or Global\ prefix); omitted for an anonymous section. */
      name: nameSchema.optional(),
      /** Maximum size in bytes; for a file-backed section, the file grows to it (default: the file's size). */
      size: positiveUint64.optional(),
      /** A file to back the section; omitted for a section backed by the paging file. */
      file: pathSchema.optional(),
      protection: protectionSchema.default('readwrite'),
      attributes: z.array(attributeSchema).default([]),
      /** Fail with ERROR_ALREADY_EXISTS instead of opening a section that already has this name. */
      exclusive: z.boolean({ error: 'Expected a boolean' }).default(false),
      security: securitySchema.optional(),
      inheritable: z.boolean({ error: 'Expected a boolean' }).default(false),
    })
    .superRefine((options, context) => {
      const issue = (path: string, message: string) => context.addIssue({ code: 'custom', path: [path], message });
      const has = (attribute: Attribute) => options.attributes.includes(attribute);
      if (options.file === undefined && options.size === undefined) {
        issue('size', 'Required for a section backed by the paging file (only a file-backed section takes its size from the file)');
      }
      if (options.exclusive && options.name === undefined) {
        issue('exclusive', 'Needs a name: an anonymous section is always new');
      }
      if (new Set(options.attributes).size !== options.attributes.length) issue('attributes', 'Must not repeat a value');
      if (has('commit') && has('reserve')) issue('attributes', "'commit' and 'reserve' exclude each other");
      if (has('large-pages')) {
        if (options.file !== undefined) issue('attributes', "'large-pages' needs a section backed by the paging file");
        if (has('reserve')) issue('attributes', "'large-pages' needs committed memory, not 'reserve'");
      }
      if ((has('image') || has('image-no-execute')) && options.file === undefined) {
        issue('attributes', "'image' and 'image-no-execute' need a file (an executable image)");
      }
      if (has('reserve') && options.file !== undefined) issue('attributes', "'reserve' is for sections backed by the paging file");
      const images = options.attributes.filter((a) => a === 'image' || a === 'image-no-execute');
      if (images.length > 0 && options.attributes.length > 1) {
        issue('attributes', `'${images[0] as string}' takes no other attribute (SEC_IMAGE sections are laid out by the loader)`);
      }
    });
  /**
   * Whom open() accepts as the object's owner: a keyword, or a SID string (S-1-, an authority, up to 15
   * subauthorities), written back in the system's form so that it compares with the owner's SID as a string.
   */
  const expectedOwnerSchema = z
    // A custom check rather than z.string(), so that the input type lists the keywords (and the SID form) as the
    // public OpenOptions does.
    .custom<ExpectedOwner>((value) => typeof value === 'string', { error: EXPECTED_OWNER_ACCEPTED })
    .transform((value, context): ExpectedOwner => {
      if (value === 'current-user' || Object.hasOwn(OWNER_KEYWORDS, value)) return value;
      const sid = canonicalSid(value);
      if (sid === undefined) {
        context.addIssue({ code: 'custom', message: `${EXPECTED_OWNER_ACCEPTED}; got '${value}'` });
        return z.NEVER;
      }
      return sid as ExpectedOwner;
    });

  const openOptionsSchema = z.strictObject({
    /** What views of the opened section may do; default 'write' (read and write). */
    access: accessSchema.default('write'),
    /** Whether child processes created with handle inheritance inherit the handle. */
    inheritable: z.boolean({ error: 'Expected a boolean' }).default(false),
    /** Refuse the section unless this is its owner (READ_CONTROL is asked for too). */
    expectedOwner: expectedOwnerSchema.optional(),
  });
  const mapOptionsSchema = z.strictObject({
    /** Default: the most the section allows (see DEFAULT_ACCESS), or the access it was opened with. */
    access: accessSchema.optional(),
    /** Where the view starts in the section: a multiple of the allocation granularity (64 KiB on x64). */
    offset: uint64.default(0n),
    /** Bytes to map; default: to the end of the section. */
    length: positiveUint64.optional(),
    /** Map at this address (MapViewOfFileEx): a multiple of the allocation granularity, in a free range. */
    address: positiveUint64.optional(),
    /** Copy mode: no `buffer`, the accessors copy (default: FILEMAPPING_COPY_MODE, or when the runtime forbids external buffers). */
    copy: z.boolean({ error: 'Expected a boolean' }).optional(),
  });
  /** A range of a view to flush (byte offsets within the view, as numbers), and whether to reach the disk. */
  const viewByte = z.number({ error: 'Expected a number of bytes' }).int({ error: 'Expected an integer' }).min(0, { error: 'Must not be negative' });
  const flushRangeSchema = z.strictObject({
    offset: viewByte.optional(),
    length: viewByte.optional(),
    durable: z.boolean({ error: 'Expected a boolean' }).optional(),
  });
  return {
    uint64,
    positiveUint64,
    securitySchema,
    nameSchema,
    accessSchema,
    createOptionsSchema,
    expectedOwnerSchema,
    openOptionsSchema,
    mapOptionsSchema,
    flushRangeSchema,
  };
});
export const flushRangeSchema = (): ReturnType<typeof schemas>['flushRangeSchema'] => schemas().flushRangeSchema;
export const uint64 = (): ReturnType<typeof schemas>['uint64'] => schemas().uint64;
export const positiveUint64 = (): ReturnType<typeof schemas>['positiveUint64'] => schemas().positiveUint64;
export const securitySchema = (): ReturnType<typeof schemas>['securitySchema'] => schemas().securitySchema;
export const nameSchema = (): ReturnType<typeof schemas>['nameSchema'] => schemas().nameSchema;
export const accessSchema = (): ReturnType<typeof schemas>['accessSchema'] => schemas().accessSchema;
export const createOptionsSchema = (): ReturnType<typeof schemas>['createOptionsSchema'] => schemas().createOptionsSchema;
export const expectedOwnerSchema = (): ReturnType<typeof schemas>['expectedOwnerSchema'] => schemas().expectedOwnerSchema;
export const openOptionsSchema = (): ReturnType<typeof schemas>['openOptionsSchema'] => schemas().openOptionsSchema;
export const mapOptionsSchema = (): ReturnType<typeof schemas>['mapOptionsSchema'] => schemas().mapOptionsSchema;
/** The options of FileMapping.create(). */
export interface CreateOptions {
  /**
   * The section's name, for other processes to open it: `Local\\name` (this session, the default namespace),
   * `Global\\name` (all sessions; creating needs SeCreateGlobalPrivilege), or a plain name (same as Local\\). At
   * most 260 characters, no backslash after the prefix. Omit it for an anonymous section.
   */
  name?: string;
  /**
   * The section's size in bytes (number or bigint; above 2^53 - 1 pass a bigint). Required without `file`; with
   * `file`, the file grows to this size if it is smaller, and the default is the file's size.
   */
  size?: number | bigint;
  /** A file to back the section, opened for the protection's access (created when `size` is given). */
  file?: string;
  /** Page protection of the section; default 'readwrite'. It bounds the access of every view. */
  protection?: Protection;
  /**
   * Section attributes (SEC_*): 'commit' (the default), 'reserve' (pages must be committed with VirtualAlloc
   * MEM_COMMIT in a view before use), 'large-pages' (needs SeLockMemoryPrivilege, a size that is a multiple of
   * GetLargePageMinimum), 'no-cache', 'write-combine', 'image', 'image-no-execute' (a file that is an executable).
   */
  attributes?: Attribute[];
  /** Fail with Win32Error ERROR_ALREADY_EXISTS when the name is taken, instead of opening that section. */
  exclusive?: boolean;
  /**
   * The section's security descriptor in SDDL (default: the caller's default DACL). E.g. 'D:P(A;;GA;;;OW)' locks
   * it to its owner; a service sharing a Global\\ section with user processes grants them FILE_MAP_READ ('GR').
   */
  security?: string;
  /** Child processes created with handle inheritance inherit the handle; default false. */
  inheritable?: boolean;
}
/**
 * CreateOptions as the schema gives them to the inside: defaults applied, the size a bigint. Written by hand (and kept
 * in step with the schema below), as are the other parsed types: the backend's interface names them, and a type
 * computed by zod would make the published declarations import zod, whose own types a project's plain `tsc` then
 * checks, and fails on.
 */
export interface ParsedCreateOptions {
  name?: string | undefined;
  size?: bigint | undefined;
  file?: string | undefined;
  protection: Protection;
  attributes: Attribute[];
  exclusive: boolean;
  security?: string | undefined;
  inheritable: boolean;
}

const EXPECTED_OWNER_ACCEPTED = `Expected 'current-user', ${list(Object.keys(OWNER_KEYWORDS))} or a SID string such as 'S-1-5-18'`;

/** The options of FileMapping.open(). */
export interface OpenOptions {
  /**
   * What views of the opened section may do, and all the rights asked for: 'read' needs only FILE_MAP_READ.
   * Default 'write' (read and write).
   */
  access?: Access;
  /** Whether child processes created with handle inheritance inherit the handle; default false. */
  inheritable?: boolean;
  /**
   * Refuse the section unless it is owned by this: 'current-user' (this process's user, or its token's default
   * owner: BUILTIN\\Administrators for an elevated administrator), 'system' (S-1-5-18), 'administrators'
   * (S-1-5-32-544), or a SID string. Otherwise open() closes the handle and throws an UnexpectedOwnerError: another
   * process may have taken the name first (name squatting). With it, open() also asks for READ_CONTROL, which
   * reading the owner needs; the section's DACL must grant it (its owner always has it).
   */
  expectedOwner?: ExpectedOwner;
}
/** OpenOptions as the schema gives them to the inside (see ParsedCreateOptions). */
export interface ParsedOpenOptions {
  access: Access;
  inheritable: boolean;
  expectedOwner?: ExpectedOwner | undefined;
}

/** The options of FileMapping.map(). */
export interface MapOptions {
  /**
   * What the view may do. Default: for a section this process created, the most its protection allows without
   * execute ('write' for 'readwrite', 'read' for 'readonly', 'copy' for 'writecopy'); for an opened one, the
   * access it was opened with.
   */
  access?: Access;
  /** Where the view starts in the section: a multiple of the allocation granularity (64 KiB on x64). Default 0. */
  offset?: number | bigint;
  /** Bytes to map. Default: to the end of the section (for an opened section, rounded up to the page size). */
  length?: number | bigint;
  /**
   * Map at this address (MapViewOfFileEx): a multiple of the allocation granularity, in a free range of the address
   * space. Default: wherever the system chooses.
   */
  address?: bigint | number;
  /**
   * Copy mode: the view has no `buffer`, and its accessors (read, write, readU32...) copy between the view and V8's
   * memory. Default: on when FILEMAPPING_COPY_MODE=1, or when the runtime forbids Buffers over foreign memory
   * (Electron's V8 memory cage); otherwise off (zero copy).
   */
  copy?: boolean;
}

/** MapOptions as the schema gives them to the inside (see ParsedCreateOptions). */
export interface ParsedMapOptions {
  access?: Access | undefined;
  offset: bigint;
  length?: bigint | undefined;
  address?: bigint | undefined;
  copy?: boolean | undefined;
}

/** True when A and B are the same type: what keeps a hand-written type in step with its schema. */
export type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
// The interfaces above carry the documentation, and the parsed types are what the declarations name; these lines keep
// both in step with the schemas.
const inStep: [
  Same<CreateOptions, z.input<ReturnType<typeof createOptionsSchema>>>,
  Same<OpenOptions, z.input<ReturnType<typeof openOptionsSchema>>>,
  Same<MapOptions, z.input<ReturnType<typeof mapOptionsSchema>>>,
  Same<ParsedCreateOptions, z.output<ReturnType<typeof createOptionsSchema>>>,
  Same<ParsedOpenOptions, z.output<ReturnType<typeof openOptionsSchema>>>,
  Same<ParsedMapOptions, z.output<ReturnType<typeof mapOptionsSchema>>>,
] = [true, true, true, true, true, true];
void inStep;

/**
 * Parses `value` with `schema` (a schema, or a function that returns one: the modules' lazily built schemas), or
 * throws a FileMappingValidationError naming `context` and every problem.
 */
export function parseOptions<Schema extends z.ZodType>(schema: Schema | (() => Schema), value: unknown, context: string): z.output<Schema> {
  // zod takes any object for an object schema and reads its own keys: a Map, a Date or a class instance would be an
  // options object with no options, silently. Options are a plain object literal ({ ... }), or null-prototype one.
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && !isPlainObject(value)) {
    throw new FileMappingValidationError(context, [
      `Expected a plain object ({ ... }) of options, received ${(value as { constructor?: { name?: unknown } }).constructor?.name ?? 'an object'} instance`,
    ]);
  }
  const result = (typeof schema === 'function' ? schema() : schema).safeParse(value ?? {});
  if (!result.success) throw validationErrorFromZod(context, result.error);
  return result.data;
}

/** Whether `value` is an object literal's kind of object: its prototype is Object.prototype (of any realm) or null. */
function isPlainObject(value: object): boolean {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === null || Object.getPrototypeOf(prototype) === null;
}

/** Parses a section name, or throws a FileMappingValidationError. */
export function parseName(value: unknown, context: string): string {
  const result = nameSchema().safeParse(value);
  if (!result.success) throw validationErrorFromZod(context, result.error);
  return result.data;
}
