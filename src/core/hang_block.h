/* The rank status block: a small shared-memory file per rank (/dev/shm/msgpass-<jobid>-hang-<rank>)
 * that the rank writes and mpprun (or its proxy on the rank's host) reads without the rank's help,
 * so a rank stuck in a blocking wait, or already dead, still says where it is or was. Plain C, no
 * library headers: mpprun compiles against it too. One writer; a reader copies the block and checks
 * snap_gen around the snapshot part (odd while it is being rewritten). */
#ifndef MP_HANG_BLOCK_H
#define MP_HANG_BLOCK_H

#include <stdint.h>

#define MP_HANG_MAGIC 0x4d50484bu /* "MPHK" */
#define MP_HANG_VERSION 1u
#define MP_HANG_NAMES 256       /* distinct MPI call names a rank can record */
#define MP_HANG_NAME_LEN 32     /* per call name, NUL included (longer ones are cut) */
#define MP_HANG_OBJ_LEN 48      /* communicator and datatype names, NUL included */
#define MP_HANG_PENDING 16      /* pending requests listed in a snapshot */
#define MP_HANG_FRESH_S 2.0     /* a snapshot older than this while the call is unchanged: not blocked */
#define MP_HANG_ANY_SOURCE (-2) /* MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_PROC_NULL as in mpi.h */
#define MP_HANG_ANY_TAG (-1)
#define MP_HANG_PROC_NULL (-3)

enum mp_hang_kind { MP_HANG_SEND = 1, MP_HANG_RECV = 2, MP_HANG_COLL = 3 };

struct mp_hang_req {
    uint8_t kind;   /* enum mp_hang_kind */
    uint8_t state;  /* 1 active, 2 complete but not yet waited for */
    uint8_t waited; /* the blocking call waits for this request */
    uint8_t pad;
    int32_t peer;       /* rank in the communicator, or MP_HANG_ANY_SOURCE */
    int32_t world_peer; /* rank in the job; -1 when any or unknown */
    int32_t tag;
    int32_t count; /* -1 when not known (engine-internal requests) */
    uint32_t ctx;  /* matching context: equal on both sides of a message */
    uint64_t bytes;
    char comm[MP_HANG_OBJ_LEN];
    char dtype[MP_HANG_OBJ_LEN];
};

struct mp_hang_block {
    uint32_t magic;
    uint32_t version;
    int32_t rank;
    int32_t pid;
    /* written at every MPI call (a few plain stores) */
    uint32_t call;     /* names[call - 1]; 0 before the first call */
    uint32_t seq;      /* MPI calls so far */
    int32_t comm;      /* the call's communicator handle, or -1 */
    uint32_t args_seq; /* seq of the call that recorded the point-to-point arguments below */
    int32_t peer, tag, count, dtype;
    /* written while the rank waits (sleeping in the idle loop) */
    uint32_t wait_seq;     /* the call the wait below belongs to */
    int64_t wait_since_ns; /* CLOCK_MONOTONIC, when that call started to sleep */
    uint32_t snap_gen;
    uint32_t snap_seq; /* the call the snapshot belongs to */
    int64_t snap_ns;   /* CLOCK_MONOTONIC of the snapshot */
    uint32_t npending; /* active requests (only the first MP_HANG_PENDING are listed) */
    uint32_t started;  /* MPI_Init has returned */
    char comm_name[MP_HANG_OBJ_LEN];
    char dtype_name[MP_HANG_OBJ_LEN];
    struct mp_hang_req pending[MP_HANG_PENDING];
    /* call names, appended on first use */
    uint32_t nnames;
    char names[MP_HANG_NAMES][MP_HANG_NAME_LEN];
};

#endif
