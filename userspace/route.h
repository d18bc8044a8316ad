/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The routes of rvti's prefixes. The kernel module keeps prefixes but
 * installs no route; this tool does, over rtnetlink, with its own route
 * protocol number so that `ip route show proto 86` lists them:
 *
 *   every prefix that carries the "route" flag on one or more tunnels
 *   that are up gets one route through them, a multipath (ECMP) route
 *   when there are several (tunnels of one site may share prefixes);
 *   every route of protocol RVTI_RTPROT without such a prefix goes.
 *
 * route_sync() does this from scratch for the namespace; the prefix and
 * tunnel commands call it after each change, and "rvti route sync" after
 * links came and went (see Documentation/rvti.rst).
 */
#ifndef RVTI_ROUTE_H
#define RVTI_ROUTE_H

#include "cmd.h"
#include "prefix.h"

#define RVTI_RTPROT 86

/* One desired route: a prefix and the devices it goes through. */
struct route_want {
	struct rvti_prefix_info prefix;
	uint32_t oifs[32];
	unsigned int noifs;
};

/*
 * Group the "route" prefixes of @l whose device is up (@is_up) into
 * routes; @want gets at most @max entries. Returns how many. Pure, for
 * the unit tests.
 */
unsigned int route_plan(const struct prefix_list *l,
			bool (*is_up)(const char *ifname),
			struct route_want *want, unsigned int max);

/* Make the routes what route_plan() says. Returns an exit status. */
int route_sync(struct rvti_ctx *ctx);

extern const struct rvti_command route_cmds[];

#endif /* RVTI_ROUTE_H */
