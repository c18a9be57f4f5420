// recvmmsg, which Swift's Glibc module cannot see, and compile-time checks that the wire
// layouts the Swift codec hard-codes (header sizes, the ip_vs_flags pair, attribute type mask)
// match this system's kernel headers. If a header ever changed, the build fails here instead
// of the codec silently writing wrong bytes.
#ifndef _GNU_SOURCE
#error "CNetlink must be compiled with _GNU_SOURCE (see Package.swift)"
#endif

#include "CNetlink.h"
#include <stddef.h>

_Static_assert(sizeof(struct CNetlink_mmsghdr) == sizeof(struct mmsghdr), "mirror of struct mmsghdr");
_Static_assert(CNetlink_MSG_WAITFORONE == MSG_WAITFORONE, "MSG_WAITFORONE");
_Static_assert(offsetof(struct CNetlink_mmsghdr, msg_len) == offsetof(struct mmsghdr, msg_len), "mirror of struct mmsghdr");

int CNetlink_recvmmsg(int fd, struct CNetlink_mmsghdr *vector, unsigned int length, int flags, struct timespec *timeout) {
    return recvmmsg(fd, (struct mmsghdr *)vector, length, flags, timeout);
}

_Static_assert(sizeof(struct nlmsghdr) == 16, "nlmsghdr is 16 bytes on the wire");
_Static_assert(sizeof(struct genlmsghdr) == 4, "genlmsghdr is 4 bytes on the wire");
_Static_assert(sizeof(struct nlattr) == 4, "nlattr is 4 bytes on the wire");
_Static_assert(sizeof(struct nlmsgerr) == 20, "nlmsgerr is an int plus the failed nlmsghdr");
_Static_assert(sizeof(struct ip_vs_flags) == 8, "ip_vs_flags is {u32 flags; u32 mask}");
_Static_assert((NLA_TYPE_MASK & 0xffff) == 0x3fff, "attribute type bits: the two high bits are flags");
_Static_assert(NLMSG_ALIGNTO == 4 && NLA_ALIGNTO == 4, "netlink aligns to 4 bytes");
_Static_assert(GENL_ID_CTRL == 0x10, "the generic netlink controller family id");
_Static_assert(IPVS_CMD_FLUSH == 17, "IPVS command numbering");
_Static_assert(IPVS_DEST_ATTR_TUN_FLAGS == 15, "IPVS destination attribute numbering");
