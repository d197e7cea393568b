/* Fuzz target: the rank side of the bootstrap (src/boot/boot.c) reading mpprun's replies — a GET
 * and a FENCE answered by fuzzed bytes, then the connection closed. A value handed to the caller
 * must be a valid token that fits its buffer; anything else must be an error, never a read past
 * the reply buffer or a hang. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "boot/boot.h"
#include "mpi.h"

#define BOOT_FD 100

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int once;
    if (!once) {
        once = 1;
        setenv("MSGPASS_SIZE", "2", 1);
        setenv("MSGPASS_RANK", "0", 1);
        setenv("MSGPASS_JOBID", "fuzz", 1);
        char fd[16];
        snprintf(fd, sizeof fd, "%d", BOOT_FD);
        setenv("MSGPASS_BOOT_FD", fd, 1);
        /* Every refused reply is reported on stderr: the library's stream goes nowhere, while
         * libFuzzer and the sanitizers keep descriptor 2. */
        FILE *null = fopen("/dev/null", "w");
        if (null) stderr = null;
    }
    if (size > 60000) return 0; /* one socket buffer takes it whole */
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) abort();
    int big = 1 << 20;
    setsockopt(sv[1], SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
    if (dup2(sv[0], BOOT_FD) < 0) abort();
    close(sv[0]);
    if (size && write(sv[1], data, size) != (ssize_t)size) abort();
    shutdown(sv[1], SHUT_WR); /* then EOF: a reply without its newline ends in an error */
    struct mp_boot_info info;
    if (mp_boot_init(&info) != MPI_SUCCESS) abort();
    char value[64];
    int rc = mp_boot_get("key", value, sizeof value);
    if (rc == MPI_SUCCESS) {
        size_t n = strnlen(value, sizeof value);
        if (n == 0 || n == sizeof value) abort();
        for (size_t i = 0; i < n; i++)
            if (value[i] <= ' ' || value[i] >= 127) abort();
    }
    mp_boot_fence();
    mp_boot_get("other", value, sizeof value);
    mp_boot_finalize();
    close(sv[1]);
    return 0;
}
