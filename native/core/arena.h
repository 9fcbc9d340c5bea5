// Result memory the addon owns: anonymous, huge-page advised, by id, for results that live in JS
// memory (an NDResult's ArrayBuffer) but are written by the pool's threads.
//
// Why not a SharedArrayBuffer: V8 frees a SharedArrayBuffer only at a full collection that every
// isolate holding it (the workers it was posted to) has run, so a loop of take() calls kept every
// result (+107 MB of RSS per call) and each call faulted in fresh memory, which in this VM costs
// ~200 ms per 100 MB when the host has reclaimed it. An external ArrayBuffer over arena memory is
// collected as an ArrayBuffer of the calling isolate: its memory is unmapped promptly and the next
// result reuses pages the kernel still has at hand (as numpy's malloc/free does).
//
// A block of memory lives while the JS owner (released by the ArrayBuffer's finalizer) or a native
// call (ArenaAcquire/ArenaRelease) holds it: a worker never writes into memory that went away.
#pragma once
#include <cstdint>

namespace ndmmap {

// New memory of `len` bytes held once by its JS owner: zero-filled, as fresh anonymous pages are, or
// when `dirty` (a caller that writes every byte) possibly a freed block of a earlier result, its pages
// already faulted in (up to 256 MiB of freed blocks are kept for that). Returns 0 or an errno value.
int ArenaNew(uint64_t len, bool dirty, int64_t* id, uint8_t** ptr);
// A hold for one native call: *ptr, *len of block `id`; EBADF when it is gone.
int ArenaAcquire(int64_t id, uint8_t** ptr, uint64_t* len);
// Drops one hold (the owner's or a call's); the memory is unmapped with the last.
void ArenaRelease(int64_t id);
// Blocks alive (not counting the cache), for leak tests; bytes of freed blocks kept for reuse.
int LiveArenas();
uint64_t CachedArenaBytes();

}  // namespace ndmmap
