// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the prefix commands: "ADDR/LEN" parsing, the command-line
 * parsers, the request attributes, the decoding of prefix messages, the
 * grouping of prefixes into (multipath) routes, and "tunnel set" with
 * site and transit.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include <linux/genetlink.h>
#include <linux/rvti.h>

#include "nl.h"
#include "prefix.h"
#include "route.h"
#include "test.h"
#include "tunnel.h"
#include "util.h"

static void prefix_parse_good(void)
{
	struct rvti_prefix_info p;
	char buf[PREFIX_STRLEN];
	const char *why;

	CHECK_INT(parse_prefix("10.1.0.0/16", &p, &why), 0);
	CHECK_INT(p.family, AF_INET);
	CHECK_INT(p.len, 16);
	CHECK_STR(prefix_str(&p, buf, sizeof(buf)), "10.1.0.0/16");
	CHECK_INT(parse_prefix("2001:db8::/32", &p, &why), 0);
	CHECK_INT(p.family, AF_INET6);
	CHECK_STR(prefix_str(&p, buf, sizeof(buf)), "2001:db8::/32");
	/* without a length: one address */
	CHECK_INT(parse_prefix("10.1.2.3", &p, &why), 0);
	CHECK_INT(p.len, 32);
	CHECK_INT(parse_prefix("0.0.0.0/0", &p, &why), 0);
	CHECK_INT(p.len, 0);
	/* host bits are the kernel's to refuse */
	CHECK_INT(parse_prefix("10.1.0.1/16", &p, &why), 0);
}

static void prefix_parse_bad(void)
{
	static const char *const bad[] = {
		"", "/16", "10.1.0.0/", "10.1.0.0/33", "2001:db8::/129",
		"any/0", "10.1/16", "host.example/24", "10.1.0.0/16x",
		"10.1.0.0/-1",
	};
	struct rvti_prefix_info p;
	const char *why;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = NULL;
		CHECK_INT(parse_prefix(bad[i], &p, &why), -EINVAL);
		CHECK(why != NULL);
	}
	parse_prefix("10.0.0.0/33", &p, &why);
	CHECK_STR(why, "an IPv4 prefix length is 0 to 32");
}

static int pparse(enum prefix_op op, const char *line, struct prefix_req *req,
		  char *err)
{
	char store[512], *argv[32];
	int argc = split_line(line, store, sizeof(store), argv, 32);

	err[0] = '\0';
	return prefix_parse(op, argc, argv, req, err, 160);
}

static void prefix_cmdline(void)
{
	struct prefix_req req;
	char err[160];

	CHECK_INT(pparse(PREFIX_ADD, "dev vnet4 10.41.0.0/16 route", &req, err), 0);
	CHECK_STR(req.ifname, "vnet4");
	CHECK_INT(req.prefix.len, 16);
	CHECK_INT(req.prefix.flags, RVTI_PREFIX_F_ROUTE);
	CHECK_INT(pparse(PREFIX_ADD, "10.41.0.0/16 d vnet4", &req, err), 0);
	CHECK_INT(req.prefix.flags, 0);
	CHECK_INT(pparse(PREFIX_DEL, "dev vnet4 10.41.0.0/16", &req, err), 0);
	CHECK_INT(pparse(PREFIX_LIST, "", &req, err), 0);
	CHECK(!req.has_dev);
	CHECK_INT(pparse(PREFIX_LIST, "dev vnet4", &req, err), 0);
	CHECK_INT(pparse(PREFIX_FLUSH, "dev vnet4", &req, err), 0);
	CHECK_INT(pparse(PREFIX_ADD, "dev vnet4 help", &req, err), PARSE_HELP);

	CHECK_INT(pparse(PREFIX_ADD, "10.41.0.0/16", &req, err), -EINVAL);
	CHECK_STR(err, "missing \"dev NAME\"");
	CHECK_INT(pparse(PREFIX_ADD, "dev vnet4", &req, err), -EINVAL);
	CHECK_STR(err, "missing the prefix (ADDR/LEN, e.g. 10.1.0.0/16)");
	CHECK_INT(pparse(PREFIX_ADD, "dev vnet4 10.0.0.0/8 10.1.0.0/16", &req, err),
		  -EINVAL);
	CHECK_INT(pparse(PREFIX_ADD, "dev vnet4 10.0.0.0/33", &req, err), -EINVAL);
	CHECK_STR(err, "invalid prefix (argument 3): an IPv4 prefix length is 0 to 32");
	CHECK_INT(pparse(PREFIX_DEL, "dev vnet4 10.0.0.0/8 route", &req, err),
		  -EINVAL);
	CHECK_STR(err, "\"route\" goes with \"prefix add\" only");
	CHECK_INT(pparse(PREFIX_ADD, "dev vnet4 10.0.0.0/8 route route", &req, err),
		  -EINVAL);
	CHECK_INT(pparse(PREFIX_FLUSH, "", &req, err), -EINVAL);
	CHECK_INT(pparse(PREFIX_LIST, "10.0.0.0/8", &req, err), -EINVAL);
}

static void prefix_request(void)
{
	char buf[512] __attribute__((aligned(8)));
	const struct nlattr *tb[RVTI_A_MAX + 1];
	const struct nlattr *ptb[RVTI_PREFIX_A_MAX + 1];
	struct rvti_prefix_info back;
	struct prefix_req req;
	struct nlmsghdr *nlh;
	char err[160];

	CHECK_INT(pparse(PREFIX_ADD, "dev vnet4 2001:db8:41::/48 route", &req, err), 0);
	nlh = nl_put_genl_hdr(buf, 0x42, RVTI_CMD_NEW_PREFIX, 1, 0, 1);
	CHECK_INT(prefix_build(nlh, sizeof(buf), &req), 0);
	CHECK_INT(nl_parse_attrs(nlh, tb, RVTI_A_MAX), 0);
	CHECK_STR(mnl_attr_get_str(tb[RVTI_A_IFNAME]), "vnet4");
	CHECK(tb[RVTI_A_PREFIX] != NULL);
	CHECK_INT(nl_parse_nested(tb[RVTI_A_PREFIX], ptb, RVTI_PREFIX_A_MAX), 0);
	CHECK_INT(mnl_attr_get_payload_len(ptb[RVTI_PREFIX_A_ADDR]), 16);
	CHECK_INT(mnl_attr_get_u8(ptb[RVTI_PREFIX_A_LEN]), 48);
	CHECK_INT(mnl_attr_get_u32(ptb[RVTI_PREFIX_A_FLAGS]), RVTI_PREFIX_F_ROUTE);
	/* the same attributes decode as a prefix message */
	mnl_attr_put_u32(nlh, RVTI_A_IFINDEX, 7);
	CHECK_INT(prefix_from_msg(nlh, &back, NULL), 0);
	CHECK_INT(back.ifindex, 7);
	CHECK_INT(back.len, 48);
	CHECK(!memcmp(back.bytes, req.prefix.bytes, 16));

	/* a small buffer */
	nlh = nl_put_genl_hdr(buf, 0x42, RVTI_CMD_NEW_PREFIX, 1, 0, 1);
	CHECK_INT(prefix_build(nlh, 40, &req), -EMSGSIZE);
}

static void prefix_msg_malformed(void)
{
	char buf[512] __attribute__((aligned(8)));
	struct rvti_prefix_info p;
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	const char *why = NULL;

	nlh = nl_put_genl_hdr(buf, 0x42, RVTI_CMD_GET_PREFIX, 1, 0, 1);
	mnl_attr_put_strz(nlh, RVTI_A_IFNAME, "vnet4");
	nest = mnl_attr_nest_start(nlh, RVTI_A_PREFIX);
	mnl_attr_put(nlh, RVTI_PREFIX_A_ADDR, 3, "abc");
	mnl_attr_put_u8(nlh, RVTI_PREFIX_A_LEN, 8);
	mnl_attr_nest_end(nlh, nest);
	CHECK_INT(prefix_from_msg(nlh, &p, &why), -EBADMSG);
	CHECK_STR(why, "RVTI_PREFIX_A_ADDR is neither 4 nor 16 bytes");

	nlh = nl_put_genl_hdr(buf, 0x42, RVTI_CMD_GET_PREFIX, 1, 0, 1);
	mnl_attr_put_strz(nlh, RVTI_A_IFNAME, "vnet4");
	nest = mnl_attr_nest_start(nlh, RVTI_A_PREFIX);
	mnl_attr_put(nlh, RVTI_PREFIX_A_ADDR, 4, "\x0a\0\0\0");
	mnl_attr_put_u8(nlh, RVTI_PREFIX_A_LEN, 33);
	mnl_attr_nest_end(nlh, nest);
	CHECK_INT(prefix_from_msg(nlh, &p, &why), -EBADMSG);
	CHECK_STR(why, "RVTI_PREFIX_A_LEN is missing or out of range");
}

static bool up_but_down0(const char *ifname)
{
	return strcmp(ifname, "down0");
}

static void add(struct prefix_list *l, const char *dev, uint32_t ifindex,
		const char *s, uint32_t flags)
{
	struct rvti_prefix_info *p = &l->v[l->n++];
	const char *why;

	CHECK_INT(parse_prefix(s, p, &why), 0);
	snprintf(p->ifname, sizeof(p->ifname), "%s", dev);
	p->ifindex = ifindex;
	p->flags = flags;
}

/* Tunnels of one site sharing a prefix get one route through all. */
static void route_plan_groups(void)
{
	struct rvti_prefix_info v[8];
	struct prefix_list l = { v, 0, 8 };
	struct route_want want[8];
	char buf[PREFIX_STRLEN];
	unsigned int n;

	add(&l, "aws1", 5, "10.41.0.0/16", RVTI_PREFIX_F_ROUTE);
	add(&l, "aws2", 6, "10.41.0.0/16", RVTI_PREFIX_F_ROUTE);
	add(&l, "aws1", 5, "10.42.0.0/16", 0);		/* no route */
	add(&l, "vnet1", 7, "10.1.0.0/16", RVTI_PREFIX_F_ROUTE);
	add(&l, "down0", 8, "10.1.0.0/16", RVTI_PREFIX_F_ROUTE);
	add(&l, "down0", 8, "10.9.0.0/16", RVTI_PREFIX_F_ROUTE);
	add(&l, "vnet1", 7, "2001:db8:1::/48", RVTI_PREFIX_F_ROUTE);
	n = route_plan(&l, up_but_down0, want, 8);
	CHECK_INT(n, 3);
	CHECK_STR(prefix_str(&want[0].prefix, buf, sizeof(buf)), "10.41.0.0/16");
	CHECK_INT(want[0].noifs, 2);
	CHECK_INT(want[0].oifs[0], 5);
	CHECK_INT(want[0].oifs[1], 6);
	CHECK_STR(prefix_str(&want[1].prefix, buf, sizeof(buf)), "10.1.0.0/16");
	CHECK_INT(want[1].noifs, 1);
	CHECK_INT(want[1].oifs[0], 7);
	CHECK_STR(prefix_str(&want[2].prefix, buf, sizeof(buf)), "2001:db8:1::/48");
	/* room for fewer routes than wanted: no overflow */
	CHECK_INT(route_plan(&l, up_but_down0, want, 1), 1);
}

static int sparse(const char *line, struct tunnel_set_req *req, char *err)
{
	char store[512], *argv[32];
	int argc = split_line(line, store, sizeof(store), argv, 32);

	err[0] = '\0';
	return tunnel_set_parse(argc, argv, req, err, 160);
}

static void tunnel_set_site_transit(void)
{
	char buf[512] __attribute__((aligned(8)));
	const struct nlattr *tb[RVTI_A_MAX + 1];
	struct tunnel_set_req req;
	struct nlmsghdr *nlh;
	char err[160];

	CHECK_INT(sparse("dev aws1 site aws transit on", &req, err), 0);
	CHECK(req.has_site && req.has_transit && req.transit);
	CHECK(!tunnel_set_outer(&req));
	CHECK_STR(req.site, "aws");
	nlh = nl_put_genl_hdr(buf, 0x42, RVTI_CMD_SET_SITE, 1, 0, 1);
	CHECK_INT(tunnel_set_site_build(nlh, sizeof(buf), &req), 0);
	CHECK_INT(nl_parse_attrs(nlh, tb, RVTI_A_MAX), 0);
	CHECK_STR(mnl_attr_get_str(tb[RVTI_A_SITE]), "aws");
	CHECK_INT(mnl_attr_get_u8(tb[RVTI_A_TRANSIT]), 1);

	CHECK_INT(sparse("dev aws1 site none tr off", &req, err), 0);
	CHECK_STR(req.site, "");
	CHECK(!req.transit);
	/* "t" stays "ttl" */
	CHECK_INT(sparse("dev aws1 t 64", &req, err), 0);
	CHECK(req.has_ttl && !req.has_transit);
	CHECK_INT(sparse("dev aws1 transit maybe", &req, err), -EINVAL);
	CHECK_STR(err, "invalid transit \"maybe\" (expected \"on\" or \"off\")");
	CHECK_INT(sparse("dev aws1 site 0123456789012345678901234567890123",
			 &req, err), -EINVAL);
	CHECK_INT(sparse("dev aws1 site", &req, err), -EINVAL);
	CHECK_INT(sparse("dev aws1", &req, err), -EINVAL);
	CHECK_STR(err, "nothing to set: give local and/or remote, ttl, df, site, transit or encap-port");
}

const struct test_case prefix_tests[] = {
	TEST_CASE(prefix_parse_good),
	TEST_CASE(prefix_parse_bad),
	TEST_CASE(prefix_cmdline),
	TEST_CASE(prefix_request),
	TEST_CASE(prefix_msg_malformed),
	TEST_CASE(route_plan_groups),
	TEST_CASE(tunnel_set_site_transit),
	{ NULL, NULL }
};
