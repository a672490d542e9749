import CSigilLinux

#if canImport(Glibc)
import Glibc
#endif

/// The user and group `sigil serve` runs as after binding its sockets (`user:`, `group:`).
///
/// Resolved before anything is bound, so that an unknown name is a configuration error; applied once the
/// sockets are bound and before any key, zone or certificate is read. The event-loop and UDP worker threads
/// already exist then, and Linux credentials are per thread: glibc's `setgroups`, `setgid` and `setuid`
/// signal each live thread to make the same system call, but skip the main thread, which libdispatch has
/// exited and parked in `sigsuspend` to run signal handlers. `CSigilLinux_switch_remaining_threads` does
/// the same for every thread still on the old identity, and the switch fails unless all of them changed.
public struct ProcessIdentity: Sendable, Equatable {
    public var uid: uid_t?
    public var gid: gid_t
    /// For `initgroups`: the user's supplementary groups. Nil for a numeric user with no passwd entry.
    public var userName: String?

    /// Resolves names or numeric ids; nil if neither key is set.
    public static func resolve(user: String?, group: String?) throws(ConfigError) -> ProcessIdentity? {
        guard user != nil || group != nil else { return nil }
        var identity = ProcessIdentity(uid: nil, gid: getgid(), userName: nil)
        if let user {
            if let entry = getpwnam(user) {
                identity.uid = entry.pointee.pw_uid
                identity.gid = entry.pointee.pw_gid
                identity.userName = user
            } else if let number = UInt32(user) {
                identity.uid = number
                if let entry = getpwuid(number) {
                    identity.gid = entry.pointee.pw_gid
                    identity.userName = String(cString: entry.pointee.pw_name)
                }
            } else {
                throw ConfigError(source: "configuration", key: "user", "no such user \"\(user)\"")
            }
        }
        if let group {
            if let entry = getgrnam(group) {
                identity.gid = entry.pointee.gr_gid
            } else if let number = UInt32(group) {
                identity.gid = number
            } else {
                throw ConfigError(source: "configuration", key: "group", "no such group \"\(group)\"")
            }
        }
        return identity
    }

    /// Switches the whole process to this identity: supplementary groups, then the group, then the user
    /// (after `setuid` there is no right left to change groups). Fails unless it can no longer regain root.
    public func apply() throws(StartupError) {
        let isRoot = geteuid() == 0
        if !isRoot {
            // Without root nothing can change; being asked for what we already are is fine.
            if (self.uid == nil || self.uid == getuid()) && self.gid == getgid() { return }
            throw StartupError("user/group: changing identity needs root (started as uid \(getuid()))")
        }
        var status: Int32
        if let name = self.userName, self.uid != nil {
            status = initgroups(name, self.gid)
        } else {
            var gid = self.gid
            status = setgroups(1, &gid)
        }
        guard status == 0 else { throw StartupError("setgroups failed: \(Self.lastError)") }
        guard setgid(self.gid) == 0 else { throw StartupError("setgid(\(self.gid)) failed: \(Self.lastError)") }
        let uid = self.uid ?? getuid()
        if self.uid != nil {
            guard setuid(uid) == 0 else { throw StartupError("setuid(\(uid)) failed: \(Self.lastError)") }
        }
        var groups = [gid_t](repeating: 0, count: 256)
        let count = getgroups(Int32(groups.count), &groups)
        guard count >= 0 else { throw StartupError("getgroups failed: \(Self.lastError)") }
        guard CSigilLinux_switch_remaining_threads(uid, self.gid, groups, Int(count)) >= 0 else {
            throw StartupError("a thread kept its identity after the switch to uid \(uid); refusing to run")
        }
        if uid != 0 && (setuid(0) == 0 || seteuid(0) == 0) {
            throw StartupError("still able to regain root after setuid(\(uid)); refusing to run")
        }
    }

    private static var lastError: String { String(cString: strerror(errno)) }
}

/// Raises the soft limit on open files to the hard limit: each TCP connection is a descriptor, and the
/// usual soft limit of 1,024 is below the default `tcp-max-connections` plus the sockets and files.
public func raiseOpenFileLimit() {
    var limit = rlimit()
    guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
    limit.rlim_cur = limit.rlim_max
    _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
}
