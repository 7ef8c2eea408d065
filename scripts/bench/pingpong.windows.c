/*
 * The C pair of the latency benchmark (scripts/bench/latency.mjs): a 64-byte message ping-ponged between two
 * processes through a section and two auto-reset events.
 *   pingpong.exe ping NAME ROUNDS WARMUP [always|waiting|spin]
 *       creates NAME, NAME-ping, NAME-pong; sends, waits for the answer; prints one JSON line: every round trip, ns
 *   pingpong.exe pong NAME ROUNDS WARMUP [always|waiting|spin]
 *       the same objects; answers each message with itself, byte 0 + 1
 *   pingpong.exe calls N
 *       one process: SetEvent then WaitForSingleObject on the signalled event, N times; prints the ns per pair: what
 *       a kernel call on an event costs here (under Wine, each is a round trip to wineserver), nothing waiting
 * Protocols: `always` (the default) sets the event for every message and always waits on it: two SetEvent calls and
 * two blocking waits per round trip. `waiting` is a Channel's: a side about to wait raises a flag in the section and
 * looks once more, the other side sets the event only when it sees the flag, so an answer that is already there
 * costs no kernel call. `spin` never calls the kernel: each side polls the sequence number until it changes.
 * pingpong.linux.c is the same program for Linux (futexes).
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

/* One direction: the message, its sequence number (published after the message), the reader's waiting flag. */
typedef struct {
    volatile LONG seq;
    volatile LONG waiting;
    LONG pad[14];
    unsigned char data[MESSAGE];
} Half;

enum { ALWAYS, WAITING, SPIN };

/* Interlocked operations are full barriers: the message is visible before the sequence number that publishes it. */
static void put_message(Half *out, HANDLE event, LONG seq, int mode, const unsigned char *message)
{
    memcpy(out->data, message, MESSAGE);
    InterlockedExchange(&out->seq, seq);
    if (mode == ALWAYS || (mode == WAITING && InterlockedCompareExchange(&out->waiting, 0, 0)))
        SetEvent(event);
}

static int take_message(Half *in, HANDLE event, LONG seq, int mode, unsigned char *message)
{
    if (mode == SPIN) {
        while (InterlockedCompareExchange(&in->seq, 0, 0) != seq)
            YieldProcessor();
        memcpy(message, in->data, MESSAGE);
        return 1;
    }
    if (mode == ALWAYS) {
        if (WaitForSingleObject(event, TIMEOUT_MS) != WAIT_OBJECT_0)
            return 0;
    }
    /* waiting: raise the flag, look once more (the sender may have published in between), then wait. An event left
       set by a message already taken only makes the next wait return early: the loop looks again. */
    while (InterlockedCompareExchange(&in->seq, 0, 0) != seq) {
        InterlockedExchange(&in->waiting, 1);
        if (InterlockedCompareExchange(&in->seq, 0, 0) != seq && WaitForSingleObject(event, TIMEOUT_MS) != WAIT_OBJECT_0)
            return 0;
        InterlockedExchange(&in->waiting, 0);
    }
    memcpy(message, in->data, MESSAGE);
    return 1;
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
        printf("{\"callsNs\":%.0f}\n", (double)(after.QuadPart - before.QuadPart) * 1e9 / (double)frequency.QuadPart / n);
        return 0;
    }
    if (argc < 5) {
        fprintf(stderr, "usage: pingpong.exe ping|pong NAME ROUNDS WARMUP [always|waiting|spin], or pingpong.exe calls N\n");
        return 2;
    }
    int ping = wcscmp(argv[1], L"ping") == 0;
    const wchar_t *name = argv[2];
    int rounds = _wtoi(argv[3]), warmup = _wtoi(argv[4]);
    int mode = argc <= 5 ? ALWAYS : wcscmp(argv[5], L"waiting") == 0 ? WAITING : wcscmp(argv[5], L"spin") == 0 ? SPIN : ALWAYS;
    HANDLE section = CreateFileMappingW(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 2 * sizeof(Half), name);
    HANDLE pinged = event(name, L"ping"), ponged = event(name, L"pong"), here = event(name, L"here");
    if (!section || !pinged || !ponged || !here) {
        fprintf(stderr, "set-up failed: %lu\n", GetLastError());
        return 3;
    }
    /* One half for each direction, as a Channel has one ring each way. */
    Half *view = (Half *)MapViewOfFile(section, FILE_MAP_WRITE, 0, 0, 0);
    if (!view)
        return 3;
    Half *out = ping ? &view[0] : &view[1], *in = ping ? &view[1] : &view[0];
    HANDLE outEvent = ping ? pinged : ponged, inEvent = ping ? ponged : pinged;
    unsigned char message[MESSAGE];
    memset(message, 'x', MESSAGE);

    if (!ping) {
        SetEvent(here);
        for (int i = 0; i < warmup + rounds; i++) {
            if (!take_message(in, inEvent, i + 1, mode, message))
                return 4;
            message[0]++;
            put_message(out, outEvent, i + 1, mode, message);
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
        put_message(out, outEvent, i + 1, mode, message);
        if (!take_message(in, inEvent, i + 1, mode, message))
            return 4;
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
