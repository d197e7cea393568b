/* Fails on purpose, for tests/failure/failure_test.sh. Plain MPI. Every rank first prints
 * "rank R pid P job J" (J: MSGPASS_JOBID, "none" under another MPI), then:
 *   deadlock       ranks 0 and 1 each receive from the other first (tag 99, one MPI_INT);
 *                  every other rank waits in MPI_Barrier
 *   abort R CODE   rank R calls MPI_Abort(MPI_COMM_WORLD, CODE) while the others wait
 *   exit R CODE    rank R exits with CODE without MPI_Finalize while the others wait
 *   signal R SIG   rank R raises SIG while the others wait
 *   wait           every rank waits forever in MPI_Recv */
#include <mpi.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void wait_forever(void)
{
    int buf;
    MPI_Recv(&buf, 1, MPI_INT, MPI_ANY_SOURCE, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size, buf = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    const char *job = getenv("MSGPASS_JOBID");
    printf("rank %d pid %ld job %s\n", rank, (long)getpid(), job ? job : "none");
    fflush(stdout);
    const char *mode = argc > 1 ? argv[1] : "";
    int who = argc > 2 ? atoi(argv[2]) : 0, arg = argc > 3 ? atoi(argv[3]) : 0;
    MPI_Barrier(MPI_COMM_WORLD); /* every rank has printed its line */
    if (!strcmp(mode, "deadlock") && size >= 2) {
        if (rank < 2) {
            MPI_Recv(&buf, 1, MPI_INT, 1 - rank, 99, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            MPI_Send(&buf, 1, MPI_INT, 1 - rank, 99, MPI_COMM_WORLD);
        }
        MPI_Barrier(MPI_COMM_WORLD);
    } else if (!strcmp(mode, "abort") || !strcmp(mode, "exit") || !strcmp(mode, "signal")) {
        if (rank != who) wait_forever();
        if (!strcmp(mode, "abort")) MPI_Abort(MPI_COMM_WORLD, arg);
        if (!strcmp(mode, "exit")) exit(arg);
        raise(arg);
    } else if (!strcmp(mode, "wait")) {
        wait_forever();
    } else {
        fprintf(stderr, "failprog: unknown mode '%s' (or too few ranks)\n", mode);
        MPI_Abort(MPI_COMM_WORLD, 2);
    }
    MPI_Finalize();
    return 0;
}
