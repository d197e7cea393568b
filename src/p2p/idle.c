#include "p2p/idle.h"

#include <poll.h>
#include <sched.h>
#include <time.h>

#include "core/hang.h"
#include "core/log.h"
#include "core/params.h"
#include "p2p/p2p.h"

static uint32_t spin_polls;  /* polls before the first yield */
static uint32_t yield_polls; /* polls (each with a yield) before sleeping */
static uint32_t sleep_max_us;

void mp_idle_init(void)
{
    spin_polls = (uint32_t)mp_env_long("MSGPASS_SPIN_POLLS", mp_g.oversubscribed ? 16 : 20000);
    yield_polls = (uint32_t)mp_env_long("MSGPASS_YIELD_POLLS", mp_g.oversubscribed ? 64 : 2000);
    sleep_max_us = (uint32_t)mp_env_long("MSGPASS_SLEEP_MAX_US", mp_g.oversubscribed ? 200 : 1000);
    MP_DEBUG("waiting: spin %u polls, then %u yields, then sleep up to %u us%s", spin_polls, yield_polls, sleep_max_us,
             mp_g.oversubscribed ? " (oversubscribed host)" : "");
}

/* A poll with TCP in use makes a system call, some twenty times a shm poll: spin that many
 * fewer. */
#define TCP_POLL_COST 20

void mp_idle_wait(struct mp_idle *b)
{
    b->polls++;
    int all;
    int fd = mp_p2p_wait_fd(&all);
    int tcp_only = fd >= 0 && all;
    if (b->polls < (fd >= 0 ? spin_polls / TCP_POLL_COST : spin_polls)) {
        mp_cpu_relax();
        return;
    }
    /* With only TCP peers a waiting rank sleeps in poll() at once rather than yielding: the
     * kernel wakes it the moment data arrives, and on a busy host a sleeper gets the core back
     * sooner than a rank that keeps yielding. shm rings wake nobody: they are polled between
     * sleeps, so with shm peers the rank yields first. */
    if (!tcp_only && b->polls < spin_polls + yield_polls) {
        sched_yield();
        return;
    }
    mp_hang_sleeping();
    b->sleep_us = b->sleep_us ? b->sleep_us * 2 : 10;
    if (b->sleep_us > sleep_max_us) b->sleep_us = sleep_max_us;
    struct timespec ts = {0, (long)b->sleep_us * 1000};
    if (fd >= 0) {
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        ppoll(&pfd, 1, &ts, NULL);
    } else {
        nanosleep(&ts, NULL);
    }
}
