#include "p2p/idle.h"

#include <poll.h>
#include <sched.h>
#include <time.h>

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

void mp_idle_wait(struct mp_idle *b)
{
    b->polls++;
    if (b->polls < spin_polls) {
        mp_cpu_relax();
        return;
    }
    if (b->polls < spin_polls + yield_polls) {
        sched_yield();
        return;
    }
    b->sleep_us = b->sleep_us ? b->sleep_us * 2 : 10;
    if (b->sleep_us > sleep_max_us) b->sleep_us = sleep_max_us;
    struct timespec ts = {0, (long)b->sleep_us * 1000};
    /* Over TCP the sleep ends as soon as a socket has work; shm rings are only polled. */
    int fd = mp_p2p_wait_fd();
    if (fd >= 0) {
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        ppoll(&pfd, 1, &ts, NULL);
    } else {
        nanosleep(&ts, NULL);
    }
}
