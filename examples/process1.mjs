// Process 1 of the Win32 documentation's "Creating Named Shared Memory" sample, with the idiomatic API: creates a
// named section of 1024 bytes backed by the paging file (/dev/shm on Linux), writes "Message from first process."
// into it, and keeps it alive until process 2 has read it (the C sample waits for a key press; this one waits for
// process 2's signal).
//
// The write is guarded by a named mutex, NAME-lock, as the Win32 docs advise for data that more than one process
// touches: process 1 locks, writes, unlocks; process 2 locks, reads, unlocks. The events of named-event.mjs say
// *when* ("written", "read"); the mutex makes sure neither side ever sees the other halfway through.
//
// The text is written as UTF-16 with a terminating NUL, like the C sample's TCHAR string in a UNICODE build, so the
// docs' own C programs can read it too.
//
// Run (Windows or Linux, after `npm run build`), in two consoles or both at once:
//   node examples/process1.mjs [NAME]      NAME defaults to Local\MyFileMapping
//   node examples/process2.mjs [NAME]
// or `npm run demo`, which starts both (`npm run demo -- --wine`: in Windows Node under Wine, on Linux).
import { FileMapping, NamedMutex } from 'filemapping';
import { HANDOFF_TIMEOUT_MS, namedEvent } from './named-event.mjs';

const name = process.argv[2] ?? 'Local\\MyFileMapping';
const BUF_SIZE = 1024;
const message = 'Message from first process.';

let written;
let read;
let lock;
try {
  written = namedEvent(`${name}-written`);
  read = namedEvent(`${name}-read`);
  // Created, or opened if process 2 got there first: both sides call create().
  lock = NamedMutex.create(`${name}-lock`);
  const mapping = FileMapping.create({ name, size: BUF_SIZE });
  try {
    console.log(`process 1: ${mapping.alreadyExisted ? 'opened the existing' : 'created'} section "${name}" of ${mapping.size} bytes`);
    const view = mapping.map();
    try {
      // A timeout is a result, not an exception: say what it means here.
      const locked = lock.lock(HANDOFF_TIMEOUT_MS);
      if (locked === 'timeout') throw new Error(`gave up after ${HANDOFF_TIMEOUT_MS / 1000} s waiting for mutex "${lock.name}"`);
      try {
        // 'abandoned': a previous holder ended without unlocking. What it left is about to be overwritten whole.
        console.log(`process 1: locked mutex "${lock.name}" (${locked})`);
        view.buffer.write(`${message}\0`, 'utf16le');
        console.log(`process 1: wrote "${message}" (${view.access} view at 0x${view.address.toString(16)})`);
      } finally {
        lock.unlock();
      }
      console.log('process 1: unlocked');
      written.set();
      console.log('process 1: waiting for process 2 to read it');
      read.wait('process 2 to read the message (start examples/process2.mjs with the same name)');
      console.log('process 1: process 2 has read it; unmapping and closing');
    } finally {
      view.unmap();
    }
  } finally {
    mapping.close();
  }
} catch (error) {
  console.error(`process 1: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  lock?.close();
  written?.close();
  read?.close();
}
