/* Bootstrap client test, built from src/boot/boot.c alone (no MPI library needed).
 *   lt_boot kv         PUT own key, FENCE, GET every rank's key and check it (twice), GET a
 *                      missing key, FINI. Prints "kv ok rank R size S". Works as a singleton too.
 *   lt_boot hello      publishes its host name (MSGPASS_HOSTNAME, else gethostname), fences, reads
 *                      every rank's and prints "hello rank R size S host H hosts H0,H1,..."
 *   lt_boot react V HOW   rank V dies after the fence (HOW: "signal" = SIGKILL, "nofini" = exit 0
 *                      without finalizing); the lowest other rank waits until V is gone, then
 *                      aborts with code 16 the way a peer noticing a lost connection does
 *   lt_boot abort [R [C]]  rank R (0) calls mp_boot_abort(C (5), "test"); the others wait
 *   lt_boot nofini     PUT, FENCE, exit 0 without mp_boot_finalize
 *   lt_boot garbage    writes a malformed line on the bootstrap socket, then waits
 *   lt_boot badenv     (run with a broken environment) mp_boot_init must fail */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "boot/boot.h"
#include "mpi.h"

#define CHECK(cond, ...)                                                                                               \
    do {                                                                                                               \
        if (!(cond)) {                                                                                                 \
            fprintf(stderr, "lt_boot: rank %d: ", info.rank);                                                          \
            fprintf(stderr, __VA_ARGS__);                                                                              \
            fputc('\n', stderr);                                                                                       \
            exit(3);                                                                                                   \
        }                                                                                                              \
    } while (0)

int main(int argc, char **argv)
{
    struct mp_boot_info info = {0};
    const char *mode = argc > 1 ? argv[1] : "kv";
    int rc = mp_boot_init(&info);
    if (!strcmp(mode, "badenv")) {
        printf("init rc %d\n", rc);
        return rc == MPI_SUCCESS ? 1 : 0;
    }
    CHECK(rc == MPI_SUCCESS, "mp_boot_init failed: %d", rc);
    CHECK(info.size >= 1 && info.rank >= 0 && info.rank < info.size, "bad rank %d size %d", info.rank, info.size);
    CHECK(info.jobid[0] != '\0', "empty job id");
    char key[MP_BOOT_KEY_MAX], val[MP_BOOT_VAL_MAX], want[MP_BOOT_VAL_MAX];

    if (!strcmp(mode, "kv")) {
        CHECK(info.singleton == (getenv("MSGPASS_BOOT_FD") == NULL), "singleton flag wrong");
        for (int round = 0; round < 2; round++) {
            snprintf(key, sizeof key, "r%d-k%d", round, info.rank);
            snprintf(val, sizeof val, "value-%d-%d-%s", round, info.rank, info.jobid);
            CHECK(mp_boot_put(key, val) == MPI_SUCCESS, "put failed");
            CHECK(mp_boot_fence() == MPI_SUCCESS, "fence failed");
            for (int r = 0; r < info.size; r++) {
                snprintf(key, sizeof key, "r%d-k%d", round, r);
                snprintf(want, sizeof want, "value-%d-%d-%s", round, r, info.jobid);
                CHECK(mp_boot_get(key, val, sizeof val) == MPI_SUCCESS, "get %s failed", key);
                CHECK(!strcmp(val, want), "get %s: '%s', expected '%s'", key, val, want);
            }
        }
        /* a long value, a missing key, a too small buffer, bad arguments */
        memset(want, 'v', MP_BOOT_VAL_MAX - 1);
        want[MP_BOOT_VAL_MAX - 1] = '\0';
        snprintf(key, sizeof key, "long-%d", info.rank);
        CHECK(mp_boot_put(key, want) == MPI_SUCCESS, "put of a 1023-byte value failed");
        CHECK(mp_boot_fence() == MPI_SUCCESS, "fence failed");
        snprintf(key, sizeof key, "long-%d", (info.rank + 1) % info.size);
        CHECK(mp_boot_get(key, val, sizeof val) == MPI_SUCCESS && !strcmp(val, want), "long value wrong");
        CHECK(mp_boot_get(key, val, 10) == MPI_ERR_TRUNCATE, "small buffer not reported");
        CHECK(mp_boot_get("no-such-key", val, sizeof val) == MPI_ERR_OTHER, "missing key found");
        CHECK(mp_boot_put("has space", "v") == MPI_ERR_ARG, "key with a space accepted");
        CHECK(mp_boot_put("k", "") == MPI_ERR_ARG, "empty value accepted");
        mp_boot_finalize();
        printf("kv ok rank %d size %d\n", info.rank, info.size);
        return 0;
    }
    if (!strcmp(mode, "hello")) {
        char host[MP_BOOT_VAL_MAX] = "";
        const char *sim = getenv("MSGPASS_HOSTNAME");
        if (sim && *sim)
            snprintf(host, sizeof host, "%s", sim);
        else
            CHECK(gethostname(host, sizeof host - 1) == 0, "gethostname failed");
        snprintf(key, sizeof key, "host-%d", info.rank);
        CHECK(mp_boot_put(key, host) == MPI_SUCCESS, "put failed");
        CHECK(mp_boot_fence() == MPI_SUCCESS, "fence failed");
        printf("hello rank %d size %d host %s hosts ", info.rank, info.size, host);
        for (int r = 0; r < info.size; r++) {
            snprintf(key, sizeof key, "host-%d", r);
            CHECK(mp_boot_get(key, val, sizeof val) == MPI_SUCCESS, "get %s failed", key);
            printf("%s%s", r ? "," : "", val);
        }
        printf("\n");
        mp_boot_finalize();
        return 0;
    }
    if (!strcmp(mode, "react")) {
        int victim = argc > 2 ? atoi(argv[2]) : 0;
        const char *how = argc > 3 ? argv[3] : "signal";
        snprintf(key, sizeof key, "pid-%d", info.rank);
        snprintf(val, sizeof val, "%ld", (long)getpid());
        CHECK(mp_boot_put(key, val) == MPI_SUCCESS, "put failed");
        CHECK(mp_boot_fence() == MPI_SUCCESS, "fence failed");
        if (info.rank == victim) {
            if (!strcmp(how, "nofini")) return 0;
            raise(SIGKILL);
        }
        if (info.rank != (victim == 0 ? 1 : 0))
            for (;;) pause();
        snprintf(key, sizeof key, "pid-%d", victim);
        CHECK(mp_boot_get(key, val, sizeof val) == MPI_SUCCESS, "get %s failed", key);
        char path[64], stat[256];
        snprintf(path, sizeof path, "/proc/%ld/stat", atol(val));
        for (;;) { /* gone, or a zombie nobody has reaped yet */
            FILE *f = fopen(path, "r");
            if (!f) break;
            size_t n = fread(stat, 1, sizeof stat - 1, f);
            fclose(f);
            stat[n] = '\0';
            char *rp = strrchr(stat, ')');
            if (rp && rp[1] == ' ' && (rp[2] == 'Z' || rp[2] == 'X')) break;
            usleep(1000);
        }
        snprintf(val, sizeof val, "lost contact with rank %d", victim);
        mp_boot_abort(16, val);
    }
    if (!strcmp(mode, "abort")) {
        int who = argc > 2 ? atoi(argv[2]) : 0;
        int code = argc > 3 ? atoi(argv[3]) : 5;
        if (info.rank == who) mp_boot_abort(code, "test");
        for (;;) pause();
    }
    if (!strcmp(mode, "nofini")) {
        snprintf(key, sizeof key, "k%d", info.rank);
        CHECK(mp_boot_put(key, "x") == MPI_SUCCESS, "put failed");
        CHECK(mp_boot_fence() == MPI_SUCCESS, "fence failed");
        if (info.rank == info.size - 1) return 0; /* forgets to finalize */
        mp_boot_finalize();
        return 0;
    }
    if (!strcmp(mode, "garbage")) {
        if (info.rank == 0) {
            int fd = atoi(getenv("MSGPASS_BOOT_FD"));
            const char junk[] = "HELLO there\n";
            if (write(fd, junk, sizeof junk - 1) < 0) return 4;
        }
        for (;;) pause();
    }
    return 99;
}
