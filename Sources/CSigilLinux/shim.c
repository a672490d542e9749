#ifdef __linux__
#include "CSigilLinux.h"

#include <netinet/in.h>
#include <pthread.h>
#include <string.h>

_Static_assert(sizeof(CSigilLinux_mmsghdr) == sizeof(struct mmsghdr), "mmsghdr layout");
_Static_assert(offsetof(CSigilLinux_mmsghdr, msg_len) == offsetof(struct mmsghdr, msg_len), "mmsghdr layout");

int CSigilLinux_recvmmsg(int fd, CSigilLinux_mmsghdr *messages, unsigned int count, int flags,
                         struct timespec *timeout) {
    return recvmmsg(fd, (struct mmsghdr *)messages, count, flags, timeout);
}

int CSigilLinux_sendmmsg(int fd, CSigilLinux_mmsghdr *messages, unsigned int count, int flags) {
    return sendmmsg(fd, (struct mmsghdr *)messages, count, flags);
}

int CSigilLinux_enable_pktinfo(int fd, int ipv6) {
    int one = 1;
    if (ipv6) {
        return setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof(one));
    }
    return setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one));
}

int CSigilLinux_prepare_reply_control(void *control, size_t length) {
    struct msghdr message;
    memset(&message, 0, sizeof(message));
    message.msg_control = control;
    message.msg_controllen = length;
    struct cmsghdr *header = CMSG_FIRSTHDR(&message);
    if (header == NULL) {
        return 0;
    }
    if (header->cmsg_level == IPPROTO_IP && header->cmsg_type == IP_PKTINFO) {
        // Reply from the address the query was sent to; let routing pick the interface.
        struct in_pktinfo info;
        memcpy(&info, CMSG_DATA(header), sizeof(info));
        info.ipi_spec_dst = info.ipi_addr;
        info.ipi_ifindex = 0;
        memcpy(CMSG_DATA(header), &info, sizeof(info));
        return 1;
    }
    if (header->cmsg_level == IPPROTO_IPV6 && header->cmsg_type == IPV6_PKTINFO) {
        // in6_pktinfo as received (destination address and interface) is what sendmsg wants.
        return 1;
    }
    return 0;
}

size_t CSigilLinux_pktinfo_space(void) {
    size_t v4 = CMSG_SPACE(sizeof(struct in_pktinfo));
    size_t v6 = CMSG_SPACE(sizeof(struct in6_pktinfo));
    return v4 > v6 ? v4 : v6;
}

int CSigilLinux_set_thread_name(const char *name) {
    char truncated[16];
    strncpy(truncated, name, sizeof(truncated) - 1);
    truncated[sizeof(truncated) - 1] = 0;
    return pthread_setname_np(pthread_self(), truncated);
}
#endif
