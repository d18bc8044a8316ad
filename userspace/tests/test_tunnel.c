// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for tunnel.c: command-line parsing into requests, the netlink
 * attributes built from them, decoding of replies and output.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>

#include <linux/genetlink.h>
#include <linux/rvti.h>

#include "nl.h"
#include "test.h"
#include "tunnel.h"
#include "util.h"

#define FAMILY_ID 0x20		/* any genl family id will do */

static int set_parse(const char *line, struct tunnel_set_req *req,
		     char *err, size_t errlen)
{
	char store[512], *argv[32];
	int argc = split_line(line, store, sizeof(store), argv, 32);

	err[0] = '\0';
	return tunnel_set_parse(argc, argv, req, err, errlen);
}

static int show_parse(const char *line, struct tunnel_show_req *req,
		      char *err, size_t errlen)
{
	char store[512], *argv[32];
	int argc = split_line(line, store, sizeof(store), argv, 32);

	err[0] = '\0';
	return tunnel_show_parse(argc, argv, req, err, errlen);
}

/* --- tunnel set: command line --- */

static void set_parse_v4(void)
{
	static const uint8_t l[4] = { 192, 0, 2, 1 }, r[4] = { 198, 51, 100, 1 };
	struct tunnel_set_req req;
	char err[160];

	CHECK_INT(set_parse("dev rvti0 local 192.0.2.1 remote 198.51.100.1",
			    &req, err, sizeof(err)), 0);
	CHECK_STR(req.ifname, "rvti0");
	CHECK(req.has_local);
	CHECK(req.has_remote);
	CHECK_INT(req.local.family, AF_INET);
	CHECK_INT(req.local.len, 4);
	CHECK_MEM(req.local.bytes, l, 4);
	CHECK_INT(req.remote.family, AF_INET);
	CHECK_INT(req.remote.len, 4);
	CHECK_MEM(req.remote.bytes, r, 4);

	/* any order */
	CHECK_INT(set_parse("remote 198.51.100.1 dev rvti1", &req, err,
			    sizeof(err)), 0);
	CHECK_STR(req.ifname, "rvti1");
	CHECK(!req.has_local);
	CHECK(req.has_remote);
	CHECK_MEM(req.remote.bytes, r, 4);
}

static void set_parse_v6_and_any(void)
{
	struct tunnel_set_req req;
	char err[160];

	CHECK_INT(set_parse("dev rvti0 remote 2001:db8::2", &req, err,
			    sizeof(err)), 0);
	CHECK(!req.has_local);
	CHECK(req.has_remote);
	CHECK_INT(req.remote.family, AF_INET6);
	CHECK_INT(req.remote.len, 16);

	CHECK_INT(set_parse("dev rvti0 local any", &req, err, sizeof(err)), 0);
	CHECK(req.has_local);
	CHECK(!req.has_remote);
	CHECK_INT(req.local.len, 0);
	CHECK_INT(req.local.family, AF_UNSPEC);

	/* "any" has no family: it mixes with both */
	CHECK_INT(set_parse("dev rvti0 local any remote 2001:db8::2", &req,
			    err, sizeof(err)), 0);
	CHECK_INT(set_parse("dev rvti0 local 192.0.2.1 remote any", &req, err,
			    sizeof(err)), 0);
	CHECK(req.has_remote);
	CHECK_INT(req.remote.len, 0);
	CHECK_INT(set_parse("dev rvti0 local any remote any", &req, err,
			    sizeof(err)), 0);
}

static void set_parse_abbrev(void)
{
	struct tunnel_set_req req;
	char err[160];

	CHECK_INT(set_parse("d rvti0 l 192.0.2.1 rem any", &req, err,
			    sizeof(err)), 0);
	CHECK_STR(req.ifname, "rvti0");
	CHECK(req.has_local);
	CHECK_INT(req.local.len, 4);
	CHECK(req.has_remote);
	CHECK_INT(req.remote.len, 0);
}

static void set_parse_missing_dev(void)
{
	struct tunnel_set_req req;
	char err[160];

	CHECK_INT(set_parse("local 192.0.2.1", &req, err, sizeof(err)),
		  -EINVAL);
	CHECK_CONTAINS(err, "dev");
	CHECK_INT(set_parse("", &req, err, sizeof(err)), -EINVAL);
	CHECK_CONTAINS(err, "dev");
	/* "dev" without its value */
	CHECK_INT(set_parse("local 192.0.2.1 dev", &req, err, sizeof(err)),
		  -EINVAL);
	CHECK_CONTAINS(err, "missing argument after \"dev\"");
}

static void set_parse_bad_dev(void)
{
	struct tunnel_set_req req;
	char err[160];

	CHECK_INT(set_parse("dev 0123456789abcdef local any", &req, err,
			    sizeof(err)), -EINVAL);
	CHECK_CONTAINS(err, "invalid device name");
	CHECK_INT(set_parse("dev a/b local any", &req, err, sizeof(err)),
		  -EINVAL);
}

static void set_parse_nothing_to_set(void)
{
	struct tunnel_set_req req;
	char err[160];

	CHECK_INT(set_parse("dev rvti0", &req, err, sizeof(err)), -EINVAL);
	CHECK_CONTAINS(err, "local and/or remote");
	CHECK_CONTAINS(err, "ttl");
	CHECK_CONTAINS(err, "df");
}

static void set_parse_mixed_families(void)
{
	struct tunnel_set_req req;
	char err[160];

	CHECK_INT(set_parse("dev rvti0 local 192.0.2.1 remote 2001:db8::2",
			    &req, err, sizeof(err)), -EINVAL);
	CHECK_CONTAINS(err, "same family");
	CHECK_INT(set_parse("dev rvti0 remote 192.0.2.1 local 2001:db8::2",
			    &req, err, sizeof(err)), -EINVAL);
	CHECK_CONTAINS(err, "same family");
}

static void set_parse_bad_keyword_or_value(void)
{
	struct tunnel_set_req req;
	char err[160];

	CHECK_INT(set_parse("dev rvti0 peer 192.0.2.1", &req, err,
			    sizeof(err)), -EINVAL);
	CHECK_CONTAINS(err, "unknown keyword \"peer\"");
	/* a word of no vocabulary is located, not repeated */
	CHECK_INT(set_parse("dev rvti0 local 192.0.2.1 bogus", &req, err,
			    sizeof(err)), -EINVAL);
	CHECK_STR(err, "unknown keyword after \"local\" (argument 5, not shown: it could be a key)");
	CHECK_INT(set_parse("bogus", &req, err, sizeof(err)), -EINVAL);
	CHECK_STR(err, "unknown keyword (argument 1, not shown: it could be a key)");
	/* nor is an invalid value */
	CHECK_INT(set_parse("dev rvti0 local 192.0.2.300", &req, err,
			    sizeof(err)), -EINVAL);
	CHECK_STR(err, "invalid local address (expected an IPv4 or IPv6 address, or \"any\")");
	CHECK_INT(set_parse("dev rvti0 remote 2001:db8::zz", &req, err,
			    sizeof(err)), -EINVAL);
	CHECK_STR(err, "invalid remote address (expected an IPv4 or IPv6 address, or \"any\")");
	CHECK_INT(set_parse("dev rvti0 remote", &req, err, sizeof(err)),
		  -EINVAL);
	CHECK_CONTAINS(err, "missing argument after \"remote\"");
	CHECK_INT(set_parse("dev rvti0 local 192.0.2.1 local 192.0.2.2", &req,
			    err, sizeof(err)), -EINVAL);
	CHECK_CONTAINS(err, "twice");
	CHECK_INT(set_parse("dev a dev b local any", &req, err, sizeof(err)),
		  -EINVAL);
	CHECK_CONTAINS(err, "twice");
}

static void set_parse_ttl_df(void)
{
	struct tunnel_set_req req;
	char err[160];

	/* either one alone is enough */
	CHECK_INT(set_parse("dev rvti0 ttl 64", &req, err, sizeof(err)), 0);
	CHECK(req.has_ttl);
	CHECK_INT(req.ttl, 64);
	CHECK(!req.has_df && !req.has_local && !req.has_remote);

	CHECK_INT(set_parse("dev rvti0 df set", &req, err, sizeof(err)), 0);
	CHECK(req.has_df);
	CHECK_INT(req.df, RVTI_DF_SET);
	CHECK(!req.has_ttl && !req.has_local && !req.has_remote);

	/* the bounds, hex, and "inherit" (0) */
	CHECK_INT(set_parse("dev rvti0 ttl 1", &req, err, sizeof(err)), 0);
	CHECK_INT(req.ttl, 1);
	CHECK_INT(set_parse("dev rvti0 ttl 255", &req, err, sizeof(err)), 0);
	CHECK_INT(req.ttl, 255);
	CHECK_INT(set_parse("dev rvti0 ttl 0x40", &req, err, sizeof(err)), 0);
	CHECK_INT(req.ttl, 64);
	req.ttl = 7;
	CHECK_INT(set_parse("dev rvti0 ttl inherit", &req, err, sizeof(err)),
		  0);
	CHECK(req.has_ttl);
	CHECK_INT(req.ttl, 0);

	CHECK_INT(set_parse("dev rvti0 df copy", &req, err, sizeof(err)), 0);
	CHECK(req.has_df);
	CHECK_INT(req.df, RVTI_DF_COPY);
	CHECK_INT(set_parse("dev rvti0 df clear", &req, err, sizeof(err)), 0);
	CHECK_INT(req.df, RVTI_DF_CLEAR);

	/* with everything else, in any order */
	CHECK_INT(set_parse("df clear remote 2001:db8::2 ttl 200 dev rvti3 "
			    "local any", &req, err, sizeof(err)), 0);
	CHECK_STR(req.ifname, "rvti3");
	CHECK(req.has_local && req.has_remote && req.has_ttl && req.has_df);
	CHECK_INT(req.remote.family, AF_INET6);
	CHECK_INT(req.ttl, 200);
	CHECK_INT(req.df, RVTI_DF_CLEAR);
}

static void set_parse_ttl_df_abbrev(void)
{
	struct tunnel_set_req req;
	char err[160];

	/* "d" is still "dev", "df" is exact, "t" is "ttl" */
	CHECK_INT(set_parse("d rvti0 df s t inh", &req, err, sizeof(err)), 0);
	CHECK_STR(req.ifname, "rvti0");
	CHECK(req.has_df);
	CHECK_INT(req.df, RVTI_DF_SET);
	CHECK(req.has_ttl);
	CHECK_INT(req.ttl, 0);
	CHECK_INT(set_parse("de rvti0 df cl", &req, err, sizeof(err)), 0);
	CHECK_STR(req.ifname, "rvti0");
	CHECK_INT(req.df, RVTI_DF_CLEAR);
	CHECK_INT(set_parse("dev rvti0 df co", &req, err, sizeof(err)), 0);
	CHECK_INT(req.df, RVTI_DF_COPY);
	/* "c" is copy or clear */
	CHECK_INT(set_parse("dev rvti0 df c", &req, err, sizeof(err)), -EINVAL);
	CHECK_STR(err, "invalid df (expected \"copy\", \"set\" or \"clear\")");
}

static void set_parse_ttl_df_errors(void)
{
	static const char *const bad_ttls[] = {
		"0", "256", "1000", "-1", "+5", "64x", "many", "0x",
		"0x100", "4294967296", "inheritance",
	};
	struct tunnel_set_req req;
	char line[64], err[160];
	size_t i;

	char a0[] = "dev", a1[] = "rvti0", a2[] = "ttl", a3[] = " 5", a4[] = "";
	char *argv[] = { a0, a1, a2, a3, NULL };

	for (i = 0; i < sizeof(bad_ttls) / sizeof(bad_ttls[0]); i++) {
		snprintf(line, sizeof(line), "dev rvti0 ttl %s", bad_ttls[i]);
		CHECK_INT(set_parse(line, &req, err, sizeof(err)), -EINVAL);
		CHECK_CONTAINS(err, "invalid ttl");
		CHECK_CONTAINS(err, "1 to 255");
	}
	/* words split_line() cannot make */
	err[0] = '\0';
	CHECK_INT(tunnel_set_parse(4, argv, &req, err, sizeof(err)), -EINVAL);
	CHECK_STR(err, "invalid ttl (expected 1 to 255, or \"inherit\")");
	argv[3] = a4;
	err[0] = '\0';
	CHECK_INT(tunnel_set_parse(4, argv, &req, err, sizeof(err)), -EINVAL);
	CHECK_STR(err, "invalid ttl (expected 1 to 255, or \"inherit\")");
	CHECK_INT(set_parse("dev rvti0 ttl 0", &req, err, sizeof(err)),
		  -EINVAL);
	CHECK_STR(err, "invalid ttl (expected 1 to 255, or \"inherit\")");

	CHECK_INT(set_parse("dev rvti0 df on", &req, err, sizeof(err)),
		  -EINVAL);
	CHECK_STR(err, "invalid df (expected \"copy\", \"set\" or \"clear\")");
	CHECK_CONTAINS(err, "\"copy\", \"set\" or \"clear\"");
	CHECK_INT(set_parse("dev rvti0 df 1", &req, err, sizeof(err)),
		  -EINVAL);
	CHECK_CONTAINS(err, "invalid df");
	CHECK_INT(set_parse("dev rvti0 df SET", &req, err, sizeof(err)),
		  -EINVAL);

	CHECK_INT(set_parse("dev rvti0 ttl", &req, err, sizeof(err)), -EINVAL);
	CHECK_CONTAINS(err, "missing argument after \"ttl\"");
	CHECK_INT(set_parse("dev rvti0 df", &req, err, sizeof(err)), -EINVAL);
	CHECK_CONTAINS(err, "missing argument after \"df\"");

	CHECK_INT(set_parse("dev rvti0 ttl 64 ttl 64", &req, err, sizeof(err)),
		  -EINVAL);
	CHECK_CONTAINS(err, "\"ttl\" given twice");
	CHECK_INT(set_parse("dev rvti0 ttl inherit t 3", &req, err,
			    sizeof(err)), -EINVAL);
	CHECK_CONTAINS(err, "\"ttl\" given twice");
	CHECK_INT(set_parse("dev rvti0 df set df set", &req, err, sizeof(err)),
		  -EINVAL);
	CHECK_CONTAINS(err, "\"df\" given twice");

	/* still needs a device, and the address checks still apply */
	CHECK_INT(set_parse("ttl 64 df set", &req, err, sizeof(err)), -EINVAL);
	CHECK_CONTAINS(err, "dev");
	CHECK_INT(set_parse("dev rvti0 ttl 64 local 192.0.2.1 remote 2001:db8::1",
			    &req, err, sizeof(err)), -EINVAL);
	CHECK_CONTAINS(err, "same family");
}

static void set_parse_help(void)
{
	struct tunnel_set_req req;
	char err[160];

	CHECK_INT(set_parse("help", &req, err, sizeof(err)), PARSE_HELP);
	CHECK_INT(set_parse("dev rvti0 help", &req, err, sizeof(err)),
		  PARSE_HELP);
}

/* --- tunnel set: netlink attributes --- */

/* Build the SET request for @line and index its attributes. */
static int set_build(const char *line, char *buf, size_t size,
		     const struct nlattr **tb)
{
	struct tunnel_set_req req;
	struct nlmsghdr *nlh;
	char err[160];
	int ret;

	ret = set_parse(line, &req, err, sizeof(err));
	if (ret)
		return ret;
	nlh = nl_put_genl_hdr(buf, FAMILY_ID, RVTI_CMD_SET_TUNNEL,
			      RVTI_GENL_VERSION, NLM_F_REQUEST, 1);
	ret = tunnel_set_build(nlh, size, &req);
	if (ret)
		return ret;
	return nl_parse_attrs(nlh, tb, RVTI_A_MAX);
}

static void set_build_attrs(void)
{
	static const uint8_t l[4] = { 192, 0, 2, 1 };
	static const uint8_t r[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };
	const struct nlattr *tb[RVTI_A_MAX + 1];
	char buf[1024];
	const struct genlmsghdr *genl;

	CHECK_INT(set_build("dev rvti0 local 192.0.2.1", buf, sizeof(buf), tb),
		  0);
	genl = mnl_nlmsg_get_payload((struct nlmsghdr *)buf);
	CHECK_INT(genl->cmd, RVTI_CMD_SET_TUNNEL);
	CHECK_INT(genl->version, RVTI_GENL_VERSION);
	CHECK(tb[RVTI_A_IFNAME] != NULL);
	if (tb[RVTI_A_IFNAME]) {
		CHECK_INT(mnl_attr_validate(tb[RVTI_A_IFNAME],
					    MNL_TYPE_NUL_STRING), 0);
		CHECK_STR(mnl_attr_get_str(tb[RVTI_A_IFNAME]), "rvti0");
		CHECK_INT(mnl_attr_get_payload_len(tb[RVTI_A_IFNAME]), 6);
	}
	CHECK(tb[RVTI_A_IFINDEX] == NULL);
	CHECK(tb[RVTI_A_LOCAL] != NULL);
	if (tb[RVTI_A_LOCAL]) {
		CHECK_INT(mnl_attr_get_payload_len(tb[RVTI_A_LOCAL]), 4);
		CHECK_MEM(mnl_attr_get_payload(tb[RVTI_A_LOCAL]), l, 4);
	}
	CHECK(tb[RVTI_A_REMOTE] == NULL);	/* absent: keep */

	CHECK_INT(set_build("dev rvti0 local any remote 2001:db8::2", buf,
			    sizeof(buf), tb), 0);
	CHECK(tb[RVTI_A_LOCAL] != NULL);	/* present, empty: clear */
	if (tb[RVTI_A_LOCAL])
		CHECK_INT(mnl_attr_get_payload_len(tb[RVTI_A_LOCAL]), 0);
	CHECK(tb[RVTI_A_REMOTE] != NULL);
	if (tb[RVTI_A_REMOTE]) {
		CHECK_INT(mnl_attr_get_payload_len(tb[RVTI_A_REMOTE]), 16);
		CHECK_MEM(mnl_attr_get_payload(tb[RVTI_A_REMOTE]), r, 16);
	}

	CHECK_INT(set_build("dev rvti0 remote any", buf, sizeof(buf), tb), 0);
	CHECK(tb[RVTI_A_LOCAL] == NULL);
	CHECK(tb[RVTI_A_REMOTE] != NULL);
	if (tb[RVTI_A_REMOTE])
		CHECK_INT(mnl_attr_get_payload_len(tb[RVTI_A_REMOTE]), 0);
}

static void set_build_ttl_df(void)
{
	const struct nlattr *tb[RVTI_A_MAX + 1];
	char buf[1024];

	/* absent unless given */
	CHECK_INT(set_build("dev rvti0 local 192.0.2.1", buf, sizeof(buf), tb),
		  0);
	CHECK(tb[RVTI_A_TTL] == NULL);
	CHECK(tb[RVTI_A_DF] == NULL);

	CHECK_INT(set_build("dev rvti0 ttl 64", buf, sizeof(buf), tb), 0);
	CHECK(tb[RVTI_A_IFNAME] != NULL);
	CHECK(tb[RVTI_A_LOCAL] == NULL && tb[RVTI_A_REMOTE] == NULL);
	CHECK(tb[RVTI_A_DF] == NULL);
	CHECK(tb[RVTI_A_TTL] != NULL);
	if (tb[RVTI_A_TTL]) {
		CHECK_INT(mnl_attr_validate(tb[RVTI_A_TTL], MNL_TYPE_U8), 0);
		CHECK_INT(mnl_attr_get_payload_len(tb[RVTI_A_TTL]), 1);
		CHECK_INT(mnl_attr_get_u8(tb[RVTI_A_TTL]), 64);
	}

	/* "inherit" is an explicit 0, not an absent attribute */
	CHECK_INT(set_build("dev rvti0 ttl inherit", buf, sizeof(buf), tb), 0);
	CHECK(tb[RVTI_A_TTL] != NULL);
	if (tb[RVTI_A_TTL]) {
		CHECK_INT(mnl_attr_get_payload_len(tb[RVTI_A_TTL]), 1);
		CHECK_INT(mnl_attr_get_u8(tb[RVTI_A_TTL]), 0);
	}

	/* so is "copy" */
	CHECK_INT(set_build("dev rvti0 df copy", buf, sizeof(buf), tb), 0);
	CHECK(tb[RVTI_A_TTL] == NULL);
	CHECK(tb[RVTI_A_DF] != NULL);
	if (tb[RVTI_A_DF]) {
		CHECK_INT(mnl_attr_validate(tb[RVTI_A_DF], MNL_TYPE_U8), 0);
		CHECK_INT(mnl_attr_get_u8(tb[RVTI_A_DF]), RVTI_DF_COPY);
	}

	CHECK_INT(set_build("dev rvti0 remote any ttl 255 df clear", buf,
			    sizeof(buf), tb), 0);
	CHECK(tb[RVTI_A_REMOTE] != NULL && tb[RVTI_A_LOCAL] == NULL);
	CHECK(tb[RVTI_A_TTL] && mnl_attr_get_u8(tb[RVTI_A_TTL]) == 255);
	CHECK(tb[RVTI_A_DF] &&
	      mnl_attr_get_u8(tb[RVTI_A_DF]) == RVTI_DF_CLEAR);

	CHECK_INT(set_build("dev rvti0 df set", buf, sizeof(buf), tb), 0);
	CHECK(tb[RVTI_A_DF] && mnl_attr_get_u8(tb[RVTI_A_DF]) == RVTI_DF_SET);
}

static void set_build_too_small(void)
{
	struct tunnel_set_req req;
	struct nlmsghdr *nlh;
	char buf[64], err[160];

	CHECK_INT(set_parse("dev rvti0 local 2001:db8::1 remote 2001:db8::2",
			    &req, err, sizeof(err)), 0);
	nlh = nl_put_genl_hdr(buf, FAMILY_ID, RVTI_CMD_SET_TUNNEL,
			      RVTI_GENL_VERSION, NLM_F_REQUEST, 1);
	CHECK_INT(tunnel_set_build(nlh, sizeof(buf), &req), -EMSGSIZE);
	CHECK(nlh->nlmsg_len <= sizeof(buf));

	/* room for the name and the addresses, not for TTL and DF */
	CHECK_INT(set_parse("dev rvti0 local 192.0.2.1 ttl 9 df set", &req,
			    err, sizeof(err)), 0);
	nlh = nl_put_genl_hdr(buf, FAMILY_ID, RVTI_CMD_SET_TUNNEL,
			      RVTI_GENL_VERSION, NLM_F_REQUEST, 1);
	CHECK_INT(tunnel_set_build(nlh, nlh->nlmsg_len + 12 + 8, &req),
		  -EMSGSIZE);
	nlh = nl_put_genl_hdr(buf, FAMILY_ID, RVTI_CMD_SET_TUNNEL,
			      RVTI_GENL_VERSION, NLM_F_REQUEST, 1);
	CHECK_INT(tunnel_set_build(nlh, nlh->nlmsg_len + 12 + 8 + 8, &req),
		  -EMSGSIZE);
	nlh = nl_put_genl_hdr(buf, FAMILY_ID, RVTI_CMD_SET_TUNNEL,
			      RVTI_GENL_VERSION, NLM_F_REQUEST, 1);
	CHECK_INT(tunnel_set_build(nlh, nlh->nlmsg_len + 12 + 8 + 8 + 8,
				   &req), 0);
}

/* --- show: command line and attributes --- */

static void show_parse_args(void)
{
	const struct nlattr *tb[RVTI_A_MAX + 1];
	struct tunnel_show_req req;
	struct nlmsghdr *nlh;
	char err[160], buf[256];

	CHECK_INT(show_parse("", &req, err, sizeof(err)), 0);
	CHECK(!req.has_dev);
	nlh = nl_put_genl_hdr(buf, FAMILY_ID, RVTI_CMD_GET_TUNNEL,
			      RVTI_GENL_VERSION, NLM_F_REQUEST, 1);
	CHECK_INT(tunnel_show_build(nlh, sizeof(buf), &req), 0);
	CHECK_INT(nl_parse_attrs(nlh, tb, RVTI_A_MAX), 0);
	CHECK(tb[RVTI_A_IFNAME] == NULL);

	CHECK_INT(show_parse("dev rvti7", &req, err, sizeof(err)), 0);
	CHECK(req.has_dev);
	CHECK_STR(req.ifname, "rvti7");
	nlh = nl_put_genl_hdr(buf, FAMILY_ID, RVTI_CMD_GET_TUNNEL,
			      RVTI_GENL_VERSION, NLM_F_REQUEST, 1);
	CHECK_INT(tunnel_show_build(nlh, sizeof(buf), &req), 0);
	CHECK_INT(nl_parse_attrs(nlh, tb, RVTI_A_MAX), 0);
	CHECK(tb[RVTI_A_IFNAME] != NULL);
	if (tb[RVTI_A_IFNAME])
		CHECK_STR(mnl_attr_get_str(tb[RVTI_A_IFNAME]), "rvti7");

	CHECK_INT(show_parse("help", &req, err, sizeof(err)), PARSE_HELP);
	CHECK_INT(show_parse("dev", &req, err, sizeof(err)), -EINVAL);
	CHECK_CONTAINS(err, "missing argument");
	CHECK_INT(show_parse("dev a dev b", &req, err, sizeof(err)), -EINVAL);
	CHECK_INT(show_parse("rvti0", &req, err, sizeof(err)), -EINVAL);
	CHECK_STR(err, "unknown keyword (argument 1, not shown: it could be a key): "
		  "a device goes after the keyword \"dev\" (dev NAME)");
	CHECK_INT(show_parse("dev rvti0 rvti1", &req, err, sizeof(err)),
		  -EINVAL);
	CHECK_STR(err, "unknown keyword after \"dev\" (argument 3, not shown: it could be a key): "
		  "a device goes after the keyword \"dev\" (dev NAME)");
	/* a known word is repeated, without the hint */
	CHECK_INT(show_parse("dev rvti0 peer", &req, err, sizeof(err)),
		  -EINVAL);
	CHECK_STR(err, "unknown keyword \"peer\"");
	CHECK_INT(show_parse("dev", &req, err, sizeof(err)), -EINVAL);
	CHECK_INT(show_parse("dev  ", &req, err, sizeof(err)), -EINVAL);
}

/* --- replies --- */

static struct nlmsghdr *reply_start(char *buf)
{
	return nl_put_genl_hdr(buf, FAMILY_ID, RVTI_CMD_GET_TUNNEL,
			       RVTI_GENL_VERSION, 0, 1);
}

static void reply_full(void)
{
	static const uint8_t l[4] = { 192, 0, 2, 1 }, r[4] = { 198, 51, 100, 1 };
	char buf[512];
	struct nlmsghdr *nlh = reply_start(buf);
	struct rvti_tunnel t;
	const char *why = NULL;

	mnl_attr_put_u32(nlh, RVTI_A_IFINDEX, 7);
	mnl_attr_put_strz(nlh, RVTI_A_IFNAME, "rvti0");
	mnl_attr_put(nlh, RVTI_A_LOCAL, 4, l);
	mnl_attr_put(nlh, RVTI_A_REMOTE, 4, r);
	CHECK_INT(tunnel_from_msg(nlh, &t, &why), 0);
	CHECK_STR(t.ifname, "rvti0");
	CHECK(t.has_ifindex);
	CHECK_INT(t.ifindex, 7);
	CHECK_INT(t.local.family, AF_INET);
	CHECK_MEM(t.local.bytes, l, 4);
	CHECK_INT(t.remote.family, AF_INET);
	CHECK_MEM(t.remote.bytes, r, 4);
}

static void reply_minimal(void)
{
	char buf[512];
	struct nlmsghdr *nlh = reply_start(buf);
	struct rvti_tunnel t;

	mnl_attr_put_strz(nlh, RVTI_A_IFNAME, "rvti1");
	CHECK_INT(tunnel_from_msg(nlh, &t, NULL), 0);
	CHECK_STR(t.ifname, "rvti1");
	CHECK(!t.has_ifindex);
	CHECK(!addr_is_set(&t.local));
	CHECK(!addr_is_set(&t.remote));
}

static void reply_unknown_attrs_ignored(void)
{
	static const uint8_t r[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 9 };
	static const uint8_t junk[3] = { 1, 2, 3 };
	char buf[512];
	struct nlmsghdr *nlh = reply_start(buf);
	struct rvti_tunnel t;

	mnl_attr_put(nlh, RVTI_A_MAX + 1, sizeof(junk), junk);
	mnl_attr_put_strz(nlh, RVTI_A_IFNAME, "rvti2");
	mnl_attr_put_u64(nlh, 200, 42);
	mnl_attr_put(nlh, RVTI_A_REMOTE, 16, r);
	mnl_attr_put_u32(nlh, RVTI_A_IFINDEX, 3);
	mnl_attr_put_u32(nlh, 0x7fff, 1);
	CHECK_INT(tunnel_from_msg(nlh, &t, NULL), 0);
	CHECK_STR(t.ifname, "rvti2");
	CHECK_INT(t.ifindex, 3);
	CHECK(!addr_is_set(&t.local));
	CHECK_INT(t.remote.family, AF_INET6);
	CHECK_MEM(t.remote.bytes, r, 16);
}

static void reply_ttl_df(void)
{
	char buf[512];
	struct nlmsghdr *nlh;
	struct rvti_tunnel t;
	const char *why;

	/* the defaults, as a current kernel sends them */
	nlh = reply_start(buf);
	mnl_attr_put_strz(nlh, RVTI_A_IFNAME, "rvti0");
	mnl_attr_put_u8(nlh, RVTI_A_TTL, 0);
	mnl_attr_put_u8(nlh, RVTI_A_DF, RVTI_DF_COPY);
	CHECK_INT(tunnel_from_msg(nlh, &t, NULL), 0);
	CHECK(t.has_ttl);
	CHECK_INT(t.ttl, 0);
	CHECK(t.has_df);
	CHECK_INT(t.df, RVTI_DF_COPY);

	nlh = reply_start(buf);
	mnl_attr_put_u8(nlh, RVTI_A_DF, RVTI_DF_CLEAR);
	mnl_attr_put_strz(nlh, RVTI_A_IFNAME, "rvti0");
	mnl_attr_put_u8(nlh, RVTI_A_TTL, 255);
	CHECK_INT(tunnel_from_msg(nlh, &t, NULL), 0);
	CHECK(t.has_ttl && t.has_df);
	CHECK_INT(t.ttl, 255);
	CHECK_INT(t.df, RVTI_DF_CLEAR);

	/* a DF value of a newer kernel is kept as it is */
	nlh = reply_start(buf);
	mnl_attr_put_strz(nlh, RVTI_A_IFNAME, "rvti0");
	mnl_attr_put_u8(nlh, RVTI_A_DF, 200);
	CHECK_INT(tunnel_from_msg(nlh, &t, NULL), 0);
	CHECK(!t.has_ttl);
	CHECK(t.has_df);
	CHECK_INT(t.df, 200);

	/* an older kernel sends neither */
	nlh = reply_start(buf);
	mnl_attr_put_strz(nlh, RVTI_A_IFNAME, "rvti0");
	CHECK_INT(tunnel_from_msg(nlh, &t, NULL), 0);
	CHECK(!t.has_ttl && !t.has_df);

	/* not u8s */
	nlh = reply_start(buf);
	mnl_attr_put_strz(nlh, RVTI_A_IFNAME, "rvti0");
	mnl_attr_put_u16(nlh, RVTI_A_TTL, 64);
	why = NULL;
	CHECK_INT(tunnel_from_msg(nlh, &t, &why), -EBADMSG);
	CHECK_CONTAINS(why, "RVTI_A_TTL");

	nlh = reply_start(buf);
	mnl_attr_put_strz(nlh, RVTI_A_IFNAME, "rvti0");
	mnl_attr_put_u32(nlh, RVTI_A_DF, RVTI_DF_SET);
	why = NULL;
	CHECK_INT(tunnel_from_msg(nlh, &t, &why), -EBADMSG);
	CHECK_CONTAINS(why, "RVTI_A_DF");

	nlh = reply_start(buf);
	mnl_attr_put_strz(nlh, RVTI_A_IFNAME, "rvti0");
	mnl_attr_put(nlh, RVTI_A_TTL, 0, "");
	why = NULL;
	CHECK_INT(tunnel_from_msg(nlh, &t, &why), -EBADMSG);
	CHECK_CONTAINS(why, "RVTI_A_TTL");
}

static void reply_malformed(void)
{
	static const uint8_t five[5] = { 1, 2, 3, 4, 5 };
	char buf[512];
	struct nlmsghdr *nlh;
	struct rvti_tunnel t;
	const char *why;

	/* no name */
	nlh = reply_start(buf);
	mnl_attr_put_u32(nlh, RVTI_A_IFINDEX, 3);
	why = NULL;
	CHECK_INT(tunnel_from_msg(nlh, &t, &why), -EBADMSG);
	CHECK_CONTAINS(why, "RVTI_A_IFNAME");

	/* name without its NUL */
	nlh = reply_start(buf);
	mnl_attr_put(nlh, RVTI_A_IFNAME, 4, "rvti");
	CHECK_INT(tunnel_from_msg(nlh, &t, &why), -EBADMSG);

	/* name too long */
	nlh = reply_start(buf);
	mnl_attr_put_strz(nlh, RVTI_A_IFNAME, "0123456789abcdef");
	CHECK_INT(tunnel_from_msg(nlh, &t, &why), -EBADMSG);

	/* address of 5 bytes */
	nlh = reply_start(buf);
	mnl_attr_put_strz(nlh, RVTI_A_IFNAME, "rvti0");
	mnl_attr_put(nlh, RVTI_A_LOCAL, 5, five);
	why = NULL;
	CHECK_INT(tunnel_from_msg(nlh, &t, &why), -EBADMSG);
	CHECK_CONTAINS(why, "RVTI_A_LOCAL");

	nlh = reply_start(buf);
	mnl_attr_put_strz(nlh, RVTI_A_IFNAME, "rvti0");
	mnl_attr_put(nlh, RVTI_A_REMOTE, 3, five);
	why = NULL;
	CHECK_INT(tunnel_from_msg(nlh, &t, &why), -EBADMSG);
	CHECK_CONTAINS(why, "RVTI_A_REMOTE");

	/* ifindex of the wrong size */
	nlh = reply_start(buf);
	mnl_attr_put_strz(nlh, RVTI_A_IFNAME, "rvti0");
	mnl_attr_put_u16(nlh, RVTI_A_IFINDEX, 3);
	CHECK_INT(tunnel_from_msg(nlh, &t, &why), -EBADMSG);

	/* no genetlink header at all */
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = FAMILY_ID;
	CHECK_INT(tunnel_from_msg(nlh, &t, &why), -EBADMSG);
}

/* --- output --- */

static void tunnel_init(struct rvti_tunnel *t, const char *name,
			uint32_t ifindex, const char *local,
			const char *remote)
{
	memset(t, 0, sizeof(*t));
	snprintf(t->ifname, sizeof(t->ifname), "%s", name);
	t->ifindex = ifindex;
	t->has_ifindex = true;
	if (local)
		parse_addr(local, &t->local);
	if (remote)
		parse_addr(remote, &t->remote);
}

/* Print @n tunnels the way "show" does and return the output. */
static char *print_tunnels_stats(const struct rvti_tunnel *t, int n,
				 bool json, bool pretty, bool stats)
{
	struct rvti_out o;
	char *s = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&s, &len);
	int i;

	if (!fp)
		return NULL;
	out_init(&o, fp, json, pretty, stats);
	CHECK_INT(out_begin(&o), 0);
	for (i = 0; i < n; i++)
		CHECK_INT(tunnel_print(&o, &t[i]), 0);
	CHECK_INT(out_end(&o), 0);
	fclose(fp);
	return s;
}

static char *print_tunnels(const struct rvti_tunnel *t, int n, bool json,
			   bool pretty)
{
	return print_tunnels_stats(t, n, json, pretty, false);
}

static void output_human(void)
{
	struct rvti_tunnel t[3];
	char *s;

	tunnel_init(&t[0], "rvti0", 5, "192.0.2.1", "198.51.100.1");
	tunnel_init(&t[1], "rvti1", 6, NULL, NULL);
	tunnel_init(&t[2], "rvti6", 7, "2001:db8::1", "2001:db8:0:0:1::2");
	s = print_tunnels(t, 3, false, false);
	CHECK_STR(s,
		  "rvti0: local 192.0.2.1 remote 198.51.100.1\n"
		  "rvti1: local any remote none\n"
		  "rvti6: local 2001:db8::1 remote 2001:db8::1:0:0:2\n");
	free(s);

	tunnel_init(&t[0], "rvti0", 5, NULL, "198.51.100.1");
	s = print_tunnels(t, 1, false, false);
	CHECK_STR(s, "rvti0: local any remote 198.51.100.1\n");
	free(s);

	s = print_tunnels(t, 0, false, false);
	CHECK_STR(s, "");
	free(s);
}

static void tunnel_set_ttl_df(struct rvti_tunnel *t, uint8_t ttl,
			      uint8_t df)
{
	t->has_ttl = true;
	t->ttl = ttl;
	t->has_df = true;
	t->df = df;
}

static void output_human_ttl_df(void)
{
	struct rvti_tunnel t[2];
	char *s;

	/* the defaults add nothing: the line is the one an old kernel gives */
	tunnel_init(&t[0], "rvti0", 5, "192.0.2.1", "192.0.2.2");
	tunnel_set_ttl_df(&t[0], 0, RVTI_DF_COPY);
	s = print_tunnels(t, 1, false, false);
	CHECK_STR(s, "rvti0: local 192.0.2.1 remote 192.0.2.2\n");
	free(s);

	tunnel_set_ttl_df(&t[0], 64, RVTI_DF_SET);
	tunnel_init(&t[1], "rvti1", 6, NULL, NULL);
	tunnel_set_ttl_df(&t[1], 0, RVTI_DF_CLEAR);
	s = print_tunnels(t, 2, false, false);
	CHECK_STR(s,
		  "rvti0: local 192.0.2.1 remote 192.0.2.2 ttl 64 df set\n"
		  "rvti1: local any remote none df clear\n");
	free(s);

	tunnel_set_ttl_df(&t[0], 255, RVTI_DF_COPY);
	tunnel_set_ttl_df(&t[1], 1, 9);		/* a DF of a newer kernel */
	s = print_tunnels(t, 2, false, false);
	CHECK_STR(s,
		  "rvti0: local 192.0.2.1 remote 192.0.2.2 ttl 255\n"
		  "rvti1: local any remote none ttl 1 df 9\n");
	free(s);

	/* absent (older kernel): nothing, whatever the fields hold */
	t[0].has_ttl = false;
	t[0].has_df = false;
	s = print_tunnels(t, 1, false, false);
	CHECK_STR(s, "rvti0: local 192.0.2.1 remote 192.0.2.2\n");
	free(s);
}

static void output_json_ttl_df(void)
{
	struct rvti_tunnel t[2];
	char *s;

	tunnel_init(&t[0], "rvti0", 5, "192.0.2.1", "192.0.2.2");
	tunnel_set_ttl_df(&t[0], 0, RVTI_DF_COPY);
	tunnel_init(&t[1], "rvti1", 6, NULL, NULL);
	tunnel_set_ttl_df(&t[1], 64, RVTI_DF_SET);
	s = print_tunnels(t, 2, true, false);
	CHECK_STR(s,
		  "[{\"ifname\":\"rvti0\",\"ifindex\":5,\"local\":\"192.0.2.1\","
		  "\"remote\":\"192.0.2.2\",\"ttl\":0,\"df\":\"copy\"},"
		  "{\"ifname\":\"rvti1\",\"ifindex\":6,\"local\":null,"
		  "\"remote\":null,\"ttl\":64,\"df\":\"set\"}]\n");
	free(s);

	tunnel_set_ttl_df(&t[0], 255, RVTI_DF_CLEAR);
	tunnel_set_ttl_df(&t[1], 1, 7);		/* unknown: its number */
	s = print_tunnels(t, 2, true, false);
	CHECK_STR(s,
		  "[{\"ifname\":\"rvti0\",\"ifindex\":5,\"local\":\"192.0.2.1\","
		  "\"remote\":\"192.0.2.2\",\"ttl\":255,\"df\":\"clear\"},"
		  "{\"ifname\":\"rvti1\",\"ifindex\":6,\"local\":null,"
		  "\"remote\":null,\"ttl\":1,\"df\":7}]\n");
	free(s);

	/* one without the other; none */
	t[0].has_df = false;
	t[1].has_ttl = false;
	t[1].df = RVTI_DF_SET;
	s = print_tunnels(t, 2, true, false);
	CHECK_STR(s,
		  "[{\"ifname\":\"rvti0\",\"ifindex\":5,\"local\":\"192.0.2.1\","
		  "\"remote\":\"192.0.2.2\",\"ttl\":255},"
		  "{\"ifname\":\"rvti1\",\"ifindex\":6,\"local\":null,"
		  "\"remote\":null,\"df\":\"set\"}]\n");
	free(s);
	t[0].has_ttl = false;
	s = print_tunnels(t, 1, true, false);
	CHECK_STR(s,
		  "[{\"ifname\":\"rvti0\",\"ifindex\":5,\"local\":\"192.0.2.1\","
		  "\"remote\":\"192.0.2.2\"}]\n");
	free(s);
}

static void df_names(void)
{
	CHECK_STR(tunnel_df_str(RVTI_DF_COPY), "copy");
	CHECK_STR(tunnel_df_str(RVTI_DF_SET), "set");
	CHECK_STR(tunnel_df_str(RVTI_DF_CLEAR), "clear");
	CHECK(tunnel_df_str(RVTI_DF_MAX + 1) == NULL);
	CHECK(tunnel_df_str(255) == NULL);
}

static void output_json(void)
{
	struct rvti_tunnel t[2];
	char *s;

	tunnel_init(&t[0], "rvti0", 5, "192.0.2.1", "198.51.100.1");
	tunnel_init(&t[1], "rvti1", 6, NULL, NULL);
	s = print_tunnels(t, 2, true, false);
	CHECK_STR(s,
		  "[{\"ifname\":\"rvti0\",\"ifindex\":5,\"local\":\"192.0.2.1\","
		  "\"remote\":\"198.51.100.1\"},"
		  "{\"ifname\":\"rvti1\",\"ifindex\":6,\"local\":null,"
		  "\"remote\":null}]\n");
	free(s);

	t[0].has_ifindex = false;
	tunnel_init(&t[1], "rvti6", 4294967295u, "2001:db8::1", NULL);
	s = print_tunnels(t, 2, true, false);
	CHECK_STR(s,
		  "[{\"ifname\":\"rvti0\",\"ifindex\":null,\"local\":\"192.0.2.1\","
		  "\"remote\":\"198.51.100.1\"},"
		  "{\"ifname\":\"rvti6\",\"ifindex\":4294967295,"
		  "\"local\":\"2001:db8::1\",\"remote\":null}]\n");
	free(s);

	s = print_tunnels(t, 0, true, false);
	CHECK_STR(s, "[]\n");
	free(s);
}

static void output_json_escaping(void)
{
	struct rvti_tunnel t;
	json_object *arr, *obj, *v;
	char *s;

	/* Odd but valid device names still give valid JSON. */
	tunnel_init(&t, "a\"b\\c", 1, NULL, NULL);
	s = print_tunnels(&t, 1, true, false);
	CHECK_CONTAINS(s, "\"a\\\"b\\\\c\"");
	arr = s ? json_tokener_parse(s) : NULL;
	CHECK(arr != NULL);
	obj = arr ? json_object_array_get_idx(arr, 0) : NULL;
	CHECK(obj && json_object_object_get_ex(obj, "ifname", &v) &&
	      !strcmp(json_object_get_string(v), "a\"b\\c"));
	json_object_put(arr);
	free(s);
}

static void output_json_pretty(void)
{
	struct rvti_tunnel t;
	json_object *arr, *obj, *v;
	char *s;

	tunnel_init(&t, "rvti0", 5, "192.0.2.1", NULL);
	s = print_tunnels(&t, 1, true, true);
	CHECK_STR(s,
		  "[\n"
		  "  {\n"
		  "    \"ifname\": \"rvti0\",\n"
		  "    \"ifindex\": 5,\n"
		  "    \"local\": \"192.0.2.1\",\n"
		  "    \"remote\": null\n"
		  "  }\n"
		  "]\n");
	arr = s ? json_tokener_parse(s) : NULL;
	CHECK(arr && json_object_is_type(arr, json_type_array));
	CHECK_INT(arr ? json_object_array_length(arr) : 0, 1);
	obj = arr ? json_object_array_get_idx(arr, 0) : NULL;
	CHECK(obj && json_object_object_get_ex(obj, "remote", &v) && !v);
	json_object_put(arr);
	free(s);
}

/* "encap-port PORT|none": parsed, sent as a u16 (none: 0), read back, shown. */
static void encap_port(void)
{
	const struct nlattr *tb[RVTI_A_MAX + 1];
	struct tunnel_set_req req;
	struct rvti_tunnel t;
	struct nlmsghdr *nlh;
	char buf[1024], err[256], *s;

	CHECK_INT(set_parse("dev rvti0 encap-port 4500", &req, err, sizeof(err)),
		  0);
	CHECK(req.has_encap_port);
	CHECK_INT(req.encap_port, 4500);
	CHECK(tunnel_set_outer(&req));
	CHECK_INT(set_parse("dev rvti0 encap-port none", &req, err, sizeof(err)),
		  0);
	CHECK(req.has_encap_port);
	CHECK_INT(req.encap_port, 0);
	CHECK_INT(set_parse("dev rvti0 encap-port 0", &req, err, sizeof(err)),
		  -EINVAL);
	CHECK_STR(err, "invalid encap-port (expected 1 to 65535, or \"none\")");
	CHECK_INT(set_parse("dev rvti0 encap-port 65536", &req, err,
			    sizeof(err)), -EINVAL);

	CHECK_INT(set_build("dev rvti0 encap-port 31000", buf, sizeof(buf), tb),
		  0);
	CHECK(tb[RVTI_A_ENCAP_PORT] &&
	      mnl_attr_get_payload_len(tb[RVTI_A_ENCAP_PORT]) == 2 &&
	      mnl_attr_get_u16(tb[RVTI_A_ENCAP_PORT]) == 31000);
	CHECK_INT(set_build("dev rvti0 encap-port none", buf, sizeof(buf), tb),
		  0);
	CHECK(tb[RVTI_A_ENCAP_PORT] &&
	      mnl_attr_get_u16(tb[RVTI_A_ENCAP_PORT]) == 0);
	CHECK_INT(set_build("dev rvti0 ttl 9", buf, sizeof(buf), tb), 0);
	CHECK(!tb[RVTI_A_ENCAP_PORT]);

	nlh = reply_start(buf);
	mnl_attr_put_strz(nlh, RVTI_A_IFNAME, "rvti0");
	mnl_attr_put_u16(nlh, RVTI_A_ENCAP_PORT, 4500);
	CHECK_INT(tunnel_from_msg(nlh, &t, NULL), 0);
	CHECK_INT(t.encap_port, 4500);
	tunnel_init(&t, "rvti0", 5, "192.0.2.1", "192.0.2.2");
	t.encap_port = 4500;
	s = print_tunnels(&t, 1, false, false);
	CHECK_STR(s, "rvti0: local 192.0.2.1 remote 192.0.2.2 encap-port 4500\n");
	free(s);
	s = print_tunnels(&t, 1, true, false);
	CHECK(s && strstr(s, "\"encap_port\":4500"));
	free(s);
}

/*
 * RVTI_A_STATE and RVTI_TSTAT_FAILOVER: read, shown by name (a state of a
 * newer kernel as a number), the failover count on its own line.
 */
static void state_and_failover(void)
{
	struct rvti_tunnel t;
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	const char *why = NULL;
	char buf[1024], *s;

	nlh = reply_start(buf);
	mnl_attr_put_strz(nlh, RVTI_A_IFNAME, "rvti0");
	mnl_attr_put_u8(nlh, RVTI_A_STATE, RVTI_STATE_NO_OUT_SA);
	nest = mnl_attr_nest_start(nlh, RVTI_A_STATS);
	mnl_attr_put_u64(nlh, RVTI_TSTAT_FAILOVER, 77);
	mnl_attr_nest_end(nlh, nest);
	CHECK_INT(tunnel_from_msg(nlh, &t, NULL), 0);
	CHECK(t.has_state);
	CHECK_INT(t.state, RVTI_STATE_NO_OUT_SA);
	CHECK_INT(t.stats.failover, 77);
	tunnel_free(&t);

	nlh = reply_start(buf);
	mnl_attr_put_strz(nlh, RVTI_A_IFNAME, "rvti0");
	mnl_attr_put_u32(nlh, RVTI_A_STATE, 1);
	CHECK_INT(tunnel_from_msg(nlh, &t, &why), -EBADMSG);
	CHECK_STR(why, "RVTI_A_STATE is not a u8");

	CHECK_STR(tunnel_state_str(RVTI_STATE_DOWN), "down");
	CHECK_STR(tunnel_state_str(RVTI_STATE_NO_ENDPOINT), "no-endpoint");
	CHECK_STR(tunnel_state_str(RVTI_STATE_NO_IN_SA), "no-in-sa");
	CHECK_STR(tunnel_state_str(RVTI_STATE_CONNECTED), "connected");
	CHECK(!tunnel_state_str(RVTI_STATE_MAX + 1));

	tunnel_init(&t, "rvti0", 5, "192.0.2.1", "192.0.2.2");
	t.has_state = true;
	t.state = RVTI_STATE_CONNECTED;
	s = print_tunnels(&t, 1, false, false);
	CHECK_STR(s, "rvti0: local 192.0.2.1 remote 192.0.2.2 state connected\n");
	free(s);
	s = print_tunnels(&t, 1, true, false);
	CHECK(s && strstr(s, "\"state\":\"connected\""));
	free(s);
	t.state = 200;
	s = print_tunnels(&t, 1, false, false);
	CHECK_STR(s, "rvti0: local 192.0.2.1 remote 192.0.2.2 state 200\n");
	free(s);
	s = print_tunnels(&t, 1, true, false);
	CHECK(s && strstr(s, "\"state\":200"));
	free(s);

	/* -s: the count of a labelled tunnel, as a line of its own */
	t.state = RVTI_STATE_NO_OUT_SA;
	t.has_stats = true;
	t.has_policy = true;
	strcpy(t.site, "vnet4");
	t.stats.failover = 12;
	s = print_tunnels_stats(&t, 1, false, false, true);
	CHECK(s && strstr(s, " site vnet4 state no-out-sa\n"));
	CHECK(s && strstr(s, "\n    failover: 12 packets carried by another tunnel of the site\n"));
	free(s);
	s = print_tunnels_stats(&t, 1, true, false, true);
	CHECK(s && strstr(s, "\"failover\":12"));
	free(s);
}

const struct test_case tunnel_tests[] = {
	TEST_CASE(encap_port),
	TEST_CASE(state_and_failover),
	TEST_CASE(set_parse_v4),
	TEST_CASE(set_parse_v6_and_any),
	TEST_CASE(set_parse_abbrev),
	TEST_CASE(set_parse_missing_dev),
	TEST_CASE(set_parse_bad_dev),
	TEST_CASE(set_parse_nothing_to_set),
	TEST_CASE(set_parse_mixed_families),
	TEST_CASE(set_parse_bad_keyword_or_value),
	TEST_CASE(set_parse_ttl_df),
	TEST_CASE(set_parse_ttl_df_abbrev),
	TEST_CASE(set_parse_ttl_df_errors),
	TEST_CASE(set_parse_help),
	TEST_CASE(set_build_attrs),
	TEST_CASE(set_build_ttl_df),
	TEST_CASE(set_build_too_small),
	TEST_CASE(show_parse_args),
	TEST_CASE(reply_full),
	TEST_CASE(reply_minimal),
	TEST_CASE(reply_unknown_attrs_ignored),
	TEST_CASE(reply_ttl_df),
	TEST_CASE(reply_malformed),
	TEST_CASE(output_human),
	TEST_CASE(output_human_ttl_df),
	TEST_CASE(output_json),
	TEST_CASE(output_json_ttl_df),
	TEST_CASE(df_names),
	TEST_CASE(output_json_escaping),
	TEST_CASE(output_json_pretty),
	{ NULL, NULL }
};
