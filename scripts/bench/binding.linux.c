/*
 * The C side of the binding-overhead benchmark on Linux (scripts/bench/binding.mjs): the same loops as binding-ts.mjs
 * with the calls the package makes for FileMapping.create({ size }) (no name), map(), unmap() and close():
 * memfd_create, ftruncate, posix_fallocate (the package reserves the pages so that a full tmpfs is an error at
 * create, not a SIGBUS later), mmap, munmap, close. binding.windows.c is the Windows one.
 *   binding ITERATIONS   prints one JSON line: ns per map+unmap, the same writing the view's first byte, and ns per
 *   create+map+unmap+close.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static double now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static int create(size_t size)
{
    int fd = memfd_create("filemapping", MFD_CLOEXEC);
    if (fd < 0 || ftruncate(fd, (off_t)size) != 0 || posix_fallocate(fd, 0, (off_t)size) != 0)
        return -1;
    return fd;
}

int main(int argc, char **argv)
{
    int iterations = argc > 1 ? atoi(argv[1]) : 100000;
    const size_t size = 64 * 1024;
    int section = create(size);
    if (section < 0)
        return 3;

    double start = now_ns();
    for (int i = 0; i < iterations; i++) {
        volatile char *view = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, section, 0);
        if (view == MAP_FAILED)
            return 3;
        view[0] = (char)i;
        munmap((void *)view, size);
    }
    double map_unmap_touched = (now_ns() - start) / iterations;

    start = now_ns();
    for (int i = 0; i < iterations; i++) {
        void *view = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, section, 0);
        if (view == MAP_FAILED)
            return 3;
        munmap(view, size);
    }
    double map_unmap = (now_ns() - start) / iterations;
    close(section);

    start = now_ns();
    for (int i = 0; i < iterations; i++) {
        int fd = create(size);
        if (fd < 0)
            return 3;
        void *view = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (view == MAP_FAILED)
            return 3;
        munmap(view, size);
        close(fd);
    }
    double full_cycle = (now_ns() - start) / iterations;
    printf("{\"mapUnmapNs\":%.1f,\"mapUnmapTouchedNs\":%.1f,\"createMapUnmapCloseNs\":%.1f}\n", map_unmap, map_unmap_touched, full_cycle);
    return 0;
}
