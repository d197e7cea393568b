/* Launcher test helper: no MPI, only the MSGPASS_* environment mpprun sets.
 *   lt_helper exit CODE RANK       rank RANK exits with CODE, the others exit 0
 *   lt_helper fail CODE RANK       rank RANK exits with CODE, the others sleep until killed
 *   lt_helper signal SIG RANK      rank RANK kills itself with SIG, the others sleep
 *   lt_helper sleep [stubborn]     sleep until killed (stubborn: ignore SIGTERM/SIGINT)
 *   lt_helper lines COUNT          COUNT numbered lines on stdout and COUNT/10 on stderr, fast
 *   lt_helper longline LEN         one line of LEN 'x' characters, written in small pieces
 *   lt_helper partial              "partial-R" without a newline
 *   lt_helper stdin                reads stdin to EOF, prints "rank R read N bytes sum S"
 *   lt_helper env                  prints "rank=R NAME=VALUE" for the MSGPASS_* variables mpprun
 *                                  sets, and "rank=R open_fds=N" (inherited descriptors)
 * With LT_PIDDIR set, every rank first writes its pid to $LT_PIDDIR/RANK.pid. */
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int rank;

static void sleep_forever(void)
{
    for (;;) pause();
}

static void write_pid(void)
{
    const char *dir = getenv("LT_PIDDIR");
    if (!dir) return;
    char path[4096];
    snprintf(path, sizeof path, "%s/%d.pid", dir, rank);
    FILE *f = fopen(path, "w");
    if (!f) return;
    fprintf(f, "%ld\n", (long)getpid());
    fclose(f);
}

int main(int argc, char **argv)
{
    const char *r = getenv("MSGPASS_RANK");
    rank = r ? atoi(r) : -1;
    if (argc < 2) return 99;
    const char *mode = argv[1];
    write_pid();
    if (!strcmp(mode, "exit") || !strcmp(mode, "fail")) {
        if (argc < 4) return 99;
        if (rank == atoi(argv[3])) {
            usleep(50000);
            return atoi(argv[2]);
        }
        if (!strcmp(mode, "exit")) return 0;
        sleep_forever();
    } else if (!strcmp(mode, "signal")) {
        if (argc < 4) return 99;
        if (rank == atoi(argv[3])) {
            usleep(50000);
            signal(atoi(argv[2]), SIG_DFL);
            raise(atoi(argv[2]));
            return 98;
        }
        sleep_forever();
    } else if (!strcmp(mode, "sleep")) {
        if (argc > 2 && !strcmp(argv[2], "stubborn")) {
            signal(SIGTERM, SIG_IGN);
            signal(SIGINT, SIG_IGN);
        }
        printf("rank %d sleeping\n", rank);
        fflush(stdout);
        sleep_forever();
    } else if (!strcmp(mode, "lines")) {
        if (argc < 3) return 99;
        int n = atoi(argv[2]);
        setvbuf(stdout, NULL, _IOFBF, 1000); /* odd buffer size: lines cross write() boundaries */
        for (int i = 0; i < n; i++) {
            printf("rank=%d line=%d payload=abcdefghijklmnopqrstuvwxyz0123456789\n", rank, i);
            if (i % 10 == 0) fprintf(stderr, "rank=%d err=%d\n", rank, i / 10);
        }
        return 0;
    } else if (!strcmp(mode, "longline")) {
        if (argc < 3) return 99;
        long len = atol(argv[2]);
        char chunk[1000];
        memset(chunk, 'x', sizeof chunk);
        for (long done = 0; done < len;) {
            long k = len - done < (long)sizeof chunk ? len - done : (long)sizeof chunk;
            if (write(1, chunk, (size_t)k) != k) return 97;
            done += k;
        }
        return write(1, "\n", 1) == 1 ? 0 : 97;
    } else if (!strcmp(mode, "partial")) {
        printf("partial-%d", rank);
        return 0;
    } else if (!strcmp(mode, "stdin")) {
        unsigned long long sum = 0, n = 0;
        int c;
        while ((c = getchar()) != EOF) {
            sum += (unsigned char)c;
            n++;
        }
        printf("rank %d read %llu bytes sum %llu\n", rank, n, sum);
        return 0;
    } else if (!strcmp(mode, "env")) {
        const char *vars[] = {"MSGPASS_BOOT_FD", "MSGPASS_RANK",       "MSGPASS_SIZE",
                              "MSGPASS_JOBID",   "MSGPASS_LOCAL_RANK", "MSGPASS_LOCAL_SIZE",
                              "MSGPASS_CPUS",    "MSGPASS_JOB_SECRET", "MSGPASS_HOSTNAME"};
        for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
            const char *v = getenv(vars[i]);
            printf("rank=%d %s=%s\n", rank, vars[i], v ? v : "(unset)");
        }
        int nfds = 0;
        DIR *d = opendir("/proc/self/fd");
        if (d) {
            struct dirent *e;
            while ((e = readdir(d)))
                if (e->d_name[0] != '.') nfds++;
            closedir(d);
        }
        printf("rank=%d open_fds=%d\n", rank, nfds - 1); /* minus the one opendir holds */
        return 0;
    }
    return 99;
}
