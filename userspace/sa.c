// SPDX-License-Identifier: GPL-2.0
/*
 * rvti security association commands; see sa.h.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <linux/rvti.h>

#include "sa.h"
#include "tunnel.h"

void sa_add_req_wipe(struct sa_add_req *req)
{
	explicit_bzero(req, sizeof(*req));
}

const char *sa_dir_str(uint8_t dir)
{
	switch (dir) {
	case RVTI_SA_DIR_IN:
		return "in";
	case RVTI_SA_DIR_OUT:
		return "out";
	default:
		return "?";
	}
}

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char *const limit_kws[SA_NLIMITS] = {
	[RVTI_LIFETIME_A_SOFT_BYTES] = "soft-bytes",
	[RVTI_LIFETIME_A_HARD_BYTES] = "hard-bytes",
	[RVTI_LIFETIME_A_SOFT_PACKETS] = "soft-packets",
	[RVTI_LIFETIME_A_HARD_PACKETS] = "hard-packets",
	[RVTI_LIFETIME_A_SOFT_ADD_SECONDS] = "soft-time",
	[RVTI_LIFETIME_A_HARD_ADD_SECONDS] = "hard-time",
	[RVTI_LIFETIME_A_SOFT_USE_SECONDS] = "soft-use-time",
	[RVTI_LIFETIME_A_HARD_USE_SECONDS] = "hard-use-time",
};

const char *sa_limit_kw(unsigned int type)
{
	return type < SA_NLIMITS ? limit_kws[type] : NULL;
}

static const char *const limit_names[] = {
	[RVTI_LIMIT_BYTES] = "bytes",
	[RVTI_LIMIT_PACKETS] = "packets",
	[RVTI_LIMIT_ADD_SECONDS] = "add-time",
	[RVTI_LIMIT_USE_SECONDS] = "use-time",
	[RVTI_LIMIT_SEQ] = "seq",
};

const char *sa_limit_str(uint8_t limit)
{
	return limit < ARRAY_SIZE(limit_names) ? limit_names[limit] : NULL;
}

static const char *const state_names[] = {
	[RVTI_SA_STATE_OK] = "ok",
	[RVTI_SA_STATE_SOFT_EXPIRED] = "soft-expired",
	[RVTI_SA_STATE_HARD_EXPIRED] = "hard-expired",
};

const char *sa_state_str(uint8_t state)
{
	return state < ARRAY_SIZE(state_names) ? state_names[state] : NULL;
}

const char *sa_time_str(uint64_t t, char *buf, size_t size)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!t)
		snprintf(buf, size, "never");
	else if (tt < 0 || (uint64_t)tt != t || !gmtime_r(&tt, &tm) ||
		 !strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, size, "%" PRIu64, t);
	return buf;
}

/* --- command line --- */

static int arg_dir(const char *val, uint8_t *dir, char *err, size_t errlen)
{
	static const char *const dirs[] = { "in", "out", NULL };

	switch (parse_keyword(val, dirs)) {
	case 0:
		*dir = RVTI_SA_DIR_IN;
		return 0;
	case 1:
		*dir = RVTI_SA_DIR_OUT;
		return 0;
	default:
		/* Invalid values are not repeated: see parse_word_is_known(). */
		return parse_errf(err, errlen,
				  "invalid direction (expected \"in\" or \"out\")");
	}
}

/* RFC 4303 2.1: SPIs 1 to 255 are reserved by IANA, 0 for local use. */
#define SA_SPI_MIN 256

static int arg_spi(const char *val, uint32_t *spi, char *err, size_t errlen)
{
	if (parse_u32(val, spi))
		return parse_errf(err, errlen,
				  "invalid SPI (expected a 32-bit number, decimal or 0xHEX)");
	if (*spi < SA_SPI_MIN)
		return parse_errf(err, errlen,
				  "SPIs 0 to 255 are reserved (RFC 4303): use 256 to 4294967295");
	return 0;
}

static int arg_u32(const char *kw, const char *val, uint32_t *v, char *err,
		   size_t errlen)
{
	if (parse_u32(val, v))
		return parse_errf(err, errlen,
				  "invalid %s (expected a 32-bit number)", kw);
	return 0;
}

static int arg_alg(const char *kw, const char *val, char *alg, char *err,
		   size_t errlen)
{
	size_t n = strlen(val);

	if (!n)
		return parse_errf(err, errlen, "empty %s algorithm name", kw);
	if (n >= SA_ALG_NAME_MAX)
		return parse_errf(err, errlen,
				  "%s algorithm name longer than %d characters",
				  kw, SA_ALG_NAME_MAX - 1);
	memcpy(alg, val, n + 1);
	return 0;
}

/*
 * "dev", "dir" and "spi" name an SA: they come first in the keywords of
 * both "add" and "del", and both need all three.
 */
enum { SA_KW_DEV, SA_KW_DIR, SA_KW_SPI };

static int sa_id_arg(int kw, const char *val, char *ifname, uint8_t *dir,
		     uint32_t *spi, char *err, size_t errlen)
{
	switch (kw) {
	case SA_KW_DEV:
		return parse_dev_arg(val, ifname, err, errlen);
	case SA_KW_DIR:
		return arg_dir(val, dir, err, errlen);
	default:
		return arg_spi(val, spi, err, errlen);
	}
}

static int sa_id_check(const bool *seen, char *err, size_t errlen)
{
	if (!seen[SA_KW_DEV])
		return parse_errf(err, errlen, "missing \"dev NAME\"");
	if (!seen[SA_KW_DIR])
		return parse_errf(err, errlen, "missing \"dir in|out\"");
	if (!seen[SA_KW_SPI])
		return parse_errf(err, errlen, "missing \"spi SPI\"");
	return 0;
}

enum {
	ADD_DEV = SA_KW_DEV, ADD_DIR = SA_KW_DIR, ADD_SPI = SA_KW_SPI,
	ADD_AEAD, ADD_ENC, ADD_AUTH, ADD_KEY,
	ADD_ICV, ADD_ESN, ADD_REPLAY, ADD_SEQ, ADD_ENCAP,
	/* The limits, in the order of enum rvti_lifetime_attr. */
	ADD_SOFT_BYTES, ADD_HARD_BYTES, ADD_SOFT_PACKETS, ADD_HARD_PACKETS,
	ADD_SOFT_TIME, ADD_HARD_TIME, ADD_SOFT_USE_TIME, ADD_HARD_USE_TIME,
	ADD_HELP, ADD_NKW
};

/* The RVTI_LIFETIME_A_* of a limit keyword. */
#define ADD_KW_LIMIT(kw) ((kw) - ADD_SOFT_BYTES + RVTI_LIFETIME_A_SOFT_BYTES)

static const char *const add_kws[] = {
	[ADD_DEV] = "dev",
	[ADD_DIR] = "dir",
	[ADD_SPI] = "spi",
	[ADD_AEAD] = "aead",
	[ADD_ENC] = "enc",
	[ADD_AUTH] = "auth",
	[ADD_KEY] = "key",
	[ADD_ICV] = "icv",
	[ADD_ESN] = "esn",
	[ADD_REPLAY] = "replay-window",
	[ADD_SEQ] = "seq",
	[ADD_ENCAP] = "encap",
	[ADD_SOFT_BYTES] = "soft-bytes",
	[ADD_HARD_BYTES] = "hard-bytes",
	[ADD_SOFT_PACKETS] = "soft-packets",
	[ADD_HARD_PACKETS] = "hard-packets",
	[ADD_SOFT_TIME] = "soft-time",
	[ADD_HARD_TIME] = "hard-time",
	[ADD_SOFT_USE_TIME] = "soft-use-time",
	[ADD_HARD_USE_TIME] = "hard-use-time",
	[ADD_HELP] = "help",
	NULL
};

/* "key" after @alg (ADD_AEAD, ADD_ENC or ADD_AUTH). */
static int arg_key(int alg, const char *val, struct sa_add_req *req,
		   char *err, size_t errlen)
{
	const char *why = "invalid";
	uint8_t *key = alg == ADD_AUTH ? req->auth_key : req->enc_key;
	size_t *len = alg == ADD_AUTH ? &req->auth_key_len : &req->enc_key_len;
	int ret;

	ret = parse_hex_key(val, key, PARSE_KEY_MAX, len, &why);
	if (!ret)
		return 0;
	if (ret == -EINVAL || ret == -ERANGE)
		return parse_errf(err, errlen, "invalid %s key: %s", add_kws[alg],
				  why);
	/* The file could not be read: not a usage error. */
	if (err && errlen)
		snprintf(err, errlen, "cannot read the %s key from \"%s\": %s",
			 add_kws[alg], val + 1, why);
	return ret;
}

/* The value of a limit keyword @kw: a count, bytes or seconds. */
static int arg_limit(int kw, const char *val, struct sa_add_req *req,
		     char *err, size_t errlen)
{
	unsigned int type = ADD_KW_LIMIT(kw);
	bool bytes = type == RVTI_LIFETIME_A_SOFT_BYTES ||
		     type == RVTI_LIFETIME_A_HARD_BYTES;
	bool secs = type >= RVTI_LIFETIME_A_SOFT_ADD_SECONDS;
	int ret;

	ret = bytes ? parse_bytes(val, &req->lifetime[type]) :
		      parse_u64(val, &req->lifetime[type]);
	if (ret)
		return parse_errf(err, errlen, "invalid %s (expected %s)",
				  add_kws[kw],
				  bytes ? "a 64-bit number of bytes, decimal or 0xHEX, optionally with K, M or G" :
				  secs ? "a 64-bit number of seconds, decimal or 0xHEX" :
				  "a 64-bit number, decimal or 0xHEX");
	req->lifetime_given |= 1U << type;
	return 0;
}

/*
 * No soft limit above its hard limit, where the hard one is set (not 0),
 * as the kernel checks: equal limits are taken (the soft event and the
 * hard expiry then come together).
 */
static int limits_check(const struct sa_add_req *req, char *err,
			size_t errlen)
{
	unsigned int soft;

	for (soft = RVTI_LIFETIME_A_SOFT_BYTES; soft + 1 < SA_NLIMITS;
	     soft += 2) {
		if (req->lifetime[soft + 1] &&
		    req->lifetime[soft] > req->lifetime[soft + 1])
			return parse_errf(err, errlen,
					  "%s is above %s: a soft limit must not exceed its hard limit",
					  limit_kws[soft], limit_kws[soft + 1]);
	}
	return 0;
}

static int sa_add_check(const struct sa_add_req *req, const bool *seen,
			char *err, size_t errlen)
{
	static const int algs[] = { ADD_AEAD, ADD_ENC, ADD_AUTH };
	bool has_key[ADD_NKW] = { false };
	unsigned int i;
	int ret;

	ret = sa_id_check(seen, err, errlen);
	if (ret)
		return ret;
	if (seen[ADD_AEAD] && (seen[ADD_ENC] || seen[ADD_AUTH]))
		return parse_errf(err, errlen,
				  "\"aead\" cannot be combined with \"enc\" or \"auth\"");
	if (!seen[ADD_AEAD] && !seen[ADD_ENC] && !seen[ADD_AUTH])
		return parse_errf(err, errlen,
				  "missing algorithm: \"aead ALG key KEY\" or \"enc ALG key KEY auth ALG key KEY\"");
	if (seen[ADD_ENC] && !seen[ADD_AUTH])
		return parse_errf(err, errlen,
				  "\"enc\" needs \"auth ALG key KEY\" as well");
	if (seen[ADD_AUTH] && !seen[ADD_ENC])
		return parse_errf(err, errlen,
				  "\"auth\" needs \"enc ALG key KEY\" as well");
	has_key[ADD_AEAD] = has_key[ADD_ENC] = req->enc_key_len > 0;
	has_key[ADD_AUTH] = req->auth_key_len > 0;
	for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
		if (seen[algs[i]] && !has_key[algs[i]])
			return parse_errf(err, errlen,
					  "missing \"key KEY\" after \"%s ALG\"",
					  add_kws[algs[i]]);
	}
	if (req->has_seq && req->dir != RVTI_SA_DIR_OUT)
		return parse_errf(err, errlen,
				  "\"seq\" goes with \"dir out\" only: it is the last sequence number sent");
	return limits_check(req, err, errlen);
}

/*
 * parse_kw() refused @arg, which follows the keyword @prev (-1: none) and
 * its value: if it is what ip xfrm takes there without a keyword, say where
 * it goes in rvti (still without repeating it).
 */
static int add_kw_hint(int prev, int kw, const char *arg, char *err,
		       size_t errlen)
{
	uint32_t v;

	if (kw != KW_NONE || parse_word_is_known(arg))
		return -EINVAL;
	/* ip xfrm: "aead ALG KEY BITS", "enc ALG KEY", "auth ALG KEY" */
	if (prev == ADD_AEAD || prev == ADD_ENC || prev == ADD_AUTH)
		return parse_err_hint(err, errlen,
				      "the key goes after the keyword \"key\" (key 0xHEX or key @FILE)");
	if (prev == ADD_KEY && !arg[strspn(arg, "0123456789")] &&
	    !parse_u32(arg, &v))
		return parse_err_hint(err, errlen,
				      "the ICV length goes after the keyword \"icv\" (icv BITS)");
	return -EINVAL;
}

/*
 * "encap espinudp SPORT DPORT", as ip xfrm state takes it: ESP in UDP with
 * these ports, as the SA's packets go. @type is the word after "encap";
 * the ports follow it.
 */
static int arg_encap(int argc, char **argv, int *i, const char *type,
		     uint16_t *sport, uint16_t *dport, char *err, size_t errlen)
{
	uint16_t *port[] = { sport, dport };
	const char *what[] = { "source", "destination" };
	const char *val;
	unsigned int n;
	uint32_t v;
	int ret;

	if (strcmp(type, "espinudp"))
		return parse_errf(err, errlen,
				  "invalid encap \"%s\" (expected espinudp: ESP in UDP, RFC 3948)",
				  type);
	for (n = 0; n < 2; n++) {
		ret = parse_kw_val(argc, argv, i, "encap espinudp", &val, err,
				   errlen);
		if (ret)
			return ret;
		if (parse_u32(val, &v) || !v || v > 65535)
			return parse_errf(err, errlen,
					  "invalid encap %s port \"%s\" (expected 1 to 65535)",
					  what[n], val);
		*port[n] = v;
	}
	return 0;
}

static int sa_add_parse_args(int argc, char **argv, struct sa_add_req *req,
			     char *err, size_t errlen)
{
	bool seen[ADD_NKW] = { false }, key_seen[ADD_NKW] = { false };
	int i, kw, prev = -1, alg = -1, ret;
	const char *val;

	for (i = 0; i < argc; i++) {
		ret = parse_kw(argv[i], i + 1, prev < 0 ? NULL : add_kws[prev],
			       add_kws, &kw, err, errlen);
		if (ret == -EINVAL)
			return add_kw_hint(prev, kw, argv[i], err, errlen);
		prev = kw;
		if (!ret && kw != ADD_KEY)
			ret = parse_kw_once(&seen[kw], add_kws[kw], err,
					    errlen);
		if (ret)
			return ret;
		if (kw == ADD_ESN) {
			req->flags |= RVTI_SA_F_ESN;
			continue;
		}
		ret = parse_kw_val(argc, argv, &i, add_kws[kw], &val, err,
				   errlen);
		if (ret)
			return ret;

		switch (kw) {
		case ADD_DEV:
		case ADD_DIR:
		case ADD_SPI:
			ret = sa_id_arg(kw, val, req->ifname, &req->dir,
					&req->spi, err, errlen);
			break;
		case ADD_AEAD:
			ret = arg_alg("aead", val, req->aead, err, errlen);
			alg = kw;
			break;
		case ADD_ENC:
			ret = arg_alg("enc", val, req->enc, err, errlen);
			alg = kw;
			break;
		case ADD_AUTH:
			ret = arg_alg("auth", val, req->auth, err, errlen);
			alg = kw;
			break;
		case ADD_KEY:
			/* The key of the algorithm named last. */
			if (alg < 0)
				return parse_errf(err, errlen,
						  "\"key\" must follow \"aead ALG\", \"enc ALG\" or \"auth ALG\"");
			if (key_seen[alg])
				return parse_errf(err, errlen,
						  "\"key\" given twice for \"%s\"",
						  add_kws[alg]);
			key_seen[alg] = true;
			ret = arg_key(alg, val, req, err, errlen);
			break;
		case ADD_ICV:
			ret = arg_u32("ICV length", val, &req->icv_bits, err,
				      errlen);
			req->has_icv = true;
			break;
		case ADD_REPLAY:
			ret = arg_u32("replay window", val,
				      &req->replay_window, err, errlen);
			req->has_replay_window = true;
			break;
		case ADD_SEQ:
			if (parse_u64(val, &req->seq))
				ret = parse_errf(err, errlen,
						 "invalid seq (expected a 64-bit number, decimal or 0xHEX)");
			req->has_seq = true;
			break;
		case ADD_ENCAP:
			ret = arg_encap(argc, argv, &i, val, &req->encap_sport,
					&req->encap_dport, err, errlen);
			break;
		default:
			ret = arg_limit(kw, val, req, err, errlen);
			break;
		}
		if (ret)
			return ret;
	}
	return sa_add_check(req, seen, err, errlen);
}

int sa_add_parse(int argc, char **argv, struct sa_add_req *req, char *err,
		 size_t errlen)
{
	int ret;

	memset(req, 0, sizeof(*req));
	ret = sa_add_parse_args(argc, argv, req, err, errlen);
	if (ret)
		sa_add_req_wipe(req);
	return ret;
}

enum {
	DEL_DEV = SA_KW_DEV, DEL_DIR = SA_KW_DIR, DEL_SPI = SA_KW_SPI,
	DEL_HELP, DEL_NKW
};
static const char *const del_kws[] = {
	[DEL_DEV] = "dev",
	[DEL_DIR] = "dir",
	[DEL_SPI] = "spi",
	[DEL_HELP] = "help",
	NULL
};

int sa_del_parse(int argc, char **argv, struct sa_del_req *req, char *err,
		 size_t errlen)
{
	bool seen[DEL_NKW] = { false };
	const char *val, *after = NULL;
	int i, kw, ret;

	memset(req, 0, sizeof(*req));
	for (i = 0; i < argc; i++) {
		ret = parse_kw_next(argc, argv, &i, &after, del_kws, seen, &kw,
				    &val, err, errlen);
		if (!ret)
			ret = sa_id_arg(kw, val, req->ifname, &req->dir,
					&req->spi, err, errlen);
		if (ret)
			return ret;
	}
	return sa_id_check(seen, err, errlen);
}

enum {
	SET_DEV = SA_KW_DEV, SET_DIR = SA_KW_DIR, SET_SPI = SA_KW_SPI,
	SET_ENCAP, SET_HELP, SET_NKW
};
static const char *const set_kws[] = {
	[SET_DEV] = "dev",
	[SET_DIR] = "dir",
	[SET_SPI] = "spi",
	[SET_ENCAP] = "encap",
	[SET_HELP] = "help",
	NULL
};

int sa_set_parse(int argc, char **argv, struct sa_set_req *req, char *err,
		 size_t errlen)
{
	bool seen[SET_NKW] = { false };
	const char *val, *after = NULL;
	int i, kw, ret;

	memset(req, 0, sizeof(*req));
	for (i = 0; i < argc; i++) {
		ret = parse_kw_next(argc, argv, &i, &after, set_kws, seen, &kw,
				    &val, err, errlen);
		if (!ret && kw == SET_ENCAP)
			ret = arg_encap(argc, argv, &i, val, &req->encap_sport,
					&req->encap_dport, err, errlen);
		else if (!ret)
			ret = sa_id_arg(kw, val, req->ifname, &req->dir,
					&req->spi, err, errlen);
		if (ret)
			return ret;
	}
	ret = sa_id_check(seen, err, errlen);
	if (!ret && !seen[SET_ENCAP])
		ret = parse_errf(err, errlen,
				 "nothing to set: give \"encap espinudp SPORT DPORT\"");
	return ret;
}

enum { ALLOC_DEV, ALLOC_MIN, ALLOC_MAX, ALLOC_HELP, ALLOC_NKW };
static const char *const alloc_kws[] = {
	[ALLOC_DEV] = "dev",
	[ALLOC_MIN] = "min",
	[ALLOC_MAX] = "max",
	[ALLOC_HELP] = "help",
	NULL
};

int sa_allocspi_parse(int argc, char **argv, struct sa_allocspi_req *req,
		      char *err, size_t errlen)
{
	bool seen[ALLOC_NKW] = { false };
	const char *val, *after = NULL;
	int i, kw, ret;

	memset(req, 0, sizeof(*req));
	for (i = 0; i < argc; i++) {
		ret = parse_kw_next(argc, argv, &i, &after, alloc_kws, seen,
				    &kw, &val, err, errlen);
		if (ret)
			return ret;
		switch (kw) {
		case ALLOC_DEV:
			ret = parse_dev_arg(val, req->ifname, err, errlen);
			break;
		case ALLOC_MIN:
			ret = arg_spi(val, &req->min, err, errlen);
			req->has_min = true;
			break;
		default:
			ret = arg_spi(val, &req->max, err, errlen);
			req->has_max = true;
			break;
		}
		if (ret)
			return ret;
	}
	if (!seen[ALLOC_DEV])
		return parse_errf(err, errlen, "missing \"dev NAME\"");
	if (req->has_min && req->has_max && req->min > req->max)
		return parse_errf(err, errlen,
				  "empty range: \"min\" is above \"max\"");
	return 0;
}

/* --- requests --- */

static bool put_strz(struct nlmsghdr *nlh, size_t buflen, uint16_t type,
		     const char *s)
{
	return mnl_attr_put_strz_check(nlh, buflen, type, s);
}

/*
 * What names the SA in both requests: the device name, then the RVTI_A_SA
 * nest that sa_nest_end() closes, with the direction and the SPI in it.
 */
static struct nlattr *sa_nest_start(struct nlmsghdr *nlh, size_t buflen,
				     const char *ifname, uint8_t dir,
				     uint32_t spi)
{
	struct nlattr *nest;

	if (!put_strz(nlh, buflen, RVTI_A_IFNAME, ifname))
		return NULL;
	nest = mnl_attr_nest_start_check(nlh, buflen, RVTI_A_SA);
	if (!nest)
		return NULL;
	if (!mnl_attr_put_u8_check(nlh, buflen, RVTI_SA_A_DIR, dir) ||
	    !mnl_attr_put_u32_check(nlh, buflen, RVTI_SA_A_SPI, spi)) {
		mnl_attr_nest_cancel(nlh, nest);
		return NULL;
	}
	return nest;
}

/* Close @nest, or take it back when not all of it fitted (!@ok). */
static int sa_nest_end(struct nlmsghdr *nlh, struct nlattr *nest, bool ok)
{
	if (!ok) {
		mnl_attr_nest_cancel(nlh, nest);
		return -EMSGSIZE;
	}
	mnl_attr_nest_end(nlh, nest);
	return 0;
}

/* RVTI_SA_A_LIFETIME with the limits given; false when it does not fit. */
static bool put_lifetime(struct nlmsghdr *nlh, size_t buflen,
			 const struct sa_add_req *req)
{
	struct nlattr *nest;
	uint16_t type;

	nest = mnl_attr_nest_start_check(nlh, buflen, RVTI_SA_A_LIFETIME);
	if (!nest)
		return false;
	for (type = RVTI_LIFETIME_A_SOFT_BYTES; type < SA_NLIMITS; type++) {
		if (!(req->lifetime_given & (1U << type)))
			continue;
		if (!mnl_attr_put_u64_check(nlh, buflen, type,
					    req->lifetime[type])) {
			mnl_attr_nest_cancel(nlh, nest);
			return false;
		}
	}
	mnl_attr_nest_end(nlh, nest);
	return true;
}

int sa_add_build(struct nlmsghdr *nlh, size_t buflen,
		 const struct sa_add_req *req)
{
	struct nlattr *nest;
	bool ok = true;

	nest = sa_nest_start(nlh, buflen, req->ifname, req->dir, req->spi);
	if (!nest)
		return -EMSGSIZE;
	if (req->aead[0])
		ok = put_strz(nlh, buflen, RVTI_SA_A_AEAD_ALG, req->aead);
	if (ok && req->enc[0])
		ok = put_strz(nlh, buflen, RVTI_SA_A_ENC_ALG, req->enc);
	if (ok && req->enc_key_len)
		ok = mnl_attr_put_check(nlh, buflen, RVTI_SA_A_ENC_KEY,
					req->enc_key_len, req->enc_key);
	if (ok && req->auth[0])
		ok = put_strz(nlh, buflen, RVTI_SA_A_AUTH_ALG, req->auth);
	if (ok && req->auth_key_len)
		ok = mnl_attr_put_check(nlh, buflen, RVTI_SA_A_AUTH_KEY,
					req->auth_key_len, req->auth_key);
	if (ok && req->has_icv)
		ok = mnl_attr_put_u32_check(nlh, buflen, RVTI_SA_A_ICV_BITS,
					    req->icv_bits);
	if (ok && req->flags)
		ok = mnl_attr_put_u32_check(nlh, buflen, RVTI_SA_A_FLAGS,
					    req->flags);
	if (ok && req->has_replay_window)
		ok = mnl_attr_put_u32_check(nlh, buflen,
					    RVTI_SA_A_REPLAY_WINDOW,
					    req->replay_window);
	if (ok && req->has_seq)
		ok = mnl_attr_put_u64_check(nlh, buflen, RVTI_SA_A_SEQ,
					    req->seq);
	if (ok && req->lifetime_given)
		ok = put_lifetime(nlh, buflen, req);
	if (ok && req->encap_sport)
		ok = mnl_attr_put_u16_check(nlh, buflen, RVTI_SA_A_ENCAP_SPORT,
					    req->encap_sport) &&
		     mnl_attr_put_u16_check(nlh, buflen, RVTI_SA_A_ENCAP_DPORT,
					    req->encap_dport);
	return sa_nest_end(nlh, nest, ok);
}

int sa_del_build(struct nlmsghdr *nlh, size_t buflen,
		 const struct sa_del_req *req)
{
	struct nlattr *nest;

	nest = sa_nest_start(nlh, buflen, req->ifname, req->dir, req->spi);
	if (!nest)
		return -EMSGSIZE;
	return sa_nest_end(nlh, nest, true);
}

int sa_set_build(struct nlmsghdr *nlh, size_t buflen,
		 const struct sa_set_req *req)
{
	struct nlattr *nest;

	nest = sa_nest_start(nlh, buflen, req->ifname, req->dir, req->spi);
	if (!nest)
		return -EMSGSIZE;
	return sa_nest_end(nlh, nest,
			   mnl_attr_put_u16_check(nlh, buflen,
						  RVTI_SA_A_ENCAP_SPORT,
						  req->encap_sport) &&
			   mnl_attr_put_u16_check(nlh, buflen,
						  RVTI_SA_A_ENCAP_DPORT,
						  req->encap_dport));
}

int sa_allocspi_build(struct nlmsghdr *nlh, size_t buflen,
		      const struct sa_allocspi_req *req)
{
	if (!put_strz(nlh, buflen, RVTI_A_IFNAME, req->ifname) ||
	    (req->has_min &&
	     !mnl_attr_put_u32_check(nlh, buflen, RVTI_A_SPI_MIN, req->min)) ||
	    (req->has_max &&
	     !mnl_attr_put_u32_check(nlh, buflen, RVTI_A_SPI_MAX, req->max)))
		return -EMSGSIZE;
	return 0;
}

/* --- replies --- */

static int bad(const char **why, const char *reason)
{
	if (why)
		*why = reason;
	return -EBADMSG;
}

/* An optional u32 attribute; @why names it. */
static int get_u32(const struct nlattr *attr, uint32_t *v, bool *has,
		   const char **why, const char *reason)
{
	if (!attr)
		return 0;
	if (mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
		return bad(why, reason);
	*v = mnl_attr_get_u32(attr);
	if (has)
		*has = true;
	return 0;
}

static int get_alg(const struct nlattr *attr, char *alg, const char **why,
		   const char *reason)
{
	const char *s;

	if (!attr)
		return 0;
	if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) < 0)
		return bad(why, reason);
	s = mnl_attr_get_str(attr);
	if (strlen(s) >= SA_ALG_NAME_MAX)
		return bad(why, reason);
	strcpy(alg, s);
	return 0;
}

/* Room for the attributes of any stats nest, unknown ones excepted. */
#define STATS_TB_SIZE 16

int sa_get_u64s(const struct nlattr *nest, void *base,
		    const struct u64_field *fields, size_t nfields,
		    unsigned int max, const char **why, const char *reason)
{
	const struct nlattr *tb[STATS_TB_SIZE];
	uint64_t v;
	size_t i;

	if (max >= STATS_TB_SIZE || nl_parse_nested(nest, tb, max))
		return bad(why, reason);
	for (i = 0; i < nfields; i++) {
		if (!tb[fields[i].type])
			continue;
		if (mnl_attr_validate(tb[fields[i].type], MNL_TYPE_U64) < 0)
			return bad(why, reason);
		v = mnl_attr_get_u64(tb[fields[i].type]);
		memcpy((char *)base + fields[i].offset, &v, sizeof(v));
	}
	return 0;
}

#define SA_STAT(type, field) \
	{ type, offsetof(struct rvti_sa_stats, field) }

static const struct u64_field sa_stat_fields[] = {
	SA_STAT(RVTI_SA_STAT_PACKETS, packets),
	SA_STAT(RVTI_SA_STAT_BYTES, bytes),
	SA_STAT(RVTI_SA_STAT_REPLAYED, replayed),
	SA_STAT(RVTI_SA_STAT_OUTSIDE_WINDOW, outside_window),
	SA_STAT(RVTI_SA_STAT_ICV_FAIL, icv_fail),
	SA_STAT(RVTI_SA_STAT_MALFORMED, malformed),
	SA_STAT(RVTI_SA_STAT_SEQ_EXHAUSTED, seq_exhausted),
	SA_STAT(RVTI_SA_STAT_SEQ, seq),
	SA_STAT(RVTI_SA_STAT_OVERLOAD, overload),
	SA_STAT(RVTI_SA_STAT_ENCAP_MISMATCH, encap_mismatch),
};

#define SA_LIMIT(type) { type, (type) * sizeof(uint64_t) }

static const struct u64_field sa_limit_fields[] = {
	SA_LIMIT(RVTI_LIFETIME_A_SOFT_BYTES),
	SA_LIMIT(RVTI_LIFETIME_A_HARD_BYTES),
	SA_LIMIT(RVTI_LIFETIME_A_SOFT_PACKETS),
	SA_LIMIT(RVTI_LIFETIME_A_HARD_PACKETS),
	SA_LIMIT(RVTI_LIFETIME_A_SOFT_ADD_SECONDS),
	SA_LIMIT(RVTI_LIFETIME_A_HARD_ADD_SECONDS),
	SA_LIMIT(RVTI_LIFETIME_A_SOFT_USE_SECONDS),
	SA_LIMIT(RVTI_LIFETIME_A_HARD_USE_SECONDS),
};

/* An optional u8 attribute; @why names it. */
static int get_u8(const struct nlattr *attr, uint8_t *v, bool *has,
		  const char **why, const char *reason)
{
	if (!attr)
		return 0;
	if (mnl_attr_validate(attr, MNL_TYPE_U8) < 0)
		return bad(why, reason);
	*v = mnl_attr_get_u8(attr);
	*has = true;
	return 0;
}

/* An optional u64 attribute; @why names it. */
static int get_u64(const struct nlattr *attr, uint64_t *v, bool *has,
		   const char **why, const char *reason)
{
	if (!attr)
		return 0;
	if (mnl_attr_validate(attr, MNL_TYPE_U64) < 0)
		return bad(why, reason);
	*v = mnl_attr_get_u64(attr);
	if (has)
		*has = true;
	return 0;
}

/* What kernels with lifetimes add to an SA nest. */
static int sa_lifetime_from_attrs(const struct nlattr **tb,
				  struct rvti_sa_info *sa, const char **why)
{
	uint8_t active = 0, parallel = 0;
	int ret = 0;

	if (tb[RVTI_SA_A_LIFETIME]) {
		ret = sa_get_u64s(tb[RVTI_SA_A_LIFETIME], sa->lifetime,
				  sa_limit_fields, ARRAY_SIZE(sa_limit_fields),
				  RVTI_LIFETIME_A_MAX, why,
				  "RVTI_SA_A_LIFETIME holds a limit that is not a u64");
		sa->has_lifetime = !ret;
	}
	if (!ret)
		ret = get_u8(tb[RVTI_SA_A_ACTIVE], &active, &sa->has_active,
			     why, "RVTI_SA_A_ACTIVE is not a u8");
	sa->active = active;
	if (!ret)
		ret = get_u8(tb[RVTI_SA_A_PARALLEL], &parallel, &sa->has_parallel,
			     why, "RVTI_SA_A_PARALLEL is not a u8");
	sa->parallel = parallel;
	if (!ret)
		ret = get_u8(tb[RVTI_SA_A_STATE], &sa->state, &sa->has_state,
			     why, "RVTI_SA_A_STATE is not a u8");
	if (!ret)
		ret = get_u64(tb[RVTI_SA_A_ADD_TIME], &sa->add_time,
			      &sa->has_times, why,
			      "RVTI_SA_A_ADD_TIME is not a u64");
	if (!ret)
		ret = get_u64(tb[RVTI_SA_A_FIRST_USE], &sa->first_use, NULL,
			      why, "RVTI_SA_A_FIRST_USE is not a u64");
	if (!ret)
		ret = get_u64(tb[RVTI_SA_A_LAST_USE], &sa->last_use, NULL,
			      why, "RVTI_SA_A_LAST_USE is not a u64");
	return ret;
}

/* ESP in UDP: both ports, or neither. */
static int sa_encap_from_attrs(const struct nlattr **tb,
			       struct rvti_sa_info *sa, const char **why)
{
	const struct nlattr *sport = tb[RVTI_SA_A_ENCAP_SPORT];
	const struct nlattr *dport = tb[RVTI_SA_A_ENCAP_DPORT];

	if (!sport && !dport)
		return 0;
	if (!sport || !dport ||
	    mnl_attr_validate(sport, MNL_TYPE_U16) < 0 ||
	    mnl_attr_validate(dport, MNL_TYPE_U16) < 0)
		return bad(why, "RVTI_SA_A_ENCAP_SPORT and _DPORT are not two u16");
	sa->encap_sport = mnl_attr_get_u16(sport);
	sa->encap_dport = mnl_attr_get_u16(dport);
	return 0;
}

int sa_from_attr(const struct nlattr *nest, struct rvti_sa_info *sa,
		 const char **why)
{
	const struct nlattr *tb[RVTI_SA_A_MAX + 1];
	int ret;

	memset(sa, 0, sizeof(*sa));
	if (nl_parse_nested(nest, tb, RVTI_SA_A_MAX))
		return bad(why, "RVTI_A_SA is not a valid nest");
	if (!tb[RVTI_SA_A_DIR] ||
	    mnl_attr_validate(tb[RVTI_SA_A_DIR], MNL_TYPE_U8) < 0)
		return bad(why, "SA without a valid RVTI_SA_A_DIR");
	sa->dir = mnl_attr_get_u8(tb[RVTI_SA_A_DIR]);
	if (sa->dir != RVTI_SA_DIR_IN && sa->dir != RVTI_SA_DIR_OUT)
		return bad(why, "RVTI_SA_A_DIR is neither in nor out");
	if (!tb[RVTI_SA_A_SPI])
		return bad(why, "SA without RVTI_SA_A_SPI");
	ret = get_u32(tb[RVTI_SA_A_SPI], &sa->spi, NULL, why,
		      "RVTI_SA_A_SPI is not a u32");
	if (!ret)
		ret = get_alg(tb[RVTI_SA_A_AEAD_ALG], sa->aead, why,
			      "RVTI_SA_A_AEAD_ALG is not a valid name");
	if (!ret)
		ret = get_alg(tb[RVTI_SA_A_ENC_ALG], sa->enc, why,
			      "RVTI_SA_A_ENC_ALG is not a valid name");
	if (!ret)
		ret = get_alg(tb[RVTI_SA_A_AUTH_ALG], sa->auth, why,
			      "RVTI_SA_A_AUTH_ALG is not a valid name");
	if (!ret)
		ret = get_u32(tb[RVTI_SA_A_ICV_BITS], &sa->icv_bits,
			      &sa->has_icv, why,
			      "RVTI_SA_A_ICV_BITS is not a u32");
	if (!ret)
		ret = get_u32(tb[RVTI_SA_A_FLAGS], &sa->flags, NULL, why,
			      "RVTI_SA_A_FLAGS is not a u32");
	if (!ret)
		ret = get_u32(tb[RVTI_SA_A_REPLAY_WINDOW], &sa->replay_window,
			      &sa->has_replay_window, why,
			      "RVTI_SA_A_REPLAY_WINDOW is not a u32");
	if (!ret)
		ret = sa_encap_from_attrs(tb, sa, why);
	if (!ret && tb[RVTI_SA_A_STATS]) {
		ret = sa_get_u64s(tb[RVTI_SA_A_STATS], &sa->stats,
			       sa_stat_fields,
			       sizeof(sa_stat_fields) /
			       sizeof(sa_stat_fields[0]),
			       RVTI_SA_STAT_MAX, why,
			       "RVTI_SA_A_STATS holds a counter that is not a u64");
		sa->has_stats = !ret;
	}
	if (!ret)
		ret = sa_lifetime_from_attrs(tb, sa, why);
	return ret;
}

/* RVTI_A_IFNAME into @ifname (IFNAMSIZ bytes). */
static int get_ifname(const struct nlattr **tb, char *ifname,
		      const char **why)
{
	const char *name;

	if (!tb[RVTI_A_IFNAME] ||
	    mnl_attr_validate(tb[RVTI_A_IFNAME], MNL_TYPE_NUL_STRING) < 0)
		return bad(why, "no device name (RVTI_A_IFNAME)");
	name = mnl_attr_get_str(tb[RVTI_A_IFNAME]);
	if (strlen(name) >= IFNAMSIZ)
		return bad(why, "RVTI_A_IFNAME is too long");
	strcpy(ifname, name);
	return 0;
}

int sa_msg_decode(const struct nlmsghdr *nlh, char *ifname,
		  uint32_t *ifindex, struct rvti_sa_info *sa, const char **why)
{
	const struct nlattr *tb[RVTI_A_MAX + 1];
	int ret;

	*ifindex = 0;
	if (nl_parse_attrs(nlh, tb, RVTI_A_MAX))
		return bad(why, "truncated message");
	ret = get_ifname(tb, ifname, why);
	if (!ret)
		ret = get_u32(tb[RVTI_A_IFINDEX], ifindex, NULL, why,
			      "RVTI_A_IFINDEX is not a u32");
	if (ret)
		return ret;
	if (!tb[RVTI_A_SA])
		return bad(why, "no SA (RVTI_A_SA)");
	return sa_from_attr(tb[RVTI_A_SA], sa, why);
}

int sa_allocspi_decode(const struct nlmsghdr *nlh, char *ifname,
		       uint32_t *spi, const char **why)
{
	const struct nlattr *tb[RVTI_A_MAX + 1];
	int ret;

	if (nl_parse_attrs(nlh, tb, RVTI_A_MAX))
		return bad(why, "truncated message");
	ret = get_ifname(tb, ifname, why);
	if (ret)
		return ret;
	if (!tb[RVTI_A_SPI])
		return bad(why, "no SPI (RVTI_A_SPI)");
	return get_u32(tb[RVTI_A_SPI], spi, NULL, why,
		       "RVTI_A_SPI is not a u32");
}

int sa_list_from_attr(const struct nlattr *list, struct rvti_sa_info **sas,
		      unsigned int *nsas, const char **why)
{
	const struct nlattr *attr;
	unsigned int n = 0, i = 0;
	struct rvti_sa_info *arr;
	int ret;

	*sas = NULL;
	*nsas = 0;
	if (mnl_attr_validate(list, MNL_TYPE_NESTED) < 0)
		return bad(why, "RVTI_A_SAS is not a valid nest");
	mnl_attr_for_each_nested(attr, list) {
		if (mnl_attr_get_type(attr) == RVTI_A_SA)
			n++;
	}
	if (!n)
		return 0;
	arr = calloc(n, sizeof(*arr));
	if (!arr)
		return -ENOMEM;
	mnl_attr_for_each_nested(attr, list) {
		/* Anything else in the list is from a newer kernel. */
		if (mnl_attr_get_type(attr) != RVTI_A_SA)
			continue;
		ret = sa_from_attr(attr, &arr[i++], why);
		if (ret) {
			free(arr);
			return ret;
		}
	}
	*sas = arr;
	*nsas = n;
	return 0;
}

/* --- output --- */

/* The limits, "inactive", the state and the times, as sa.h says. */
static void sa_print_lifetime(FILE *fp, const struct rvti_sa_info *sa)
{
	char t1[SA_TIME_STRLEN], t2[SA_TIME_STRLEN], t3[SA_TIME_STRLEN];
	const char *state;
	unsigned int i;

	for (i = RVTI_LIFETIME_A_SOFT_BYTES; sa->has_lifetime && i < SA_NLIMITS;
	     i++) {
		if (sa->lifetime[i])
			fprintf(fp, " %s %" PRIu64, limit_kws[i],
				sa->lifetime[i]);
	}
	if (sa->has_active && sa->dir == RVTI_SA_DIR_OUT && !sa->active)
		fprintf(fp, " inactive");
	if (sa->has_parallel && sa->parallel)
		fprintf(fp, " parallel");
	if (sa->has_state && sa->state != RVTI_SA_STATE_OK) {
		state = sa_state_str(sa->state);
		if (state)
			fprintf(fp, " state %s", state);
		else	/* a value of a newer kernel */
			fprintf(fp, " state %u", (unsigned int)sa->state);
	}
	if (sa->has_times)
		fprintf(fp, " added %s first-use %s last-use %s",
			sa_time_str(sa->add_time, t1, sizeof(t1)),
			sa_time_str(sa->first_use, t2, sizeof(t2)),
			sa_time_str(sa->last_use, t3, sizeof(t3)));
}

void sa_print_text(FILE *fp, const char *lead, const char *indent,
		   const struct rvti_sa_info *sa, bool stats)
{
	const struct rvti_sa_stats *s = &sa->stats;

	fprintf(fp, "%ssa %s spi 0x%08" PRIx32, lead, sa_dir_str(sa->dir),
		sa->spi);
	if (sa->aead[0])
		fprintf(fp, " aead %s", sa->aead);
	if (sa->enc[0])
		fprintf(fp, " enc %s", sa->enc);
	if (sa->auth[0])
		fprintf(fp, " auth %s", sa->auth);
	if (sa->has_icv)
		fprintf(fp, " icv %" PRIu32, sa->icv_bits);
	if (sa->flags & RVTI_SA_F_ESN)
		fprintf(fp, " esn");
	if (sa->has_replay_window)
		fprintf(fp, " replay-window %" PRIu32, sa->replay_window);
	if (sa->encap_sport)
		fprintf(fp, " encap espinudp %u %u",
			(unsigned int)sa->encap_sport,
			(unsigned int)sa->encap_dport);
	sa_print_lifetime(fp, sa);
	fprintf(fp, "\n");
	if (!stats || !sa->has_stats)
		return;
	fprintf(fp, "%s" OUT_INDENT "packets %" PRIu64 " bytes %" PRIu64
		" replayed %" PRIu64 " outside-window %" PRIu64
		" icv-fail %" PRIu64 " malformed %" PRIu64
		" seq-exhausted %" PRIu64 " seq %" PRIu64 " overload %" PRIu64
		" encap-mismatch %" PRIu64 "\n", indent, s->packets, s->bytes,
		s->replayed, s->outside_window, s->icv_fail, s->malformed,
		s->seq_exhausted, s->seq, s->overload, s->encap_mismatch);
}

static json_object *sa_stats_json(const struct rvti_sa_stats *s)
{
	json_object *obj = json_object_new_object();

	if (!obj)
		return NULL;
	if (json_put_u64(obj, "packets", s->packets) ||
	    json_put_u64(obj, "bytes", s->bytes) ||
	    json_put_u64(obj, "replayed", s->replayed) ||
	    json_put_u64(obj, "outside_window", s->outside_window) ||
	    json_put_u64(obj, "icv_fail", s->icv_fail) ||
	    json_put_u64(obj, "malformed", s->malformed) ||
	    json_put_u64(obj, "seq_exhausted", s->seq_exhausted) ||
	    json_put_u64(obj, "seq", s->seq) ||
	    json_put_u64(obj, "overload", s->overload) ||
	    json_put_u64(obj, "encap_mismatch", s->encap_mismatch)) {
		json_object_put(obj);
		return NULL;
	}
	return obj;
}

static json_object *sa_limits_json(const struct rvti_sa_info *sa)
{
	json_object *obj = json_object_new_object();
	char name[32];
	unsigned int i;
	char *p;

	if (!obj)
		return NULL;
	for (i = RVTI_LIFETIME_A_SOFT_BYTES; i < SA_NLIMITS; i++) {
		if (!sa->lifetime[i])
			continue;
		snprintf(name, sizeof(name), "%s", limit_kws[i]);
		for (p = name; (p = strchr(p, '-'));)
			*p = '_';
		if (json_put_u64(obj, name, sa->lifetime[i])) {
			json_object_put(obj);
			return NULL;
		}
	}
	return obj;
}

/* What kernels with lifetimes add, after the older members. */
static int sa_lifetime_json(json_object *obj, const struct rvti_sa_info *sa)
{
	const char *state = sa_state_str(sa->state);
	json_object *val;
	int err = 0;

	if (sa->has_lifetime) {
		val = sa_limits_json(sa);
		err = val ? json_put_obj(obj, "lifetime", val) : -ENOMEM;
	}
	if (!err && sa->has_state)
		err = state ? json_put_str(obj, "state", state) :
			      json_put_u32(obj, "state", sa->state);
	if (!err && sa->has_active && sa->dir == RVTI_SA_DIR_OUT)
		err = json_put_bool(obj, "active", sa->active);
	if (!err && sa->has_parallel)
		err = json_put_bool(obj, "parallel", sa->parallel);
	if (!err && sa->has_times)
		err = json_put_u64(obj, "add_time", sa->add_time) ||
		      json_put_u64(obj, "first_use", sa->first_use) ||
		      json_put_u64(obj, "last_use", sa->last_use);
	return err;
}

int sa_encap_json(json_object *obj, uint16_t sport, uint16_t dport)
{
	json_object *encap = json_object_new_object();

	if (!encap)
		return -ENOMEM;
	if (json_put_str(encap, "type", "espinudp") ||
	    json_put_u32(encap, "sport", sport) ||
	    json_put_u32(encap, "dport", dport)) {
		json_object_put(encap);
		return -ENOMEM;
	}
	return json_put_obj(obj, "encap", encap);
}

json_object *sa_to_json(const struct rvti_sa_info *sa)
{
	json_object *obj = json_object_new_object(), *stats;
	int err;

	if (!obj)
		return NULL;
	err = json_put_str(obj, "dir", sa_dir_str(sa->dir)) ||
	      json_put_u32(obj, "spi", sa->spi);
	if (!err && sa->aead[0])
		err = json_put_str(obj, "aead", sa->aead);
	if (!err && sa->enc[0])
		err = json_put_str(obj, "enc", sa->enc);
	if (!err && sa->auth[0])
		err = json_put_str(obj, "auth", sa->auth);
	if (!err && sa->has_icv)
		err = json_put_u32(obj, "icv", sa->icv_bits);
	if (!err)
		err = json_put_bool(obj, "esn", sa->flags & RVTI_SA_F_ESN);
	if (!err && sa->has_replay_window)
		err = json_put_u32(obj, "replay_window", sa->replay_window);
	if (!err && sa->encap_sport)
		err = sa_encap_json(obj, sa->encap_sport, sa->encap_dport);
	if (!err && sa->has_stats) {
		stats = sa_stats_json(&sa->stats);
		err = stats ? json_put_obj(obj, "stats", stats) : -ENOMEM;
	}
	if (!err)
		err = sa_lifetime_json(obj, sa);
	if (err) {
		json_object_put(obj);
		return NULL;
	}
	return obj;
}

/* --- handlers --- */

static int sa_do_add(struct rvti_ctx *ctx, int argc, char **argv)
{
	struct sa_add_req req;
	struct nlmsghdr *nlh;
	char err[256];
	int ret;

	ret = sa_add_parse(argc, argv, &req, err, sizeof(err));
	if (ret)
		return rvti_parse_failed(ctx, ret, err);

	nlh = rvti_req(ctx, RVTI_CMD_NEW_SA, 0);
	if (nlh)
		ret = sa_add_build(nlh, NL_SEND_BUF_SIZE, &req);
	sa_add_req_wipe(&req);
	if (!nlh)
		return RVTI_EXIT_ERROR;
	ret = rvti_talk(ctx, nlh, ret);
	/*
	 * The request holds the keys, and an error reply may echo it back:
	 * wipe both buffers now rather than when the socket closes.
	 */
	explicit_bzero(ctx->nl->sbuf, sizeof(ctx->nl->sbuf));
	explicit_bzero(ctx->nl->rbuf, sizeof(ctx->nl->rbuf));
	return ret;
}

static int sa_do_del(struct rvti_ctx *ctx, int argc, char **argv)
{
	struct sa_del_req req;
	struct nlmsghdr *nlh;
	char err[160];
	int ret;

	ret = sa_del_parse(argc, argv, &req, err, sizeof(err));
	if (ret)
		return rvti_parse_failed(ctx, ret, err);

	nlh = rvti_req(ctx, RVTI_CMD_DEL_SA, 0);
	if (!nlh)
		return RVTI_EXIT_ERROR;
	return rvti_talk(ctx, nlh, sa_del_build(nlh, NL_SEND_BUF_SIZE, &req));
}

static int sa_do_set(struct rvti_ctx *ctx, int argc, char **argv)
{
	struct sa_set_req req;
	struct nlmsghdr *nlh;
	char err[160];
	int ret;

	ret = sa_set_parse(argc, argv, &req, err, sizeof(err));
	if (ret)
		return rvti_parse_failed(ctx, ret, err);

	nlh = rvti_req(ctx, RVTI_CMD_SET_SA, 0);
	if (!nlh)
		return RVTI_EXIT_ERROR;
	return rvti_talk(ctx, nlh, sa_set_build(nlh, NL_SEND_BUF_SIZE, &req));
}

static int sa_do_list(struct rvti_ctx *ctx, int argc, char **argv)
{
	return tunnel_show_cmd(ctx, argc, argv, true);
}

/* What a request answered by one message got. */
struct sa_reply {
	bool got;
	const char *why;	/* set when the reply was malformed */
};

/*
 * Send @nlh unless building it failed (@ret), read the reply with @cb and
 * @arg, whose state starts with @rep; print what went wrong, e.g. "the
 * kernel's reply holds no @what". Returns an exit status.
 */
static int sa_ask(struct rvti_ctx *ctx, struct nlmsghdr *nlh, int ret,
		  nl_msg_cb cb, struct sa_reply *rep, const char *what)
{
	if (!ret)
		ret = nl_talk(ctx->nl, nlh, cb, rep);
	if (ret && !ctx->nl->kernel_err && rep->why) {
		fprintf(ctx->err, "rvti: malformed reply from the kernel: %s\n",
			rep->why);
		return RVTI_EXIT_ERROR;
	}
	if (ret) {
		nl_perror(ctx->nl, ret, ctx->err);
		return RVTI_EXIT_ERROR;
	}
	if (!rep->got) {
		fprintf(ctx->err, "rvti: the kernel's reply holds no %s\n", what);
		return RVTI_EXIT_ERROR;
	}
	return RVTI_EXIT_OK;
}

/* The reply of a GET_SA do: one message, one SA. */
struct sa_get_state {
	struct sa_reply rep;	/* first: sa_ask() passes it to the callback */
	struct rvti_tunnel t;	/* its device; t.sas points at sa */
	struct rvti_sa_info sa;
};

static int sa_get_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct sa_get_state *st = arg;

	if (st->rep.got)
		return 0;
	if (sa_msg_decode(nlh, st->t.ifname, &st->t.ifindex, &st->sa,
			  &st->rep.why))
		return -EBADMSG;
	st->t.has_ifindex = st->t.ifindex != 0;
	st->rep.got = true;
	return 0;
}

/*
 * Like "sa list" for one SA. JSON: {"ifname": NAME, "ifindex": N,
 * "sas": [SA]}, for a list whose path to the SA (.[0].sas[0]) is that of
 * "sa list -j".
 */
static json_object *sa_get_json(const struct sa_get_state *st)
{
	json_object *obj = json_object_new_object(), *arr, *sa;

	if (!obj)
		return NULL;
	arr = json_object_new_array();
	sa = sa_to_json(&st->sa);
	if (!arr || !sa || json_object_array_add(arr, sa)) {
		json_object_put(sa);
		json_object_put(arr);
		json_object_put(obj);
		return NULL;
	}
	if (json_put_str(obj, "ifname", st->t.ifname) ||
	    json_put_u32(obj, "ifindex", st->t.ifindex)) {
		json_object_put(arr);
		json_object_put(obj);
		return NULL;
	}
	if (json_put_obj(obj, "sas", arr)) {
		json_object_put(obj);
		return NULL;
	}
	return obj;
}

static int sa_get_print(struct rvti_ctx *ctx, struct sa_get_state *st)
{
	struct rvti_out out;
	json_object *obj;
	int ret;

	st->t.sas = &st->sa;
	st->t.nsas = 1;
	out_init(&out, ctx->out, ctx->json, ctx->pretty, ctx->stats);
	ret = out_begin(&out);
	if (!ret && !ctx->json)
		ret = tunnel_print_sas(&out, &st->t);
	if (!ret && ctx->json) {
		obj = sa_get_json(st);
		ret = obj ? out_add(&out, obj) : -ENOMEM;
	}
	st->t.sas = NULL;
	st->t.nsas = 0;
	if (ret) {
		out_abort(&out);
		nl_perror(NULL, -ENOMEM, ctx->err);
		return RVTI_EXIT_ERROR;
	}
	if (out_end(&out)) {
		fprintf(ctx->err, "rvti: cannot write the output\n");
		return RVTI_EXIT_ERROR;
	}
	return RVTI_EXIT_OK;
}

static int sa_do_get(struct rvti_ctx *ctx, int argc, char **argv)
{
	struct sa_get_state st = { 0 };
	struct sa_del_req req;
	struct nlmsghdr *nlh;
	char err[160];
	int ret;

	ret = sa_del_parse(argc, argv, &req, err, sizeof(err));
	if (ret)
		return rvti_parse_failed(ctx, ret, err);

	nlh = rvti_req(ctx, RVTI_CMD_GET_SA, 0);
	if (!nlh)
		return RVTI_EXIT_ERROR;
	ret = sa_ask(ctx, nlh, sa_del_build(nlh, NL_SEND_BUF_SIZE, &req),
		     sa_get_cb, &st.rep, "SA");
	return ret ? ret : sa_get_print(ctx, &st);
}

static int sa_do_flush(struct rvti_ctx *ctx, int argc, char **argv)
{
	struct tunnel_show_req req;	/* the same grammar: [dev NAME] */
	struct nlmsghdr *nlh;
	char err[160];
	int ret;

	ret = tunnel_show_parse(argc, argv, &req, err, sizeof(err));
	if (ret)
		return rvti_parse_failed(ctx, ret, err);
	nlh = rvti_req(ctx, RVTI_CMD_FLUSH_SAS, 0);
	if (!nlh)
		return RVTI_EXIT_ERROR;
	return rvti_talk(ctx, nlh, tunnel_show_build(nlh, NL_SEND_BUF_SIZE,
						     &req));
}

struct sa_alloc_state {
	struct sa_reply rep;	/* first, as in struct sa_get_state */
	char ifname[IFNAMSIZ];
	uint32_t spi;
};

static int sa_alloc_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct sa_alloc_state *st = arg;

	if (st->rep.got)
		return 0;
	if (sa_allocspi_decode(nlh, st->ifname, &st->spi, &st->rep.why))
		return -EBADMSG;
	st->rep.got = true;
	return 0;
}

static int sa_do_allocspi(struct rvti_ctx *ctx, int argc, char **argv)
{
	struct sa_alloc_state st = { 0 };
	struct sa_allocspi_req req;
	struct nlmsghdr *nlh;
	json_object *obj;
	const char *s;
	char err[160];
	int ret;

	ret = sa_allocspi_parse(argc, argv, &req, err, sizeof(err));
	if (ret)
		return rvti_parse_failed(ctx, ret, err);
	nlh = rvti_req(ctx, RVTI_CMD_ALLOC_SPI, 0);
	if (!nlh)
		return RVTI_EXIT_ERROR;
	ret = sa_ask(ctx, nlh, sa_allocspi_build(nlh, NL_SEND_BUF_SIZE, &req),
		     sa_alloc_cb, &st.rep, "SPI");
	if (ret)
		return ret;
	if (!ctx->json) {
		fprintf(ctx->out, "0x%08" PRIx32 "\n", st.spi);
		return RVTI_EXIT_OK;
	}
	/* One object, not a list: the command makes one SPI. */
	obj = json_object_new_object();
	if (!obj || json_put_str(obj, "dev", st.ifname) ||
	    json_put_u32(obj, "spi", st.spi) ||
	    !(s = json_object_to_json_string_ext(obj,
			JSON_C_TO_STRING_NOSLASHESCAPE |
			(ctx->pretty ? JSON_C_TO_STRING_PRETTY |
				       JSON_C_TO_STRING_SPACED :
				       JSON_C_TO_STRING_PLAIN)))) {
		json_object_put(obj);
		nl_perror(NULL, -ENOMEM, ctx->err);
		return RVTI_EXIT_ERROR;
	}
	fprintf(ctx->out, "%s\n", s);
	json_object_put(obj);
	return RVTI_EXIT_OK;
}

#define SA_ADD_NOTES \
	"ALGORITHM := { aead ALG key KEY | enc ALG key KEY auth ALG key KEY }\n" \
	"ALG := a kernel crypto algorithm as ip xfrm names it, e.g.\n" \
	"       rfc4106(gcm(aes)), rfc7539esp(chacha20,poly1305), cbc(aes),\n" \
	"       hmac(sha256); or an alias: aes-gcm, chacha20-poly1305, aes-cbc,\n" \
	"       sha1, sha256, sha384, sha512\n" \
	"KEY := { 0xHEX | @FILE }, FILE holding the hex digits; an AEAD key\n" \
	"       has its 4-byte salt appended\n" \
	"SPI := 256 to 4294967295, decimal or 0xHEX (0 to 255 are reserved)\n" \
	"BITS := the ICV length (default: the algorithm's)\n" \
	"esn: 64-bit extended sequence numbers\n" \
	"replay-window: of an inbound SA, 32 to 4096 (default 1024)\n" \
	"seq: outbound only, the last sequence number used: the first packet\n" \
	"     carries N + 1 (default 0)\n" \
	"encap espinudp: ESP in UDP (NAT traversal, RFC 3948) with these ports,\n" \
	"     as the SA's packets go (out: local, remote; in: remote, local)\n" \
	"LIMIT := { soft-bytes | hard-bytes | soft-packets | hard-packets |\n" \
	"           soft-time | hard-time | soft-use-time | hard-use-time }\n" \
	"         soft: an event (time to rekey); hard: the SA is deleted.\n" \
	"         -time: seconds since the SA was added; -use-time: since its\n" \
	"         first packet. Bytes may end in K, M or G (powers of 1024).\n" \
	"         0: no limit; a soft limit must not exceed its hard limit.\n" \
	"N := decimal or 0xHEX"

#define SA_KM_NOTES \
	"get: one SA, as \"sa list\" prints it\n" \
	"flush: delete every SA of the device, or of every rvti device\n" \
	"allocspi: reserve an unused inbound SPI in [MIN, MAX] (default 256\n" \
	"          to 0xffffffff) for the device, for a while or until an\n" \
	"          inbound SA takes it; prints it as 0xSPI"

const struct rvti_command sa_cmds[] = {
	{
		.name = "add",
		.fn = sa_do_add,
		.help = SA_ADD_HELP,
		.notes = SA_ADD_NOTES,
	},
	{
		.name = "del",
		.fn = sa_do_del,
		.help = "dev NAME dir in|out spi SPI",
	},
	{
		.name = "set",
		.fn = sa_do_set,
		.help = "dev NAME dir in|out spi SPI encap espinudp SPORT DPORT",
		.notes = "set: an SA of ESP in UDP takes new ports (a NAT's new\n"
			 "     mapping; rvti monitor shows it as new-mapping)",
	},
	{
		.name = "list",
		.fn = sa_do_list,
		.help = TUNNEL_SHOW_HELP,
	},
	{
		.name = "get",
		.fn = sa_do_get,
		.help = "dev NAME dir in|out spi SPI",
		.notes = SA_KM_NOTES,
	},
	{
		.name = "flush",
		.fn = sa_do_flush,
		.help = "[dev NAME]",
		.notes = SA_KM_NOTES,
	},
	{
		.name = "allocspi",
		.fn = sa_do_allocspi,
		.help = "dev NAME [min MIN] [max MAX]",
		.notes = SA_KM_NOTES,
	},
	{ 0 }
};
