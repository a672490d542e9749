#ifdef __linux__
#include "CSigilLinux.h"

#include <dirent.h>
#include <malloc.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

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

// ---- identity switch of the threads glibc's setxid skipped (see the header)

static unsigned int switch_uid, switch_gid, switch_groups[256];
static size_t switch_group_count;
static atomic_int switch_answered, switch_failed;

static void switch_handler(int signal) {
    (void)signal;
    int saved = errno;
    // Raw syscalls: the kernel's credentials are per thread, and glibc's wrappers would broadcast again.
    if (syscall(SYS_setgroups, switch_group_count, switch_groups) != 0 ||
        syscall(SYS_setresgid, switch_gid, switch_gid, switch_gid) != 0 ||
        syscall(SYS_setresuid, switch_uid, switch_uid, switch_uid) != 0) {
        atomic_fetch_add(&switch_failed, 1);
    }
    atomic_fetch_add(&switch_answered, 1);
    errno = saved;
}

// 1 if thread `tid` has every uid and gid equal to the target, 0 if not, -1 if it is gone or a zombie.
static int thread_switched(const char *tid) {
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/self/task/%s/status", tid);
    FILE *file = fopen(path, "r");
    if (!file) return -1;
    unsigned int u[4] = {0}, g[4] = {0};
    int have_u = 0, have_g = 0, zombie = 0;
    while (fgets(line, sizeof line, file)) {
        if (strncmp(line, "State:", 6) == 0 && strchr(line, 'Z')) zombie = 1;
        if (sscanf(line, "Uid: %u %u %u %u", &u[0], &u[1], &u[2], &u[3]) == 4) have_u = 1;
        if (sscanf(line, "Gid: %u %u %u %u", &g[0], &g[1], &g[2], &g[3]) == 4) have_g = 1;
    }
    fclose(file);
    if (zombie || !have_u || !have_g) return -1;
    for (int i = 0; i < 4; i++) {
        if (u[i] != switch_uid || g[i] != switch_gid) return 0;
    }
    return 1;
}

int CSigilLinux_switch_remaining_threads(unsigned int uid, unsigned int gid, const unsigned int *groups,
                                         size_t group_count) {
    if (group_count > sizeof switch_groups / sizeof switch_groups[0]) return -1;
    switch_uid = uid;
    switch_gid = gid;
    switch_group_count = group_count;
    memcpy(switch_groups, groups, group_count * sizeof groups[0]);
    int signal_number = SIGRTMAX - 1;
    struct sigaction action, previous;
    memset(&action, 0, sizeof action);
    action.sa_handler = switch_handler;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    if (sigaction(signal_number, &action, &previous) != 0) return -1;
    int switched = 0, result = 0;
    DIR *tasks = opendir("/proc/self/task");
    if (!tasks) result = -1;
    struct dirent *entry;
    while (result == 0 && (entry = readdir(tasks)) != NULL) {
        if (entry->d_name[0] < '0' || entry->d_name[0] > '9') continue;
        if (thread_switched(entry->d_name) != 0) continue;
        atomic_store(&switch_answered, 0);
        atomic_store(&switch_failed, 0);
        if (syscall(SYS_tgkill, getpid(), atoi(entry->d_name), signal_number) != 0) {
            result = -1;
            break;
        }
        // Up to one second for the thread to run the handler.
        struct timespec pause = {0, 1000000};
        for (int i = 0; i < 1000 && atomic_load(&switch_answered) == 0; i++) nanosleep(&pause, NULL);
        if (atomic_load(&switch_answered) == 0 || atomic_load(&switch_failed) != 0 ||
            thread_switched(entry->d_name) == 0) {
            result = -1;
            break;
        }
        switched++;
    }
    if (tasks) closedir(tasks);
    sigaction(signal_number, &previous, NULL);
    return result == 0 ? switched : -1;
}

int CSigilLinux_release_free_memory(void) { return malloc_trim(0); }
#endif
