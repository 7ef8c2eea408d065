/**
 * Checking what a channel end is asked to send, claim or receive into, before anything reaches the ring: a message's
 * type and length (one too long says what capacity would carry it), a claim's length, a target buffer.
 */
import { FileMappingValidationError } from '../errors.js';

/** What send() takes: bytes, or a string sent as UTF-8. */
export type MessageData = Uint8Array | string;

/** A message to send as bytes (a string as UTF-8), checked against the longest message the ring carries. */
export function messageBytes(message: MessageData, maxMessageLength: number): Uint8Array {
  const bytes = typeof message === 'string' ? Buffer.from(message, 'utf8') : message;
  if (!(bytes instanceof Uint8Array)) {
    throw new FileMappingValidationError('Channel.send() message', ['message: expected a Buffer, a Uint8Array or a string']);
  }
  if (bytes.length > maxMessageLength) {
    throw new FileMappingValidationError('Channel.send() message', [tooLong('message', bytes.length, maxMessageLength)]);
  }
  return bytes;
}

/** Checks the length of a message to claim: as send() does, one too long for the ring says what capacity it needs. */
export function checkLength(length: number, maxMessageLength: number, context: string): void {
  if (!Number.isSafeInteger(length) || length < 0) {
    throw new FileMappingValidationError(context, [
      `length: expected an integer from 0 to ${maxMessageLength} (the longest message this channel carries), got ${String(length)}`,
    ]);
  }
  if (length > maxMessageLength) throw new FileMappingValidationError(context, [tooLong('length', length, maxMessageLength)]);
}

/** The largest capacity a channel can have (1 GiB: options.ts). */
const MAX_CAPACITY = 2 ** 30;

/**
 * Why a message of `length` bytes does not fit a ring whose messages are at most `maxMessageLength` bytes, and the
 * capacity that would carry it: the smallest power of two that holds it with its 4-byte length field (a 1 MiB message
 * needs a 2 MiB ring, which users otherwise found by trial).
 */
export function tooLong(key: string, length: number, maxMessageLength: number): string {
  const carries = `${key}: ${length} bytes is longer than this channel carries (${maxMessageLength} bytes: its capacity minus 4)`;
  const record = 4 + length;
  if (record > MAX_CAPACITY) return `${carries}; split it: no channel carries more than ${MAX_CAPACITY - 4} bytes (a 1 GiB ring)`;
  let capacity = 4096;
  while (capacity < record) capacity *= 2;
  const size = capacity >= 2 ** 20 ? `${capacity / 2 ** 20} MiB` : `${capacity / 1024} KiB`;
  return `${carries}; split it, or create the channel with a capacity of ${capacity} (${size}) or more`;
}

/** Checks the buffer a message is received into. */
export function checkTarget(target: Uint8Array, context: string): void {
  if (!(target instanceof Uint8Array)) throw new FileMappingValidationError(context, ['target: expected a Buffer or a Uint8Array']);
}
