/* Error texts and the two error-handler paths of mp_error. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/errhandler.h"
#include "core/error.h"

static void test_texts(void **state)
{
    (void)state;
    for (int cls = MPI_SUCCESS; cls <= MPI_ERR_INFO; cls++) {
        const char *t = mp_error_text(cls);
        if (!t || !*t) fail_msg("error class %d has no text", cls);
        assert_true(strlen(t) < MPI_MAX_ERROR_STRING);
    }
    assert_string_equal(mp_error_text(MPI_SUCCESS), "no error");
    assert_string_equal(mp_error_text(MPI_ERR_TRUNCATE), "message truncated");
    /* Unused numbers up to MPI_ERR_LASTCODE are reserved classes: valid, with a text. */
    assert_string_equal(mp_error_text(MPI_ERR_INFO + 1), "reserved error class");
    assert_string_equal(mp_error_text(MPI_ERR_LASTCODE), "reserved error class");
    assert_int_equal(mp_error_class(MPI_ERR_LASTCODE), MPI_ERR_LASTCODE);
    assert_null(mp_error_text(-1));
    assert_null(mp_error_text(MPI_ERR_LASTCODE + 1));
    assert_null(mp_error_text(1 << 20));
    assert_int_equal(mp_error_class(-1), -1);
    assert_int_equal(mp_error_class(MPI_ERR_LASTCODE + 1), -1);
}

static void test_added_codes(void **state)
{
    (void)state;
    assert_int_equal(mp_error_last_code(), MPI_ERR_LASTCODE);
    int cls, code, code2;
    assert_int_equal(mp_error_add_class(&cls), MPI_SUCCESS);
    assert_int_equal(cls, MPI_ERR_LASTCODE + 1);
    assert_int_equal(mp_error_add_code(cls, &code), MPI_SUCCESS);
    assert_int_equal(mp_error_add_code(MPI_ERR_TAG, &code2), MPI_SUCCESS);
    assert_int_equal(mp_error_last_code(), code2);
    assert_int_equal(mp_error_class(cls), cls);
    assert_int_equal(mp_error_class(code), cls);
    assert_int_equal(mp_error_class(code2), MPI_ERR_TAG);
    assert_string_equal(mp_error_text(code), "");
    assert_int_equal(mp_error_add_string(code, "my code"), MPI_SUCCESS);
    assert_int_equal(mp_error_add_string(code, "my code, renamed"), MPI_SUCCESS);
    assert_string_equal(mp_error_text(code), "my code, renamed");
    assert_int_equal(mp_error_add_string(MPI_ERR_TAG, "no"), MPI_ERR_ARG);
    assert_int_equal(mp_error_add_string(code2 + 1, "no"), MPI_ERR_ARG);
    assert_string_equal(mp_error_text(MPI_ERR_TAG), "invalid tag");
    mp_error_finalize();
    assert_int_equal(mp_error_last_code(), MPI_ERR_LASTCODE);
    assert_null(mp_error_text(code));
}

static MPI_Comm seen_comm;
static int seen_code, seen_calls;

static void record(MPI_Comm *comm, int *code, ...)
{
    seen_comm = *comm;
    seen_code = *code;
    seen_calls++;
}

static void test_user_handler(void **state)
{
    (void)state;
    MPI_Errhandler h;
    assert_int_equal(mp_errhandler_create(record, &h), MPI_SUCCESS);
    assert_true(h > MPI_ERRORS_RETURN);
    assert_true(mp_errhandler_valid(h));
    struct mp_comm c = {.handle = 7, .errhandler = h};
    mp_g.initialized = 1;
    assert_int_equal(mp_error(&c, MPI_ERR_RANK, "MPI_Send", "rank %d", 99), MPI_ERR_RANK);
    mp_g.initialized = 0;
    assert_int_equal(seen_calls, 1);
    assert_int_equal(seen_comm, 7);
    assert_int_equal(seen_code, MPI_ERR_RANK);
    /* The handle's reference and one more: the handler lives until both are gone. */
    mp_errhandler_retain(h);
    mp_errhandler_release(h);
    assert_true(mp_errhandler_valid(h));
    mp_errhandler_release(h);
    assert_false(mp_errhandler_valid(h));
    assert_true(mp_errhandler_valid(MPI_ERRORS_RETURN));
    assert_false(mp_errhandler_valid(MPI_ERRHANDLER_NULL));
    mp_errhandler_finalize();
}

static void test_errors_return(void **state)
{
    (void)state;
    struct mp_comm c = {.handle = 5, .errhandler = MPI_ERRORS_RETURN};
    mp_g.initialized = 1;
    assert_int_equal(mp_error(&c, MPI_ERR_TAG, "MPI_Send", "invalid tag %d", -7), MPI_ERR_TAG);
    mp_g.initialized = 0;
}

/* Runs mp_error in a child and returns what it wrote on stderr and its exit status. */
static int run_fatal(struct mp_comm *c, int initialized, char *out, size_t len)
{
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(fds[1], STDERR_FILENO);
        mp_g.initialized = initialized;
        mp_g.world_rank = 3;
        mp_error(c, MPI_ERR_COUNT, "MPI_Recv", "negative count %d (argument count)", -2);
        _exit(100); /* not reached: the fatal path never returns */
    }
    close(fds[1]);
    size_t n = 0;
    ssize_t r;
    while (n + 1 < len && (r = read(fds[0], out + n, len - 1 - n)) > 0) n += (size_t)r;
    out[n] = 0;
    close(fds[0]);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    return status;
}

static void test_errors_are_fatal(void **state)
{
    (void)state;
    char out[2048];
    struct mp_comm c = {.handle = 5, .errhandler = MPI_ERRORS_ARE_FATAL};
    int status = run_fatal(&c, 1, out, sizeof out);
    /* Without a launcher the rank prints the one report line itself and exits with the class. */
    assert_non_null(strstr(
        out, "msgpass: job aborted with code 2: rank 3: MPI_Recv: negative count -2 (argument count): invalid count "
             "argument\n"));
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), MPI_ERR_COUNT);
}

/* Before MPI_Init there is no communicator whose handler could say "return". */
static void test_fatal_before_init(void **state)
{
    (void)state;
    char out[2048];
    int status = run_fatal(NULL, 0, out, sizeof out);
    assert_true(strstr(out, "MPI_Recv: negative count -2"));
    assert_false(WIFEXITED(status) && WEXITSTATUS(status) == 100);
    assert_false(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_texts),
        cmocka_unit_test(test_errors_return),
        cmocka_unit_test(test_added_codes),
        cmocka_unit_test(test_user_handler),
        cmocka_unit_test(test_errors_are_fatal),
        cmocka_unit_test(test_fatal_before_init),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
