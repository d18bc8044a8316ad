// SPDX-License-Identifier: GPL-2.0
/*
 * rvti prefix commands; see prefix.h.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/rvti.h>

#include "prefix.h"
#include "route.h"

int parse_prefix(const char *s, struct rvti_prefix_info *p, const char **why)
{
	char addr[INET6_ADDRSTRLEN];
	const char *slash = strchr(s, '/');
	struct rvti_addr a;
	unsigned int max;
	uint32_t len;
	size_t n;

	memset(p, 0, sizeof(*p));
	n = slash ? (size_t)(slash - s) : strlen(s);
	if (n == 0 || n >= sizeof(addr)) {
		*why = "expected ADDR/LEN, e.g. 10.1.0.0/16 or 2001:db8::/32";
		return -EINVAL;
	}
	memcpy(addr, s, n);
	addr[n] = '\0';
	if (parse_addr(addr, &a) || !addr_is_set(&a)) {
		*why = "expected ADDR/LEN with a numeric IPv4 or IPv6 address";
		return -EINVAL;
	}
	max = a.family == AF_INET ? 32 : 128;
	len = max;
	if (slash && (parse_u32(slash + 1, &len) || len > max)) {
		*why = a.family == AF_INET ?
		       "an IPv4 prefix length is 0 to 32" :
		       "an IPv6 prefix length is 0 to 128";
		return -EINVAL;
	}
	p->family = a.family;
	memcpy(p->bytes, a.bytes, a.len);
	p->len = (uint8_t)len;
	return 0;
}

const char *prefix_str(const struct rvti_prefix_info *p, char *buf,
		       size_t size)
{
	char addr[INET6_ADDRSTRLEN];

	if (!inet_ntop(p->family, p->bytes, addr, sizeof(addr)))
		snprintf(addr, sizeof(addr), "?");
	snprintf(buf, size, "%s/%u", addr, (unsigned int)p->len);
	return buf;
}

enum { PFX_DEV, PFX_ROUTE, PFX_HELP };
static const char *const pfx_kws[] = {
	[PFX_DEV] = "dev",
	[PFX_ROUTE] = "route",
	[PFX_HELP] = "help",
	NULL
};

int prefix_parse(enum prefix_op op, int argc, char **argv,
		 struct prefix_req *req, char *err, size_t errlen)
{
	const char *val, *why, *after = NULL;
	bool seen_route = false;
	int i, kw, ret;

	memset(req, 0, sizeof(*req));
	req->op = op;
	for (i = 0; i < argc; i++) {
		kw = parse_keyword(argv[i], pfx_kws);
		if (kw == KW_NONE && (op == PREFIX_ADD || op == PREFIX_DEL)) {
			/* The word is not repeated: it could be a key. */
			if (req->has_prefix)
				return parse_errf(err, errlen,
						  "one prefix at a time (argument %d is a second)",
						  i + 1);
			if (parse_prefix(argv[i], &req->prefix, &why))
				return parse_errf(err, errlen,
						  "invalid prefix (argument %d): %s",
						  i + 1, why);
			req->has_prefix = true;
			continue;
		}
		ret = parse_kw(argv[i], i + 1, after, pfx_kws, &kw, err, errlen);
		if (ret)
			return ret;
		after = pfx_kws[kw];
		if (kw == PFX_ROUTE) {
			if (op != PREFIX_ADD)
				return parse_errf(err, errlen,
						  "\"route\" goes with \"prefix add\" only");
			ret = parse_kw_once(&seen_route, "route", err, errlen);
			if (ret)
				return ret;
			req->prefix.flags |= RVTI_PREFIX_F_ROUTE;
			continue;
		}
		ret = parse_kw_val(argc, argv, &i, "dev", &val, err, errlen);
		if (!ret)
			ret = parse_kw_once(&req->has_dev, "dev", err, errlen);
		if (!ret)
			ret = parse_dev_arg(val, req->ifname, err, errlen);
		if (ret)
			return ret;
	}
	if (!req->has_dev && op != PREFIX_LIST)
		return parse_errf(err, errlen, "missing \"dev NAME\"");
	if (!req->has_prefix && (op == PREFIX_ADD || op == PREFIX_DEL))
		return parse_errf(err, errlen,
				  "missing the prefix (ADDR/LEN, e.g. 10.1.0.0/16)");
	return 0;
}

int prefix_build(struct nlmsghdr *nlh, size_t buflen,
		 const struct prefix_req *req)
{
	const struct rvti_prefix_info *p = &req->prefix;
	struct nlattr *nest;

	if (req->has_dev &&
	    !mnl_attr_put_strz_check(nlh, buflen, RVTI_A_IFNAME, req->ifname))
		return -EMSGSIZE;
	if (!req->has_prefix)
		return 0;
	nest = mnl_attr_nest_start_check(nlh, buflen, RVTI_A_PREFIX);
	if (!nest ||
	    !mnl_attr_put_check(nlh, buflen, RVTI_PREFIX_A_ADDR,
				p->family == AF_INET ? 4 : 16, p->bytes) ||
	    !mnl_attr_put_u8_check(nlh, buflen, RVTI_PREFIX_A_LEN, p->len) ||
	    (p->flags && !mnl_attr_put_u32_check(nlh, buflen,
						 RVTI_PREFIX_A_FLAGS,
						 p->flags)))
		return -EMSGSIZE;
	mnl_attr_nest_end(nlh, nest);
	return 0;
}

static int bad(const char **why, const char *reason)
{
	if (why)
		*why = reason;
	return -EBADMSG;
}

int prefix_from_msg(const struct nlmsghdr *nlh, struct rvti_prefix_info *p,
		    const char **why)
{
	const struct nlattr *tb[RVTI_A_MAX + 1];
	const struct nlattr *ptb[RVTI_PREFIX_A_MAX + 1];
	const struct nlattr *a;
	const char *name;

	memset(p, 0, sizeof(*p));
	if (nl_parse_attrs(nlh, tb, RVTI_A_MAX))
		return bad(why, "truncated message");
	if (!tb[RVTI_A_IFNAME] ||
	    mnl_attr_validate(tb[RVTI_A_IFNAME], MNL_TYPE_NUL_STRING) < 0)
		return bad(why, "no device name (RVTI_A_IFNAME)");
	name = mnl_attr_get_str(tb[RVTI_A_IFNAME]);
	if (strlen(name) >= sizeof(p->ifname))
		return bad(why, "RVTI_A_IFNAME is too long");
	strcpy(p->ifname, name);
	if (tb[RVTI_A_IFINDEX]) {
		if (mnl_attr_validate(tb[RVTI_A_IFINDEX], MNL_TYPE_U32) < 0)
			return bad(why, "RVTI_A_IFINDEX is not a u32");
		p->ifindex = mnl_attr_get_u32(tb[RVTI_A_IFINDEX]);
	}
	if (!tb[RVTI_A_PREFIX] ||
	    nl_parse_nested(tb[RVTI_A_PREFIX], ptb, RVTI_PREFIX_A_MAX))
		return bad(why, "no valid RVTI_A_PREFIX");
	a = ptb[RVTI_PREFIX_A_ADDR];
	if (!a || (mnl_attr_get_payload_len(a) != 4 &&
		   mnl_attr_get_payload_len(a) != 16))
		return bad(why, "RVTI_PREFIX_A_ADDR is neither 4 nor 16 bytes");
	p->family = mnl_attr_get_payload_len(a) == 4 ? AF_INET : AF_INET6;
	memcpy(p->bytes, mnl_attr_get_payload(a), mnl_attr_get_payload_len(a));
	if (!ptb[RVTI_PREFIX_A_LEN] ||
	    mnl_attr_validate(ptb[RVTI_PREFIX_A_LEN], MNL_TYPE_U8) < 0 ||
	    mnl_attr_get_u8(ptb[RVTI_PREFIX_A_LEN]) >
	    (p->family == AF_INET ? 32 : 128))
		return bad(why, "RVTI_PREFIX_A_LEN is missing or out of range");
	p->len = mnl_attr_get_u8(ptb[RVTI_PREFIX_A_LEN]);
	if (ptb[RVTI_PREFIX_A_FLAGS]) {
		if (mnl_attr_validate(ptb[RVTI_PREFIX_A_FLAGS], MNL_TYPE_U32) < 0)
			return bad(why, "RVTI_PREFIX_A_FLAGS is not a u32");
		p->flags = mnl_attr_get_u32(ptb[RVTI_PREFIX_A_FLAGS]);
	}
	return 0;
}

void prefix_list_free(struct prefix_list *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static int prefix_list_add(struct prefix_list *l,
			   const struct rvti_prefix_info *p)
{
	struct rvti_prefix_info *v;

	if (l->n == l->cap) {
		v = realloc(l->v, (l->cap ? l->cap * 2 : 64) * sizeof(*v));
		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = l->cap ? l->cap * 2 : 64;
	}
	l->v[l->n++] = *p;
	return 0;
}

struct dump_state {
	struct prefix_list *l;
	const char *why;
};

static int dump_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct dump_state *st = arg;
	struct rvti_prefix_info p;
	int ret;

	ret = prefix_from_msg(nlh, &p, &st->why);
	return ret ?: prefix_list_add(st->l, &p);
}

int prefix_dump(struct rvti_ctx *ctx, const char *ifname,
		struct prefix_list *l)
{
	struct dump_state st = { l, NULL };
	struct prefix_req req = { .op = PREFIX_LIST };
	struct nlmsghdr *nlh;
	int ret;

	nlh = rvti_req(ctx, RVTI_CMD_GET_PREFIX, NLM_F_DUMP);
	if (!nlh)
		return -ENOTCONN;
	if (ifname) {
		req.has_dev = true;
		snprintf(req.ifname, sizeof(req.ifname), "%s", ifname);
	}
	ret = prefix_build(nlh, NL_SEND_BUF_SIZE, &req);
	if (!ret)
		ret = nl_talk(ctx->nl, nlh, dump_cb, &st);
	if (ret) {
		if (!ctx->nl->kernel_err && st.why)
			fprintf(ctx->err,
				"rvti: malformed reply from the kernel: %s\n",
				st.why);
		else
			nl_perror(ctx->nl, ret, ctx->err);
	}
	return ret;
}

void prefix_print_line(FILE *fp, const struct prefix_list *l,
		       uint32_t ifindex)
{
	char buf[PREFIX_STRLEN];
	bool first = true;
	unsigned int i;

	for (i = 0; i < l->n; i++) {
		if (l->v[i].ifindex != ifindex)
			continue;
		fprintf(fp, "%s %s%s", first ? OUT_INDENT "prefixes" : "",
			prefix_str(&l->v[i], buf, sizeof(buf)),
			l->v[i].flags & RVTI_PREFIX_F_ROUTE ? " route" : "");
		first = false;
	}
	if (!first)
		fputc('\n', fp);
}

static json_object *prefix_obj(const struct rvti_prefix_info *p, bool dev)
{
	json_object *obj = json_object_new_object();
	char buf[PREFIX_STRLEN];

	if (!obj)
		return NULL;
	if ((dev && json_put_str(obj, "ifname", p->ifname)) ||
	    json_put_str(obj, "prefix", prefix_str(p, buf, sizeof(buf))) ||
	    json_put_bool(obj, "route", p->flags & RVTI_PREFIX_F_ROUTE)) {
		json_object_put(obj);
		return NULL;
	}
	return obj;
}

json_object *prefix_json(const struct prefix_list *l, uint32_t ifindex)
{
	json_object *arr = json_object_new_array(), *obj;
	unsigned int i;

	if (!arr)
		return NULL;
	for (i = 0; i < l->n; i++) {
		if (l->v[i].ifindex != ifindex)
			continue;
		obj = prefix_obj(&l->v[i], false);
		if (!obj || json_object_array_add(arr, obj)) {
			json_object_put(obj);
			json_object_put(arr);
			return NULL;
		}
	}
	return arr;
}

/* On an overlap, the kernel names the other tunnel before the error. */
struct change_state {
	bool conflict;
	struct rvti_prefix_info other;
};

static int change_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct change_state *st = arg;

	if (!prefix_from_msg(nlh, &st->other, NULL))
		st->conflict = true;
	return 0;
}

int prefix_talk_change(struct rvti_ctx *ctx, struct nlmsghdr *nlh, int ret)
{
	struct change_state st = { false };
	char buf[PREFIX_STRLEN];

	if (!ret)
		ret = nl_talk(ctx->nl, nlh, change_cb, &st);
	if (!ret)
		return RVTI_EXIT_OK;
	nl_perror(ctx->nl, ret, ctx->err);
	if (st.conflict)
		fprintf(ctx->err, "rvti: it overlaps %s of tunnel %s\n",
			prefix_str(&st.other, buf, sizeof(buf)),
			st.other.ifname);
	return RVTI_EXIT_ERROR;
}

static int prefix_change(struct rvti_ctx *ctx, enum prefix_op op, int argc,
			 char **argv)
{
	static const uint8_t cmds[] = {
		[PREFIX_ADD] = RVTI_CMD_NEW_PREFIX,
		[PREFIX_DEL] = RVTI_CMD_DEL_PREFIX,
		[PREFIX_FLUSH] = RVTI_CMD_FLUSH_PREFIXES,
	};
	struct prefix_req req;
	struct nlmsghdr *nlh;
	char err[160];
	int ret;

	ret = prefix_parse(op, argc, argv, &req, err, sizeof(err));
	if (ret)
		return rvti_parse_failed(ctx, ret, err);
	nlh = rvti_req(ctx, cmds[op], 0);
	if (!nlh)
		return RVTI_EXIT_ERROR;
	ret = prefix_talk_change(ctx, nlh,
				 prefix_build(nlh, NL_SEND_BUF_SIZE, &req));
	if (ret)
		return ret;
	/* Adding without "route" changes no route: skip the work. */
	if (op == PREFIX_ADD && !(req.prefix.flags & RVTI_PREFIX_F_ROUTE))
		return RVTI_EXIT_OK;
	return route_sync(ctx);
}

static int prefix_do_add(struct rvti_ctx *ctx, int argc, char **argv)
{
	return prefix_change(ctx, PREFIX_ADD, argc, argv);
}

static int prefix_do_del(struct rvti_ctx *ctx, int argc, char **argv)
{
	return prefix_change(ctx, PREFIX_DEL, argc, argv);
}

static int prefix_do_flush(struct rvti_ctx *ctx, int argc, char **argv)
{
	return prefix_change(ctx, PREFIX_FLUSH, argc, argv);
}

static int prefix_do_list(struct rvti_ctx *ctx, int argc, char **argv)
{
	struct prefix_list l = { 0 };
	char buf[PREFIX_STRLEN];
	struct prefix_req req;
	struct rvti_out out;
	unsigned int i;
	char err[160];
	int ret;

	ret = prefix_parse(PREFIX_LIST, argc, argv, &req, err, sizeof(err));
	if (ret)
		return rvti_parse_failed(ctx, ret, err);
	if (prefix_dump(ctx, req.has_dev ? req.ifname : NULL, &l)) {
		prefix_list_free(&l);
		return RVTI_EXIT_ERROR;
	}
	out_init(&out, ctx->out, ctx->json, ctx->pretty, ctx->stats);
	ret = out_begin(&out);
	for (i = 0; !ret && i < l.n; i++) {
		if (out.json)
			ret = out_add(&out, prefix_obj(&l.v[i], true)) ?
			      -ENOMEM : 0;
		else
			fprintf(out.fp, "%s: %s%s\n", l.v[i].ifname,
				prefix_str(&l.v[i], buf, sizeof(buf)),
				l.v[i].flags & RVTI_PREFIX_F_ROUTE ?
				" route" : "");
	}
	prefix_list_free(&l);
	if (ret) {
		out_abort(&out);
		nl_perror(NULL, ret, ctx->err);
		return RVTI_EXIT_ERROR;
	}
	if (out_end(&out)) {
		fprintf(ctx->err, "rvti: cannot write the output\n");
		return RVTI_EXIT_ERROR;
	}
	return RVTI_EXIT_OK;
}

#define PREFIX_NOTES \
	"PREFIX := ADDR/LEN, an IPv4 or IPv6 prefix with its host bits 0\n" \
	"route: also install a route to PREFIX through the tunnel (one\n" \
	"       multipath route through every tunnel that has it), with\n" \
	"       route protocol 86 (ip route show proto 86)\n" \
	"A tunnel with prefixes carries only traffic to and from them;\n" \
	"prefixes of tunnels of different sites must not overlap."

const struct rvti_command prefix_cmds[] = {
	{
		.name = "add",
		.fn = prefix_do_add,
		.help = "dev NAME PREFIX [route]",
		.notes = PREFIX_NOTES,
	},
	{
		.name = "del",
		.fn = prefix_do_del,
		.help = "dev NAME PREFIX",
	},
	{
		.name = "list",
		.fn = prefix_do_list,
		.help = "[dev NAME]",
	},
	{
		.name = "flush",
		.fn = prefix_do_flush,
		.help = "dev NAME",
	},
	{ 0 }
};
