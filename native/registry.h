// Process-wide registry of file mappings, shared by the main thread and every worker thread.
// A mapping is unmapped only when its owner closed it and no kernel or window still uses it.
#pragma once
#include <cstddef>
#include <cstdint>

namespace ndmmap {

enum MapMode : int { kMapRead = 0, kMapShared = 1, kMapCopy = 2 };

// What a user of a mapping needs: file bytes [fileStart, fileStart + length) live at base.
struct Span {
  uint8_t* base = nullptr;
  uint64_t fileStart = 0;
  uint64_t length = 0;
  int mode = kMapRead;
  int fd = -1;  // kept (dup) for read-only mappings, which hand out private windows
  // Address of file byte `pos`, or nullptr when [pos, pos + len) lies outside the mapping.
  uint8_t* At(uint64_t pos, uint64_t len) const {
    if (pos < fileStart || len > length || pos - fileStart > length - len) return nullptr;
    return base + (pos - fileStart);
  }
};

// Each returns 0 or an errno value.
int MapFile(int fd, int mode, uint64_t fileStart, uint64_t length, int64_t* id);
int Acquire(int64_t id, Span* span);  // ENOENT-like EBADF when unknown or closed
void Release(int64_t id);
int CloseMapping(int64_t id);         // drops the owner's reference; EBADF if already closed
int SyncRange(int64_t id, uint64_t pos, uint64_t len);
int AdviseRange(int64_t id, uint64_t pos, uint64_t len, int advice);
int LiveMappings();                   // for leak tests

}  // namespace ndmmap
