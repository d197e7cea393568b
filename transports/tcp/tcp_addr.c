/* Which IPv4 address a rank listens on, and the listening socket. Only that address: a job
 * confined to loopback is not reachable from the network at all. */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/log.h"
#include "transports/tcp/tcp.h"
#include "transports/tcp/tcp_if.h"

static const struct ifaddrs *first_usable(const struct ifaddrs *all, int loopback)
{
    for (const struct ifaddrs *ifa = all; ifa; ifa = ifa->ifa_next)
        if (mp_tcp_if_usable(ifa) && !!(ifa->ifa_flags & IFF_LOOPBACK) == loopback) return ifa;
    return NULL;
}

static int pick_address(int single_host, struct in_addr *out)
{
    const char *spec = getenv("MSGPASS_TCP_IF");
    struct ifaddrs *all;
    if (getifaddrs(&all) != 0) {
        mp_log(MP_LOG_WARN, "tcp: cannot list network interfaces: %s", strerror(errno));
        return MPI_ERR_OTHER;
    }
    const struct ifaddrs *ifa;
    if (spec && *spec) {
        char bad[128];
        ifa = mp_tcp_if_match(all, spec, bad, sizeof bad);
        if (bad[0]) MP_WARN("MSGPASS_TCP_IF: '%s' is not a valid CIDR block", bad);
        if (!ifa) mp_log(MP_LOG_WARN, "tcp: MSGPASS_TCP_IF=%s matches no IPv4 interface that is up", spec);
    } else {
        ifa = first_usable(all, single_host);
        if (!ifa && !single_host) ifa = first_usable(all, 1);
        if (!ifa) mp_log(MP_LOG_WARN, "tcp: no IPv4 interface is up");
    }
    int rc = MPI_ERR_OTHER;
    if (ifa) {
        out->s_addr = htonl(mp_tcp_if_ipv4(ifa));
        snprintf(tcp.ifname, sizeof tcp.ifname, "%s%s", ifa->ifa_name,
                 spec && *spec ? ", from MSGPASS_TCP_IF"
                 : single_host ? ", the job is on one host"
                               : "");
        rc = MPI_SUCCESS;
    }
    freeifaddrs(all);
    return rc;
}

int mp_tcp_listen(int single_host)
{
    int rc = pick_address(single_host, &tcp.addr.sin_addr);
    if (rc != MPI_SUCCESS) return rc;
    tcp.addr.sin_family = AF_INET;
    tcp.addr.sin_port = 0;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    /* Accepted sockets inherit it, and the window scale they offer is chosen from it. */
    if (fd >= 0 && tcp.rcvbuf) setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &tcp.rcvbuf, sizeof tcp.rcvbuf);
    socklen_t alen = sizeof tcp.addr;
    if (fd < 0 || bind(fd, (struct sockaddr *)&tcp.addr, sizeof tcp.addr) != 0 || listen(fd, SOMAXCONN) != 0 ||
        getsockname(fd, (struct sockaddr *)&tcp.addr, &alen) != 0) {
        mp_log(MP_LOG_WARN, "tcp: cannot listen on %s: %s", inet_ntoa(tcp.addr.sin_addr), strerror(errno));
        if (fd >= 0) close(fd);
        return MPI_ERR_OTHER;
    }
    MP_INFO("tcp: listening on %s:%d (%s)", inet_ntoa(tcp.addr.sin_addr), ntohs(tcp.addr.sin_port), tcp.ifname);
    tcp.listener = mp_tcp_conn_new(fd, C_LISTEN, -1, EPOLLIN);
    return tcp.listener ? MPI_SUCCESS : MPI_ERR_NO_MEM;
}
