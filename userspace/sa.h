/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rvti security association commands: "sa add", "sa del", "sa list"; and
 * the decoding and printing of the SAs that RVTI_CMD_GET_TUNNEL replies
 * carry (used by "show" as well).
 *
 * As in tunnel.h, each command is a pure command-line parser that fills a
 * request struct, a builder that turns it into netlink attributes, and the
 * handler that sends it; the first two are unit tested.
 */
#ifndef RVTI_SA_H
#define RVTI_SA_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <libmnl/libmnl.h>

#include "cmd.h"
#include "output.h"
#include "parse.h"

/* Longest algorithm name plus its NUL (the kernel's CRYPTO_MAX_ALG_NAME). */
#define SA_ALG_NAME_MAX 128

/* RVTI_SA_A_STATS; counters the kernel did not send are 0. */
struct rvti_sa_stats {
	uint64_t packets;
	uint64_t bytes;
	uint64_t replayed;
	uint64_t outside_window;
	uint64_t icv_fail;
	uint64_t malformed;
	uint64_t seq_exhausted;
	uint64_t seq;
};

/* One SA as the kernel reports it (an RVTI_A_SA nest in RVTI_A_SAS). */
struct rvti_sa_info {
	uint8_t dir;			/* RVTI_SA_DIR_IN or RVTI_SA_DIR_OUT */
	uint32_t spi;			/* host order */
	char aead[SA_ALG_NAME_MAX];	/* "" when absent */
	char enc[SA_ALG_NAME_MAX];
	char auth[SA_ALG_NAME_MAX];
	bool has_icv;
	uint32_t icv_bits;
	uint32_t flags;			/* RVTI_SA_F_* */
	bool has_replay_window;		/* inbound SAs */
	uint32_t replay_window;
	bool has_stats;
	struct rvti_sa_stats stats;
};

/*
 * rvti sa add dev NAME dir in|out spi SPI ALGORITHM [icv BITS] [esn]
 *	       [replay-window N]
 * ALGORITHM := aead ALG key KEY | enc ALG key KEY auth ALG key KEY
 */
struct sa_add_req {
	char ifname[IFNAMSIZ];
	uint8_t dir;
	uint32_t spi;
	char aead[SA_ALG_NAME_MAX];	/* "" when not given */
	char enc[SA_ALG_NAME_MAX];
	char auth[SA_ALG_NAME_MAX];
	/* The AEAD key (salt included) or the cipher key. */
	uint8_t enc_key[PARSE_KEY_MAX];
	size_t enc_key_len;
	uint8_t auth_key[PARSE_KEY_MAX];
	size_t auth_key_len;
	bool has_icv;
	uint32_t icv_bits;
	uint32_t flags;			/* RVTI_SA_F_*; sent when not 0 */
	bool has_replay_window;
	uint32_t replay_window;
};

/* rvti sa del dev NAME dir in|out spi SPI */
struct sa_del_req {
	char ifname[IFNAMSIZ];
	uint8_t dir;
	uint32_t spi;
};

/*
 * Parse the arguments after "add" / "del". Return 0, PARSE_HELP, or
 * -EINVAL with a message for the user in @err (@errlen bytes).
 * sa_add_parse() may also return the negative errno of reading a key file
 * (a system error, not a usage error), again with a message; whenever it
 * does not return 0 the request, keys included, is wiped.
 */
int sa_add_parse(int argc, char **argv, struct sa_add_req *req, char *err,
		 size_t errlen);
int sa_del_parse(int argc, char **argv, struct sa_del_req *req, char *err,
		 size_t errlen);

/* Wipe @req, keys included. */
void sa_add_req_wipe(struct sa_add_req *req);

/*
 * Append the request's attributes (the device name and the RVTI_A_SA nest)
 * to @nlh, a message in a buffer of @buflen bytes. Return 0 or -EMSGSIZE.
 */
int sa_add_build(struct nlmsghdr *nlh, size_t buflen,
		 const struct sa_add_req *req);
int sa_del_build(struct nlmsghdr *nlh, size_t buflen,
		 const struct sa_del_req *req);

/*
 * Decode one RVTI_A_SA nest of a reply, or the RVTI_A_SAS list of them
 * into a new array (*@sas, NULL when empty, for free()). Unknown and pad
 * attributes are ignored. Return 0, -ENOMEM, or -EBADMSG with @why (if
 * not NULL) saying what is wrong.
 */
int sa_from_attr(const struct nlattr *nest, struct rvti_sa_info *sa,
		 const char **why);
int sa_list_from_attr(const struct nlattr *list, struct rvti_sa_info **sas,
		      unsigned int *nsas, const char **why);

/*
 * Decode a nest of u64 counters (attribute types 1..@max, @max < 16): the
 * value of attribute fields[i].type is stored at @base + fields[i].offset;
 * absent ones are left alone, unknown and pad attributes ignored. Returns 0
 * or -EBADMSG with @why set to @reason.
 */
struct u64_field {
	uint16_t type;
	size_t offset;
};

int sa_get_u64s(const struct nlattr *nest, void *base,
		const struct u64_field *fields, size_t nfields,
		unsigned int max, const char **why, const char *reason);

/*
 * Print one SA as text:
 *	<lead>sa in|out spi 0xSPI { aead ALG | enc ALG auth ALG } [icv BITS]
 *		[esn] [replay-window N]
 * and with @stats (when the kernel sent counters):
 *	<indent>    packets N bytes N replayed N outside-window N icv-fail N
 *		malformed N seq-exhausted N seq N
 */
void sa_print_text(FILE *fp, const char *lead, const char *indent,
		   const struct rvti_sa_info *sa, bool stats);

/*
 * The SA as a JSON object: {"dir": "in"|"out", "spi": N, "aead": ALG (or
 * "enc": ALG, "auth": ALG), "icv": BITS, "esn": BOOL, "replay_window": N
 * (inbound), "stats": {...}}. NULL when out of memory.
 */
json_object *sa_to_json(const struct rvti_sa_info *sa);

/* The name of a direction: "in", "out", or "?". */
const char *sa_dir_str(uint8_t dir);

/* The "sa" command group. */
extern const struct rvti_command sa_cmds[];

#endif /* RVTI_SA_H */
