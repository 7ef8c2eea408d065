// An abandoned mutex, and what to do about it. A record in a named section is guarded by the mutex NAME-lock. This
// process writes a consistent record, then starts a second process (this script again, as 'holder') that locks the
// mutex, starts to change the record and exits halfway through, without unlocking. Windows then hands the mutex to the
// next waiter marked as abandoned (Linux does the same, through a robust mutex): lockAsync() resolves to 'abandoned',
// which means "acquired, but the previous holder ended without unlocking". The lock is ours all the same; the data is
// suspect, so this process checks the record's checksum, finds it torn, and restores the last good value before it
// unlocks.
//
// Exiting, being killed and crashing all abandon a mutex the same way. No sleeping: the holder sets the event
// NAME-held once it holds the lock, and every wait is bounded.
//
// Run (Windows or Linux, after `npm run build`):
//   node examples/mutex-abandoned.mjs [NAME]      NAME defaults to Local\filemapping-abandoned-<pid>
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { FileMapping, NamedEvent, NamedMutex } from 'filemapping';

const TIMEOUT_MS = 60_000;
const [first, second] = process.argv.slice(2);
const holder = first === 'holder';
const name = (holder ? second : first) ?? `Local\\filemapping-abandoned-${process.pid}`;
const who = holder ? 'holder' : 'main';

// The record: a 4-byte length, the UTF-8 text, and then the first 8 bytes of the text's SHA-256.
function writeRecord(buffer, text, { torn = false } = {}) {
  const bytes = Buffer.from(text, 'utf8');
  buffer.writeUInt32LE(bytes.length, 0);
  // A torn write: the new text goes in, the process dies before the checksum does.
  bytes.copy(buffer, 4);
  if (!torn) checksum(bytes).copy(buffer, 4 + bytes.length);
}
function readRecord(buffer) {
  const length = buffer.readUInt32LE(0);
  const bytes = buffer.subarray(4, 4 + length);
  const intact = checksum(bytes).equals(buffer.subarray(4 + length, 12 + length));
  return { text: bytes.toString('utf8'), intact };
}
function checksum(bytes) {
  return createHash('sha256').update(bytes).digest().subarray(0, 8);
}

let lock;
let held;
let mapping;
let view;
try {
  lock = NamedMutex.create(`${name}-lock`);
  held = NamedEvent.create(`${name}-held`, { manualReset: true });
  mapping = FileMapping.create({ name, size: 4096 });
  view = mapping.map();
  await (holder ? holdAndDie() : main());
} catch (error) {
  console.error(`${who}: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  view?.unmap();
  mapping?.close();
  held?.close();
  lock?.close();
}

async function main() {
  const good = 'balance=100';
  lock.withLock(() => writeRecord(view.buffer, good), TIMEOUT_MS);
  console.log(`main: wrote "${good}" under mutex "${lock.name}"`);

  // The holder writes to this process's stdout and stderr (inherited).
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), 'holder', name], { stdio: 'inherit' });
  const exited = new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => resolve(code));
  });
  // Whichever comes first: the holder holds the lock, or it ended before it could.
  const started = await Promise.race([held.waitAsync({ timeoutMs: TIMEOUT_MS }), exited.then(() => 'exited')]);
  if (started === 'exited') throw new Error(`the holder ended (code ${await exited}) before it took the lock`);
  if (started === 'timeout') throw new Error(`the holder did not take the lock within ${TIMEOUT_MS / 1000} s`);

  const result = await lock.lockAsync({ timeoutMs: TIMEOUT_MS });
  if (result === 'timeout') throw new Error(`mutex "${lock.name}" was not released within ${TIMEOUT_MS / 1000} s`);
  try {
    console.log(`main: lockAsync() -> '${result}'`);
    const record = readRecord(view.buffer);
    if (result === 'abandoned' && !record.intact) {
      console.log(`main: the record reads "${record.text}" but its checksum does not match: restoring "${good}"`);
      writeRecord(view.buffer, good);
    }
    const after = readRecord(view.buffer);
    console.log(`main: the record is "${after.text}" (${after.intact ? 'intact' : 'torn'})`);
    if (result !== 'abandoned' || !after.intact) throw new Error('expected an abandoned mutex and a repaired record');
  } finally {
    lock.unlock();
  }
  console.log(`main: the holder exited with code ${await exited}`);

  // Abandonment is reported once: the next lock is an ordinary one.
  const again = lock.lock(TIMEOUT_MS);
  lock.unlock();
  console.log(`main: lock() again -> '${again}'`);
}

async function holdAndDie() {
  if (lock.lock(TIMEOUT_MS) === 'timeout') throw new Error(`could not lock mutex "${lock.name}"`);
  writeRecord(view.buffer, 'balance=-999999', { torn: true });
  console.log(`holder: pid ${process.pid} locked mutex "${lock.name}", began writing "balance=-999999", and exits without unlocking`);
  held.set();
  // No unlock(), no close(): as if the process crashed here.
  process.exit(0);
}
