// Low-level primitives for the NanoServices runtime.
//
// Everything here is tiny and `static inline` so that the Swift optimizer can
// inline it into the mailbox and call hot paths. Linux uses futexes directly;
// other platforms fall back to a short sleep loop (correct, slower) until a
// native parking primitive is wired in.
#ifndef C_NANO_SERVICES_SHIMS_H
#define C_NANO_SERVICES_SHIMS_H

#include <stdint.h>
#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

// MARK: - Atomics on plain 32-bit words (used for futex words).

static inline uint32_t nano_atomic_load_acquire(const uint32_t *word) {
    return __atomic_load_n(word, __ATOMIC_ACQUIRE);
}

static inline void nano_atomic_store_release(uint32_t *word, uint32_t value) {
    __atomic_store_n(word, value, __ATOMIC_RELEASE);
}

static inline uint32_t nano_atomic_exchange(uint32_t *word, uint32_t value) {
    return __atomic_exchange_n(word, value, __ATOMIC_ACQ_REL);
}

static inline bool nano_atomic_compare_exchange(uint32_t *word, uint32_t expected, uint32_t desired) {
    return __atomic_compare_exchange_n(word, &expected, desired, false,
                                       __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
}

// MARK: - Relaxed 64-bit counters (one writer, any readers; see CounterLine.swift).

static inline uint64_t nano_atomic_load_relaxed_u64(const uint64_t *word) {
    return __atomic_load_n(word, __ATOMIC_RELAXED);
}

static inline void nano_atomic_store_relaxed_u64(uint64_t *word, uint64_t value) {
    __atomic_store_n(word, value, __ATOMIC_RELAXED);
}

// MARK: - CPU and scheduler hints.

static inline void nano_cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

/// Gives the CPU to another runnable thread (sched_yield).
void nano_thread_yield(void);

// MARK: - Futex (Linux) or an equivalent wait on a 32-bit word.

/// Blocks while `*word == expected`, at most `timeout_ns` nanoseconds (< 0: no limit).
/// Returns 0 when woken or when the value differed, 1 on timeout. Spurious
/// returns are possible: callers re-check their condition in a loop.
int nano_futex_wait(uint32_t *word, uint32_t expected, int64_t timeout_ns);

/// Wakes up to `count` threads blocked in `nano_futex_wait` on `word`.
void nano_futex_wake(uint32_t *word, int32_t count);

// MARK: - Threads.

/// The kernel thread id (gettid), as shown in /proc/<pid>/task.
int64_t nano_thread_id(void);

/// Starts a detached thread running `body(context)` with the given stack size
/// (0: the system default) and name (truncated to 15 bytes on Linux).
/// Returns 0 on success or an errno value.
int nano_thread_start(void (*body)(void *), void *context, uint64_t stack_size, const char *name);

/// A per-thread parking word, allocated on first use and freed when the thread ends.
uint32_t *nano_thread_parking_word(void);

/// A per-thread pointer slot the runtime uses to know which service (if any)
/// the current thread runs. Plain thread-local storage: no retain, no cleanup.
void *nano_current_service(void);
void nano_set_current_service(void *service);

/// A per-thread pointer slot a pool thread sets to its own state (NanoServices' `PoolThread`)
/// for its whole life; `NULL` on every other thread. Plain thread-local storage.
void *nano_current_pool_thread(void);
void nano_set_current_pool_thread(void *thread);

/// A key identifying the code that called into the runtime (a hash of the return addresses
/// a few frames up the stack), or 0 when the stack walk comes back too shallow to reach the
/// caller. Slow (walks the stack): for once-per-call-site diagnostics only.
uint64_t nano_call_site_key(void);

/// Whether the calling thread runs a Swift concurrency task right now. One thread-local read:
/// it asks the Swift runtime's `swift_task_getCurrent`, the entry point behind
/// `withUnsafeCurrentTask`, without that function's closure and generic metadata.
bool nano_inside_task(void);

/// Whether the calling code runs isolated to the main actor (top-level code, `@MainActor`
/// code), whichever thread runs it: on Linux, `@MainActor` code resumed after a suspension
/// runs on a libdispatch worker thread draining the main queue, not on the process's main
/// thread. Asks the Swift runtime for the current executor (`swift_task_getCurrentExecutor`)
/// and whether it is the main one (`swift_task_isMainExecutor`). Slow paths only.
bool nano_on_main_actor(void);

/// The CPU the calling thread runs on right now (sched_getcpu), or -1 if unknown.
int32_t nano_current_cpu(void);

// The number of CPUs this process may run on (affinity mask), at least 1.
int32_t nano_available_cpus(void);

/// Monotonic clock in nanoseconds.
uint64_t nano_monotonic_ns(void);

// MARK: - A cheap counter for short durations.

/// 1 when `nano_ticks` reads the CPU's counter (x86-64 with an invariant time-stamp counter,
/// arm64), 0 when it falls back to `nano_monotonic_ns`. Set once, before `main`.
extern int nano_ticks_read_counter;

/// A monotonic counter for measuring durations on one thread: the time-stamp counter on
/// x86-64 (≈13 ns here, against ≈33 ns for `clock_gettime`), the virtual counter on arm64,
/// else nanoseconds. Convert a difference with `nano_nanoseconds_per_tick`.
static inline uint64_t nano_ticks(void) {
#if defined(__x86_64__)
    if (nano_ticks_read_counter) {
        uint32_t low, high;
        __asm__ __volatile__("rdtsc" : "=a"(low), "=d"(high));
        return ((uint64_t)high << 32) | low;
    }
#elif defined(__aarch64__)
    uint64_t value;
    __asm__ __volatile__("mrs %0, cntvct_el0" : "=r"(value));
    return value;
#endif
    return nano_monotonic_ns();
}

/// Nanoseconds per `nano_ticks` unit: measured against the monotonic clock since the process
/// started (fixed once 100 ms have passed; until then measured on each use, one clock read).
double nano_nanoseconds_per_tick(void);

#ifdef __cplusplus
}
#endif

#endif
