// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: parsing and checking of the outer addresses that arrive over
 * netlink, the first untrusted input rvti sees.
 */

#include <kunit/test.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <net/ipv6.h>
#include <net/netlink.h>

#include "../addr.h"
#include "kunit.h"

/* Builds one attribute of @len bytes of @data in a test-managed buffer. */
static struct nlattr *rvti_test_nla(struct kunit *test, int type,
				    const void *data, int len)
{
	struct nlattr *nla;

	nla = kunit_kzalloc(test, nla_total_size(len), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, nla);
	nla->nla_type = type;
	nla->nla_len = nla_attr_size(len);
	if (len)
		memcpy(nla_data(nla), data, len);
	return nla;
}

static void rvti_addr_test_validate_len(struct kunit *test)
{
	static const u8 bytes[17];
	struct netlink_ext_ack extack = {};
	int len;

	for (len = 0; len <= 17; len++) {
		struct nlattr *nla = rvti_test_nla(test, 1, bytes, len);
		int ret = rvti_addr_nla_validate(nla, &extack);

		if (len == 0 || len == 4 || len == 16) {
			KUNIT_EXPECT_EQ_MSG(test, ret, 0, "len %d", len);
		} else {
			KUNIT_EXPECT_EQ_MSG(test, ret, -EINVAL, "len %d", len);
			KUNIT_EXPECT_NOT_NULL(test, extack._msg);
			KUNIT_EXPECT_PTR_EQ(test, extack.bad_attr,
					    (const struct nlattr *)nla);
		}
	}
}

static void rvti_addr_test_from_nla(struct kunit *test)
{
	static const u8 v4[4] = { 192, 0, 2, 1 };
	static const u8 v6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	struct rvti_addr addr;

	rvti_addr_from_nla(&addr, rvti_test_nla(test, 1, v4, sizeof(v4)));
	KUNIT_EXPECT_EQ(test, addr.family, AF_INET);
	KUNIT_EXPECT_EQ(test, addr.ip4, htonl(0xc0000201));

	rvti_addr_from_nla(&addr, rvti_test_nla(test, 1, v6, sizeof(v6)));
	KUNIT_EXPECT_EQ(test, addr.family, AF_INET6);
	KUNIT_EXPECT_EQ(test, memcmp(&addr.ip6, v6, 16), 0);

	rvti_addr_from_nla(&addr, rvti_test_nla(test, 1, NULL, 0));
	KUNIT_EXPECT_EQ(test, addr.family, AF_UNSPEC);
	KUNIT_EXPECT_FALSE(test, rvti_addr_is_set(&addr));
}

static void rvti_addr_test_expect_unicast(struct kunit *test, const u8 *raw,
					  int len, bool ok)
{
	struct netlink_ext_ack extack = {};
	struct nlattr *nla = rvti_test_nla(test, 1, raw, len);
	struct rvti_addr addr;
	int ret;

	rvti_addr_from_nla(&addr, nla);
	ret = rvti_addr_check_unicast(&addr, false, nla, &extack);
	if (ok) {
		KUNIT_EXPECT_EQ_MSG(test, ret, 0, "%*ph", len, raw);
	} else {
		KUNIT_EXPECT_EQ_MSG(test, ret, -EINVAL, "%*ph", len, raw);
		KUNIT_EXPECT_STREQ(test, extack._msg,
				   "remote address must be a unicast host address");
	}
}

static void rvti_addr_test_unicast(struct kunit *test)
{
	static const u8 v4_ok[4] = { 198, 51, 100, 1 };
	static const u8 v4_zero[4] = { 0, 0, 0, 0 };
	static const u8 v4_mcast[4] = { 224, 0, 0, 1 };
	static const u8 v4_bcast[4] = { 255, 255, 255, 255 };
	static const u8 v4_loop[4] = { 127, 0, 0, 1 };
	static const u8 v6_ok[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };
	static const u8 v6_any[16] = {};
	static const u8 v6_mcast[16] = { 0xff, 0x02, [15] = 1 };
	static const u8 v6_loop[16] = { [15] = 1 };
	static const u8 v6_mapped[16] = { [10] = 0xff, [11] = 0xff, 192, 0, 2, 1 };

	rvti_addr_test_expect_unicast(test, v4_ok, 4, true);
	rvti_addr_test_expect_unicast(test, v4_zero, 4, false);
	rvti_addr_test_expect_unicast(test, v4_mcast, 4, false);
	rvti_addr_test_expect_unicast(test, v4_bcast, 4, false);
	rvti_addr_test_expect_unicast(test, v4_loop, 4, false);
	rvti_addr_test_expect_unicast(test, v6_ok, 16, true);
	rvti_addr_test_expect_unicast(test, v6_any, 16, false);
	rvti_addr_test_expect_unicast(test, v6_mcast, 16, false);
	rvti_addr_test_expect_unicast(test, v6_loop, 16, false);
	rvti_addr_test_expect_unicast(test, v6_mapped, 16, false);
	/* Clearing is always allowed. */
	rvti_addr_test_expect_unicast(test, NULL, 0, true);
}

static void rvti_addr_test_pair(struct kunit *test)
{
	struct rvti_addr v4 = { .family = AF_INET, .ip4 = htonl(0xc0000201) };
	struct rvti_addr v6 = { .family = AF_INET6 };
	struct rvti_addr none = { .family = AF_UNSPEC };
	struct netlink_ext_ack extack = {};

	KUNIT_EXPECT_EQ(test, rvti_addr_check_pair(&v4, &v4, &extack), 0);
	KUNIT_EXPECT_EQ(test, rvti_addr_check_pair(&v6, &v6, &extack), 0);
	KUNIT_EXPECT_EQ(test, rvti_addr_check_pair(&none, &v6, &extack), 0);
	KUNIT_EXPECT_EQ(test, rvti_addr_check_pair(&v4, &none, &extack), 0);
	KUNIT_EXPECT_NULL(test, extack._msg);
	KUNIT_EXPECT_EQ(test, rvti_addr_check_pair(&v4, &v6, &extack),
			-EAFNOSUPPORT);
	KUNIT_EXPECT_NOT_NULL(test, extack._msg);
	KUNIT_EXPECT_EQ(test, rvti_addr_check_pair(&v6, &v4, &extack),
			-EAFNOSUPPORT);
}

static void rvti_addr_test_put_roundtrip(struct kunit *test)
{
	struct rvti_addr in = { .family = AF_INET6 }, out;
	struct rvti_addr unset = { .family = AF_UNSPEC };
	struct sk_buff *skb;
	struct nlattr *nla;

	in.ip6.s6_addr[0] = 0x20;
	in.ip6.s6_addr[15] = 7;
	skb = alloc_skb(128, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	KUNIT_EXPECT_EQ(test, rvti_addr_nla_put(skb, 3, &in), 0);
	/* An unset address adds nothing. */
	KUNIT_EXPECT_EQ(test, rvti_addr_nla_put(skb, 4, &unset), 0);
	KUNIT_EXPECT_EQ(test, skb->len, nla_total_size(16));
	nla = (struct nlattr *)skb->data;
	rvti_addr_from_nla(&out, nla);
	KUNIT_EXPECT_EQ(test, out.family, AF_INET6);
	KUNIT_EXPECT_TRUE(test, ipv6_addr_equal(&in.ip6, &out.ip6));
	kfree_skb(skb);
}

static struct kunit_case rvti_addr_test_cases[] = {
	KUNIT_CASE(rvti_addr_test_validate_len),
	KUNIT_CASE(rvti_addr_test_from_nla),
	KUNIT_CASE(rvti_addr_test_unicast),
	KUNIT_CASE(rvti_addr_test_pair),
	KUNIT_CASE(rvti_addr_test_put_roundtrip),
	{}
};

struct kunit_suite rvti_addr_test_suite = {
	.name = "rvti_addr",
	.test_cases = rvti_addr_test_cases,
};
