#include "transports/tcp/tcp_if.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include "transports/tcp/tcp_wire.h"

int mp_tcp_if_usable(const struct ifaddrs *ifa)
{
    return ifa->ifa_addr && ifa->ifa_addr->sa_family == AF_INET && (ifa->ifa_flags & IFF_UP);
}

uint32_t mp_tcp_if_ipv4(const struct ifaddrs *ifa)
{
    return ntohl(((const struct sockaddr_in *)(const void *)ifa->ifa_addr)->sin_addr.s_addr);
}

const struct ifaddrs *mp_tcp_if_match(const struct ifaddrs *all, const char *spec, char *bad, size_t badlen)
{
    char item[128];
    if (badlen) bad[0] = '\0';
    for (const char *p = spec; *p;) {
        size_t n = strcspn(p, ",");
        if (n && n < sizeof item) {
            memcpy(item, p, n);
            item[n] = '\0';
            uint32_t net, mask;
            int cidr = mp_tcp_cidr_parse(item, &net, &mask) == 0;
            if (!cidr && strchr(item, '/') && badlen && !bad[0]) snprintf(bad, badlen, "%s", item);
            for (const struct ifaddrs *ifa = all; ifa; ifa = ifa->ifa_next) {
                if (!mp_tcp_if_usable(ifa)) continue;
                if (cidr ? (mp_tcp_if_ipv4(ifa) & mask) == net : !strcmp(ifa->ifa_name, item)) return ifa;
            }
        }
        p += n;
        if (*p) p++;
    }
    return NULL;
}
