/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * rvti: route-based IPsec (ESP) tunnel devices.
 *
 * Documentation
 * =============
 *
 * A tunnel is a net_device created with `ip link add NAME type rvti`.
 * Everything else is configured through the generic netlink family
 * RVTI_GENL_NAME, version RVTI_GENL_VERSION. Every command needs
 * CAP_NET_ADMIN in the user namespace owning the network namespace of the
 * socket, and looks the device up in that namespace.
 *
 * Every command that names a device carries exactly one of RVTI_A_IFINDEX
 * and RVTI_A_IFNAME; the device must be an rvti device.
 *
 * Addresses (RVTI_A_LOCAL, RVTI_A_REMOTE) are raw network-order addresses:
 * 4 bytes for IPv4, 16 bytes for IPv6. A zero-length attribute clears the
 * address (wildcard local, no remote). Local and remote must be of the same
 * family once both are set.
 *
 * RVTI_CMD_GET_TUNNEL
 * -------------------
 *
 * With NLM_F_DUMP: one message per rvti device in the socket's namespace.
 * Without: the named device. The request carries (do only):
 *
 *    RVTI_A_IFINDEX: NLA_U32
 *    RVTI_A_IFNAME: NLA_NUL_STRING, maxlen IFNAMSIZ - 1
 *
 * Each reply message is:
 *
 *    RVTI_A_IFINDEX: NLA_U32
 *    RVTI_A_IFNAME: NLA_NUL_STRING
 *    RVTI_A_LOCAL: NLA_BINARY, 4 or 16 bytes, absent when wildcard
 *    RVTI_A_REMOTE: NLA_BINARY, 4 or 16 bytes, absent when unset
 *
 * RVTI_CMD_SET_TUNNEL
 * -------------------
 *
 * Changes the outer endpoints of the named device. Attributes that are
 * absent keep their value; at least one change must be present.
 *
 *    RVTI_A_IFINDEX: NLA_U32
 *    RVTI_A_IFNAME: NLA_NUL_STRING, maxlen IFNAMSIZ - 1
 *    RVTI_A_LOCAL: NLA_BINARY, 0, 4 or 16 bytes
 *    RVTI_A_REMOTE: NLA_BINARY, 0, 4 or 16 bytes
 *
 * The change is applied atomically: the transmit path sees either the old
 * or the new pair of endpoints, never a mix.
 *
 * Errors carry an extended ack message that says what is wrong.
 *
 * The enums below are ABI: values are only ever appended.
 */

#ifndef _UAPI_LINUX_RVTI_H
#define _UAPI_LINUX_RVTI_H

#define RVTI_GENL_NAME "rvti"
#define RVTI_GENL_VERSION 1

enum rvti_cmd {
	RVTI_CMD_UNSPEC,
	RVTI_CMD_GET_TUNNEL,
	RVTI_CMD_SET_TUNNEL,
	__RVTI_CMD_MAX
};
#define RVTI_CMD_MAX (__RVTI_CMD_MAX - 1)

enum rvti_attr {
	RVTI_A_UNSPEC,
	RVTI_A_IFINDEX,
	RVTI_A_IFNAME,
	RVTI_A_LOCAL,
	RVTI_A_REMOTE,
	__RVTI_A_MAX
};
#define RVTI_A_MAX (__RVTI_A_MAX - 1)

#endif /* _UAPI_LINUX_RVTI_H */
