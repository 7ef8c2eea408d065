/*
 * The C pair of the latency benchmark (scripts/bench/latency.mjs): a 64-byte message ping-ponged between two
 * processes through a section and two auto-reset events, the least a Channel round trip can cost on the same kernel.
 *   pingpong.exe ping NAME ROUNDS WARMUP   creates NAME, NAME-ping, NAME-pong; sends, waits for the answer;
 *                                          prints one JSON line: every round trip, in ns
 *   pingpong.exe pong NAME ROUNDS WARMUP   the same objects; answers each message with itself, byte 0 + 1
 *   pingpong.exe calls N                   one process: SetEvent then WaitForSingleObject on the signalled event, N
 *                                          times; prints the ns per pair: what a kernel call on an event costs
 *                                          here (under Wine, each is a round trip to wineserver), nothing waits
 * Both create (CreateFileMappingW and CreateEventW open an existing object of the name), so either may start first;
 * the ping side waits until the pong side says it is there (NAME-here) before it starts the clock.
 */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MESSAGE 64
#define TIMEOUT_MS 120000

static HANDLE event(const wchar_t *name, const wchar_t *suffix)
{
    wchar_t full[512];
    _snwprintf(full, 512, L"%ls-%ls", name, suffix);
    full[511] = 0;
    return CreateEventW(NULL, FALSE, FALSE, full);
}

int wmain(int argc, wchar_t **argv)
{
    if (argc == 3 && wcscmp(argv[1], L"calls") == 0) {
        int n = _wtoi(argv[2]);
        HANDLE e = CreateEventW(NULL, FALSE, FALSE, NULL);
        LARGE_INTEGER frequency, before, after;
        QueryPerformanceFrequency(&frequency);
        QueryPerformanceCounter(&before);
        for (int i = 0; i < n; i++) {
            SetEvent(e);
            if (WaitForSingleObject(e, 0) != WAIT_OBJECT_0)
                return 4;
        }
        QueryPerformanceCounter(&after);
        printf("{\"setAndWaitNs\":%.0f}\n", (double)(after.QuadPart - before.QuadPart) * 1e9 / (double)frequency.QuadPart / n);
        return 0;
    }
    if (argc < 5) {
        fprintf(stderr, "usage: pingpong.exe ping|pong NAME ROUNDS WARMUP, or pingpong.exe calls N\n");
        return 2;
    }
    int ping = wcscmp(argv[1], L"ping") == 0;
    const wchar_t *name = argv[2];
    int rounds = _wtoi(argv[3]), warmup = _wtoi(argv[4]);
    HANDLE section = CreateFileMappingW(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 2 * MESSAGE, name);
    HANDLE pinged = event(name, L"ping"), ponged = event(name, L"pong"), here = event(name, L"here");
    if (!section || !pinged || !ponged || !here) {
        fprintf(stderr, "set-up failed: %lu\n", GetLastError());
        return 3;
    }
    /* One half for each direction, as a Channel has one ring each way. */
    volatile unsigned char *view = (volatile unsigned char *)MapViewOfFile(section, FILE_MAP_WRITE, 0, 0, 0);
    if (!view)
        return 3;
    volatile unsigned char *out = ping ? view : view + MESSAGE, *in = ping ? view + MESSAGE : view;
    unsigned char message[MESSAGE];
    memset(message, 'x', MESSAGE);

    if (!ping) {
        SetEvent(here);
        for (int i = 0; i < warmup + rounds; i++) {
            if (WaitForSingleObject(pinged, TIMEOUT_MS) != WAIT_OBJECT_0)
                return 4;
            memcpy(message, (const void *)in, MESSAGE);
            message[0]++;
            memcpy((void *)out, message, MESSAGE);
            SetEvent(ponged);
        }
        return 0;
    }

    if (WaitForSingleObject(here, TIMEOUT_MS) != WAIT_OBJECT_0)
        return 4;
    LARGE_INTEGER frequency, before, after;
    QueryPerformanceFrequency(&frequency);
    double *ns = malloc(sizeof(double) * (rounds > 0 ? rounds : 1));
    for (int i = 0; i < warmup + rounds; i++) {
        QueryPerformanceCounter(&before);
        message[0] = (unsigned char)i;
        memcpy((void *)out, message, MESSAGE);
        SetEvent(pinged);
        if (WaitForSingleObject(ponged, TIMEOUT_MS) != WAIT_OBJECT_0)
            return 4;
        memcpy(message, (const void *)in, MESSAGE);
        QueryPerformanceCounter(&after);
        if (message[0] != (unsigned char)(i + 1)) {
            fprintf(stderr, "round %d: wrong answer %u\n", i, message[0]);
            return 5;
        }
        if (i >= warmup)
            ns[i - warmup] = (double)(after.QuadPart - before.QuadPart) * 1e9 / (double)frequency.QuadPart;
    }
    /* Every round trip, in order: the driver pools several runs before it takes the median and p99. */
    printf("{\"rounds\":%d,\"samplesNs\":[", rounds);
    for (int i = 0; i < rounds; i++)
        printf(i ? ",%.0f" : "%.0f", ns[i]);
    printf("]}\n");
    return 0;
}
