/**
 * Win32 constants used by the file-mapping API, under the names the Windows SDK gives them, so that a C sample
 * translates line by line. This is the only table of them: everything else imports from here.
 */

/** The pseudo-handle that asks `CreateFileMappingW` for a section backed by the paging file. */
export const INVALID_HANDLE_VALUE = 0xffff_ffff_ffff_ffffn;

// Page protection (flProtect of CreateFileMappingW).
/** The Windows SDK's `PAGE_NOACCESS`: a page protection (flProtect of CreateFileMappingW). */
export const PAGE_NOACCESS = 0x01;
/** The Windows SDK's `PAGE_READONLY`: a page protection (flProtect of CreateFileMappingW). */
export const PAGE_READONLY = 0x02;
/** The Windows SDK's `PAGE_READWRITE`: a page protection (flProtect of CreateFileMappingW). */
export const PAGE_READWRITE = 0x04;
/** The Windows SDK's `PAGE_WRITECOPY`: a page protection (flProtect of CreateFileMappingW). */
export const PAGE_WRITECOPY = 0x08;
/** The Windows SDK's `PAGE_EXECUTE`: a page protection (flProtect of CreateFileMappingW). */
export const PAGE_EXECUTE = 0x10;
/** The Windows SDK's `PAGE_EXECUTE_READ`: a page protection (flProtect of CreateFileMappingW). */
export const PAGE_EXECUTE_READ = 0x20;
/** The Windows SDK's `PAGE_EXECUTE_READWRITE`: a page protection (flProtect of CreateFileMappingW). */
export const PAGE_EXECUTE_READWRITE = 0x40;
/** The Windows SDK's `PAGE_EXECUTE_WRITECOPY`: a page protection (flProtect of CreateFileMappingW). */
export const PAGE_EXECUTE_WRITECOPY = 0x80;
/** The Windows SDK's `PAGE_GUARD`: a page protection (flProtect of CreateFileMappingW). */
export const PAGE_GUARD = 0x100;
/** The Windows SDK's `PAGE_NOCACHE`: a page protection (flProtect of CreateFileMappingW). */
export const PAGE_NOCACHE = 0x200;
/** The Windows SDK's `PAGE_WRITECOMBINE`: a page protection (flProtect of CreateFileMappingW). */
export const PAGE_WRITECOMBINE = 0x400;

// Section attributes, OR-ed into flProtect.
/** The Windows SDK's `SEC_PARTITION_OWNER_HANDLE`: a section attribute, OR-ed into flProtect. */
export const SEC_PARTITION_OWNER_HANDLE = 0x0004_0000;
/** The Windows SDK's `SEC_64K_PAGES`: a section attribute, OR-ed into flProtect. */
export const SEC_64K_PAGES = 0x0008_0000;
/** The Windows SDK's `SEC_FILE`: a section attribute, OR-ed into flProtect. */
export const SEC_FILE = 0x0080_0000;
/** The Windows SDK's `SEC_IMAGE`: a section attribute, OR-ed into flProtect. */
export const SEC_IMAGE = 0x0100_0000;
/** The Windows SDK's `SEC_PROTECTED_IMAGE`: a section attribute, OR-ed into flProtect. */
export const SEC_PROTECTED_IMAGE = 0x0200_0000;
/** The Windows SDK's `SEC_RESERVE`: a section attribute, OR-ed into flProtect. */
export const SEC_RESERVE = 0x0400_0000;
/** The Windows SDK's `SEC_COMMIT`: a section attribute, OR-ed into flProtect. */
export const SEC_COMMIT = 0x0800_0000;
/** The Windows SDK's `SEC_NOCACHE`: a section attribute, OR-ed into flProtect. */
export const SEC_NOCACHE = 0x1000_0000;
/** The Windows SDK's `SEC_WRITECOMBINE`: a section attribute, OR-ed into flProtect. */
export const SEC_WRITECOMBINE = 0x4000_0000;
/** The Windows SDK's `SEC_LARGE_PAGES`: a section attribute, OR-ed into flProtect. */
export const SEC_LARGE_PAGES = 0x8000_0000;
/** The Windows SDK's `SEC_IMAGE_NO_EXECUTE`: a section attribute, OR-ed into flProtect. */
export const SEC_IMAGE_NO_EXECUTE = SEC_IMAGE | SEC_NOCACHE;

// Desired access of OpenFileMappingW and MapViewOfFile(Ex).
/** The Windows SDK's `SECTION_QUERY`: a desired access of OpenFileMappingW and MapViewOfFile(Ex). */
export const SECTION_QUERY = 0x0001;
/** The Windows SDK's `SECTION_MAP_WRITE`: a desired access of OpenFileMappingW and MapViewOfFile(Ex). */
export const SECTION_MAP_WRITE = 0x0002;
/** The Windows SDK's `SECTION_MAP_READ`: a desired access of OpenFileMappingW and MapViewOfFile(Ex). */
export const SECTION_MAP_READ = 0x0004;
/** The Windows SDK's `SECTION_MAP_EXECUTE`: a desired access of OpenFileMappingW and MapViewOfFile(Ex). */
export const SECTION_MAP_EXECUTE = 0x0008;
/** The Windows SDK's `SECTION_EXTEND_SIZE`: a desired access of OpenFileMappingW and MapViewOfFile(Ex). */
export const SECTION_EXTEND_SIZE = 0x0010;
/** The Windows SDK's `STANDARD_RIGHTS_REQUIRED`: a desired access of OpenFileMappingW and MapViewOfFile(Ex). */
export const STANDARD_RIGHTS_REQUIRED = 0x000f_0000;
/** The Windows SDK's `SECTION_ALL_ACCESS`: a desired access of OpenFileMappingW and MapViewOfFile(Ex). */
export const SECTION_ALL_ACCESS = STANDARD_RIGHTS_REQUIRED | SECTION_QUERY | SECTION_MAP_WRITE | SECTION_MAP_READ | SECTION_MAP_EXECUTE | SECTION_EXTEND_SIZE;
/** The Windows SDK's `FILE_MAP_COPY`: a desired access of OpenFileMappingW and MapViewOfFile(Ex). */
export const FILE_MAP_COPY = SECTION_QUERY;
/** The Windows SDK's `FILE_MAP_WRITE`: a desired access of OpenFileMappingW and MapViewOfFile(Ex). */
export const FILE_MAP_WRITE = SECTION_MAP_WRITE;
/** The Windows SDK's `FILE_MAP_READ`: a desired access of OpenFileMappingW and MapViewOfFile(Ex). */
export const FILE_MAP_READ = SECTION_MAP_READ;
/** The Windows SDK's `FILE_MAP_EXECUTE`: a desired access of OpenFileMappingW and MapViewOfFile(Ex). */
export const FILE_MAP_EXECUTE = 0x0020;
/** The Windows SDK's `FILE_MAP_ALL_ACCESS`: a desired access of OpenFileMappingW and MapViewOfFile(Ex). */
export const FILE_MAP_ALL_ACCESS = SECTION_ALL_ACCESS;
/** The Windows SDK's `FILE_MAP_LARGE_PAGES`: a desired access of OpenFileMappingW and MapViewOfFile(Ex). */
export const FILE_MAP_LARGE_PAGES = 0x2000_0000;
/** The Windows SDK's `FILE_MAP_TARGETS_INVALID`: a desired access of OpenFileMappingW and MapViewOfFile(Ex). */
export const FILE_MAP_TARGETS_INVALID = 0x4000_0000;
/** The Windows SDK's `FILE_MAP_RESERVE`: a desired access of OpenFileMappingW and MapViewOfFile(Ex). */
export const FILE_MAP_RESERVE = 0x8000_0000;

// CreateFileW.
/** The Windows SDK's `GENERIC_READ`, for CreateFileW. */
export const GENERIC_READ = 0x8000_0000;
/** The Windows SDK's `GENERIC_WRITE`, for CreateFileW. */
export const GENERIC_WRITE = 0x4000_0000;
/** The Windows SDK's `GENERIC_EXECUTE`, for CreateFileW. */
export const GENERIC_EXECUTE = 0x2000_0000;
/** The Windows SDK's `GENERIC_ALL`, for CreateFileW. */
export const GENERIC_ALL = 0x1000_0000;
/** The Windows SDK's `FILE_SHARE_READ`, for CreateFileW. */
export const FILE_SHARE_READ = 0x1;
/** The Windows SDK's `FILE_SHARE_WRITE`, for CreateFileW. */
export const FILE_SHARE_WRITE = 0x2;
/** The Windows SDK's `FILE_SHARE_DELETE`, for CreateFileW. */
export const FILE_SHARE_DELETE = 0x4;
/** The Windows SDK's `CREATE_NEW`, for CreateFileW. */
export const CREATE_NEW = 1;
/** The Windows SDK's `CREATE_ALWAYS`, for CreateFileW. */
export const CREATE_ALWAYS = 2;
/** The Windows SDK's `OPEN_EXISTING`, for CreateFileW. */
export const OPEN_EXISTING = 3;
/** The Windows SDK's `OPEN_ALWAYS`, for CreateFileW. */
export const OPEN_ALWAYS = 4;
/** The Windows SDK's `TRUNCATE_EXISTING`, for CreateFileW. */
export const TRUNCATE_EXISTING = 5;
/** The Windows SDK's `FILE_ATTRIBUTE_NORMAL`, for CreateFileW. */
export const FILE_ATTRIBUTE_NORMAL = 0x80;

// Security descriptors in SDDL.
/** The Windows SDK's `SDDL_REVISION_1`: security descriptors in SDDL. */
export const SDDL_REVISION_1 = 1;

// FormatMessageW.
/** The Windows SDK's `FORMAT_MESSAGE_ALLOCATE_BUFFER`, for FormatMessageW. */
export const FORMAT_MESSAGE_ALLOCATE_BUFFER = 0x0100;
/** The Windows SDK's `FORMAT_MESSAGE_IGNORE_INSERTS`, for FormatMessageW. */
export const FORMAT_MESSAGE_IGNORE_INSERTS = 0x0200;
/** The Windows SDK's `FORMAT_MESSAGE_FROM_SYSTEM`, for FormatMessageW. */
export const FORMAT_MESSAGE_FROM_SYSTEM = 0x1000;

// VirtualQuery / VirtualAlloc.
/** The Windows SDK's `MEM_COMMIT`, for VirtualQuery and VirtualAlloc. */
export const MEM_COMMIT = 0x1000;
/** The Windows SDK's `MEM_RESERVE`, for VirtualQuery and VirtualAlloc. */
export const MEM_RESERVE = 0x2000;
/** The Windows SDK's `MEM_FREE`, for VirtualQuery and VirtualAlloc. */
export const MEM_FREE = 0x1_0000;
/** The Windows SDK's `MEM_RELEASE`, for VirtualQuery and VirtualAlloc. */
export const MEM_RELEASE = 0x8000;
/** The Windows SDK's `MEM_PRIVATE`, for VirtualQuery and VirtualAlloc. */
export const MEM_PRIVATE = 0x2_0000;
/** The Windows SDK's `MEM_MAPPED`, for VirtualQuery and VirtualAlloc. */
export const MEM_MAPPED = 0x4_0000;
/** The Windows SDK's `MEM_IMAGE`, for VirtualQuery and VirtualAlloc. */
export const MEM_IMAGE = 0x100_0000;

// Synchronisation objects and waits.
/** The Windows SDK's `INFINITE`, for the synchronisation objects and their waits. */
export const INFINITE = 0xffff_ffff;
/** The Windows SDK's `WAIT_OBJECT_0`, for the synchronisation objects and their waits. */
export const WAIT_OBJECT_0 = 0x0000_0000;
/** The Windows SDK's `WAIT_ABANDONED`, for the synchronisation objects and their waits. */
export const WAIT_ABANDONED = 0x0000_0080;
/** The Windows SDK's `WAIT_TIMEOUT`, for the synchronisation objects and their waits. */
export const WAIT_TIMEOUT = 0x0000_0102;
/** The Windows SDK's `WAIT_FAILED`, for the synchronisation objects and their waits. */
export const WAIT_FAILED = 0xffff_ffff;
/** WaitForMultipleObjects can wait on at most this many handles. */
export const MAXIMUM_WAIT_OBJECTS = 64;
/** The Windows SDK's `SYNCHRONIZE`, for the synchronisation objects and their waits. */
export const SYNCHRONIZE = 0x0010_0000;
/** The Windows SDK's `MUTEX_MODIFY_STATE`, for the synchronisation objects and their waits. */
export const MUTEX_MODIFY_STATE = 0x0001;
/** The Windows SDK's `MUTEX_ALL_ACCESS`, for the synchronisation objects and their waits. */
export const MUTEX_ALL_ACCESS = 0x001f_0001;
/** The Windows SDK's `SEMAPHORE_MODIFY_STATE`, for the synchronisation objects and their waits. */
export const SEMAPHORE_MODIFY_STATE = 0x0002;
/** The Windows SDK's `SEMAPHORE_ALL_ACCESS`, for the synchronisation objects and their waits. */
export const SEMAPHORE_ALL_ACCESS = 0x001f_0003;
/** The Windows SDK's `EVENT_MODIFY_STATE`, for the synchronisation objects and their waits. */
export const EVENT_MODIFY_STATE = 0x0002;
/** The Windows SDK's `EVENT_ALL_ACCESS`, for the synchronisation objects and their waits. */
export const EVENT_ALL_ACCESS = 0x001f_0003;

// Reading an object's owner (GetSecurityInfo) and the process's token (OpenProcessToken, GetTokenInformation).
/** The right to read an object's security descriptor: GetSecurityInfo needs it on the handle. */
export const READ_CONTROL = 0x0002_0000;
/** SE_OBJECT_TYPE of sections, mutexes, events, semaphores and the other kernel objects. */
export const SE_KERNEL_OBJECT = 6;
/** The Windows SDK's `OWNER_SECURITY_INFORMATION`: a SECURITY_INFORMATION flag of GetSecurityInfo. */
export const OWNER_SECURITY_INFORMATION = 0x0000_0001;
/** The Windows SDK's `GROUP_SECURITY_INFORMATION`: a SECURITY_INFORMATION flag of GetSecurityInfo. */
export const GROUP_SECURITY_INFORMATION = 0x0000_0002;
/** The Windows SDK's `DACL_SECURITY_INFORMATION`: a SECURITY_INFORMATION flag of GetSecurityInfo. */
export const DACL_SECURITY_INFORMATION = 0x0000_0004;
/** The Windows SDK's `TOKEN_QUERY`: the access OpenProcessToken asks for to read the token. */
export const TOKEN_QUERY = 0x0008;
/** TOKEN_INFORMATION_CLASS: the token's user (TOKEN_USER), and the default owner of what it creates (TOKEN_OWNER). */
export const TokenUser = 1;
/** The Windows SDK's `TokenOwner`: see TokenUser. */
export const TokenOwner = 4;
/** The largest SID (15 subauthorities), in bytes. */
export const SECURITY_MAX_SID_SIZE = 68;
/** LocalAlloc: fixed memory, the return value is the address. */
export const LMEM_FIXED = 0x0000;
/** LocalAlloc: zeroed memory. */
export const LMEM_ZEROINIT = 0x0040;

// System error codes (winerror.h) that the library and its users meet. ERROR_NAMES maps them back to names.
/** The Windows SDK's `ERROR_SUCCESS`: a system error code (winerror.h), as GetLastError() returns it. */
export const ERROR_SUCCESS = 0;
/** The Windows SDK's `ERROR_INVALID_FUNCTION`: a system error code (winerror.h), as GetLastError() returns it. */
export const ERROR_INVALID_FUNCTION = 1;
/** The Windows SDK's `ERROR_FILE_NOT_FOUND`: a system error code (winerror.h), as GetLastError() returns it. */
export const ERROR_FILE_NOT_FOUND = 2;
/** The Windows SDK's `ERROR_PATH_NOT_FOUND`: a system error code (winerror.h), as GetLastError() returns it. */
export const ERROR_PATH_NOT_FOUND = 3;
/** The Windows SDK's `ERROR_TOO_MANY_OPEN_FILES`: a system error code (winerror.h), as GetLastError() returns it. */
export const ERROR_TOO_MANY_OPEN_FILES = 4;
/** The Windows SDK's `ERROR_ACCESS_DENIED`: a system error code (winerror.h), as GetLastError() returns it. */
export const ERROR_ACCESS_DENIED = 5;
/** The Windows SDK's `ERROR_INVALID_HANDLE`: a system error code (winerror.h), as GetLastError() returns it. */
export const ERROR_INVALID_HANDLE = 6;
/** The Windows SDK's `ERROR_NOT_ENOUGH_MEMORY`: a system error code (winerror.h), as GetLastError() returns it. */
export const ERROR_NOT_ENOUGH_MEMORY = 8;
/** The Windows SDK's `ERROR_INVALID_ADDRESS`: a system error code (winerror.h), as GetLastError() returns it. */
export const ERROR_INVALID_ADDRESS = 487;
/** The Windows SDK's `ERROR_OUTOFMEMORY`: a system error code (winerror.h), as GetLastError() returns it. */
export const ERROR_OUTOFMEMORY = 14;
/** The Windows SDK's `ERROR_WRITE_PROTECT`: a system error code (winerror.h), as GetLastError() returns it. */
export const ERROR_WRITE_PROTECT = 19;
/** The Windows SDK's `ERROR_SHARING_VIOLATION`: a system error code (winerror.h), as GetLastError() returns it. */
export const ERROR_SHARING_VIOLATION = 32;
/** The Windows SDK's `ERROR_LOCK_VIOLATION`: a system error code (winerror.h), as GetLastError() returns it. */
export const ERROR_LOCK_VIOLATION = 33;
/** The Windows SDK's `ERROR_HANDLE_EOF`: a system error code (winerror.h), as GetLastError() returns it. */
export const ERROR_HANDLE_EOF = 38;
/** The Windows SDK's `ERROR_HANDLE_DISK_FULL`: a system error code (winerror.h), as GetLastError() returns it. */
export const ERROR_HANDLE_DISK_FULL = 39;
/** The Windows SDK's `ERROR_NOT_SUPPORTED`: a system error code (winerror.h), as GetLastError() returns it. */
export const ERROR_NOT_SUPPORTED = 50;
/** The Windows SDK's `ERROR_FILE_EXISTS`: a system error code (winerror.h), as GetLastError() returns it. */
export const ERROR_FILE_EXISTS = 80;
/** The Windows SDK's `ERROR_INVALID_PARAMETER`: a system error code (winerror.h), as GetLastError() returns it. */
export const ERROR_INVALID_PARAMETER = 87;
/** The Windows SDK's `ERROR_DISK_FULL`: a system error code (winerror.h), as GetLastError() returns it. */
export const ERROR_DISK_FULL = 112;
/** The Windows SDK's `ERROR_INSUFFICIENT_BUFFER`: a system error code (winerror.h), as GetLastError() returns it. */
export const ERROR_INSUFFICIENT_BUFFER = 122;
/** The Windows SDK's `ERROR_INVALID_NAME`: a system error code (winerror.h), as GetLastError() returns it. */
export const ERROR_INVALID_NAME = 123;
/** The Windows SDK's `ERROR_BAD_PATHNAME`: a system error code (winerror.h), as GetLastError() returns it. */
export const ERROR_BAD_PATHNAME = 161;
/** The Windows SDK's `ERROR_ALREADY_EXISTS`: a system error code (winerror.h), as GetLastError() returns it. */
export const ERROR_ALREADY_EXISTS = 183;
/** The Windows SDK's `ERROR_BAD_EXE_FORMAT`: a system error code (winerror.h), as GetLastError() returns it. */
export const ERROR_BAD_EXE_FORMAT = 193;
/** The Windows SDK's `ERROR_FILENAME_EXCED_RANGE`: a system error code (winerror.h), as GetLastError() returns it. */
export const ERROR_FILENAME_EXCED_RANGE = 206;
/** The Windows SDK's `ERROR_NO_SYSTEM_RESOURCES`: a system error code (winerror.h), as GetLastError() returns it. */
export const ERROR_NO_SYSTEM_RESOURCES = 1450;
/** The Windows SDK's `ERROR_COMMITMENT_LIMIT`: a system error code (winerror.h), as GetLastError() returns it. */
export const ERROR_COMMITMENT_LIMIT = 1455;
/** The Windows SDK's `ERROR_MAPPED_ALIGNMENT`: a system error code (winerror.h), as GetLastError() returns it. */
export const ERROR_MAPPED_ALIGNMENT = 1132;
/** The Windows SDK's `ERROR_FILE_INVALID`: a system error code (winerror.h), as GetLastError() returns it. */
export const ERROR_FILE_INVALID = 1006;
/** The Windows SDK's `ERROR_USER_MAPPED_FILE`: a system error code (winerror.h), as GetLastError() returns it. */
export const ERROR_USER_MAPPED_FILE = 1224;
/** The Windows SDK's `ERROR_NOT_OWNER`: a system error code (winerror.h), as GetLastError() returns it. */
export const ERROR_NOT_OWNER = 288;
/** The Windows SDK's `ERROR_TOO_MANY_POSTS`: a system error code (winerror.h), as GetLastError() returns it. */
export const ERROR_TOO_MANY_POSTS = 298;
/** The Windows SDK's `ERROR_INVALID_DATA`: a system error code (winerror.h), as GetLastError() returns it. */
export const ERROR_INVALID_DATA = 13;
/** The Windows SDK's `ERROR_PRIVILEGE_NOT_HELD`: a system error code (winerror.h), as GetLastError() returns it. */
export const ERROR_PRIVILEGE_NOT_HELD = 1314;
/** The Windows SDK's `ERROR_INVALID_SECURITY_DESCR`: a system error code (winerror.h), as GetLastError() returns it. */
export const ERROR_INVALID_SECURITY_DESCR = 1338;
/** The Windows SDK's `ERROR_INVALID_ACL`: a system error code (winerror.h), as GetLastError() returns it. */
export const ERROR_INVALID_ACL = 1336;
/** The Windows SDK's `ERROR_INVALID_SID`: a system error code (winerror.h), as GetLastError() returns it. */
export const ERROR_INVALID_SID = 1337;
/** The Windows SDK's `ERROR_INVALID_ACCESS`: a system error code (winerror.h), as GetLastError() returns it. */
export const ERROR_INVALID_ACCESS = 12;
/** The Windows SDK's `ERROR_NOACCESS`: a system error code (winerror.h), as GetLastError() returns it. */
export const ERROR_NOACCESS = 998;
/** The Windows SDK's `ERROR_COMMITMENT_MINIMUM`: a system error code (winerror.h), as GetLastError() returns it. */
export const ERROR_COMMITMENT_MINIMUM = 635;
/** The Windows SDK's `ERROR_WAIT_NO_CHILDREN`: a system error code (winerror.h), as GetLastError() returns it. */
export const ERROR_WAIT_NO_CHILDREN = 128;

/** Symbolic names of the error codes above, for `Win32Error.nativeCode`. */
export const ERROR_NAMES: ReadonlyMap<number, string> = new Map([
  [ERROR_SUCCESS, 'ERROR_SUCCESS'],
  [ERROR_INVALID_FUNCTION, 'ERROR_INVALID_FUNCTION'],
  [ERROR_FILE_NOT_FOUND, 'ERROR_FILE_NOT_FOUND'],
  [ERROR_PATH_NOT_FOUND, 'ERROR_PATH_NOT_FOUND'],
  [ERROR_TOO_MANY_OPEN_FILES, 'ERROR_TOO_MANY_OPEN_FILES'],
  [ERROR_ACCESS_DENIED, 'ERROR_ACCESS_DENIED'],
  [ERROR_INVALID_HANDLE, 'ERROR_INVALID_HANDLE'],
  [ERROR_NOT_ENOUGH_MEMORY, 'ERROR_NOT_ENOUGH_MEMORY'],
  [ERROR_INVALID_ADDRESS, 'ERROR_INVALID_ADDRESS'],
  [ERROR_OUTOFMEMORY, 'ERROR_OUTOFMEMORY'],
  [ERROR_WRITE_PROTECT, 'ERROR_WRITE_PROTECT'],
  [ERROR_SHARING_VIOLATION, 'ERROR_SHARING_VIOLATION'],
  [ERROR_LOCK_VIOLATION, 'ERROR_LOCK_VIOLATION'],
  [ERROR_HANDLE_DISK_FULL, 'ERROR_HANDLE_DISK_FULL'],
  [ERROR_HANDLE_EOF, 'ERROR_HANDLE_EOF'],
  [ERROR_NOT_SUPPORTED, 'ERROR_NOT_SUPPORTED'],
  [ERROR_FILE_EXISTS, 'ERROR_FILE_EXISTS'],
  [ERROR_INVALID_PARAMETER, 'ERROR_INVALID_PARAMETER'],
  [ERROR_DISK_FULL, 'ERROR_DISK_FULL'],
  [ERROR_INSUFFICIENT_BUFFER, 'ERROR_INSUFFICIENT_BUFFER'],
  [ERROR_INVALID_NAME, 'ERROR_INVALID_NAME'],
  [ERROR_BAD_PATHNAME, 'ERROR_BAD_PATHNAME'],
  [ERROR_ALREADY_EXISTS, 'ERROR_ALREADY_EXISTS'],
  [ERROR_BAD_EXE_FORMAT, 'ERROR_BAD_EXE_FORMAT'],
  [ERROR_FILENAME_EXCED_RANGE, 'ERROR_FILENAME_EXCED_RANGE'],
  [ERROR_NO_SYSTEM_RESOURCES, 'ERROR_NO_SYSTEM_RESOURCES'],
  [ERROR_COMMITMENT_LIMIT, 'ERROR_COMMITMENT_LIMIT'],
  [ERROR_MAPPED_ALIGNMENT, 'ERROR_MAPPED_ALIGNMENT'],
  [ERROR_FILE_INVALID, 'ERROR_FILE_INVALID'],
  [ERROR_USER_MAPPED_FILE, 'ERROR_USER_MAPPED_FILE'],
  [ERROR_NOT_OWNER, 'ERROR_NOT_OWNER'],
  [ERROR_TOO_MANY_POSTS, 'ERROR_TOO_MANY_POSTS'],
  [ERROR_INVALID_DATA, 'ERROR_INVALID_DATA'],
  [ERROR_PRIVILEGE_NOT_HELD, 'ERROR_PRIVILEGE_NOT_HELD'],
  [ERROR_INVALID_SECURITY_DESCR, 'ERROR_INVALID_SECURITY_DESCR'],
  [ERROR_INVALID_ACL, 'ERROR_INVALID_ACL'],
  [ERROR_INVALID_SID, 'ERROR_INVALID_SID'],
  [ERROR_INVALID_ACCESS, 'ERROR_INVALID_ACCESS'],
  [ERROR_NOACCESS, 'ERROR_NOACCESS'],
  [ERROR_COMMITMENT_MINIMUM, 'ERROR_COMMITMENT_MINIMUM'],
  [ERROR_WAIT_NO_CHILDREN, 'ERROR_WAIT_NO_CHILDREN'],
]);

/** `ERROR_NAMES.get(errno)`, or `ERROR_<errno>` for a code outside the table. */
export function errorName(errno: number): string {
  return ERROR_NAMES.get(errno) ?? `ERROR_${errno}`;
}

/** sizeof(SECURITY_ATTRIBUTES) on x64: DWORD nLength, (padding), LPVOID lpSecurityDescriptor, BOOL bInheritHandle, (padding). */
export const SIZEOF_SECURITY_ATTRIBUTES = 24;
