// The kernel's netlink, generic-netlink and IPVS headers, wrapped once for the Netlink module.
//
// Swift imports the enums and plain `#define` constants of these headers directly (IPVS_CMD_*,
// IPVS_SVC_ATTR_*, NLM_F_*, NLMSG_DONE, ...), so this header adds only what Swift cannot see:
// the function-like alignment macros, as `static inline` functions with a `CNetlink_` prefix.
// Struct layouts Swift relies on are pinned by `_Static_assert`s in shim.c.
//
// Nothing outside Sources/Netlink may import this module.
#ifndef GORB_CNETLINK_H
#define GORB_CNETLINK_H

#include <stdint.h>
#include <time.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/genetlink.h>
#include <linux/ip_vs.h>

/// `NLMSG_ALIGN(len)`: netlink messages start on 4-byte boundaries.
static inline uint32_t CNetlink_NLMSG_ALIGN(uint32_t len) { return NLMSG_ALIGN(len); }

/// `NLA_ALIGN(len)`: attributes start on 4-byte boundaries.
static inline uint32_t CNetlink_NLA_ALIGN(uint32_t len) { return NLA_ALIGN(len); }

/// `NLMSG_HDRLEN`: the aligned size of `struct nlmsghdr` (16).
static inline uint32_t CNetlink_NLMSG_HDRLEN(void) { return NLMSG_HDRLEN; }

/// `GENL_HDRLEN`: the aligned size of `struct genlmsghdr` (4).
static inline uint32_t CNetlink_GENL_HDRLEN(void) { return GENL_HDRLEN; }

/// `NLA_HDRLEN`: the aligned size of `struct nlattr` (4).
static inline uint32_t CNetlink_NLA_HDRLEN(void) { return NLA_HDRLEN; }

/// `NLA_TYPE_MASK`: the attribute type without the NESTED / NET_BYTEORDER flag bits.
static inline uint16_t CNetlink_NLA_TYPE_MASK(void) { return (uint16_t)NLA_TYPE_MASK; }

/// `struct mmsghdr`, which glibc declares only under `_GNU_SOURCE` (so Swift's Glibc module
/// does not see it): layout-identical, pinned by a `_Static_assert` in shim.c.
struct CNetlink_mmsghdr {
    struct msghdr msg_hdr;
    unsigned int msg_len;
};

/// `recvmmsg(2)`, for the same reason. With `MSG_WAITFORONE` it returns every datagram already
/// queued after the first: a dump's data and its `NLMSG_DONE` (which the kernel queues while
/// the first is being read) arrive in one system call instead of two.
int CNetlink_recvmmsg(int fd, struct CNetlink_mmsghdr *vector, unsigned int length, int flags, struct timespec *timeout);

/// `MSG_WAITFORONE` (glibc hides it without `_GNU_SOURCE` too; checked in shim.c).
#define CNetlink_MSG_WAITFORONE 0x10000

#endif
