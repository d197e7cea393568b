/* How a rank waits: spin on progress briefly, then yield the CPU, then sleep in growing steps
 * (in poll() on the transports' descriptor where there is one, so arriving TCP data wakes it).
 * Oversubscribed ranks (more ranks than cpus on the host) skip most of the spinning, so the rank
 * that has work gets the core. Any progress event resets the backoff. */
#ifndef MP_IDLE_H
#define MP_IDLE_H

#include <stdint.h>

struct mp_idle {
    uint32_t polls;
    uint32_t sleep_us;
};

static inline void mp_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

static inline void mp_idle_reset(struct mp_idle *b)
{
    b->polls = 0;
    b->sleep_us = 0;
}

/* Called after a progress pass that found nothing to do. */
void mp_idle_wait(struct mp_idle *b);

void mp_idle_init(void);

#endif
