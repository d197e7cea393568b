/* Point-to-point torture: every rank sends messages of random sizes (0 B to 300 KiB, so eager,
 * fragmented and single-copy rendezvous all mix) with random tags to random peers, in bursts of
 * nonblocking sends; receivers take them with MPI_ANY_SOURCE / MPI_ANY_TAG receives, posted
 * before or after the messages arrive. Every message carries its sender, a per-pair sequence
 * number and a content pattern: nothing may be lost, duplicated, overtaken within a pair, or
 * corrupted. Deterministic per seed (argv[1], default 1).
 *
 * Soak mode: with argv[2] = S > 0 it runs rounds for S seconds instead of a fixed number (rank 0
 * keeps the time and tells the others after every round), and every rank prints its totals. */
#include "check.h" /* first: it sets the feature-test macros */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { ROUNDS = 6, BURST = 24, MAX_LEN = 300 * 1024, HDR = 3 * (int)sizeof(uint32_t) };

static uint32_t rng_next(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

/* The length of a message, biased towards small ones as real codes send them. */
static int pick_len(uint32_t *s)
{
    switch (rng_next(s) % 4) {
    case 0: return (int)(rng_next(s) % 64);
    case 1: return (int)(rng_next(s) % 16384);
    case 2: return (int)(rng_next(s) % 131072);
    default: return (int)(rng_next(s) % MAX_LEN);
    }
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    chk_begin("p2p_torture");
    int me = chk_rank, np = chk_size;
    uint32_t seed = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 10) : 1u;
    double soak_seconds = argc > 2 ? atof(argv[2]) : 0.0, t0 = MPI_Wtime();
    long long received = 0, received_bytes = 0;
    uint32_t rng = seed * 2654435761u + (uint32_t)me * 40503u + 1u;
    uint32_t *sent_seq = calloc((size_t)np, sizeof(uint32_t)), *recv_seq = calloc((size_t)np, sizeof(uint32_t));
    int *to_me = malloc(sizeof(int) * (size_t)np), *from_me = malloc(sizeof(int) * (size_t)np);
    unsigned char *sbuf = chk_malloc((size_t)BURST * (MAX_LEN + HDR));
    unsigned char *rbuf = chk_malloc((size_t)BURST * (MAX_LEN + HDR));
    MPI_Request *sreq = malloc(sizeof(MPI_Request) * BURST), *rreq = malloc(sizeof(MPI_Request) * BURST);
    int round = 0;
    for (int more = 1; more; round++) {
        chk_case("round %d: sending a burst of %d messages", round, BURST);
        memset(from_me, 0, sizeof(int) * (size_t)np);
        for (int i = 0; i < BURST; i++) {
            int dst = (int)(rng_next(&rng) % (uint32_t)np), len = pick_len(&rng);
            unsigned char *m = sbuf + (size_t)i * (MAX_LEN + HDR);
            uint32_t hdr[3] = {(uint32_t)me, sent_seq[dst]++, (uint32_t)len};
            memcpy(m, hdr, HDR);
            chk_fill(m + HDR, (size_t)len, chk_seed(seed, (uint32_t)me, (uint32_t)dst, hdr[1]));
            int tag = (int)(rng_next(&rng) % 8);
            if (rng_next(&rng) % 5 == 0)
                MPI_OK(MPI_Issend(m, len + HDR, MPI_BYTE, dst, tag, MPI_COMM_WORLD, &sreq[i]));
            else
                MPI_OK(MPI_Isend(m, len + HDR, MPI_BYTE, dst, tag, MPI_COMM_WORLD, &sreq[i]));
            from_me[dst]++;
        }
        /* How many messages come my way this round. */
        for (int r = 0; r < np; r++) {
            int n = 0;
            MPI_OK(MPI_Reduce(&from_me[r], &n, 1, MPI_INT, MPI_SUM, r, MPI_COMM_WORLD));
            if (r == me) to_me[0] = n;
        }
        int expect = to_me[0], got = 0;
        chk_case("round %d: receiving %d messages with wildcards", round, expect);
        while (got < expect) {
            int n = expect - got < BURST ? expect - got : BURST;
            for (int i = 0; i < n; i++)
                MPI_OK(MPI_Irecv(rbuf + (size_t)i * (MAX_LEN + HDR), MAX_LEN + HDR, MPI_BYTE, MPI_ANY_SOURCE,
                                 MPI_ANY_TAG, MPI_COMM_WORLD, &rreq[i]));
            /* Completion order is free (a small message can finish before an earlier large one);
             * matching order is not: receive i, posted i-th, must hold each sender's next message. */
            MPI_Status st[BURST];
            for (int done = 0; done < n; done++) {
                int idx;
                MPI_Status one;
                MPI_OK(MPI_Waitany(n, rreq, &idx, &one));
                CHECK(idx >= 0 && idx < n, "Waitany index %d out of 0..%d", idx, n - 1);
                st[idx] = one;
            }
            for (int i = 0; i < n; i++) {
                const unsigned char *m = rbuf + (size_t)i * (MAX_LEN + HDR);
                uint32_t hdr[3];
                memcpy(hdr, m, HDR);
                int count;
                MPI_OK(MPI_Get_count(&st[i], MPI_BYTE, &count));
                CHECK_INT(count, (int)hdr[2] + HDR, "received length");
                CHECK_INT(st[i].MPI_SOURCE, (int)hdr[0], "status source against the message's sender");
                CHECK(st[i].MPI_TAG >= 0 && st[i].MPI_TAG < 8, "status tag %d out of 0..7", st[i].MPI_TAG);
                CHECK_INT((int)hdr[1], (int)recv_seq[hdr[0]], "per-pair sequence number (non-overtaking)");
                recv_seq[hdr[0]]++;
                CHECK_BUF(m + HDR, hdr[2], chk_seed(seed, hdr[0], (uint32_t)me, hdr[1]), "message content");
                received_bytes += hdr[2];
            }
            got += n;
        }
        received += got;
        MPI_OK(MPI_Waitall(BURST, sreq, MPI_STATUSES_IGNORE));
        more = soak_seconds > 0.0 ? MPI_Wtime() - t0 < soak_seconds : round + 1 < ROUNDS;
        if (soak_seconds > 0.0) MPI_OK(MPI_Bcast(&more, 1, MPI_INT, 0, MPI_COMM_WORLD));
    }
    /* Every message sent was received exactly once, job-wide. */
    long long sent_total = (long long)round * BURST, received_total = 0;
    MPI_OK(MPI_Allreduce(&received, &received_total, 1, MPI_LONG_LONG, MPI_SUM, MPI_COMM_WORLD));
    CHECK(received_total == sent_total * np, "job-wide %lld messages received, %lld sent", received_total,
          sent_total * np);
    if (soak_seconds > 0.0)
        printf("p2p_torture: rank %d: %d rounds, %lld messages (%lld bytes of payload) received and checked\n", me,
               round, received, received_bytes);
    free(sent_seq);
    free(recv_seq);
    free(to_me);
    free(from_me);
    free(sbuf);
    free(rbuf);
    free(sreq);
    free(rreq);
    return chk_end();
}
