// SPDX-License-Identifier: GPL-2.0
/*
 * rvti security association commands; see sa.h.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

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
	ADD_ICV, ADD_ESN, ADD_REPLAY, ADD_HELP, ADD_NKW
};
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
	return 0;
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
		default:
			ret = arg_u32("replay window", val,
				      &req->replay_window, err, errlen);
			req->has_replay_window = true;
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
		ret = parse_kw(argv[i], i + 1, after, del_kws, &kw, err,
			       errlen);
		if (!ret)
			after = del_kws[kw];
		if (!ret)
			ret = parse_kw_once(&seen[kw], del_kws[kw], err,
					    errlen);
		if (!ret)
			ret = parse_kw_val(argc, argv, &i, del_kws[kw], &val,
					   err, errlen);
		if (!ret)
			ret = sa_id_arg(kw, val, req->ifname, &req->dir,
					&req->spi, err, errlen);
		if (ret)
			return ret;
	}
	return sa_id_check(seen, err, errlen);
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
};

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
	if (!ret && tb[RVTI_SA_A_STATS]) {
		ret = sa_get_u64s(tb[RVTI_SA_A_STATS], &sa->stats,
			       sa_stat_fields,
			       sizeof(sa_stat_fields) /
			       sizeof(sa_stat_fields[0]),
			       RVTI_SA_STAT_MAX, why,
			       "RVTI_SA_A_STATS holds a counter that is not a u64");
		sa->has_stats = !ret;
	}
	return ret;
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
	fprintf(fp, "\n");
	if (!stats || !sa->has_stats)
		return;
	fprintf(fp, "%s" OUT_INDENT "packets %" PRIu64 " bytes %" PRIu64
		" replayed %" PRIu64 " outside-window %" PRIu64
		" icv-fail %" PRIu64 " malformed %" PRIu64
		" seq-exhausted %" PRIu64 " seq %" PRIu64 "\n", indent,
		s->packets, s->bytes, s->replayed, s->outside_window,
		s->icv_fail, s->malformed, s->seq_exhausted, s->seq);
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
	    json_put_u64(obj, "seq", s->seq)) {
		json_object_put(obj);
		return NULL;
	}
	return obj;
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
	if (!err && sa->has_stats) {
		stats = sa_stats_json(&sa->stats);
		err = stats ? json_put_obj(obj, "stats", stats) : -ENOMEM;
	}
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

static int sa_do_list(struct rvti_ctx *ctx, int argc, char **argv)
{
	return tunnel_show_cmd(ctx, argc, argv, true);
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
	"N := the replay window of an inbound SA, 32 to 4096 (default 1024)"

const struct rvti_command sa_cmds[] = {
	{
		.name = "add",
		.fn = sa_do_add,
		.help = "dev NAME dir in|out spi SPI ALGORITHM [icv BITS] [esn] [replay-window N]",
		.notes = SA_ADD_NOTES,
	},
	{
		.name = "del",
		.fn = sa_do_del,
		.help = "dev NAME dir in|out spi SPI",
	},
	{
		.name = "list",
		.fn = sa_do_list,
		.help = TUNNEL_SHOW_HELP,
	},
	{ 0 }
};
