/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rvti prefix commands: "prefix add|del|list|flush", the prefixes shown by
 * "show", and "route sync", which makes the kernel's routes follow the
 * prefixes that carry the "route" flag (see route.c).
 *
 * As in tunnel.h: a pure command-line parser fills a request struct, a
 * builder turns it into netlink attributes, the handler sends it; the
 * first two are unit tested.
 */
#ifndef RVTI_PREFIX_H
#define RVTI_PREFIX_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libmnl/libmnl.h>

#include "cmd.h"
#include "output.h"
#include "parse.h"

/* One prefix of a tunnel, as given or as the kernel reports it. */
struct rvti_prefix_info {
	int family;			/* AF_INET or AF_INET6 */
	uint8_t bytes[16];		/* network order */
	uint8_t len;			/* prefix length */
	uint32_t flags;			/* RVTI_PREFIX_F_* */
	char ifname[IFNAMSIZ];		/* from the kernel: its device */
	uint32_t ifindex;
};

/*
 * Parse "ADDR/LEN" (numeric IPv4 or IPv6; without "/LEN" the full length).
 * Host bits are not checked here: the kernel refuses them with its own
 * message. Returns 0 or -EINVAL with @why (if not NULL) set.
 */
int parse_prefix(const char *s, struct rvti_prefix_info *p, const char **why);

/* "ADDR/LEN" into @buf (at least PREFIX_STRLEN bytes); returns @buf. */
#define PREFIX_STRLEN (INET6_ADDRSTRLEN + 4)
const char *prefix_str(const struct rvti_prefix_info *p, char *buf,
		       size_t size);

enum prefix_op { PREFIX_ADD, PREFIX_DEL, PREFIX_LIST, PREFIX_FLUSH };

/*
 * rvti prefix add dev NAME PREFIX [route]
 * rvti prefix del dev NAME PREFIX
 * rvti prefix list [dev NAME]
 * rvti prefix flush dev NAME
 */
struct prefix_req {
	enum prefix_op op;
	bool has_dev;
	char ifname[IFNAMSIZ];
	bool has_prefix;
	struct rvti_prefix_info prefix;	/* flags: RVTI_PREFIX_F_ROUTE */
};

/* Returns 0, PARSE_HELP or -EINVAL with a message in @err. */
int prefix_parse(enum prefix_op op, int argc, char **argv,
		 struct prefix_req *req, char *err, size_t errlen);
/* The request's attributes; 0 or -EMSGSIZE. */
int prefix_build(struct nlmsghdr *nlh, size_t buflen,
		 const struct prefix_req *req);

/*
 * Decode a message that names a device and one of its prefixes
 * (RVTI_CMD_GET_PREFIX, or the conflict that precedes an overlap error).
 * Returns 0 or -EBADMSG with @why set.
 */
int prefix_from_msg(const struct nlmsghdr *nlh, struct rvti_prefix_info *p,
		    const char **why);

/* A growing array of prefixes. */
struct prefix_list {
	struct rvti_prefix_info *v;
	unsigned int n, cap;
};

void prefix_list_free(struct prefix_list *l);

/*
 * Dump the prefixes of @ifname (NULL: of every device) into @l. Returns
 * 0 or a negative errno, printed.
 */
int prefix_dump(struct rvti_ctx *ctx, const char *ifname,
		struct prefix_list *l);

/*
 * Print the prefixes of one device for "show": human, one line
 *	"    prefixes PREFIX[ route] PREFIX ..."
 * JSON: an array of {"prefix": "ADDR/LEN", "route": BOOL}.
 */
void prefix_print_line(FILE *fp, const struct prefix_list *l,
		       uint32_t ifindex);
struct json_object *prefix_json(const struct prefix_list *l, uint32_t ifindex);

/*
 * Send a change (@ret: 0, or why building it failed) and wait for the
 * ack; on an overlap also print the tunnel and prefix the kernel named.
 * Returns an exit status.
 */
int prefix_talk_change(struct rvti_ctx *ctx, struct nlmsghdr *nlh, int ret);

extern const struct rvti_command prefix_cmds[];

#endif /* RVTI_PREFIX_H */
