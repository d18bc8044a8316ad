/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Generic netlink plumbing for rvti, on top of libmnl: family resolution,
 * request/ack and dump loops, extended ack (extack) error messages.
 */
#ifndef RVTI_NL_H
#define RVTI_NL_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#define NL_SEND_BUF_SIZE 8192
#define NL_RECV_BUF_SIZE 32768
#define NL_EXT_MSG_MAX 256

/*
 * How messages travel: the netlink socket unless a transport is set (the
 * tests plug in a fake kernel). Both return a byte count or -1 with errno.
 */
struct nl_transport {
	ssize_t (*send)(void *priv, const void *buf, size_t len);
	ssize_t (*recv)(void *priv, void *buf, size_t len);
	/* Join multicast group @group: 0 or a negative errno. */
	int (*join)(void *priv, uint32_t group);
};

/* A multicast group of the family (CTRL_ATTR_MCAST_GROUPS). */
#define NL_MCAST_GROUPS_MAX 8

struct nl_mcast_group {
	char name[GENL_NAMSIZ];
	uint32_t id;
};

struct nl_ctx {
	const struct nl_transport *tr;
	void *tr_priv;
	struct mnl_socket *sock;
	uint32_t portid;
	uint32_t seq;
	uint16_t family_id;
	uint8_t version;		/* sent in every genlmsghdr */
	uint32_t family_version;	/* what the kernel announced */
	/* The family's multicast groups, as the kernel announced them. */
	struct nl_mcast_group groups[NL_MCAST_GROUPS_MAX];
	unsigned int ngroups;
	FILE *err;			/* where warnings go */
	/* Details of the last kernel error, see nl_perror(). */
	bool kernel_err;
	char ext_msg[NL_EXT_MSG_MAX];
	/* Message buffers, aligned for struct nlmsghdr. */
	char sbuf[NL_SEND_BUF_SIZE] __attribute__((aligned(8)));
	char rbuf[NL_RECV_BUF_SIZE] __attribute__((aligned(8)));
};

/*
 * Called for every data message of the reply (those whose nlmsg_type is the
 * request's). Returns 0 or a negative errno; after an error the rest of the
 * reply is read and dropped and nl_talk() returns that error.
 */
typedef int (*nl_msg_cb)(const struct nlmsghdr *nlh, void *arg);

/*
 * Open a generic netlink socket with extended acks enabled and resolve
 * @family. Requests will carry @version. Returns 0, -ENOENT when the kernel
 * has no such family, or another negative errno. *@nlp is NULL on error.
 */
int nl_open(struct nl_ctx **nlp, const char *family, uint8_t version);
void nl_close(struct nl_ctx *nl);

/*
 * Start a request for @cmd of the resolved family in the send buffer.
 * NLM_F_REQUEST and NLM_F_ACK are always set; add NLM_F_DUMP for a dump.
 * Attributes go after it, within NL_SEND_BUF_SIZE.
 */
struct nlmsghdr *nl_req(struct nl_ctx *nl, uint8_t cmd, uint16_t flags);

/*
 * Send @nlh and read the reply until the final ack, error or NLMSG_DONE,
 * calling @cb (may be NULL) for each data message. Returns 0 or a negative
 * errno. For errors the kernel sent, nl->kernel_err is set and nl->ext_msg
 * holds its extack message ("" when there was none).
 */
int nl_talk(struct nl_ctx *nl, struct nlmsghdr *nlh, nl_msg_cb cb, void *arg);

/*
 * Print the error @err that nl_talk() returned:
 *   rvti: Error: <extack message> (<strerror>)
 *   rvti: Error: <strerror>
 */
void nl_perror(const struct nl_ctx *nl, int err, FILE *fp);

/*
 * The id of the family's multicast group @name into *@id: 0, or -ENOENT
 * when the kernel announced no such group.
 */
int nl_mcast_group_id(const struct nl_ctx *nl, const char *name,
		      uint32_t *id);

/* Join multicast group @group (NETLINK_ADD_MEMBERSHIP): 0 or -errno. */
int nl_join_group(struct nl_ctx *nl, uint32_t group);

/*
 * Read multicast messages until *@stop is set: @cb gets each message of
 * the family (nlmsg_type family_id). A signal that should set *@stop must
 * be blocked by the caller and unblocked in @waitmask, the mask while
 * waiting (ppoll()), so that none is missed. A lost message (the socket's
 * buffer overflowed, ENOBUFS) prints a warning and reading goes on.
 * Returns 0 once *@stop is set, or the first error (of reading, or the
 * negative errno of @cb).
 */
int nl_listen(struct nl_ctx *nl, nl_msg_cb cb, void *arg,
	      volatile sig_atomic_t *stop, const sigset_t *waitmask);

/* Helpers below are pure and exported for the unit tests. */

/* Put a netlink + genetlink header at @buf. */
struct nlmsghdr *nl_put_genl_hdr(void *buf, uint16_t type, uint8_t cmd,
				 uint8_t version, uint16_t flags,
				 uint32_t seq);

struct nl_err_info {
	int error;		/* positive errno, 0 for a plain ack */
	const char *msg;	/* NLMSGERR_ATTR_MSG, points into the message */
};

/*
 * Decode an NLMSG_ERROR or NLMSG_DONE message, extack attributes included.
 * Returns 0 or -EBADMSG when it is truncated.
 */
int nl_parse_err(const struct nlmsghdr *nlh, struct nl_err_info *info);

/*
 * Index the attributes that follow the genetlink header of @nlh into
 * @tb[0..@max] (zeroed first); attributes of a higher type are ignored, a
 * repeated one overrides. Returns 0 or -EBADMSG.
 */
int nl_parse_attrs(const struct nlmsghdr *nlh, const struct nlattr **tb,
		   unsigned int max);

/*
 * Index the attributes inside the nest @nest the same way (unknown types
 * ignored, a repeated one overrides). Returns 0 or -EBADMSG when @nest is
 * not a valid nest.
 */
int nl_parse_nested(const struct nlattr *nest, const struct nlattr **tb,
		    unsigned int max);

/*
 * Decode a CTRL_CMD_NEWFAMILY reply. Returns 0 or -EBADMSG when it lacks a
 * valid family id.
 */
int nl_parse_family(const struct nlmsghdr *nlh, uint16_t *id,
		    uint32_t *version);

/*
 * The multicast groups of a CTRL_CMD_NEWFAMILY reply (CTRL_ATTR_MCAST_GROUPS)
 * into @groups (room for @max); *@n is how many. Groups beyond @max, and
 * groups without a valid name and id, are left out. Returns 0 (also when
 * there are none) or -EBADMSG when the list is not a valid nest.
 */
int nl_parse_mcast_groups(const struct nlmsghdr *nlh,
			  struct nl_mcast_group *groups, unsigned int max,
			  unsigned int *n);

#endif /* RVTI_NL_H */
