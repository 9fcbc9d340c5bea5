"""Print the page-cache state of the first page of a file: 'dirty', 'writeback' or 'clean'.

Maps the page read-only, faults it in, finds its page frame in /proc/self/pagemap and reads the
frame's flags from /proc/kpageflags (bit 4 DIRTY, bit 8 WRITEBACK; see the kernel's
Documentation/admin-guide/mm/pagemap.rst). Needs root (CAP_SYS_ADMIN) for the frame numbers.
Used by durability.test.ts to see whether a file's first page has reached the disk.
"""
import ctypes
import os
import struct
import sys

PAGE = os.sysconf('SC_PAGE_SIZE')
PROT_READ, MAP_SHARED = 1, 1
DIRTY, WRITEBACK = 1 << 4, 1 << 8

libc = ctypes.CDLL(None, use_errno=True)
libc.mmap.restype = ctypes.c_void_p
libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_long]

fd = os.open(sys.argv[1], os.O_RDONLY)
addr = libc.mmap(None, PAGE, PROT_READ, MAP_SHARED, fd, 0)
if addr in (None, ctypes.c_void_p(-1).value):
    sys.exit('mmap failed: errno %d' % ctypes.get_errno())
ctypes.string_at(addr, 1)  # fault the page in so pagemap has its frame
with open('/proc/self/pagemap', 'rb') as pm:
    pm.seek(addr // PAGE * 8)
    entry = struct.unpack('<Q', pm.read(8))[0]
pfn = entry & ((1 << 55) - 1)
if not entry >> 63 or pfn == 0:
    sys.exit('page not present or frame number hidden (not root?)')
with open('/proc/kpageflags', 'rb') as kf:
    kf.seek(pfn * 8)
    flags = struct.unpack('<Q', kf.read(8))[0]
print('dirty' if flags & DIRTY else 'writeback' if flags & WRITEBACK else 'clean')
