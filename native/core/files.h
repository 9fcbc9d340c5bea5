// Descriptors owned by the addon, one per open file and access (read-only / read-write), shared by
// every mapping of that file. A mapping needs its file after mmap only to stat it, to reserve blocks
// and (mode 'r') to make private windows; one shared descriptor serves all of that, so N memmaps of
// one file hold one descriptor, not N (EMFILE when they are dropped without close() and the GC is
// slow to run). The addon, not JavaScript, owns it, so an environment's teardown can close it.
#pragma once
#include <cstdint>

namespace ndmmap {

// Takes a reference on the shared descriptor of the file `fd` is open on (`writable`: one opened
// read-write). Returns 0 and the shared descriptor in *shared, or an errno value.
int FileRef(int fd, bool writable, int* shared);
// Drops a reference taken by FileRef; the descriptor is closed with the last one.
void FileUnref(int shared);
// Is the file (device, inode) mapped by a mapping that is open, or closed but still used by a call?
// (Retired mappings have let go of their file: registry.h.) What mode 'w+' asks before it truncates.
bool FileInUse(uint64_t dev, uint64_t ino);

// Bytes of [pos, pos + len) of the open file `fd` that are holes (no block allocated: SEEK_HOLE and
// SEEK_DATA), 0 where the file system does not say. Returns 0 or an errno value.
int HoleBytes(int fd, uint64_t pos, uint64_t len, uint64_t* holes);
// Allocates the blocks under [pos, pos + len) of `fd` (open for writing), keeping the file's size, when
// SEEK_HOLE finds a hole there, so writes through a mapping cannot meet a full disk (a SIGBUS).
// 0 where the file system cannot reserve (no fallocate): the write goes ahead unreserved.
int ReserveBlocks(int fd, uint64_t pos, uint64_t len);

}  // namespace ndmmap
