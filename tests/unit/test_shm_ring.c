/* The shm ring between two real processes (fork) over a real shared mapping, plus single-process
 * checks of wrap-around, full-ring refusal and stale-data immunity. */
#include <setjmp.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "transports/shm/shm_ring.h"

#define RING 4096u

static struct mp_ring_shared *map_ring_of(size_t ring_size)
{
    void *p = mmap(NULL, mp_ring_footprint(ring_size), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    assert_true(p != MAP_FAILED);
    return p;
}

static struct mp_ring_shared *map_ring(void)
{
    return map_ring_of(RING);
}

static void fill(unsigned char *p, size_t len, uint32_t seed)
{
    for (size_t i = 0; i < len; i++) p[i] = (unsigned char)(seed * 31u + i * 7u);
}

static int check(const unsigned char *p, size_t len, uint32_t seed)
{
    for (size_t i = 0; i < len; i++)
        if (p[i] != (unsigned char)(seed * 31u + i * 7u)) return 0;
    return 1;
}

/* Odd messages carry payload that looks like valid control words at every 8-byte offset, so a
 * consumer that took stale payload for an entry would fail the sequence check. */
static void fill_msg(unsigned char *p, size_t len, uint32_t i)
{
    if (i % 2 == 0) {
        fill(p, len, i);
        return;
    }
    const uint64_t fake = MP_RING_VALID | 8;
    for (size_t off = 0; off < len; off++) p[off] = ((const unsigned char *)&fake)[off % 8];
}

static int check_msg(const unsigned char *p, size_t len, uint32_t i)
{
    if (i % 2 == 0) return check(p, len, i);
    const uint64_t fake = MP_RING_VALID | 8;
    for (size_t off = 0; off < len; off++)
        if (p[off] != ((const unsigned char *)&fake)[off % 8]) return 0;
    return 1;
}

/* Lengths wander over every size an entry of the ring can have, in a pattern whose entries do
 * not line up lap after lap (37 and 997 are prime to the cell count). */
static size_t len_of(uint32_t i, size_t ring_size)
{
    return (size_t)(i * (ring_size > RING ? 997u : 37u)) % (mp_ring_max_payload(ring_size) + 1 - 4);
}

static void test_empty_ring_has_nothing(void **state)
{
    (void)state;
    struct mp_ring_shared *ring = map_ring();
    struct mp_ring_rx rx;
    mp_ring_rx_init(&rx, ring, RING);
    size_t len = 99;
    assert_null(mp_ring_peek(&rx, &len));
    assert_int_equal(len, 99);
    munmap(ring, mp_ring_footprint(RING));
}

static void test_full_ring_refuses_then_accepts(void **state)
{
    (void)state;
    struct mp_ring_shared *ring = map_ring();
    struct mp_ring_tx tx;
    struct mp_ring_rx rx;
    assert_int_equal(mp_ring_tx_init(&tx, ring, RING), 0);
    mp_ring_rx_init(&rx, ring, RING);
    const size_t len = 100; /* 2 cells per entry */
    int accepted = 0;
    void *p;
    while ((p = mp_ring_reserve(&tx, len)) != NULL) {
        fill(p, len, (uint32_t)accepted);
        mp_ring_commit(&tx, len);
        accepted++;
    }
    /* 64 cells: 32 two-cell entries fit. */
    assert_int_equal(accepted, RING / MP_RING_CELL / 2);
    size_t got = 0;
    const unsigned char *q = mp_ring_peek(&rx, &got);
    assert_non_null(q);
    assert_int_equal(got, len);
    assert_true(check(q, got, 0));
    mp_ring_consume(&rx, got);
    /* Still nothing published (less than a quarter consumed): the producer stays refused ... */
    assert_null(mp_ring_reserve(&tx, len));
    /* ... until the consumer drains and finds the ring empty, which publishes its position. */
    for (int i = 1; i < accepted; i++) {
        q = mp_ring_peek(&rx, &got);
        assert_non_null(q);
        assert_true(check(q, got, (uint32_t)i));
        mp_ring_consume(&rx, got);
    }
    assert_null(mp_ring_peek(&rx, &got));
    assert_non_null(mp_ring_reserve(&tx, len));
    mp_ring_tx_destroy(&tx);
    munmap(ring, mp_ring_footprint(RING));
}

/* Payload bytes that look like a valid control word must never be taken for an entry. */
static void test_stale_payload_never_valid(void **state)
{
    (void)state;
    struct mp_ring_shared *ring = map_ring();
    struct mp_ring_tx tx;
    struct mp_ring_rx rx;
    assert_int_equal(mp_ring_tx_init(&tx, ring, RING), 0);
    mp_ring_rx_init(&rx, ring, RING);
    uint64_t fake = MP_RING_VALID | 8;
    for (uint32_t round = 0; round < 200; round++) {
        size_t len = 64 * (1 + round % 5);
        unsigned char *p = mp_ring_reserve(&tx, len);
        assert_non_null(p);
        for (size_t off = 0; off + 8 <= len; off += 8) memcpy(p + off, &fake, 8);
        mp_ring_commit(&tx, len);
        size_t got = 0;
        const void *q = mp_ring_peek(&rx, &got);
        assert_non_null(q);
        assert_int_equal(got, len);
        mp_ring_consume(&rx, got);
        assert_null(mp_ring_peek(&rx, &got));
    }
    mp_ring_tx_destroy(&tx);
    munmap(ring, mp_ring_footprint(RING));
}

/* Polls for the next entry for at most 10 s, so a consumer that lost track of the stream fails
 * the test instead of hanging it. */
static int wait_entry(struct mp_ring_rx *rx, const unsigned char **q, size_t *got)
{
    time_t deadline = time(NULL) + 10;
    for (unsigned long spins = 0;; spins++) {
        if ((*q = mp_ring_peek(rx, got)) != NULL) return 1;
        if (spins % 64 == 63) sched_yield(); /* the producer may share our core */
        if (spins % 65536 == 0 && time(NULL) > deadline) return 0;
    }
}

/* A producer and a consumer process stream `n` entries of wandering sizes through a ring of
 * `ring_size` bytes; every entry must arrive once, in order, intact. */
static void stream_between_processes(size_t ring_size, uint32_t n)
{
    struct mp_ring_shared *ring = map_ring_of(ring_size);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct mp_ring_tx tx;
        assert_int_equal(mp_ring_tx_init(&tx, ring, ring_size), 0);
        for (uint32_t i = 0; i < n; i++) {
            size_t len = len_of(i, ring_size);
            unsigned char *p;
            for (unsigned spins = 1; (p = mp_ring_reserve(&tx, len + 4)) == NULL; spins++)
                if (spins % 64 == 0) sched_yield(); /* the consumer may share our core */
            memcpy(p, &i, 4);
            fill_msg(p + 4, len, i);
            mp_ring_commit(&tx, len + 4);
        }
        _exit(0);
    }
    struct mp_ring_rx rx;
    mp_ring_rx_init(&rx, ring, ring_size);
    uint32_t bad = 0;
    for (uint32_t i = 0; i < n; i++) {
        size_t got = 0;
        const unsigned char *q;
        if (!wait_entry(&rx, &q, &got)) {
            bad += n - i; /* lost track of the stream: the rest never arrives */
            break;
        }
        uint32_t seq;
        memcpy(&seq, q, 4);
        if (seq != i || got != len_of(i, ring_size) + 4 || !check_msg(q + 4, got - 4, i)) bad++;
        mp_ring_consume(&rx, got);
    }
    if (bad) kill(pid, SIGKILL); /* a producer still waiting for room would wait forever */
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_int_equal(bad, 0);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    munmap(ring, mp_ring_footprint(ring_size));
}

static void test_two_processes_stream(void **state)
{
    (void)state;
    stream_between_processes(RING, 200000);
}

/* Entries far above MP_RING_CLEAR_CELLS leave payload in cells the consumer does not clear:
 * the producer must clean the one the consumer looks at next. */
static void test_two_processes_stream_large_entries(void **state)
{
    (void)state;
    stream_between_processes(65536, 20000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_ring_has_nothing),
        cmocka_unit_test(test_full_ring_refuses_then_accepts),
        cmocka_unit_test(test_stale_payload_never_valid),
        cmocka_unit_test(test_two_processes_stream),
        cmocka_unit_test(test_two_processes_stream_large_entries),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
