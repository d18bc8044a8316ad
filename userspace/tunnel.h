/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rvti tunnel commands: "tunnel set", "tunnel show" (alias "show").
 *
 * Each command is split into a pure command-line parser that fills a
 * request struct, a builder that turns it into netlink attributes, and the
 * handler that sends it; the first two are unit tested.
 */
#ifndef RVTI_TUNNEL_H
#define RVTI_TUNNEL_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libmnl/libmnl.h>
#include <linux/rvti.h>

#include "cmd.h"
#include "output.h"
#include "parse.h"
#include "sa.h"

struct prefix_list;

/* RVTI_A_STATS; counters the kernel did not send are 0. */
struct rvti_tunnel_stats {
	uint64_t no_tx_sa;
	uint64_t no_endpoint;
	uint64_t wrong_source;
	uint64_t selector_out;
	uint64_t selector_in;
	uint64_t transit;
	uint64_t failover;	/* packets another tunnel of the site took */
};

/*
 * One tunnel as the kernel reports it (RVTI_CMD_GET_TUNNEL). Release it
 * with tunnel_free().
 */
struct rvti_tunnel {
	char ifname[IFNAMSIZ];
	uint32_t ifindex;
	bool has_ifindex;
	struct rvti_addr local;		/* not set: wildcard */
	struct rvti_addr remote;	/* not set: none */
	bool has_stats;			/* RVTI_A_STATS was there */
	struct rvti_tunnel_stats stats;
	bool has_ttl;			/* RVTI_A_TTL was there */
	uint8_t ttl;			/* 0: the outer route's default */
	bool has_df;			/* RVTI_A_DF was there */
	uint8_t df;			/* enum rvti_df, maybe unknown */
	bool has_sas;			/* RVTI_A_SAS was there */
	struct rvti_sa_info *sas;	/* nsas entries, kernel order */
	unsigned int nsas;
	/* From kernels with prefixes (RVTI_A_PREFIX_COUNT was there). */
	bool has_policy;
	char site[RVTI_SITE_MAX_LEN + 1];	/* "": none */
	bool transit;
	uint32_t nprefixes;
	/* From kernels with lifetimes: RVTI_A_LAST_RX (0: never). */
	bool has_last_rx;
	uint64_t last_rx;
	/* RVTI_A_ENCAP_PORT: the ESP in UDP port rvti holds, 0: none. */
	uint16_t encap_port;
	/* RVTI_A_STATE (enum rvti_state, maybe unknown), from newer kernels. */
	bool has_state;
	uint8_t state;
	/* For printing: the prefixes of every tunnel shown, or NULL. */
	const struct prefix_list *plist;
};

/*
 * rvti tunnel set dev NAME [local ADDR|any] [remote ADDR|any]
 *                 [ttl 1-255|inherit] [df copy|set|clear]
 *                 [site LABEL|none] [transit on|off]
 *                 [encap-port PORT|none]
 */
struct tunnel_set_req {
	char ifname[IFNAMSIZ];
	bool has_local;
	bool has_remote;
	bool has_ttl;
	bool has_df;
	struct rvti_addr local;		/* not set: "any", clears it */
	struct rvti_addr remote;
	uint8_t ttl;			/* 0: "inherit", the route's default */
	uint8_t df;			/* enum rvti_df */
	bool has_site;
	bool has_transit;
	char site[RVTI_SITE_MAX_LEN + 1];	/* "": "none", clears it */
	bool transit;
	bool has_encap_port;
	uint16_t encap_port;		/* 0: "none" */
};

/* Whether the request changes the outer parameters (RVTI_CMD_SET_TUNNEL). */
static inline bool tunnel_set_outer(const struct tunnel_set_req *req)
{
	return req->has_local || req->has_remote || req->has_ttl || req->has_df ||
	       req->has_encap_port;
}

#define TUNNEL_SET_HELP \
	"dev NAME [local ADDR|any] [remote ADDR|any] [ttl 1-255|inherit] " \
	"[df copy|set|clear] [site LABEL|none] [transit on|off] " \
	"[encap-port PORT|none]"

/*
 * The name of an enum rvti_df value ("copy", "set", "clear"), or NULL for
 * a value this tool does not know.
 */
const char *tunnel_df_str(uint8_t df);

/*
 * The name of an enum rvti_state value ("connected", "no-out-sa", ...), or
 * NULL for a value this tool does not know.
 */
const char *tunnel_state_str(uint8_t state);
/* " state NAME" (a state this tool does not know: its number); "state". */
void tunnel_state_print(FILE *fp, uint8_t state);
int tunnel_state_json(json_object *obj, uint8_t state);

/* rvti tunnel show [dev NAME] */
struct tunnel_show_req {
	bool has_dev;
	char ifname[IFNAMSIZ];
};

/*
 * Parse the arguments after "set" / "show". Return 0, PARSE_HELP, or
 * -EINVAL with a message for the user in @err (@errlen bytes).
 */
int tunnel_set_parse(int argc, char **argv, struct tunnel_set_req *req,
		     char *err, size_t errlen);
int tunnel_show_parse(int argc, char **argv, struct tunnel_show_req *req,
		      char *err, size_t errlen);

/*
 * Append the request's attributes to @nlh, a message in a buffer of
 * @buflen bytes. Return 0 or -EMSGSIZE.
 */
int tunnel_set_build(struct nlmsghdr *nlh, size_t buflen,
		     const struct tunnel_set_req *req);
/* The site and transit part, for RVTI_CMD_SET_SITE. */
int tunnel_set_site_build(struct nlmsghdr *nlh, size_t buflen,
			  const struct tunnel_set_req *req);
int tunnel_show_build(struct nlmsghdr *nlh, size_t buflen,
		      const struct tunnel_show_req *req);

/*
 * Decode one RVTI_CMD_GET_TUNNEL reply. Unknown and pad attributes are
 * ignored, nested ones included. Returns 0, -ENOMEM, or -EBADMSG with @why
 * (if not NULL) saying what is wrong; @t needs tunnel_free() only after 0.
 */
int tunnel_from_msg(const struct nlmsghdr *nlh, struct rvti_tunnel *t,
		    const char **why);
void tunnel_free(struct rvti_tunnel *t);

/*
 * Print one tunnel. Human:
 *	NAME: local ADDR|any remote ADDR|none[ ttl N][ df set|clear]
 *		[ site LABEL][ transit on][ last-rx TIME|never]
 *	    sa DIR spi 0xSPI ...			(one line per SA)
 *	        packets N ... seq N			(with -s)
 *	    drops: no-tx-sa N no-endpoint N wrong-source N	(with -s)
 * where " ttl N" is there only when the TTL is not 0 (the route's default)
 * and " df ..." only when DF is not "copy" (an unknown value as its
 * number); neither when the kernel did not send them.
 * JSON: {"ifname": NAME, "ifindex": N, "local": ADDR|null,
 *	  "remote": ADDR|null, "ttl": N, "df": "copy"|"set"|"clear"|N,
 *	  "stats": {"no_tx_sa": N, "no_endpoint": N, "wrong_source": N},
 *	  "sas": [SA...]}
 * where "ttl", "df", "stats" and "sas" are there when the kernel sent them
 * (a current one always does), whatever -s says; "ttl" 0 means the route's
 * default; see sa_to_json() for SA. Kernels with lifetimes add
 * "last_rx": N (seconds since the epoch, 0: never) at the end.
 * Returns 0 or -ENOMEM.
 */
int tunnel_print(struct rvti_out *o, const struct rvti_tunnel *t);

/*
 * Print only the SAs of one tunnel, for "sa list". Human: each SA line of
 * tunnel_print() without its indentation, after "NAME: ", and with -s its
 * counters indented by four spaces. JSON: as tunnel_print().
 */
int tunnel_print_sas(struct rvti_out *o, const struct rvti_tunnel *t);

/*
 * Run "show" (or "sa list" with @sas_only) with the arguments that follow
 * it: send the GET_TUNNEL request (a dump without a device) and print the
 * replies with tunnel_print(), or tunnel_print_sas() with @sas_only.
 * Returns an exit status.
 */
int tunnel_show_cmd(struct rvti_ctx *ctx, int argc, char **argv,
		    bool sas_only);

/* The "tunnel" command group, and "show" for the top-level alias. */
extern const struct rvti_command tunnel_cmds[];
int tunnel_do_show(struct rvti_ctx *ctx, int argc, char **argv);

#define TUNNEL_SHOW_HELP "[dev NAME]"

#endif /* RVTI_TUNNEL_H */
