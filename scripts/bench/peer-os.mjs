// What the peer scripts (run in the measured Node, see platform.mjs) do differently per OS: where a node:net server
// listens, and the raw layer of the binding benchmark. Everything else a peer does is the same on every OS.
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const windows = process.platform === 'win32';
/** The bare part of a benchmark name (`Local\x` → `x`), for paths. */
const bare = (name) => name.replace(/^.*\\/, '');

/** A node:net server's path: a named pipe on Windows, a Unix socket on Linux (both through libuv's pipe handle). */
export const socketPath = (name) => (windows ? `\\\\.\\pipe\\${bare(name)}` : join(tmpdir(), `${bare(name)}.sock`));

/** The temporary file of the bulk benchmark's (e) method. */
export const tempFilePath = (name) => join(tmpdir(), `${bare(name)}.bin`);

/**
 * The raw layer's map+unmap of a section of `size` bytes, as the binding benchmark's C does it: on Windows
 * CreateFileMappingW + MapViewOfFile/UnmapViewOfFile, on Linux memfd_create + ftruncate + mmap/munmap (what
 * FileMapping.create() without a name does there, minus its posix_fallocate, which the raw loop never repeats).
 */
export async function rawSection(size) {
  if (windows) {
    const w = await import('../../dist/win32/index.js');
    const section = w.CreateFileMappingW(w.INVALID_HANDLE_VALUE, null, w.PAGE_READWRITE, 0, size, null);
    return {
      mapUnmap: () => w.UnmapViewOfFile(w.MapViewOfFile(section, w.FILE_MAP_WRITE, 0, 0, 0)),
      close: () => w.CloseHandle(section),
    };
  }
  const p = await import('../../dist/posix/index.js');
  const fd = p.memfd_create('filemapping-bench', 0);
  if (fd < 0 || p.ftruncate(fd, size) !== 0) throw new Error(`memfd_create/ftruncate failed: errno ${p.errno()}`);
  return {
    mapUnmap: () => p.munmap(p.mmap(null, size, p.PROT_READ | p.PROT_WRITE, p.MAP_SHARED, fd, 0), size),
    close: () => p.close(fd),
  };
}
