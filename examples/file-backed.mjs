// A section backed by a file instead of memory (the paging file, /dev/shm): creates the file in a temporary folder
// grown to SIZE bytes, writes through a view, flushes the view (FlushViewOfFile, msync) so the bytes are in the file,
// closes everything, then reads the file back with node:fs.
//
// Run (Windows or Linux, after `npm run build`):
//   node examples/file-backed.mjs [SIZE]      SIZE in bytes, default 8192
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileMapping } from 'filemapping';

const size = Number(process.argv[2] ?? 8192);
const message = 'Hello from a file-backed section';

const dir = mkdtempSync(join(tmpdir(), 'filemapping-example-'));
const path = join(dir, 'data.bin');
try {
  if (!Number.isSafeInteger(size) || size < message.length) throw new Error(`SIZE must be an integer of at least ${message.length}`);
  // The file does not exist yet: with a size, create() makes it and the section grows it to that size.
  const mapping = FileMapping.create({ file: path, size });
  try {
    const view = mapping.map();
    try {
      view.buffer.write(message, 0);
      view.flush();
      console.log(`wrote "${message}" through a ${view.length}-byte view of ${path} and flushed it`);
    } finally {
      view.unmap();
    }
  } finally {
    mapping.close();
  }

  const bytes = readFileSync(path);
  const text = bytes.toString('utf8', 0, message.length);
  console.log(`read back ${bytes.length} bytes from the file: "${text}", then ${bytes.length - message.length} zero bytes`);
  if (bytes.length !== size) throw new Error(`the file has ${bytes.length} bytes, expected ${size}`);
  if (text !== message || bytes.subarray(message.length).some((byte) => byte !== 0)) {
    throw new Error('the file does not hold what was written');
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
