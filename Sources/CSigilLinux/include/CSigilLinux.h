// Linux socket calls the UDP transport needs that the Swift Glibc module does not export: epoll, eventfd,
// recvmmsg/sendmmsg (GNU extensions) and packet-info control messages. Thin wrappers only.
#ifndef C_SIGIL_LINUX_H
#define C_SIGIL_LINUX_H

#ifdef __linux__
#include <stddef.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>

// Same layout as struct mmsghdr (checked in shim.c), which Glibc only declares under _GNU_SOURCE.
typedef struct {
    struct msghdr msg_hdr;
    unsigned int msg_len;
} CSigilLinux_mmsghdr;

int CSigilLinux_recvmmsg(int fd, CSigilLinux_mmsghdr *messages, unsigned int count, int flags,
                         struct timespec *timeout);
int CSigilLinux_sendmmsg(int fd, CSigilLinux_mmsghdr *messages, unsigned int count, int flags);

// Enables IP_PKTINFO (IPv4) or IPV6_RECVPKTINFO (IPv6) on a socket; returns setsockopt's result.
int CSigilLinux_enable_pktinfo(int fd, int ipv6);

// Turns the packet-info control data received with a query into the control data that makes the reply
// leave from the query's destination address. Returns 1 if the buffer now holds such data, 0 otherwise.
int CSigilLinux_prepare_reply_control(void *control, size_t length);

// Bytes of control buffer needed for one packet-info message (CMSG_SPACE of the larger of the two).
size_t CSigilLinux_pktinfo_space(void);

// After glibc's setgroups/setgid/setuid (which change every thread glibc knows as live), gives the same
// identity to the threads it skipped: libdispatch parks the exited main thread in sigsuspend, where it keeps
// running signal handlers with its old credentials. Each thread of /proc/self/task whose real, effective or
// saved uid or gid differs from the target is signalled, and switches itself with raw (per-thread)
// syscalls. Returns the number of threads switched this way, or -1 if one failed or did not answer.
int CSigilLinux_switch_remaining_threads(unsigned int uid, unsigned int gid, const unsigned int *groups,
                                         size_t group_count);

// Names the calling thread (truncated to the 15 bytes Linux keeps), for top -H and debuggers.
int CSigilLinux_set_thread_name(const char *name);

// Returns the allocator's free pages to the system (glibc malloc_trim, which Glibc does not export).
int CSigilLinux_release_free_memory(void);
#endif

#endif
