/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rvti monitor: print the events of the multicast group RVTI_MCGRP_EVENTS
 * (RVTI_CMD_EVENT messages) as they come, one line each, until SIGINT or
 * SIGTERM.
 *
 * As elsewhere, decoding and printing are pure and unit tested; the
 * handler joins the group and loops.
 */
#ifndef RVTI_MONITOR_H
#define RVTI_MONITOR_H

#include <net/if.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <libmnl/libmnl.h>

#include "cmd.h"

/* One RVTI_CMD_EVENT message. */
struct rvti_event_info {
	uint8_t event;			/* enum rvti_event, maybe unknown */
	char ifname[IFNAMSIZ];		/* "" when absent */
	bool has_ifindex;
	uint32_t ifindex;
	bool has_sa;			/* SA events: the SA */
	uint8_t dir;
	uint32_t spi;
	bool has_limit;			/* expiries: which limit */
	uint8_t limit;			/* enum rvti_limit, maybe unknown */
	bool has_ports;			/* new-mapping: the ports */
	uint16_t sport, dport;
	bool has_state;			/* tunnel events: its state */
	uint8_t state;			/* enum rvti_state, maybe unknown */
};

/*
 * Decode an RVTI_CMD_EVENT message. Unknown attributes are ignored.
 * Returns 0 or -EBADMSG with @why set.
 */
int event_from_msg(const struct nlmsghdr *nlh, struct rvti_event_info *ev,
		   const char **why);

/* The name of an enum rvti_event ("sa-new", ...), or NULL. */
const char *event_str(uint8_t event);

/*
 * Print one event on one line. Text:
 *	EVENT[ dev NAME][ dir in|out spi 0xSPI][ limit LIMIT]
 *	     [ encap espinudp SPORT DPORT][ state STATE]
 * e.g. "sa-soft-expire dev rvti0 dir out spi 0x00001004 limit bytes",
 * "tunnel-change dev rvti0 state no-out-sa", "new-mapping dev rvti0 dir
 * in spi 0x00004001 encap espinudp 4501 4500"; an event, limit or state
 * this tool does not know as "event N" / "limit N" / "state N".
 * JSON, one object a line:
 *	{"event": EVENT, "dev": NAME, "ifindex": N, "dir": DIR, "spi": N,
 *	 "limit": LIMIT, "encap": {"type": "espinudp", "sport": N,
 *	 "dport": N}, "state": STATE}
 * each member only when the message had it (unknown values as numbers).
 * Returns 0, or -EIO / -ENOMEM.
 */
int event_print(FILE *fp, bool json, const struct rvti_event_info *ev);

/* Set by SIGINT and SIGTERM (and by the tests) to end "monitor". */
extern volatile sig_atomic_t monitor_stop;

/*
 * nl_listen() on @nl (which joined its groups) until SIGINT or SIGTERM,
 * which set monitor_stop; their handlers are in place and they are
 * blocked but while waiting, then both are as they were. Returns what
 * nl_listen() returned.
 */
int monitor_listen(struct nl_ctx *nl, nl_msg_cb cb, void *arg);

int monitor_do(struct rvti_ctx *ctx, int argc, char **argv);

#define MONITOR_HELP "[-j]"
#define MONITOR_NOTES \
	"monitor: one line per event until SIGINT or SIGTERM: EVENT dev NAME\n" \
	"         [dir in|out spi 0xSPI] [limit LIMIT]; -j: one JSON object a\n" \
	"         line. EVENT := { tunnel-new | tunnel-change | tunnel-del |\n" \
	"         sa-new | sa-del | sa-soft-expire | sa-hard-expire | acquire }\n" \
	"         LIMIT := { bytes | packets | add-time | use-time | seq }"

#endif /* RVTI_MONITOR_H */
