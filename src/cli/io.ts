/**
 * What the command reads and prints: the data of --text and --file (standard input for `-`), and a section's bytes
 * on stdout, raw or in the form --as asks for. Bytes are never decoded on the way through unless --as says so.
 */
import { readFileSync } from 'node:fs';
import { UsageError, type Format, type Values } from './arguments.js';

/** The bytes --text or --file give, and what gave them (for messages). */
export interface Payload {
  bytes: Buffer;
  from: string;
}

/** The bytes --text or --file give: text as a C string with its NUL, `--file -` standard input. */
export async function payload(values: Values): Promise<Payload | undefined> {
  if (values.text !== undefined && values.file !== undefined) throw new UsageError('give --text or --file, not both');
  if (values.text !== undefined) return { bytes: Buffer.from(`${values.text}\0`, 'utf8'), from: '--text and its NUL' };
  if (values.file === '-') return { bytes: await readStdin(), from: '--file' };
  if (values.file !== undefined) return { bytes: readFileSync(values.file), from: '--file' };
  return undefined;
}

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  // No encoding is set on stdin, so each chunk is a Buffer: the bytes as they came.
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Writes to stdout and resolves once the data has been handed to the system. stdout is asynchronous where it is a
 * pipe or a console on Windows: waiting here means a large section is printed whole before the command returns its
 * exit code, and a write that fails (the reader went away: EPIPE) fails the command instead of crashing it.
 */
export function writeStdout(data: string | Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    // Listens for 'error' too: a failed write also emits it, after the callback, and nobody else listens.
    const failed = (error: Error) => reject(error);
    process.stdout.on('error', failed);
    process.stdout.write(data, (error) => {
      if (error) {
        reject(error);
      } else {
        process.stdout.off('error', failed);
        resolve();
      }
    });
  });
}

/** The UTF-8 text of `bytes` up to the first NUL (a C string), a byte that is not UTF-8 read as U+FFFD. */
function text(bytes: Buffer): string {
  const nul = bytes.indexOf(0);
  return (nul >= 0 ? bytes.subarray(0, nul) : bytes).toString('utf8');
}

/** `bytes` on stdout as --as asks: raw (as they are), text, hex (one line) or json. */
export function print(bytes: Buffer, as: Format): Promise<void> {
  switch (as) {
    case 'raw':
      return writeStdout(bytes);
    case 'text':
      return writeStdout(text(bytes));
    case 'hex':
      return writeStdout(`${bytes.toString('hex')}\n`);
    case 'json':
      return writeStdout(`${JSON.stringify({ text: text(bytes), hex: bytes.toString('hex'), length: bytes.length })}\n`);
  }
}
