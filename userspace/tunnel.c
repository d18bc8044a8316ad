// SPDX-License-Identifier: GPL-2.0
/*
 * rvti tunnel commands; see tunnel.h.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <linux/rvti.h>

#include "prefix.h"
#include "route.h"
#include "tunnel.h"

static int arg_addr(const char *kw, const char *val, struct rvti_addr *addr,
		    char *err, size_t errlen)
{
	/* Invalid values are not repeated: see parse_word_is_known(). */
	if (parse_addr(val, addr))
		return parse_errf(err, errlen,
				  "invalid %s address (expected an IPv4 or IPv6 address, or \"any\")",
				  kw);
	return 0;
}

static const char *const df_names[] = {
	[RVTI_DF_COPY] = "copy",
	[RVTI_DF_SET] = "set",
	[RVTI_DF_CLEAR] = "clear",
	NULL
};

const char *tunnel_df_str(uint8_t df)
{
	return df <= RVTI_DF_MAX ? df_names[df] : NULL;
}

static const char *const state_names[] = {
	[RVTI_STATE_DOWN] = "down",
	[RVTI_STATE_NO_ENDPOINT] = "no-endpoint",
	[RVTI_STATE_NO_OUT_SA] = "no-out-sa",
	[RVTI_STATE_NO_IN_SA] = "no-in-sa",
	[RVTI_STATE_CONNECTED] = "connected",
};

const char *tunnel_state_str(uint8_t state)
{
	return state <= RVTI_STATE_MAX ? state_names[state] : NULL;
}

void tunnel_state_print(FILE *fp, uint8_t state)
{
	if (tunnel_state_str(state))
		fprintf(fp, " state %s", tunnel_state_str(state));
	else	/* a value of a newer kernel */
		fprintf(fp, " state %u", (unsigned int)state);
}

int tunnel_state_json(json_object *obj, uint8_t state)
{
	return tunnel_state_str(state) ?
	       json_put_str(obj, "state", tunnel_state_str(state)) :
	       json_put_u32(obj, "state", state);
}

/* "ttl 1-255|inherit"; "inherit" is 0, the outer route's default. */
static int arg_ttl(const char *val, uint8_t *ttl, char *err, size_t errlen)
{
	static const char *const words[] = { "inherit", NULL };
	uint32_t v;

	if (parse_keyword(val, words) == 0) {
		*ttl = 0;
		return 0;
	}
	if (parse_u32(val, &v) || v < 1 || v > 255)
		return parse_errf(err, errlen,
				  "invalid ttl (expected 1 to 255, or \"inherit\")");
	*ttl = (uint8_t)v;
	return 0;
}

static int arg_df(const char *val, uint8_t *df, char *err, size_t errlen)
{
	int kw = parse_keyword(val, df_names);

	if (kw < 0)
		return parse_errf(err, errlen,
				  "invalid df (expected \"copy\", \"set\" or \"clear\")");
	*df = (uint8_t)kw;
	return 0;
}

static int arg_site(const char *val, char *site, char *err, size_t errlen)
{
	size_t i, len = strlen(val);

	if (!strcmp(val, "none")) {
		site[0] = '\0';
		return 0;
	}
	if (!len || len > RVTI_SITE_MAX_LEN)
		return parse_errf(err, errlen,
				  "invalid site \"%s\" (1 to %d characters, or \"none\")",
				  val, RVTI_SITE_MAX_LEN);
	for (i = 0; i < len; i++)
		if ((unsigned char)val[i] <= ' ' || (unsigned char)val[i] >= 0x7f)
			return parse_errf(err, errlen,
					  "invalid site \"%s\" (printable characters without spaces)",
					  val);
	memcpy(site, val, len + 1);
	return 0;
}

static int arg_on_off(const char *kw, const char *val, bool *on, char *err,
		      size_t errlen)
{
	static const char *const words[] = { "off", "on", NULL };
	int v = parse_keyword(val, words);

	if (v < 0 || !strcmp(val, "o"))
		return parse_errf(err, errlen,
				  "invalid %s \"%s\" (expected \"on\" or \"off\")",
				  kw, val);
	*on = v == 1;
	return 0;
}

/* "encap-port PORT|none": the ESP in UDP port rvti holds; "none" is 0. */
static int arg_encap_port(const char *val, uint16_t *port, char *err,
			  size_t errlen)
{
	uint32_t v;

	if (!strcmp(val, "none")) {
		*port = 0;
		return 0;
	}
	if (parse_u32(val, &v) || !v || v > 65535)
		return parse_errf(err, errlen,
				  "invalid encap-port (expected 1 to 65535, or \"none\")");
	*port = (uint16_t)v;
	return 0;
}

enum { SET_DEV, SET_LOCAL, SET_REMOTE, SET_TTL, SET_DF, SET_SITE, SET_TRANSIT,
       SET_ENCAP_PORT, SET_HELP, SET_NKW };
static const char *const set_kws[] = {
	[SET_DEV] = "dev",
	[SET_LOCAL] = "local",
	[SET_REMOTE] = "remote",
	[SET_TTL] = "ttl",
	[SET_DF] = "df",
	[SET_SITE] = "site",
	[SET_TRANSIT] = "transit",
	[SET_ENCAP_PORT] = "encap-port",
	[SET_HELP] = "help",
	NULL
};

int tunnel_set_parse(int argc, char **argv, struct tunnel_set_req *req,
		     char *err, size_t errlen)
{
	bool seen[SET_NKW] = { false };
	const char *val, *after = NULL;
	int i, kw, ret;

	memset(req, 0, sizeof(*req));
	for (i = 0; i < argc; i++) {
		/*
		 * "d" was "dev" before "df" came, "t" was "ttl" before
		 * "transit": they stay what they were.
		 */
		ret = parse_kw(!strcmp(argv[i], "d") ? "dev" :
			       !strcmp(argv[i], "t") ? "ttl" : argv[i], i + 1,
			       after, set_kws, &kw, err, errlen);
		if (!ret)
			after = set_kws[kw];
		if (!ret)
			ret = parse_kw_val(argc, argv, &i, set_kws[kw], &val,
					   err, errlen);
		if (!ret)
			ret = parse_kw_once(&seen[kw], set_kws[kw], err,
					    errlen);
		if (ret)
			return ret;

		switch (kw) {
		case SET_DEV:
			ret = parse_dev_arg(val, req->ifname, err, errlen);
			break;
		case SET_LOCAL:
			ret = arg_addr("local", val, &req->local, err, errlen);
			break;
		case SET_REMOTE:
			ret = arg_addr("remote", val, &req->remote, err,
				       errlen);
			break;
		case SET_TTL:
			ret = arg_ttl(val, &req->ttl, err, errlen);
			break;
		case SET_SITE:
			ret = arg_site(val, req->site, err, errlen);
			break;
		case SET_TRANSIT:
			ret = arg_on_off("transit", val, &req->transit, err,
					 errlen);
			break;
		case SET_ENCAP_PORT:
			ret = arg_encap_port(val, &req->encap_port, err,
					     errlen);
			break;
		default:
			ret = arg_df(val, &req->df, err, errlen);
			break;
		}
		if (ret)
			return ret;
	}
	req->has_local = seen[SET_LOCAL];
	req->has_remote = seen[SET_REMOTE];
	req->has_ttl = seen[SET_TTL];
	req->has_df = seen[SET_DF];
	req->has_site = seen[SET_SITE];
	req->has_transit = seen[SET_TRANSIT];
	req->has_encap_port = seen[SET_ENCAP_PORT];

	if (!seen[SET_DEV])
		return parse_errf(err, errlen, "missing \"dev NAME\"");
	if (!tunnel_set_outer(req) && !req->has_site && !req->has_transit)
		return parse_errf(err, errlen,
				  "nothing to set: give local and/or remote, ttl, df, site, transit or encap-port");
	if (addr_is_set(&req->local) && addr_is_set(&req->remote) &&
	    req->local.family != req->remote.family)
		return parse_errf(err, errlen,
				  "local and remote addresses must be of the same family");
	return 0;
}

enum { SHOW_DEV, SHOW_HELP };
static const char *const show_kws[] = {
	[SHOW_DEV] = "dev",
	[SHOW_HELP] = "help",
	NULL
};

int tunnel_show_parse(int argc, char **argv, struct tunnel_show_req *req,
		      char *err, size_t errlen)
{
	const char *val;
	int i, kw, ret;

	memset(req, 0, sizeof(*req));
	for (i = 0; i < argc; i++) {
		ret = parse_kw(argv[i], i + 1, i ? "dev" : NULL, show_kws, &kw,
			       err, errlen);
		/* "show rvti0", as with ip link */
		if (ret == -EINVAL && kw == KW_NONE &&
		    !parse_word_is_known(argv[i]))
			return parse_err_hint(err, errlen,
					      "a device goes after the keyword \"dev\" (dev NAME)");
		if (!ret)
			ret = parse_kw_val(argc, argv, &i, show_kws[kw], &val,
					   err, errlen);
		if (!ret)
			ret = parse_kw_once(&req->has_dev, show_kws[kw], err,
					    errlen);
		if (!ret)
			ret = parse_dev_arg(val, req->ifname, err, errlen);
		if (ret)
			return ret;
	}
	return 0;
}

int tunnel_set_build(struct nlmsghdr *nlh, size_t buflen,
		     const struct tunnel_set_req *req)
{
	if (!mnl_attr_put_strz_check(nlh, buflen, RVTI_A_IFNAME, req->ifname))
		return -EMSGSIZE;
	/* "any" is a zero-length attribute. */
	if (req->has_local &&
	    !mnl_attr_put_check(nlh, buflen, RVTI_A_LOCAL, req->local.len,
				req->local.bytes))
		return -EMSGSIZE;
	if (req->has_remote &&
	    !mnl_attr_put_check(nlh, buflen, RVTI_A_REMOTE, req->remote.len,
				req->remote.bytes))
		return -EMSGSIZE;
	if (req->has_ttl &&
	    !mnl_attr_put_u8_check(nlh, buflen, RVTI_A_TTL, req->ttl))
		return -EMSGSIZE;
	if (req->has_df &&
	    !mnl_attr_put_u8_check(nlh, buflen, RVTI_A_DF, req->df))
		return -EMSGSIZE;
	if (req->has_encap_port &&
	    !mnl_attr_put_u16_check(nlh, buflen, RVTI_A_ENCAP_PORT,
				    req->encap_port))
		return -EMSGSIZE;
	return 0;
}

int tunnel_set_site_build(struct nlmsghdr *nlh, size_t buflen,
			  const struct tunnel_set_req *req)
{
	if (!mnl_attr_put_strz_check(nlh, buflen, RVTI_A_IFNAME, req->ifname))
		return -EMSGSIZE;
	if (req->has_site &&
	    !mnl_attr_put_strz_check(nlh, buflen, RVTI_A_SITE, req->site))
		return -EMSGSIZE;
	if (req->has_transit &&
	    !mnl_attr_put_u8_check(nlh, buflen, RVTI_A_TRANSIT, req->transit))
		return -EMSGSIZE;
	return 0;
}

int tunnel_show_build(struct nlmsghdr *nlh, size_t buflen,
		      const struct tunnel_show_req *req)
{
	if (req->has_dev &&
	    !mnl_attr_put_strz_check(nlh, buflen, RVTI_A_IFNAME, req->ifname))
		return -EMSGSIZE;
	return 0;
}

static int bad(const char **why, const char *reason)
{
	if (why)
		*why = reason;
	return -EBADMSG;
}

static int get_addr(const struct nlattr *attr, struct rvti_addr *addr)
{
	if (!attr) {
		memset(addr, 0, sizeof(*addr));
		return 0;
	}
	return addr_from_bytes(addr, mnl_attr_get_payload(attr),
			       mnl_attr_get_payload_len(attr));
}

/* An optional NLA_U8: absent leaves *@has false. */
static int get_u8(const struct nlattr *attr, uint8_t *val, bool *has)
{
	if (!attr)
		return 0;
	if (mnl_attr_validate(attr, MNL_TYPE_U8) < 0)
		return -EINVAL;
	*val = mnl_attr_get_u8(attr);
	*has = true;
	return 0;
}

#define TSTAT(type, field) \
	{ type, offsetof(struct rvti_tunnel_stats, field) }

static const struct u64_field tunnel_stat_fields[] = {
	TSTAT(RVTI_TSTAT_NO_TX_SA, no_tx_sa),
	TSTAT(RVTI_TSTAT_NO_ENDPOINT, no_endpoint),
	TSTAT(RVTI_TSTAT_WRONG_SOURCE, wrong_source),
	TSTAT(RVTI_TSTAT_SELECTOR_OUT, selector_out),
	TSTAT(RVTI_TSTAT_SELECTOR_IN, selector_in),
	TSTAT(RVTI_TSTAT_TRANSIT, transit),
	TSTAT(RVTI_TSTAT_FAILOVER, failover),
};

static int tunnel_decode(const struct nlmsghdr *nlh, struct rvti_tunnel *t,
			 const char **why)
{
	const struct nlattr *tb[RVTI_A_MAX + 1];
	const char *name;
	int ret;

	if (nl_parse_attrs(nlh, tb, RVTI_A_MAX))
		return bad(why, "truncated message");

	if (!tb[RVTI_A_IFNAME])
		return bad(why, "no device name (RVTI_A_IFNAME)");
	if (mnl_attr_validate(tb[RVTI_A_IFNAME], MNL_TYPE_NUL_STRING) < 0)
		return bad(why, "RVTI_A_IFNAME is not a string");
	name = mnl_attr_get_str(tb[RVTI_A_IFNAME]);
	if (strlen(name) >= sizeof(t->ifname))
		return bad(why, "RVTI_A_IFNAME is too long");
	strcpy(t->ifname, name);

	if (tb[RVTI_A_IFINDEX]) {
		if (mnl_attr_validate(tb[RVTI_A_IFINDEX], MNL_TYPE_U32) < 0)
			return bad(why, "RVTI_A_IFINDEX is not a u32");
		t->ifindex = mnl_attr_get_u32(tb[RVTI_A_IFINDEX]);
		t->has_ifindex = true;
	}
	if (get_addr(tb[RVTI_A_LOCAL], &t->local))
		return bad(why, "RVTI_A_LOCAL is neither 4 nor 16 bytes");
	if (get_addr(tb[RVTI_A_REMOTE], &t->remote))
		return bad(why, "RVTI_A_REMOTE is neither 4 nor 16 bytes");
	if (get_u8(tb[RVTI_A_TTL], &t->ttl, &t->has_ttl))
		return bad(why, "RVTI_A_TTL is not a u8");
	/* A DF value this tool does not know is kept, and shown as is. */
	if (get_u8(tb[RVTI_A_DF], &t->df, &t->has_df))
		return bad(why, "RVTI_A_DF is not a u8");
	if (tb[RVTI_A_ENCAP_PORT]) {
		if (mnl_attr_validate(tb[RVTI_A_ENCAP_PORT], MNL_TYPE_U16) < 0)
			return bad(why, "RVTI_A_ENCAP_PORT is not a u16");
		t->encap_port = mnl_attr_get_u16(tb[RVTI_A_ENCAP_PORT]);
	}
	if (get_u8(tb[RVTI_A_STATE], &t->state, &t->has_state))
		return bad(why, "RVTI_A_STATE is not a u8");
	if (tb[RVTI_A_STATS]) {
		ret = sa_get_u64s(tb[RVTI_A_STATS], &t->stats,
				  tunnel_stat_fields,
				  sizeof(tunnel_stat_fields) /
				  sizeof(tunnel_stat_fields[0]),
				  RVTI_TSTAT_MAX, why,
				  "RVTI_A_STATS holds a counter that is not a u64");
		if (ret)
			return ret;
		t->has_stats = true;
	}
	if (tb[RVTI_A_PREFIX_COUNT]) {
		if (mnl_attr_validate(tb[RVTI_A_PREFIX_COUNT], MNL_TYPE_U32) < 0)
			return bad(why, "RVTI_A_PREFIX_COUNT is not a u32");
		t->nprefixes = mnl_attr_get_u32(tb[RVTI_A_PREFIX_COUNT]);
		t->has_policy = true;
	}
	if (tb[RVTI_A_SITE]) {
		if (mnl_attr_validate(tb[RVTI_A_SITE], MNL_TYPE_NUL_STRING) < 0 ||
		    strlen(mnl_attr_get_str(tb[RVTI_A_SITE])) >= sizeof(t->site))
			return bad(why, "RVTI_A_SITE is not a string of at most 31 bytes");
		strcpy(t->site, mnl_attr_get_str(tb[RVTI_A_SITE]));
	}
	if (tb[RVTI_A_TRANSIT]) {
		if (mnl_attr_validate(tb[RVTI_A_TRANSIT], MNL_TYPE_U8) < 0)
			return bad(why, "RVTI_A_TRANSIT is not a u8");
		t->transit = mnl_attr_get_u8(tb[RVTI_A_TRANSIT]);
	}
	if (tb[RVTI_A_LAST_RX]) {
		if (mnl_attr_validate(tb[RVTI_A_LAST_RX], MNL_TYPE_U64) < 0)
			return bad(why, "RVTI_A_LAST_RX is not a u64");
		t->last_rx = mnl_attr_get_u64(tb[RVTI_A_LAST_RX]);
		t->has_last_rx = true;
	}
	if (tb[RVTI_A_SAS]) {
		ret = sa_list_from_attr(tb[RVTI_A_SAS], &t->sas, &t->nsas, why);
		if (ret)
			return ret;
		t->has_sas = true;
	}
	return 0;
}

int tunnel_from_msg(const struct nlmsghdr *nlh, struct rvti_tunnel *t,
		    const char **why)
{
	int ret;

	memset(t, 0, sizeof(*t));
	ret = tunnel_decode(nlh, t, why);
	if (ret)
		tunnel_free(t);
	return ret;
}

void tunnel_free(struct rvti_tunnel *t)
{
	free(t->sas);
	t->sas = NULL;
	t->nsas = 0;
}

static json_object *tunnel_stats_json(const struct rvti_tunnel_stats *s,
				      bool policy)
{
	json_object *obj = json_object_new_object();

	if (!obj)
		return NULL;
	if (json_put_u64(obj, "no_tx_sa", s->no_tx_sa) ||
	    json_put_u64(obj, "no_endpoint", s->no_endpoint) ||
	    json_put_u64(obj, "wrong_source", s->wrong_source) ||
	    (policy && (json_put_u64(obj, "selector_out", s->selector_out) ||
			json_put_u64(obj, "selector_in", s->selector_in) ||
			json_put_u64(obj, "transit", s->transit) ||
			json_put_u64(obj, "failover", s->failover)))) {
		json_object_put(obj);
		return NULL;
	}
	return obj;
}

static json_object *tunnel_sas_json(const struct rvti_tunnel *t)
{
	json_object *arr = json_object_new_array(), *sa;
	unsigned int i;

	if (!arr)
		return NULL;
	for (i = 0; i < t->nsas; i++) {
		sa = sa_to_json(&t->sas[i]);
		if (!sa || json_object_array_add(arr, sa)) {
			json_object_put(sa);
			json_object_put(arr);
			return NULL;
		}
	}
	return arr;
}

static int tunnel_json(struct rvti_out *o, const struct rvti_tunnel *t)
{
	json_object *obj = json_object_new_object(), *val;
	const char *df = tunnel_df_str(t->df);	/* NULL: unknown, a number */

	if (!obj)
		return -ENOMEM;
	if (json_put_str(obj, "ifname", t->ifname) ||
	    (t->has_ifindex ? json_put_u32(obj, "ifindex", t->ifindex) :
			      json_put_null(obj, "ifindex")) ||
	    json_put_addr(obj, "local", &t->local) ||
	    json_put_addr(obj, "remote", &t->remote))
		goto nomem;
	if (t->has_ttl && json_put_u32(obj, "ttl", t->ttl))
		goto nomem;
	if (t->has_df && (df ? json_put_str(obj, "df", df) :
			       json_put_u32(obj, "df", t->df)))
		goto nomem;
	if (t->encap_port && json_put_u32(obj, "encap_port", t->encap_port))
		goto nomem;
	if (t->has_state && tunnel_state_json(obj, t->state))
		goto nomem;
	if (t->has_stats) {
		val = tunnel_stats_json(&t->stats, t->has_policy);
		if (!val || json_put_obj(obj, "stats", val))
			goto nomem;
	}
	if (t->has_sas) {
		val = tunnel_sas_json(t);
		if (!val || json_put_obj(obj, "sas", val))
			goto nomem;
	}
	if (t->has_policy) {
		if (json_put_str(obj, "site", t->site[0] ? t->site : NULL) ||
		    json_put_bool(obj, "transit", t->transit))
			goto nomem;
		if (t->plist) {
			val = prefix_json(t->plist, t->ifindex);
			if (!val || json_put_obj(obj, "prefixes", val))
				goto nomem;
		}
	}
	if (t->has_last_rx && json_put_u64(obj, "last_rx", t->last_rx))
		goto nomem;
	return out_add(o, obj);
nomem:
	json_object_put(obj);
	return -ENOMEM;
}

int tunnel_print(struct rvti_out *o, const struct rvti_tunnel *t)
{
	char local[INET6_ADDRSTRLEN], remote[INET6_ADDRSTRLEN];
	char last_rx[SA_TIME_STRLEN];
	const struct rvti_tunnel_stats *s = &t->stats;
	const char *df;
	unsigned int i;

	if (o->json)
		return tunnel_json(o, t);
	fprintf(o->fp, "%s: local %s remote %s", t->ifname,
		addr_str(&t->local, local, sizeof(local), "any"),
		addr_str(&t->remote, remote, sizeof(remote), "none"));
	/* Only what differs from the defaults, so old lines stay as they were. */
	if (t->has_ttl && t->ttl)
		fprintf(o->fp, " ttl %u", (unsigned int)t->ttl);
	if (t->has_df && t->df != RVTI_DF_COPY) {
		df = tunnel_df_str(t->df);
		if (df)
			fprintf(o->fp, " df %s", df);
		else	/* a value of a newer kernel */
			fprintf(o->fp, " df %u", (unsigned int)t->df);
	}
	if (t->encap_port)
		fprintf(o->fp, " encap-port %u", (unsigned int)t->encap_port);
	if (t->site[0])
		fprintf(o->fp, " site %s", t->site);
	if (t->transit)
		fprintf(o->fp, " transit on");
	if (t->has_last_rx)
		fprintf(o->fp, " last-rx %s",
			sa_time_str(t->last_rx, last_rx, sizeof(last_rx)));
	if (t->has_state)
		tunnel_state_print(o->fp, t->state);
	fputc('\n', o->fp);
	if (t->plist)
		prefix_print_line(o->fp, t->plist, t->ifindex);
	for (i = 0; i < t->nsas; i++)
		sa_print_text(o->fp, OUT_INDENT, OUT_INDENT, &t->sas[i],
			      o->stats);
	if (o->stats && t->has_stats) {
		fprintf(o->fp, OUT_INDENT "drops: no-tx-sa %" PRIu64
			" no-endpoint %" PRIu64 " wrong-source %" PRIu64,
			s->no_tx_sa, s->no_endpoint, s->wrong_source);
		if (t->has_policy)
			fprintf(o->fp, " selector-out %" PRIu64
				" selector-in %" PRIu64 " transit %" PRIu64,
				s->selector_out, s->selector_in, s->transit);
		fputc('\n', o->fp);
		/* Not a drop: another tunnel of the site carried them. */
		if (t->site[0] || s->failover)
			fprintf(o->fp, OUT_INDENT "failover: %" PRIu64
				" packets carried by another tunnel of the site\n",
				s->failover);
	}
	return 0;
}

int tunnel_print_sas(struct rvti_out *o, const struct rvti_tunnel *t)
{
	char lead[IFNAMSIZ + 2];
	unsigned int i;

	if (o->json)
		return tunnel_json(o, t);
	snprintf(lead, sizeof(lead), "%s: ", t->ifname);
	for (i = 0; i < t->nsas; i++)
		sa_print_text(o->fp, lead, "", &t->sas[i], o->stats);
	return 0;
}

struct show_state {
	struct rvti_tunnel *t;		/* the tunnels, in kernel order */
	unsigned int n, cap;
	const char *why;	/* set when a reply was malformed */
};

static void show_state_free(struct show_state *st)
{
	unsigned int i;

	for (i = 0; i < st->n; i++)
		tunnel_free(&st->t[i]);
	free(st->t);
}

static int show_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct show_state *st = arg;
	struct rvti_tunnel *t;
	const char *why = NULL;
	int err;

	if (st->n == st->cap) {
		t = realloc(st->t, (st->cap * 2 + 8) * sizeof(*t));
		if (!t)
			return -ENOMEM;
		st->t = t;
		st->cap = st->cap * 2 + 8;
	}
	err = tunnel_from_msg(nlh, &st->t[st->n], &why);
	if (err) {
		if (err == -EBADMSG)
			st->why = why;
		return err;
	}
	st->n++;
	return 0;
}

/* One RVTI_CMD_GET_SA message: the SA goes to its tunnel. */
static int show_sa_cb(const struct nlmsghdr *nlh, void *arg)
{
	const struct nlattr *tb[RVTI_A_MAX + 1];
	struct show_state *st = arg;
	struct rvti_sa_info *sas;
	struct rvti_tunnel *t;
	uint32_t ifindex;
	unsigned int i;
	int err;

	if (nl_parse_attrs(nlh, tb, RVTI_A_MAX) || !tb[RVTI_A_IFINDEX] ||
	    mnl_attr_validate(tb[RVTI_A_IFINDEX], MNL_TYPE_U32) < 0 ||
	    !tb[RVTI_A_SA]) {
		st->why = "an SA message without RVTI_A_IFINDEX or RVTI_A_SA";
		return -EBADMSG;
	}
	ifindex = mnl_attr_get_u32(tb[RVTI_A_IFINDEX]);
	for (i = 0; i < st->n; i++)
		if (st->t[i].ifindex == ifindex)
			break;
	if (i == st->n)		/* a tunnel that came after the list */
		return 0;
	t = &st->t[i];
	sas = realloc(t->sas, (t->nsas + 1) * sizeof(*sas));
	if (!sas)
		return -ENOMEM;
	t->sas = sas;
	err = sa_from_attr(tb[RVTI_A_SA], &t->sas[t->nsas], &st->why);
	if (err)
		return err;
	t->nsas++;
	t->has_sas = true;
	return 0;
}

static int show_talk_failed(struct rvti_ctx *ctx, struct show_state *st,
			    int ret)
{
	if (!ctx->nl->kernel_err && st->why)
		fprintf(ctx->err, "rvti: malformed reply from the kernel: %s\n",
			st->why);
	else
		nl_perror(ctx->nl, ret, ctx->err);
	return RVTI_EXIT_ERROR;
}

/*
 * A kernel with prefixes (RVTI_A_PREFIX_COUNT in its replies) leaves the
 * SAs out of GET_TUNNEL when asked (RVTI_A_NO_SAS), so that a tunnel with
 * many SAs still fits in a message: they come from the GET_SA dump, and
 * the prefixes from the GET_PREFIX dump. An older kernel sends the SAs
 * with the tunnel, and there is nothing more to ask.
 */
static int show_more(struct rvti_ctx *ctx, const struct tunnel_show_req *req,
		     struct show_state *st, struct prefix_list *plist)
{
	struct nlmsghdr *nlh;
	bool policy = false;
	unsigned int i;
	int ret;

	for (i = 0; i < st->n; i++)
		policy |= st->t[i].has_policy && !st->t[i].has_sas;
	if (!policy)
		return 0;
	nlh = rvti_req(ctx, RVTI_CMD_GET_SA, NLM_F_DUMP);
	if (!nlh)
		return RVTI_EXIT_ERROR;
	ret = tunnel_show_build(nlh, NL_SEND_BUF_SIZE, req);
	if (!ret)
		ret = nl_talk(ctx->nl, nlh, show_sa_cb, st);
	if (ret)
		return show_talk_failed(ctx, st, ret);
	if (prefix_dump(ctx, req->has_dev ? req->ifname : NULL, plist))
		return RVTI_EXIT_ERROR;
	for (i = 0; i < st->n; i++) {
		st->t[i].plist = plist;
		st->t[i].has_sas = true;
	}
	return 0;
}

static int tunnel_show_run(struct rvti_ctx *ctx,
			   const struct tunnel_show_req *req, bool sas_only)
{
	struct prefix_list plist = { 0 };
	struct show_state st = { 0 };
	struct rvti_out out;
	struct nlmsghdr *nlh;
	struct nl_ctx *nl;
	unsigned int i;
	int ret;

	nlh = rvti_req(ctx, RVTI_CMD_GET_TUNNEL, req->has_dev ? 0 : NLM_F_DUMP);
	if (!nlh)
		return RVTI_EXIT_ERROR;
	nl = ctx->nl;
	ret = tunnel_show_build(nlh, sizeof(nl->sbuf), req);
	if (!ret && !mnl_attr_put_check(nlh, sizeof(nl->sbuf), RVTI_A_NO_SAS,
					0, NULL))
		ret = -EMSGSIZE;
	if (ret) {
		nl_perror(NULL, ret, ctx->err);
		return RVTI_EXIT_ERROR;
	}
	ret = nl_talk(nl, nlh, show_cb, &st);
	if (ret) {
		ret = show_talk_failed(ctx, &st, ret);
		goto out;
	}
	ret = show_more(ctx, req, &st, &plist);
	if (ret)
		goto out;

	out_init(&out, ctx->out, ctx->json, ctx->pretty, ctx->stats);
	ret = out_begin(&out);
	for (i = 0; !ret && i < st.n; i++)
		ret = sas_only ? tunnel_print_sas(&out, &st.t[i]) :
				 tunnel_print(&out, &st.t[i]);
	if (ret) {
		out_abort(&out);
		nl_perror(NULL, -ENOMEM, ctx->err);
		ret = RVTI_EXIT_ERROR;
		goto out;
	}
	if (out_end(&out)) {
		fprintf(ctx->err, "rvti: cannot write the output\n");
		ret = RVTI_EXIT_ERROR;
	}
out:
	show_state_free(&st);
	prefix_list_free(&plist);
	return ret;
}

int tunnel_show_cmd(struct rvti_ctx *ctx, int argc, char **argv,
		    bool sas_only)
{
	struct tunnel_show_req req;
	char err[160];
	int ret;

	ret = tunnel_show_parse(argc, argv, &req, err, sizeof(err));
	if (ret)
		return rvti_parse_failed(ctx, ret, err);
	return tunnel_show_run(ctx, &req, sas_only);
}

int tunnel_do_show(struct rvti_ctx *ctx, int argc, char **argv)
{
	return tunnel_show_cmd(ctx, argc, argv, false);
}

static int tunnel_do_set(struct rvti_ctx *ctx, int argc, char **argv)
{
	struct tunnel_set_req req;
	struct nlmsghdr *nlh;
	char err[160];
	int ret;

	ret = tunnel_set_parse(argc, argv, &req, err, sizeof(err));
	if (ret)
		return rvti_parse_failed(ctx, ret, err);

	if (tunnel_set_outer(&req)) {
		nlh = rvti_req(ctx, RVTI_CMD_SET_TUNNEL, 0);
		if (!nlh)
			return RVTI_EXIT_ERROR;
		ret = rvti_talk(ctx, nlh,
				tunnel_set_build(nlh, NL_SEND_BUF_SIZE, &req));
		if (ret)
			return ret;
	}
	if (!req.has_site && !req.has_transit)
		return RVTI_EXIT_OK;
	nlh = rvti_req(ctx, RVTI_CMD_SET_SITE, 0);
	if (!nlh)
		return RVTI_EXIT_ERROR;
	ret = prefix_talk_change(ctx, nlh,
				 tunnel_set_site_build(nlh, NL_SEND_BUF_SIZE,
						       &req));
	/* Tunnels of one site share a multipath route. */
	if (ret || !req.has_site)
		return ret;
	return route_sync(ctx);
}

#define SET_NOTES \
	"ADDR := { IPv4 address | IPv6 address | any }\n" \
	"        \"any\" clears it: any local address, no remote address.\n" \
	"        Local and remote must be of the same family.\n" \
	"ttl: the outer TTL / hop limit; \"inherit\": the outer route's default\n" \
	"df: the DF bit of an IPv4 outer header: \"copy\" it from the inner\n" \
	"    packet (the default; set for IPv6), or always \"set\" or \"clear\"\n" \
	"site: tunnels with the same label lead to the same site and may\n" \
	"      share prefixes (and their multipath route); \"none\" clears it\n" \
	"transit: forward between this tunnel and another rvti tunnel when\n" \
	"         both have transit on (default off)\n" \
	"encap-port: a UDP port rvti holds for ESP in UDP (NAT traversal)\n" \
	"            without an IKE daemon, which holds its own; \"none\"\n" \
	"            releases it (the default)\n" \
	"What is not given is left as it is."

const struct rvti_command tunnel_cmds[] = {
	{
		.name = "set",
		.fn = tunnel_do_set,
		.help = TUNNEL_SET_HELP,
		.notes = SET_NOTES,
	},
	{
		.name = "show",
		.fn = tunnel_do_show,
		.help = TUNNEL_SHOW_HELP,
	},
	{ 0 }
};
