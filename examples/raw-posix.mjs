// The POSIX shared memory sample translated line by line with the raw layer, filemapping/posix: shm_open, ftruncate,
// mmap, then a second mapping reads what the first wrote, munmap, close, shm_unlink, as a C program on Linux does.
// Failures are reported as in C: -1 (or MAP_FAILED) and errno.
//
// Run (Linux, after `npm run build`):
//   node examples/raw-posix.mjs
import {
  bufferAt,
  close,
  errno,
  ftruncate,
  MAP_FAILED,
  MAP_SHARED,
  mmap,
  munmap,
  O_CREAT,
  O_EXCL,
  O_RDONLY,
  O_RDWR,
  PROT_READ,
  PROT_WRITE,
  shm_open,
  shm_unlink,
  strerror,
} from 'filemapping/posix';

// The raw layer is one OS's own API, so this sample is for Linux alone. Elsewhere it says so and which sample to run.
if (process.platform !== 'linux') {
  console.log(
    `raw-posix.mjs is the sample with libc's shm_open and mmap, as this package declares them for Linux: on ${process.platform}, run examples/raw-win32.mjs (the same sample with kernel32's CreateFileMappingW and MapViewOfFile), or any other example: they run unchanged on Windows and Linux.`,
  );
  process.exit(0);
}

const NAME = `/filemapping-raw-posix-${process.pid}`;
const SIZE = 4096;
const fail = (call) => {
  throw new Error(`${call} failed: ${strerror(errno())}`);
};

try {
  // int fd = shm_open(NAME, O_CREAT | O_EXCL | O_RDWR, 0600);
  const fd = shm_open(NAME, O_CREAT | O_EXCL | O_RDWR, 0o600);
  if (fd === -1) fail('shm_open');
  try {
    if (ftruncate(fd, SIZE) === -1) fail('ftruncate');
    // char *p = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    const p = mmap(null, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (p === MAP_FAILED) fail('mmap');
    // strcpy(p, "Message from first process.");
    bufferAt(p, SIZE).write('Message from first process.\0');

    // What a second process does: open the name read-only and map it.
    const reader = shm_open(NAME, O_RDONLY, 0);
    if (reader === -1) fail('shm_open');
    const q = mmap(null, SIZE, PROT_READ, MAP_SHARED, reader, 0);
    if (q === MAP_FAILED) fail('mmap');
    const view = bufferAt(q, SIZE);
    console.log(view.toString('utf8', 0, view.indexOf(0)));

    munmap(q, SIZE);
    close(reader);
    munmap(p, SIZE);
  } finally {
    close(fd);
    shm_unlink(NAME);
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
}
