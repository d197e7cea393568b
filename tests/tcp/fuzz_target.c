/* A job that keeps every pair of ranks talking (eager and rendezvous sizes, contents checked)
 * until the file named by argv[1] exists, so a script can throw bytes at its listening ports
 * meanwhile (fuzz.sh). Plain MPI. */
#include "../mpi/check.h"

#define MAXLEN (256 * 1024)

static void fill(unsigned char *b, int len, int from, int round)
{
    for (int i = 0; i < len; i++) b[i] = (unsigned char)(i * 7 + from * 13 + round);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    chk_begin("fuzz_target");
    if (argc < 2) {
        fprintf(stderr, "usage: fuzz_target STOPFILE\n");
        MPI_Abort(MPI_COMM_WORLD, 2);
    }
    unsigned char *out = malloc(MAXLEN), *in = malloc(MAXLEN), *want = malloc(MAXLEN);
    static const int lens[] = {0, 8, 1000, 70000, MAXLEN};
    int stop = 0, round = 0;
    while (!stop) {
        int len = lens[round % 5];
        for (int shift = 1; shift < chk_size; shift++) {
            int to = (chk_rank + shift) % chk_size, from = (chk_rank - shift + chk_size) % chk_size;
            chk_case("round %d, %d bytes, shift %d", round, len, shift);
            fill(out, len, chk_rank, round);
            fill(want, len, from, round);
            MPI_Status st;
            MPI_Sendrecv(out, len, MPI_BYTE, to, round, in, MAXLEN, MPI_BYTE, from, round, MPI_COMM_WORLD, &st);
            int count;
            MPI_Get_count(&st, MPI_BYTE, &count);
            CHECK(count == len, "received %d bytes from rank %d, expected %d", count, from, len);
            CHECK(memcmp(in, want, (size_t)len) == 0, "wrong content from rank %d", from);
        }
        if (chk_rank == 0) stop = access(argv[1], F_OK) == 0 || round >= 2000000;
        MPI_Bcast(&stop, 1, MPI_INT, 0, MPI_COMM_WORLD);
        round++;
    }
    free(out);
    free(in);
    free(want);
    return chk_end();
}
