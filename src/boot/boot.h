/* Bootstrap: how a rank learns its rank, the job size and its peers' addresses.
 *
 * Under mpprun the rank inherits a connected stream socket (fd in MSGPASS_BOOT_FD) to its
 * launcher and speaks the line protocol in docs/bootstrap.md (PUT / FENCE / GET / ABORT / FINI).
 * Without MSGPASS_BOOT_FD the program is a singleton: rank 0 of 1, and the key-value store is
 * local to the process. */
#ifndef MP_BOOT_H
#define MP_BOOT_H

#include <stddef.h>

#define MP_BOOT_KEY_MAX 128
#define MP_BOOT_VAL_MAX 1024

struct mp_boot_info {
    int rank;
    int size;
    int singleton;
    int local_size; /* ranks of the job on this host, from MSGPASS_LOCAL_SIZE (1 if unset) */
    int cpus;       /* cpus available to the job on this host, from MSGPASS_CPUS (0 if unset) */
    char jobid[64]; /* unique per job, safe in file names */
};

int mp_boot_init(struct mp_boot_info *info); /* MPI error class */
/* Publishes key=value for every rank (visible to GET after the next fence). Keys and values are
 * printable, without whitespace. */
int mp_boot_put(const char *key, const char *value);
/* Collective over all ranks of the job: returns when every rank has called it. */
int mp_boot_fence(void);
/* Looks up a key published before the last fence; MPI_ERR_OTHER if absent. */
int mp_boot_get(const char *key, char *value, size_t len);
/* Tells the launcher this rank finished MPI_Finalize, then closes the connection. */
void mp_boot_finalize(void);
/* Asks the launcher to end the whole job with `code` (message shown to the user), then exits. */
_Noreturn void mp_boot_abort(int code, const char *msg);

#endif
