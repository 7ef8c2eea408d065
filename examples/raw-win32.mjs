// The Win32 documentation's "Creating Named Shared Memory" sample translated line by line with the raw layer,
// filemapping/win32: the same functions, parameters and constants as the C code, handles and pointers as bigint,
// NULL as null, failures reported as in C (a null result, then GetLastError). Nothing here closes itself: every
// handle and view is released by hand, as in C. Process 1's half and process 2's half run one after the other in
// this one process; then the name is opened once more after the last handle is closed, to show a failure.
//
// The one addition to C is bufferAt(address, length): a Buffer over the memory at a pointer, where C would
// dereference it. It is as unsafe as the pointer: do not touch it after UnmapViewOfFile.
//
// Run (Windows, after `npm run build`):
//   node examples/raw-win32.mjs [NAME]      NAME defaults to Local\MyFileMapping
import {
  bufferAt,
  CloseHandle,
  CreateFileMappingW,
  FILE_MAP_ALL_ACCESS,
  FILE_MAP_READ,
  formatMessage,
  GetLastError,
  INVALID_HANDLE_VALUE,
  MapViewOfFile,
  OpenFileMappingW,
  PAGE_READWRITE,
  UnmapViewOfFile,
} from 'filemapping/win32';

// The raw layer is one OS's own API, so this sample is for Windows alone. Elsewhere it says so and which sample to run.
if (process.platform !== 'win32') {
  console.log(
    `raw-win32.mjs is the sample with kernel32's own functions, which exist on Windows only: on ${process.platform}, run examples/raw-posix.mjs (the same sample with shm_open and mmap), or any other example: they run unchanged on Windows and Linux.`,
  );
  process.exit(0);
}

const BUF_SIZE = 1024;
const szName = process.argv[2] ?? 'Local\\MyFileMapping';
const szMsg = 'Message from first process.';

/** _tprintf(TEXT("...(%d).\n"), GetLastError()), with the system's text for the code. */
function fail(what) {
  const errno = GetLastError();
  console.error(`${what} (${errno}): ${formatMessage(errno)}`);
  process.exit(1);
}

// Process 1: create the section and copy the message into it.
const hMapFile = CreateFileMappingW(
  INVALID_HANDLE_VALUE, // use paging file
  null, // default security
  PAGE_READWRITE, // read/write access
  0, // maximum object size (high-order DWORD)
  BUF_SIZE, // maximum object size (low-order DWORD)
  szName, // name of mapping object
);
if (hMapFile === null) fail('Could not create file mapping object');

const pBuf = MapViewOfFile(hMapFile, FILE_MAP_ALL_ACCESS, 0, 0, BUF_SIZE);
if (pBuf === null) {
  CloseHandle(hMapFile);
  fail('Could not map view of file');
}
// CopyMemory((PVOID)pBuf, szMsg, (_tcslen(szMsg) * sizeof(TCHAR))): TCHAR is UTF-16 in a UNICODE build.
const copied = bufferAt(pBuf, BUF_SIZE).write(szMsg, 'utf16le');
console.log(`process 1: created "${szName}", mapped it at 0x${pBuf.toString(16)} and copied ${copied} bytes`);

// Process 2: open the section by name (read access is enough to read), map it and read the message.
const hOpened = OpenFileMappingW(FILE_MAP_READ, false, szName);
if (hOpened === null) fail('Could not open file mapping object');
const pRead = MapViewOfFile(hOpened, FILE_MAP_READ, 0, 0, BUF_SIZE);
if (pRead === null) {
  CloseHandle(hOpened);
  fail('Could not map view of file');
}
const text = bufferAt(pRead, BUF_SIZE).toString('utf16le', 0, szMsg.length * 2);
console.log(`process 2: opened "${szName}", mapped it at 0x${pRead.toString(16)} and read "${text}"`);
UnmapViewOfFile(pRead);
CloseHandle(hOpened);

// Process 1 again, once the key is pressed: unmap and close. The section goes with its last handle.
UnmapViewOfFile(pBuf);
CloseHandle(hMapFile);

const hGone = OpenFileMappingW(FILE_MAP_READ, false, szName);
if (hGone !== null) {
  CloseHandle(hGone);
  console.error(`"${szName}" still exists after its last handle was closed`);
  process.exit(1);
}
const errno = GetLastError();
console.log(`after CloseHandle: OpenFileMappingW fails with error ${errno}: ${formatMessage(errno)}`);
if (text !== szMsg) process.exit(1);
