/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rvti security association commands: "sa add", "sa del", "sa set",
 * "sa list"; and the decoding and printing of the SAs that RVTI_CMD_GET_TUNNEL replies
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
#include <linux/rvti.h>

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
	uint64_t overload;
	uint64_t encap_mismatch;
};

/*
 * Lifetime limits, indexed by enum rvti_lifetime_attr
 * (RVTI_LIFETIME_A_SOFT_BYTES .. RVTI_LIFETIME_A_HARD_USE_SECONDS); 0: no
 * limit. Soft limits have odd indices, each followed by its hard limit.
 */
#define SA_NLIMITS (RVTI_LIFETIME_A_HARD_USE_SECONDS + 1)

/*
 * The keyword of a limit ("soft-bytes", "hard-time", ...; JSON uses the
 * same with '_' for '-'), or NULL for an index that is not a limit.
 */
const char *sa_limit_kw(unsigned int type);

/* The name of an enum rvti_limit ("bytes", ..., "seq"), or NULL. */
const char *sa_limit_str(uint8_t limit);

/* The name of an enum rvti_sa_state ("ok", ...), or NULL. */
const char *sa_state_str(uint8_t state);

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
	/* From kernels with lifetimes; each flag: the attribute was there. */
	bool has_lifetime;
	uint64_t lifetime[SA_NLIMITS];
	bool has_active;
	bool active;			/* outbound: the one in use */
	bool has_parallel;
	bool parallel;			/* crypto spread over the CPUs */
	bool has_state;
	uint8_t state;			/* enum rvti_sa_state, maybe unknown */
	bool has_times;			/* RVTI_SA_A_ADD_TIME was there */
	uint64_t add_time;		/* seconds since the epoch */
	uint64_t first_use;		/* 0: none */
	uint64_t last_use;		/* 0: none */
	/* ESP in UDP: both ports (host order), or 0 when bare ESP. */
	uint16_t encap_sport, encap_dport;
};

/*
 * rvti sa add dev NAME dir in|out spi SPI ALGORITHM [icv BITS] [esn]
 *	       [replay-window N] [seq N] [encap espinudp SPORT DPORT]
 *	       [LIMIT N]...
 * ALGORITHM := aead ALG key KEY | enc ALG key KEY auth ALG key KEY
 * LIMIT := soft-bytes | hard-bytes | soft-packets | hard-packets |
 *	    soft-time | hard-time | soft-use-time | hard-use-time
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
	bool has_seq;			/* outbound only */
	uint64_t seq;
	/* ESP in UDP, both ports or neither (0): as the SA's packets go. */
	uint16_t encap_sport, encap_dport;
	/* The limits given (bit N: lifetime[N]), sent in RVTI_SA_A_LIFETIME. */
	uint32_t lifetime_given;
	uint64_t lifetime[SA_NLIMITS];
};

/* rvti sa del|get dev NAME dir in|out spi SPI */
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

/* rvti sa set dev NAME dir in|out spi SPI encap espinudp SPORT DPORT */
struct sa_set_req {
	char ifname[IFNAMSIZ];
	uint8_t dir;
	uint32_t spi;
	uint16_t encap_sport, encap_dport;
};

int sa_set_parse(int argc, char **argv, struct sa_set_req *req, char *err,
		 size_t errlen);
/* For RVTI_CMD_SET_SA. */
int sa_set_build(struct nlmsghdr *nlh, size_t buflen,
		 const struct sa_set_req *req);

/* rvti sa allocspi dev NAME [min SPI] [max SPI] */
struct sa_allocspi_req {
	char ifname[IFNAMSIZ];
	bool has_min;
	uint32_t min;
	bool has_max;
	uint32_t max;
};

int sa_allocspi_parse(int argc, char **argv, struct sa_allocspi_req *req,
		      char *err, size_t errlen);

/* Wipe @req, keys included. */
void sa_add_req_wipe(struct sa_add_req *req);

/*
 * Append the request's attributes (the device name and the RVTI_A_SA nest)
 * to @nlh, a message in a buffer of @buflen bytes. Return 0 or -EMSGSIZE.
 */
int sa_add_build(struct nlmsghdr *nlh, size_t buflen,
		 const struct sa_add_req *req);
/* For RVTI_CMD_DEL_SA and the RVTI_CMD_GET_SA do. */
int sa_del_build(struct nlmsghdr *nlh, size_t buflen,
		 const struct sa_del_req *req);
int sa_allocspi_build(struct nlmsghdr *nlh, size_t buflen,
		      const struct sa_allocspi_req *req);

/*
 * Decode a message that names a device and one SA (a GET_SA reply):
 * RVTI_A_IFNAME into @ifname (IFNAMSIZ bytes), RVTI_A_IFINDEX into
 * *@ifindex (0 when absent), RVTI_A_SA into @sa. Returns 0 or -EBADMSG
 * with @why set.
 */
int sa_msg_decode(const struct nlmsghdr *nlh, char *ifname,
		  uint32_t *ifindex, struct rvti_sa_info *sa, const char **why);

/*
 * Decode an RVTI_CMD_ALLOC_SPI reply: the device name and RVTI_A_SPI.
 * Returns 0 or -EBADMSG with @why set.
 */
int sa_allocspi_decode(const struct nlmsghdr *nlh, char *ifname,
		       uint32_t *spi, const char **why);

/*
 * A time of the kernel (seconds since the epoch) for text output:
 * "2026-11-30T14:00:00Z" (UTC), or "never" for 0. Returns @buf.
 */
#define SA_TIME_STRLEN 32
const char *sa_time_str(uint64_t t, char *buf, size_t size);

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
 *		[esn] [replay-window N] [encap espinudp SPORT DPORT]
 *		[LIMIT N]... [inactive] [parallel]
 *		[state soft-expired|hard-expired]
 *		[added TIME first-use TIME|never last-use TIME|never]
 * with the limits that are set (LIMIT as in "sa add"), "inactive" for an
 * outbound SA that is not the active one, "parallel" for an SA whose
 * crypto runs on all CPUs, the state when it is not ok,
 * and the times (see sa_time_str()) when the kernel sent them;
 * and with @stats (when the kernel sent counters):
 *	<indent>    packets N bytes N replayed N outside-window N icv-fail N
 *		malformed N seq-exhausted N seq N overload N encap-mismatch N
 */
void sa_print_text(FILE *fp, const char *lead, const char *indent,
		   const struct rvti_sa_info *sa, bool stats);

/*
 * The SA as a JSON object: {"dir": "in"|"out", "spi": N, "aead": ALG (or
 * "enc": ALG, "auth": ALG), "icv": BITS, "esn": BOOL, "replay_window": N
 * (inbound), "encap": {"type": "espinudp", "sport": N, "dport": N} (ESP
 * in UDP), "stats": {...}, "lifetime": {"soft_bytes": N, ...} (the
 * limits that are set), "state": "ok"|"soft-expired"|"hard-expired" (an
 * unknown value as its number), "active": BOOL (outbound), "parallel":
 * BOOL, "add_time": N,
 * "first_use": N, "last_use": N (seconds since the epoch, 0: never)},
 * each of the last ones when the kernel sent it. NULL when out of memory.
 */
json_object *sa_to_json(const struct rvti_sa_info *sa);

/*
 * "encap": {"type": "espinudp", "sport": N, "dport": N} into @obj (SAs and
 * new-mapping events). 0 or -ENOMEM.
 */
int sa_encap_json(json_object *obj, uint16_t sport, uint16_t dport);

/* The name of a direction: "in", "out", or "?". */
const char *sa_dir_str(uint8_t dir);

#define SA_ADD_HELP \
	"dev NAME dir in|out spi SPI ALGORITHM [icv BITS] [esn] " \
	"[replay-window N] [seq N] [encap espinudp SPORT DPORT] [LIMIT N]..."

/* The "sa" command group. */
extern const struct rvti_command sa_cmds[];

#endif /* RVTI_SA_H */
