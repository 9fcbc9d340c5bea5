// Process-wide registry of file mappings, shared by the main thread and every worker thread.
//
// A mapping's life: open -> closed by its owner -> retired -> gone.
// - Kernels (and syncs, window creation) hold it for the length of one native call; close() while
//   one runs lets it finish on the file's memory.
// - Retired: closed and no call holds it. Nothing may use the file any more, but JavaScript buffers
//   over it (windows) may still be in use by native code that captured their address (Node's
//   threadpool: crypto.randomFill, zlib, fs.read). So the file's pages are replaced, atomically, by
//   anonymous memory at the same addresses: late accesses reach neither the file nor a file mapped
//   later, and the address range is not handed back to mmap.
// - Gone: retired and every window collected by the GC; the ranges are unmapped.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

namespace ndmmap {

enum MapMode : int { kMapRead = 0, kMapShared = 1, kMapCopy = 2 };

// What a user of a mapping needs: file bytes [fileStart, fileStart + length) live at base.
struct Span {
  uint8_t* base = nullptr;
  uint64_t fileStart = 0;
  uint64_t length = 0;
  int mode = kMapRead;
  int fd = -1;  // the addon's shared descriptor of the file (files.h); valid while the span is held
  // Address of file byte `pos`, or nullptr when [pos, pos + len) lies outside the mapping.
  uint8_t* At(uint64_t pos, uint64_t len) const {
    if (pos < fileStart || len > length || pos - fileStart > length - len) return nullptr;
    return base + (pos - fileStart);
  }
};

// What a fault inside a mapping means (FaultCause).
enum FaultKind : int { kFaultTruncated = 1, kFaultNoSpace, kFaultIo };

// Each returns 0 or an errno value. EBADF: unknown or closed.
// `fd` may be closed by the caller once MapFile returns: the registry keeps what it needs.
int MapFile(int fd, int mode, uint64_t fileStart, uint64_t length, const std::string& path, int64_t* id);
int Acquire(int64_t id, Span* span);  // a hold for one native call
void Release(int64_t id);
int CloseMapping(int64_t id);         // the owner's close; EBADF if already closed
// A window (JavaScript buffer) over file bytes [pos, pos + len): *ptr is its memory, which stays
// mapped until CloseWindow(id, *token) (mode 'r': a private copy-on-write remap of its own).
int OpenWindow(int64_t id, uint64_t pos, uint64_t len, uint8_t** ptr, uint64_t* token);
void CloseWindow(int64_t id, uint64_t token);
int SyncRange(int64_t id, uint64_t pos, uint64_t len);
int AdviseRange(int64_t id, uint64_t pos, uint64_t len, int advice);
// Maps the pages under [p, p + len) of a writable shared mapping writable now, in one call
// (MADV_POPULATE_WRITE, Linux 5.14+), instead of one write fault per page later: in a VM a fault
// costs tens of µs, so writing a fresh file page by page spends most of its time faulting. A hint:
// errors (an older kernel, a file shorter than the range) are ignored and the writes fault as before.
void PrefaultWrite(uint8_t* p, uint64_t len);
int FileSize(int64_t id, uint64_t* size);
// Allocates the file's blocks under [pos, pos + len) (fallocate, keeping the size), so writes
// through the mapping cannot meet a full disk; 0 where the file system cannot reserve.
int ReserveRange(int64_t id, uint64_t pos, uint64_t len);
// Why touching file byte `pos` faulted (call while holding the mapping); *size: the file's size now.
int FaultCause(int64_t id, uint64_t pos, uint64_t* size, std::string* path);
int LiveMappings();                   // mappings of files (not yet retired), for leak tests
int ReservedRanges();                 // anonymous ranges of retired mappings awaiting the GC

}  // namespace ndmmap
