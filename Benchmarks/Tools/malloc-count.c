// malloc-count: counts a process's allocations, for docs/PERFORMANCE.md ("A million pooled
// services under 1 GiB"). Exact where RSS is noisy: the number of malloc/calloc/realloc/
// posix_memalign calls, the bytes requested, the peak of live bytes (malloc_usable_size + 8
// per chunk) and of live chunks, and how many requests of each exact size (sizes seen more
// than 1,000 times). With MALLOC_COUNT_BACKTRACE_AT=N, prints one backtrace at the N-th
// request of each size (addresses: resolve them with addr2line -f and swift demangle).
//
//   cc -O2 -shared -fPIC -o malloc-count.so Benchmarks/Tools/malloc-count.c -ldl
//   LD_PRELOAD=$PWD/malloc-count.so nano-bench --child spawn:nano-pool:100000
//
// Not thread-safe in its peaks (relaxed, racy maxima): good enough for counting. Linux/glibc.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <execinfo.h>
#include <malloc.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *(*real_malloc)(size_t);
static void (*real_free)(void *);
static void *(*real_calloc)(size_t, size_t);
static void *(*real_realloc)(void *, size_t);
static int (*real_memalign)(void **, size_t, size_t);

static atomic_long calls, frees, requested, live, peak, liveChunks, peakChunks, exact[4097];
static long backtraceAt;
static atomic_int inBacktrace;
// dlsym itself allocates: serve it from a static buffer until the real functions are known.
static char early[65536];
static size_t earlyUsed;

static void resolve(void) {
    real_malloc = dlsym(RTLD_NEXT, "malloc");
    real_free = dlsym(RTLD_NEXT, "free");
    real_calloc = dlsym(RTLD_NEXT, "calloc");
    real_realloc = dlsym(RTLD_NEXT, "realloc");
    real_memalign = dlsym(RTLD_NEXT, "posix_memalign");
    const char *at = getenv("MALLOC_COUNT_BACKTRACE_AT");
    backtraceAt = at ? atol(at) : 0;
}

static void noteRequest(size_t size) {
    calls++;
    requested += (long)size;
    if (size > 4096) return;
    long count = ++exact[size];
    if (backtraceAt && count == backtraceAt && !inBacktrace) {
        inBacktrace = 1;
        void *frames[12];
        int depth = backtrace(frames, 12);
        fprintf(stderr, "== size %zu\n", size);
        backtrace_symbols_fd(frames, depth, 2);
        inBacktrace = 0;
    }
}

static void noteLive(void *pointer) {
    if (!pointer) return;
    long bytes = (long)malloc_usable_size(pointer) + 8;
    long now = atomic_fetch_add(&live, bytes) + bytes;
    long chunks = atomic_fetch_add(&liveChunks, 1) + 1;
    if (now > peak) peak = now;
    if (chunks > peakChunks) peakChunks = chunks;
}

static void noteFreed(void *pointer) {
    atomic_fetch_sub(&live, (long)malloc_usable_size(pointer) + 8);
    atomic_fetch_sub(&liveChunks, 1);
    frees++;
}

static int isEarly(void *pointer) { return (char *)pointer >= early && (char *)pointer < early + sizeof early; }

void *malloc(size_t size) {
    if (!real_malloc) {
        if (earlyUsed + size > sizeof early) return NULL;
        void *pointer = early + earlyUsed;
        earlyUsed += (size + 15) & ~(size_t)15;
        return pointer;
    }
    noteRequest(size);
    void *pointer = real_malloc(size);
    noteLive(pointer);
    return pointer;
}

void *calloc(size_t count, size_t size) {
    if (!real_calloc) {
        void *pointer = malloc(count * size);
        if (pointer) memset(pointer, 0, count * size);
        return pointer;
    }
    noteRequest(count * size);
    void *pointer = real_calloc(count, size);
    noteLive(pointer);
    return pointer;
}

void *realloc(void *old, size_t size) {
    if (!real_realloc) resolve();
    noteRequest(size);
    if (old && !isEarly(old)) noteFreed(old);
    void *pointer = real_realloc(isEarly(old) ? NULL : old, size);
    noteLive(pointer);
    return pointer;
}

int posix_memalign(void **result, size_t alignment, size_t size) {
    if (!real_memalign) resolve();
    noteRequest(size);
    int status = real_memalign(result, alignment, size);
    if (status == 0) noteLive(*result);
    return status;
}

void free(void *pointer) {
    if (!pointer || isEarly(pointer)) return;
    if (!real_free) resolve();
    noteFreed(pointer);
    real_free(pointer);
}

__attribute__((constructor)) static void start(void) { resolve(); }

__attribute__((destructor)) static void report(void) {
    fprintf(stderr, "malloc-count: calls=%ld frees=%ld requested=%ld peak-live-bytes=%ld peak-live-chunks=%ld\n",
            (long)calls, (long)frees, (long)requested, (long)peak, (long)peakChunks);
    for (int size = 0; size <= 4096; size++)
        if (exact[size] > 1000) fprintf(stderr, "  size %d: %ld\n", size, (long)exact[size]);
}
