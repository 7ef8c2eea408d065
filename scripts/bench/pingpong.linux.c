/*
 * The C pair of the latency benchmark on Linux (scripts/bench/latency.mjs): a 64-byte message ping-ponged between two
 * processes through shared memory (shm_open), as pingpong.windows.c does with a section and events.
 *   pingpong ping NAME ROUNDS WARMUP [futex|spin]
 *       sends, waits for the answer; prints one JSON line: every round trip, ns
 *   pingpong pong NAME ROUNDS WARMUP [futex|spin]
 *       answers each message with itself, byte 0 + 1
 *   pingpong calls N
 *       one process: FUTEX_WAKE with nobody waiting, then FUTEX_WAIT on a word that differs (EAGAIN at once), N times;
 *       prints the ns per pair: what the two system calls of a wake-up cost here, nobody sleeping
 * Protocols: `futex` is a Channel's: a side about to wait raises a flag in shared memory and looks once more, then
 * sleeps in FUTEX_WAIT on the sequence number; the other side publishes, and calls FUTEX_WAKE only when it sees the
 * flag, so an answer already there costs no system call. `spin` never calls the kernel: each side polls the sequence
 * number until it changes.
 * Both sides create the object (O_CREAT without O_EXCL), so either may start first; the ping side waits until the
 * pong side says it is there (a word of its own) before it starts the clock, and removes the name at the end.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define MESSAGE 64
#define TIMEOUT_S 120

/* One direction: the message, its sequence number (published after the message), the reader's waiting flag. */
typedef struct {
    _Atomic int seq;
    _Atomic int waiting;
    int pad[14];
    unsigned char data[MESSAGE];
} Half;

typedef struct {
    Half half[2];
    _Atomic int here;
} Shared;

enum { FUTEX, SPIN };

/* Shared between processes: no FUTEX_PRIVATE_FLAG. */
static long futex(_Atomic int *word, int op, int value)
{
    struct timespec timeout = { TIMEOUT_S, 0 };
    return syscall(SYS_futex, (int *)word, op, value, op == FUTEX_WAIT ? &timeout : NULL, NULL, 0);
}

static double now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

/* Sequentially consistent stores and loads: the message is visible before the sequence number that publishes it, and
   the flag is up before the sender looks at it. */
static void put_message(Half *out, int seq, int mode, const unsigned char *message)
{
    memcpy(out->data, message, MESSAGE);
    atomic_store(&out->seq, seq);
    if (mode == FUTEX && atomic_load(&out->waiting))
        futex(&out->seq, FUTEX_WAKE, 1);
}

static int take_message(Half *in, int seq, int mode, unsigned char *message)
{
    for (int seen; (seen = atomic_load(&in->seq)) != seq;) {
        if (mode == SPIN) {
            __builtin_ia32_pause();
            continue;
        }
        /* Raise the flag, look once more (the sender may have published in between), then sleep unless the word moved:
           FUTEX_WAIT returns at once (EAGAIN) when it no longer holds `seen`. */
        atomic_store(&in->waiting, 1);
        if (atomic_load(&in->seq) == seen && futex(&in->seq, FUTEX_WAIT, seen) != 0 && errno == ETIMEDOUT)
            return 0;
        atomic_store(&in->waiting, 0);
    }
    memcpy(message, in->data, MESSAGE);
    return 1;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "calls") == 0) {
        int n = atoi(argv[2]);
        _Atomic int word = 0;
        double before = now_ns();
        for (int i = 0; i < n; i++) {
            futex(&word, FUTEX_WAKE, 1);
            if (futex(&word, FUTEX_WAIT, 1) != -1 || errno != EAGAIN)
                return 4;
        }
        printf("{\"callsNs\":%.0f}\n", (now_ns() - before) / n);
        return 0;
    }
    if (argc < 5) {
        fprintf(stderr, "usage: pingpong ping|pong NAME ROUNDS WARMUP [futex|spin], or pingpong calls N\n");
        return 2;
    }
    int ping = strcmp(argv[1], "ping") == 0;
    int rounds = atoi(argv[3]), warmup = atoi(argv[4]);
    int mode = argc > 5 && strcmp(argv[5], "spin") == 0 ? SPIN : FUTEX;
    /* The driver's names look like Windows ones (Local\x): the shm name is what follows the last backslash. */
    const char *bare = strrchr(argv[2], '\\') ? strrchr(argv[2], '\\') + 1 : argv[2];
    char name[256];
    snprintf(name, sizeof name, "/%s-pingpong", bare);
    int fd = shm_open(name, O_RDWR | O_CREAT, 0600);
    if (fd < 0 || ftruncate(fd, sizeof(Shared)) != 0) {
        perror("set-up");
        return 3;
    }
    Shared *shared = mmap(NULL, sizeof(Shared), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (shared == MAP_FAILED)
        return 3;
    /* One half for each direction, as a Channel has one ring each way. */
    Half *out = &shared->half[ping ? 0 : 1], *in = &shared->half[ping ? 1 : 0];
    unsigned char message[MESSAGE];
    memset(message, 'x', MESSAGE);

    if (!ping) {
        atomic_store(&shared->here, 1);
        futex(&shared->here, FUTEX_WAKE, 1);
        for (int i = 0; i < warmup + rounds; i++) {
            if (!take_message(in, i + 1, mode, message))
                return 4;
            message[0]++;
            put_message(out, i + 1, mode, message);
        }
        return 0;
    }

    while (atomic_load(&shared->here) == 0)
        if (futex(&shared->here, FUTEX_WAIT, 0) != 0 && errno == ETIMEDOUT)
            return 4;
    shm_unlink(name);
    double *ns = malloc(sizeof(double) * (rounds > 0 ? rounds : 1));
    for (int i = 0; i < warmup + rounds; i++) {
        double before = now_ns();
        message[0] = (unsigned char)i;
        put_message(out, i + 1, mode, message);
        if (!take_message(in, i + 1, mode, message))
            return 4;
        double after = now_ns();
        if (message[0] != (unsigned char)(i + 1)) {
            fprintf(stderr, "round %d: wrong answer %u\n", i, message[0]);
            return 5;
        }
        if (i >= warmup)
            ns[i - warmup] = after - before;
    }
    /* Every round trip, in order: the driver pools several runs before it takes the median and p99. */
    printf("{\"rounds\":%d,\"samplesNs\":[", rounds);
    for (int i = 0; i < rounds; i++)
        printf(i ? ",%.0f" : "%.0f", ns[i]);
    printf("]}\n");
    return 0;
}
