// Faults inside native kernels as errors, the way the JVM turns a fault in a mapped buffer into an
// exception. A mapped page the kernel cannot provide (file truncated by another process, a hole on a
// full disk, an I/O error) is a SIGBUS at the instruction that touched it; a kernel runs under a
// per-thread guard, and a SIGBUS at an address of one of its operands jumps back out of it.
// Every other signal, and a SIGBUS anywhere else, goes to the handler that was there before.
#pragma once
#include <cstdint>

namespace ndmmap {

struct GuardRange {
  const uint8_t* lo;
  const uint8_t* hi;  // one past the end
};

struct Fault {
  int index = -1;       // which range
  uintptr_t addr = 0;   // the faulting address
  int code = 0;         // si_code (BUS_ADRERR, BUS_MCEERR_AR…)
};

// Installs the SIGBUS handler once per process (it chains to the previous one).
void InstallFaultHandler();

// Runs fn(arg). Returns true when it returned, false when a SIGBUS hit ranges[0..n) (filled in
// *fault): fn was abandoned at that point. fn must hold no lock and own nothing that needs a
// destructor to run correctly (heap scratch is leaked on a fault, a few KiB). An exception from fn
// passes through (the guard is removed first).
bool RunGuarded(void (*fn)(void*), void* arg, const GuardRange* ranges, int n, Fault* fault);

}  // namespace ndmmap
