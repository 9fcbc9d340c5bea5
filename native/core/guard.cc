#include "core/guard.h"

#include <pthread.h>
#include <setjmp.h>
#include <signal.h>

#include <mutex>

namespace ndmmap {
namespace {

struct Guard {
  sigjmp_buf env;
  const GuardRange* ranges;
  int n;
  Fault fault;
  Guard* prev;
};

// Set only around a kernel call on this thread. initial-exec on glibc: the handler may run on any
// thread (a libuv or V8 thread too), and this model reads the slot without calling into the dynamic
// loader, which could allocate (not async-signal-safe); one pointer fits glibc's static TLS surplus.
// Not on musl: its dlopen refuses a library with initial-exec TLS of its own ("initial-exec TLS
// resolves to dynamic definition"), and it needs none: musl gives every thread the library's TLS when
// it is loaded or the thread starts, so __tls_get_addr only reads there.
#if defined(__GLIBC__)
#define NDM_GUARD_TLS_MODEL __attribute__((tls_model("initial-exec")))
#else
#define NDM_GUARD_TLS_MODEL
#endif
NDM_GUARD_TLS_MODEL thread_local Guard* t_guard = nullptr;

struct sigaction g_previous;

// What the process would have done without us: the previous handler, or the default action.
void Chain(int sig, siginfo_t* info, void* ctx) {
  const struct sigaction& p = g_previous;
  if (p.sa_flags & SA_SIGINFO) {
    if (p.sa_sigaction != nullptr) p.sa_sigaction(sig, info, ctx);
    return;
  }
  if (p.sa_handler == SIG_IGN && (info == nullptr || info->si_code <= 0)) return;  // sent, and ignored
  if (p.sa_handler == SIG_DFL || p.sa_handler == SIG_IGN) {
    // A fault cannot be ignored (the kernel would kill the process): restore the default action.
    // Returning re-runs the faulting instruction, which now kills the process with SIGBUS as if we
    // had never been here; a signal sent by kill() is raised again (pending until we return).
    struct sigaction dfl = {};
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    sigaction(sig, &dfl, nullptr);
    if (info == nullptr || info->si_code <= 0) raise(sig);
    return;
  }
  p.sa_handler(sig);
}

void OnSigbus(int sig, siginfo_t* info, void* ctx) {
  Guard* g = t_guard;
  // Only faults raised by the access itself: not a signal sent by kill()/sigqueue() (si_code <= 0),
  // nor an asynchronous machine-check notice (BUS_MCEERR_AO), which can arrive anywhere, even inside
  // malloc, where jumping out would leave a lock held.
  bool sync = info != nullptr && (info->si_code == BUS_ADRERR || info->si_code == BUS_OBJERR ||
                                  info->si_code == BUS_MCEERR_AR);
  if (g != nullptr && sync) {
    const uint8_t* a = static_cast<const uint8_t*>(info->si_addr);
    for (int i = 0; i < g->n; ++i) {
      if (a >= g->ranges[i].lo && a < g->ranges[i].hi) {
        g->fault.index = i;
        g->fault.addr = reinterpret_cast<uintptr_t>(a);
        g->fault.code = info->si_code;
        siglongjmp(g->env, 1);
      }
    }
  }
  Chain(sig, info, ctx);
}

}  // namespace

void InstallFaultHandler() {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction sa = {};
    sa.sa_sigaction = OnSigbus;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGBUS, nullptr, &g_previous);  // saved before ours can run
    sigaction(SIGBUS, &sa, nullptr);
  });
}

bool RunGuarded(void (*fn)(void*), void* arg, const GuardRange* ranges, int n, Fault* fault) {
  Guard g;
  g.ranges = ranges;
  g.n = n;
  g.prev = t_guard;
  Guard* volatile self = &g;  // read after the jump: never a value cached in a register
  // No signal mask saved (that would be a syscall per call): only the fault path restores it.
  if (sigsetjmp(g.env, 0) != 0) {
    t_guard = self->prev;
    // We left the handler by jumping, so SIGBUS is still blocked on this thread: unblock it.
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGBUS);
    pthread_sigmask(SIG_UNBLOCK, &s, nullptr);
    *fault = self->fault;
    return false;
  }
  t_guard = &g;
  try {
    fn(arg);
  } catch (...) {
    t_guard = g.prev;  // never leave this thread's guard pointing at a dead frame
    throw;
  }
  t_guard = g.prev;
  return true;
}

}  // namespace ndmmap
