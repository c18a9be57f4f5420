#if canImport(Glibc)
import Glibc
#endif

/// Who an `exec` check runs as. Never as root by accident: a daemon running as root runs checks
/// as `nobody` unless the file names another user (`args.user`, `root` included, the file's
/// author's explicit choice); a daemon that is not root (the systemd unit's dedicated user with
/// only `CAP_NET_ADMIN`) cannot change users, so it runs them as itself.
///
/// The switch is made by `setpriv(1)` (util-linux, essential on Debian), exec'd in front of the
/// command: it sets the real and effective user and group, the user's supplementary groups, and
/// `no_new_privs`, so neither the command nor anything it runs can gain privileges back (setuid
/// binaries included). Dropping from root to another user also empties the capability sets.
struct ExecIdentity: Equatable {
    /// What goes in front of the command; empty: run as the daemon itself.
    var prefix: [String]

    static let setpriv = "/usr/bin/setpriv"

    /// The identity for `user` (as written in `args.user`), or why the check cannot run.
    static func resolve(user: String?, euid: uid_t = geteuid(), lookup: (String) -> (uid: uid_t, gid: gid_t)? = passwdEntry) -> Result<ExecIdentity, ExecIdentityError> {
        guard euid == 0 else {
            guard let user else { return .success(ExecIdentity(prefix: [])) }
            guard let entry = lookup(user) else { return .failure(ExecIdentityError("no such user '\(user)' (args.user)")) }
            guard entry.uid == euid else {
                return .failure(ExecIdentityError("cannot run as '\(user)': the daemon runs as uid \(euid), not root, and cannot change users; leave args.user out to run the check as the daemon's own user"))
            }
            return .success(ExecIdentity(prefix: []))
        }
        let name = user ?? "nobody"
        guard let entry = lookup(name) else { return .failure(ExecIdentityError("no such user '\(name)'" + (user == nil ? " (exec checks run as nobody by default; name another with args.user)" : " (args.user)"))) }
        if entry.uid == 0 { return .success(ExecIdentity(prefix: [])) }
        return .success(ExecIdentity(prefix: [setpriv, "--reuid=\(entry.uid)", "--regid=\(entry.gid)", "--init-groups", "--no-new-privs", "--"]))
    }

    /// The user's uid and primary gid from the system's user database (`getpwnam_r`).
    static func passwdEntry(_ name: String) -> (uid: uid_t, gid: gid_t)? {
        var entry = passwd()
        var found: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 4096)
        let status = getpwnam_r(name, &entry, &buffer, buffer.count, &found)
        guard status == 0, found != nil else { return nil }
        return (entry.pw_uid, entry.pw_gid)
    }
}

/// Why an exec check could not run as the user it should: reported as the check's failure.
struct ExecIdentityError: Error, Equatable, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}
