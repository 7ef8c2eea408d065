/*
 * The C side of the binding-overhead benchmark on Windows (scripts/bench/binding.mjs): the same loops as binding-ts.mjs, with
 * the same calls, so that the ratio between the two is the cost of the binding.
 *   binding.exe ITERATIONS   prints one JSON line: ns per map+unmap, the same writing the view's first byte, and ns
 *   per create+map+unmap+close.
 */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>

static double now_ns(void)
{
    LARGE_INTEGER frequency, counter;
    QueryPerformanceFrequency(&frequency);
    QueryPerformanceCounter(&counter);
    return (double)counter.QuadPart * 1e9 / (double)frequency.QuadPart;
}

int wmain(int argc, wchar_t **argv)
{
    int iterations = argc > 1 ? _wtoi(argv[1]) : 100000;
    const DWORD size = 64 * 1024;
    HANDLE section = CreateFileMappingW(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, size, NULL);
    if (!section)
        return 3;

    double start = now_ns();
    for (int i = 0; i < iterations; i++) {
        volatile char *view = (volatile char *)MapViewOfFile(section, FILE_MAP_WRITE, 0, 0, 0);
        if (!view)
            return 3;
        view[0] = (char)i;
        UnmapViewOfFile((void *)view);
    }
    double map_unmap_touched = (now_ns() - start) / iterations;

    /* The loops the targets are about leave the view untouched: under Wine the first write to a new view is a page
       fault that Wine serves in 30 to 250 us, varying from process to process far more than the binding's cost. */
    start = now_ns();
    for (int i = 0; i < iterations; i++) {
        void *view = MapViewOfFile(section, FILE_MAP_WRITE, 0, 0, 0);
        if (!view)
            return 3;
        UnmapViewOfFile(view);
    }
    double map_unmap = (now_ns() - start) / iterations;
    CloseHandle(section);

    start = now_ns();
    for (int i = 0; i < iterations; i++) {
        HANDLE h = CreateFileMappingW(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, size, NULL);
        if (!h)
            return 3;
        void *view = MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0);
        if (!view)
            return 3;
        UnmapViewOfFile(view);
        CloseHandle(h);
    }
    double full_cycle = (now_ns() - start) / iterations;
    printf("{\"mapUnmapNs\":%.1f,\"mapUnmapTouchedNs\":%.1f,\"createMapUnmapCloseNs\":%.1f}\n", map_unmap, map_unmap_touched, full_cycle);
    return 0;
}
