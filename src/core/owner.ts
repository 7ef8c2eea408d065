/**
 * Who owns a named object, and whom `expectedOwner` accepts: the same on every OS. An owner is a SID in its string
 * form: a Windows account's own, or, on Linux, the Unix user's as Samba maps it (S-1-22-1-UID), so that a program
 * compares owners the same way everywhere. The check itself is each OS's (win32/owner.ts, posix/owner.ts).
 */
/** The owner of a kernel object. */
export interface ObjectOwner {
  /** The owner's SID in string form, e.g. 'S-1-5-18'. */
  readonly sid: string;
  /** `DOMAIN\name` (e.g. 'NT AUTHORITY\SYSTEM', 'BUILTIN\Administrators'), when the system knows the SID. */
  readonly account: string | undefined;
}

/**
 * Whom open() accepts as the owner of the object: 'current-user' (the user of this process's token, or its default
 * owner, which for an elevated administrator is BUILTIN\Administrators), 'system' (LocalSystem, S-1-5-18),
 * 'administrators' (BUILTIN\Administrators, S-1-5-32-544), or a SID string such as 'S-1-5-21-...-1001'.
 */
export type ExpectedOwner = 'current-user' | 'system' | 'administrators' | `S-1-${string}`;

/** The well-known SIDs the keywords stand for. */
export const OWNER_KEYWORDS = {
  system: 'S-1-5-18',
  administrators: 'S-1-5-32-544',
} as const;

const MAX_SUB_AUTHORITIES = 15;
const SID_PATTERN = /^S-1-(\d+|0x[0-9a-f]{1,12})((?:-\d+)*)$/iu;

/**
 * The SID string in the form ConvertSidToStringSidW gives (no leading zeros; an authority of 2^32 or more in hex),
 * or undefined when `text` is not a SID string: 'S-1-', an identifier authority below 2^48, then 0 to 15
 * subauthorities below 2^32.
 */
export function canonicalSid(text: string): string | undefined {
  const match = SID_PATTERN.exec(text);
  if (!match) return undefined;
  const authority = BigInt(match[1] as string);
  const subAuthorities = (match[2] as string).split('-').slice(1).map(BigInt);
  if (authority >= 2n ** 48n || subAuthorities.length > MAX_SUB_AUTHORITIES) return undefined;
  if (subAuthorities.some((value) => value > 0xffff_ffffn)) return undefined;
  return formatSidParts(authority, subAuthorities);
}

/** A SID's string form from its bytes: Revision (1), SubAuthorityCount (1), IdentifierAuthority (6, big-endian), SubAuthority[] (4 each, little-endian). */
export function formatSid(bytes: Uint8Array): string {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = buffer.length >= 8 ? (buffer[1] as number) : -1;
  if (count < 0 || buffer[0] !== 1 || count > MAX_SUB_AUTHORITIES || buffer.length < 8 + 4 * count) {
    throw new Error(`not a SID: ${buffer.toString('hex')}`);
  }
  const authority = buffer.readUIntBE(2, 6);
  const subAuthorities = Array.from({ length: count }, (_, i) => BigInt(buffer.readUInt32LE(8 + 4 * i)));
  return formatSidParts(BigInt(authority), subAuthorities);
}

function formatSidParts(authority: bigint, subAuthorities: readonly bigint[]): string {
  const identifier = authority < 2n ** 32n ? authority.toString() : `0x${authority.toString(16).toUpperCase().padStart(12, '0')}`;
  return ['S-1', identifier, ...subAuthorities.map(String)].join('-');
}
