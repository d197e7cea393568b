/* Which IPv4 interface MSGPASS_TCP_IF names: one reading for the ranks (tcp_addr.c) and for
 * mpprun --doctor, which tells in advance where they will listen. */
#ifndef MP_TCP_IF_H
#define MP_TCP_IF_H

#include <ifaddrs.h>
#include <stddef.h>
#include <stdint.h>

/* An IPv4 address on an interface that is up. */
int mp_tcp_if_usable(const struct ifaddrs *ifa);
/* Its address, host byte order. */
uint32_t mp_tcp_if_ipv4(const struct ifaddrs *ifa);
/* The first usable address matching an item of `spec` (interface names or CIDR blocks, comma
 * separated), items tried in order; NULL when none does. `bad` (size badlen) gets the first item
 * that looks like a CIDR block but is not one, or stays empty. */
const struct ifaddrs *mp_tcp_if_match(const struct ifaddrs *all, const char *spec, char *bad, size_t badlen);

#endif
