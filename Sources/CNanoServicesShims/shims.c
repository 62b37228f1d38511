#define _GNU_SOURCE
#include "CNanoServicesShims.h"

#include <errno.h>
#include <stdatomic.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#if defined(__linux__) || defined(__APPLE__)
#include <execinfo.h>
#endif

#ifdef __linux__
#include <linux/futex.h>
#include <sys/syscall.h>
#endif

void nano_thread_yield(void) { sched_yield(); }

#ifdef __linux__
int nano_futex_wait(uint32_t *word, uint32_t expected, int64_t timeout_ns) {
    struct timespec ts;
    struct timespec *tsp = NULL;
    if (timeout_ns >= 0) {
        ts.tv_sec = (time_t)(timeout_ns / 1000000000LL);
        ts.tv_nsec = (long)(timeout_ns % 1000000000LL);
        tsp = &ts;
    }
    long r = syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, expected, tsp, NULL, 0);
    if (r == -1 && errno == ETIMEDOUT) return 1;
    return 0;
}

void nano_futex_wake(uint32_t *word, int32_t count) {
    syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, count, NULL, NULL, 0);
}

int64_t nano_thread_id(void) { return (int64_t)syscall(SYS_gettid); }
#else
int nano_futex_wait(uint32_t *word, uint32_t expected, int64_t timeout_ns) {
    // Portable fallback: poll with short sleeps. Correct, not fast.
    int64_t waited = 0;
    while (__atomic_load_n(word, __ATOMIC_ACQUIRE) == expected) {
        if (timeout_ns >= 0 && waited >= timeout_ns) return 1;
        struct timespec ts = {0, 50000};
        nanosleep(&ts, NULL);
        waited += 50000;
    }
    return 0;
}

void nano_futex_wake(uint32_t *word, int32_t count) { (void)word; (void)count; }

int64_t nano_thread_id(void) {
    uint64_t tid = 0;
#ifdef __APPLE__
    pthread_threadid_np(NULL, &tid);
#endif
    return (int64_t)tid;
}
#endif

struct nano_thread_start_context {
    void (*body)(void *);
    void *context;
    char name[16];
};

static void *nano_thread_trampoline(void *raw) {
    struct nano_thread_start_context start = *(struct nano_thread_start_context *)raw;
    free(raw);
#ifdef __linux__
    pthread_setname_np(pthread_self(), start.name);
#elif defined(__APPLE__)
    pthread_setname_np(start.name);
#endif
    start.body(start.context);
    return NULL;
}

int nano_thread_start(void (*body)(void *), void *context, uint64_t stack_size, const char *name) {
    struct nano_thread_start_context *start = malloc(sizeof *start);
    if (!start) return ENOMEM;
    start->body = body;
    start->context = context;
    strncpy(start->name, name ? name : "nano-service", sizeof start->name - 1);
    start->name[sizeof start->name - 1] = '\0';

    pthread_attr_t attributes;
    pthread_attr_init(&attributes);
    pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
    if (stack_size > 0) {
        long page = sysconf(_SC_PAGESIZE);
        uint64_t rounded = (stack_size + (uint64_t)page - 1) / (uint64_t)page * (uint64_t)page;
        if (rounded < (uint64_t)PTHREAD_STACK_MIN) rounded = (uint64_t)PTHREAD_STACK_MIN;
        int rc = pthread_attr_setstacksize(&attributes, (size_t)rounded);
        if (rc != 0) {
            pthread_attr_destroy(&attributes);
            free(start);
            return rc;
        }
    }
    pthread_t thread;
    int rc = pthread_create(&thread, &attributes, nano_thread_trampoline, start);
    pthread_attr_destroy(&attributes);
    if (rc != 0) free(start);
    return rc;
}

// MARK: - Thread-local state.

static pthread_key_t nano_parking_key;
static pthread_once_t nano_parking_once = PTHREAD_ONCE_INIT;
static __thread uint32_t *nano_parking_word_cache = NULL;
static __thread void *nano_current_service_slot = NULL;
static __thread void *nano_current_pool_thread_slot = NULL;

static void nano_parking_word_free(void *word) { free(word); }
static void nano_parking_key_create(void) { pthread_key_create(&nano_parking_key, nano_parking_word_free); }

uint32_t *nano_thread_parking_word(void) {
    uint32_t *word = nano_parking_word_cache;
    if (word) return word;
    pthread_once(&nano_parking_once, nano_parking_key_create);
    // Own cache line: the word is written by other threads when they wake us.
    void *memory = NULL;
    if (posix_memalign(&memory, 64, 64) != 0) abort();
    memset(memory, 0, 64);
    word = (uint32_t *)memory;
    pthread_setspecific(nano_parking_key, word);
    nano_parking_word_cache = word;
    return word;
}

void *nano_current_service(void) { return nano_current_service_slot; }
void nano_set_current_service(void *service) { nano_current_service_slot = service; }
void *nano_current_pool_thread(void) { return nano_current_pool_thread_slot; }
void nano_set_current_pool_thread(void *thread) { nano_current_pool_thread_slot = thread; }

int32_t nano_current_cpu(void) {
#ifdef __linux__
    return (int32_t)sched_getcpu();
#else
    return -1;
#endif
}

int32_t nano_available_cpus(void) {
#ifdef __linux__
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof(set), &set) == 0) {
        int count = CPU_COUNT(&set);
        if (count > 0) return (int32_t)count;
    }
#endif
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    return online > 0 ? (int32_t)online : 1;
}

uint64_t nano_monotonic_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

// MARK: - Ticks

int nano_ticks_read_counter = 0;
static uint64_t ticks_origin, nanoseconds_origin;
static _Atomic uint64_t nanoseconds_per_tick_bits;  // a double's bits; 0 until fixed

__attribute__((constructor)) static void nano_ticks_start(void) {
#if defined(__x86_64__)
    // CPUID 0x80000007, EDX bit 8: the time-stamp counter runs at a constant rate in every
    // power state (and the kernel keeps the cores' counters in step). Without it, the clock.
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
    __asm__ __volatile__("cpuid" : "=a"(eax), "=b"(ebx), "=c"(ecx), "=d"(edx) : "a"(0x80000000u), "c"(0));
    if (eax >= 0x80000007u) {
        __asm__ __volatile__("cpuid" : "=a"(eax), "=b"(ebx), "=c"(ecx), "=d"(edx) : "a"(0x80000007u), "c"(0));
        nano_ticks_read_counter = (edx >> 8) & 1;
    }
#elif defined(__aarch64__)
    nano_ticks_read_counter = 1;
#endif
    nanoseconds_origin = nano_monotonic_ns();
    ticks_origin = nano_ticks();
}

double nano_nanoseconds_per_tick(void) {
    uint64_t bits = atomic_load_explicit(&nanoseconds_per_tick_bits, memory_order_relaxed);
    double ratio;
    if (bits != 0) {
        memcpy(&ratio, &bits, sizeof ratio);
        return ratio;
    }
    if (!nano_ticks_read_counter) return 1.0;
    uint64_t nanoseconds = nano_monotonic_ns() - nanoseconds_origin;
    uint64_t ticks = nano_ticks() - ticks_origin;
    if (nanoseconds == 0 || ticks == 0) return 1.0;
    ratio = (double)nanoseconds / (double)ticks;
    if (nanoseconds >= 100000000ULL) {  // 100 ms: the two reads' jitter is below 1e-6 of it
        memcpy(&bits, &ratio, sizeof bits);
        atomic_store_explicit(&nanoseconds_per_tick_bits, bits, memory_order_relaxed);
    }
    return ratio;
}

uint64_t nano_call_site_key(void) {
#if defined(__linux__) || defined(__APPLE__)
    void *frames[12];
    int count = backtrace(frames, 12); // the runtime's frames, the handle method, and its caller
    if (count < 10) return 0;          // too shallow to reach the caller (seen under sanitizers)
    uint64_t hash = 1469598103934665603ULL; // FNV-1a over the frames above the runtime's own
    for (int index = 1; index < count; index++) {
        hash ^= (uint64_t)(uintptr_t)frames[index];
        hash *= 1099511628211ULL;
    }
    return hash;
#else
    return 0;
#endif
}

// Part of the Swift runtime's ABI (swift/Runtime/Concurrency.h), in Swift's calling convention.
extern void *swift_task_getCurrent(void) __attribute__((swiftcall));

bool nano_inside_task(void) {
    return swift_task_getCurrent() != NULL;
}

// `SerialExecutorRef` (swift/ABI/Executor.h): the executor's identity and its implementation
// word; two words, passed and returned in registers in Swift's calling convention.
typedef struct {
    void *identity;
    uintptr_t implementation;
} NanoSerialExecutorRef;
extern NanoSerialExecutorRef swift_task_getCurrentExecutor(void) __attribute__((swiftcall));
extern bool swift_task_isMainExecutor(NanoSerialExecutorRef executor) __attribute__((swiftcall));

bool nano_on_main_actor(void) {
    return swift_task_isMainExecutor(swift_task_getCurrentExecutor());
}
