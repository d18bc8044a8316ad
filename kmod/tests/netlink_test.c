// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the SA requests of the netlink family, fed to the handler
 * directly. Whatever becomes of a request (refused by the policy, by a
 * check, for want of a device, or taken), no key byte may remain in it:
 * the request buffer is freed, not cleared. Also the per-device SA limit
 * and the (address, SPI) table of inbound SAs.
 */

#include <kunit/test.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <net/rtnetlink.h>
#include <linux/rvti.h>

#include "../device.h"
#include "../netlink.h"
#include "../sa.h"
#include "kunit.h"

#define RVTI_TEST_KEY_BYTE	0xa5

struct rvti_test_req {
	u8 cmd;
	const char *ifname;
	bool no_dir;
	u32 spi;
	bool spi_u16;		/* a malformed SPI attribute */
	const char *aead;
	int key_len;
	int auth_key_len;	/* a second key attribute when not 0 */
	int ret;		/* what the handler must return */
};

/*
 * Builds the request's attributes in an skb, runs rvti_sa_doit() on them
 * and checks its return value and that every key byte is zero afterwards.
 */
static void rvti_test_run(struct kunit *test, const struct rvti_test_req *r)
{
	struct nlattr *attrs[RVTI_A_MAX + 1] = {};
	struct genlmsghdr hdr = { .cmd = r->cmd };
	struct netlink_ext_ack extack = {};
	struct genl_info info = {
		.attrs = attrs,
		.extack = &extack,
		.genlhdr = &hdr,
	};
	struct nlattr *nest, *nla;
	struct sk_buff *skb;
	u8 key[128];
	int rem, ret;

	genl_info_net_set(&info, &init_net);
	memset(key, RVTI_TEST_KEY_BYTE, sizeof(key));
	skb = nlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	KUNIT_ASSERT_EQ(test, 0, nla_put_string(skb, RVTI_A_IFNAME, r->ifname));
	nest = nla_nest_start(skb, RVTI_A_SA);
	KUNIT_ASSERT_NOT_NULL(test, nest);
	if (!r->no_dir)
		KUNIT_ASSERT_EQ(test, 0, nla_put_u8(skb, RVTI_SA_A_DIR,
						    RVTI_SA_DIR_IN));
	if (r->spi_u16)
		KUNIT_ASSERT_EQ(test, 0, nla_put_u16(skb, RVTI_SA_A_SPI, 0x1234));
	else
		KUNIT_ASSERT_EQ(test, 0, nla_put_u32(skb, RVTI_SA_A_SPI, r->spi));
	if (r->aead)
		KUNIT_ASSERT_EQ(test, 0, nla_put_string(skb, RVTI_SA_A_AEAD_ALG,
							r->aead));
	KUNIT_ASSERT_EQ(test, 0, nla_put(skb, RVTI_SA_A_ENC_KEY, r->key_len, key));
	if (r->auth_key_len)
		KUNIT_ASSERT_EQ(test, 0, nla_put(skb, RVTI_SA_A_AUTH_KEY,
						 r->auth_key_len, key));
	nla_nest_end(skb, nest);
	KUNIT_ASSERT_EQ(test, 0, nla_parse_deprecated(attrs, RVTI_A_MAX,
						      (struct nlattr *)skb->data,
						      skb->len, NULL, NULL));

	ret = rvti_sa_doit(skb, &info);
	KUNIT_EXPECT_EQ_MSG(test, ret, r->ret, "extack: %s",
			    extack._msg ?: "(none)");
	nla_for_each_nested(nla, attrs[RVTI_A_SA], rem) {
		if (nla_type(nla) != RVTI_SA_A_ENC_KEY &&
		    nla_type(nla) != RVTI_SA_A_AUTH_KEY)
			continue;
		KUNIT_EXPECT_PTR_EQ_MSG(test, NULL,
					memchr_inv(nla_data(nla), 0, nla_len(nla)),
					"key bytes left in the request");
	}
	kfree_skb(skb);
}

static const struct rvti_test_req rvti_test_refusals[] = {
	/* No such device: the SA was built, then thrown away. */
	{ RVTI_CMD_NEW_SA, "rvti-kunit-none", false, 0x1000, false,
	  "rfc4106(gcm(aes))", 20, 0, -ENODEV },
	/* The policy: SPIs below 256 are reserved (RFC 4303). */
	{ RVTI_CMD_NEW_SA, "rvtikunit0", false, 255, false,
	  "rfc4106(gcm(aes))", 20, 0, -ERANGE },
	/* The policy: a malformed attribute. */
	{ RVTI_CMD_NEW_SA, "rvtikunit0", false, 0, true,
	  "rfc4106(gcm(aes))", 20, 0, -EINVAL },
	/* The policy: a key longer than any algorithm's. */
	{ RVTI_CMD_NEW_SA, "rvtikunit0", false, 0x1000, false,
	  "rfc4106(gcm(aes))", 65, 0, -ERANGE },
	/* A check: no direction. */
	{ RVTI_CMD_NEW_SA, "rvtikunit0", true, 0x1000, false,
	  "rfc4106(gcm(aes))", 20, 0, -EINVAL },
	/* A check: the key length is not the algorithm's. */
	{ RVTI_CMD_NEW_SA, "rvtikunit0", false, 0x1000, false,
	  "rfc4106(gcm(aes))", 16, 0, -EINVAL },
	/* A check: an AEAD with a separate authentication key. */
	{ RVTI_CMD_NEW_SA, "rvtikunit0", false, 0x1000, false,
	  "rfc4106(gcm(aes))", 20, 20, -EINVAL },
	/* A check: an unknown algorithm. */
	{ RVTI_CMD_NEW_SA, "rvtikunit0", false, 0x1000, false,
	  "gcm(des)", 20, 0, -ENOENT },
	/* Keys sent with a delete (for an SA that does not exist). */
	{ RVTI_CMD_DEL_SA, "rvtikunit0", false, 0x1000, false,
	  NULL, 20, 20, -ENOENT },
};

static struct net_device *rvti_test_dev_create(struct kunit *test)
{
	struct net_device *dev;
	int ret;

	dev = alloc_netdev(rvti_link_ops.priv_size, "rvtikunit0",
			   NET_NAME_USER, rvti_link_ops.setup);
	KUNIT_ASSERT_NOT_NULL(test, dev);
	dev_net_set(dev, &init_net);
	dev->rtnl_link_ops = &rvti_link_ops;
	rtnl_lock();
	ret = rvti_link_ops.newlink(&init_net, dev, NULL, NULL, NULL);
	rtnl_unlock();
	if (ret)
		free_netdev(dev);
	KUNIT_ASSERT_EQ(test, ret, 0);
	return dev;
}

static void rvti_test_dev_destroy(struct net_device *dev)
{
	rtnl_lock();
	unregister_netdevice(dev);
	rtnl_unlock();
}

static void rvti_nl_test_refusals_zero_keys(struct kunit *test)
{
	struct net_device *dev = rvti_test_dev_create(test);
	int i;

	for (i = 0; i < ARRAY_SIZE(rvti_test_refusals); i++)
		rvti_test_run(test, &rvti_test_refusals[i]);
	rvti_test_dev_destroy(dev);
}

static void rvti_nl_test_accepted_and_duplicate_zero_keys(struct kunit *test)
{
	struct net_device *dev = rvti_test_dev_create(test);
	struct rvti_test_req r = {
		RVTI_CMD_NEW_SA, "rvtikunit0", false, 0x1000, false,
		"rfc4106(gcm(aes))", 20, 0, 0
	};

	rvti_test_run(test, &r);
	/* The same direction and SPI again: refused after the transform. */
	r.ret = -EEXIST;
	rvti_test_run(test, &r);
	rvti_test_dev_destroy(dev);
}

static void rvti_nl_test_sa_limit(struct kunit *test)
{
	struct net_device *dev = rvti_test_dev_create(test);
	struct rvti_device *rvti = netdev_priv(dev);
	struct rvti_test_req r = {
		RVTI_CMD_NEW_SA, "rvtikunit0", false, 0x1000, false,
		"rfc4106(gcm(aes))", 20, 0, 0
	};
	int i;

	for (i = 0; i < RVTI_SA_MAX_PER_DEVICE; i++, r.spi++)
		rvti_test_run(test, &r);
	KUNIT_EXPECT_EQ(test, rvti->n_sas, RVTI_SA_MAX_PER_DEVICE);
	r.ret = -ENOSPC;
	rvti_test_run(test, &r);
	KUNIT_EXPECT_EQ(test, rvti->n_sas, RVTI_SA_MAX_PER_DEVICE);
	rvti_test_dev_destroy(dev);
}

/* Endpoints set directly, as SET_TUNNEL does. */
static void rvti_test_set_ep(struct kunit *test, struct net_device *dev,
			     __be32 local, __be32 remote)
{
	struct rvti_device *rvti = netdev_priv(dev);
	struct rvti_endpoints *ep = rvti_endpoints_alloc(NULL), *old;

	KUNIT_ASSERT_NOT_NULL(test, ep);
	if (local) {
		ep->local.family = AF_INET;
		ep->local.ip4 = local;
	}
	ep->remote.family = AF_INET;
	ep->remote.ip4 = remote;
	rtnl_lock();
	mutex_lock(&rvti->conf_lock);
	old = rcu_replace_pointer(rvti->endpoints, ep,
				  lockdep_is_held(&rvti->conf_lock));
	mutex_unlock(&rvti->conf_lock);
	rtnl_unlock();
	if (old)
		rvti_endpoints_free_rcu(old);
}

/* The device whose inbound SA a packet daddr <- saddr with @spi finds. */
static struct net_device *rvti_test_owner(__be32 daddr, __be32 saddr, u32 spi)
{
	struct rvti_addr d = { .family = AF_INET, .ip4 = daddr };
	struct rvti_addr s = { .family = AF_INET, .ip4 = saddr };
	struct net_device *dev = NULL;
	struct rvti_sa *sa, *owner;

	rcu_read_lock();
	sa = rvti_sa_lookup(&init_net, RVTI_SA_DIR_IN, htonl(spi), &d, &s,
			    &owner);
	if (sa)
		dev = sa->rvti->dev;
	rcu_read_unlock();
	return dev;
}

/*
 * The (address, SPI) table: two tunnels share an inbound SPI, told apart
 * by their remotes; a wildcard local matches any destination; a packet
 * between other addresses matches nothing (it is XFRM's); an SPI that
 * would be ambiguous is refused.
 */
static void rvti_nl_test_addr_spi_table(struct kunit *test)
{
	__be32 a1 = htonl(0xc0000201), a2 = htonl(0xc0000202);
	__be32 p1 = htonl(0xc6336401), p2 = htonl(0xc6336402);
	struct net_device *d0 = rvti_test_dev_create(test), *d1;
	struct rvti_test_req r = {
		RVTI_CMD_NEW_SA, "rvtikunit0", false, 0x4242, false,
		"rfc4106(gcm(aes))", 20, 0, 0
	};

	d1 = alloc_netdev(rvti_link_ops.priv_size, "rvtikunit1",
			  NET_NAME_USER, rvti_link_ops.setup);
	KUNIT_ASSERT_NOT_NULL(test, d1);
	d1->rtnl_link_ops = &rvti_link_ops;
	rtnl_lock();
	KUNIT_ASSERT_EQ(test, 0, rvti_link_ops.newlink(&init_net, d1, NULL,
						       NULL, NULL));
	rtnl_unlock();

	rvti_test_set_ep(test, d0, a1, p1);
	rvti_test_set_ep(test, d1, 0, p2);	/* wildcard local */
	rvti_test_run(test, &r);
	r.ifname = "rvtikunit1";
	rvti_test_run(test, &r);

	KUNIT_EXPECT_PTR_EQ(test, rvti_test_owner(a1, p1, 0x4242), d0);
	KUNIT_EXPECT_PTR_EQ(test, rvti_test_owner(a1, p2, 0x4242), d1);
	KUNIT_EXPECT_PTR_EQ(test, rvti_test_owner(a2, p2, 0x4242), d1);
	KUNIT_EXPECT_PTR_EQ(test, rvti_test_owner(a2, p1, 0x4242), NULL);
	KUNIT_EXPECT_PTR_EQ(test, rvti_test_owner(a1, htonl(0x0a000001), 0x4242),
			    NULL);
	KUNIT_EXPECT_PTR_EQ(test, rvti_test_owner(a1, p1, 0x4243), NULL);

	/* d1 to d0's peer: its wildcard local would also match a1. */
	rvti_test_set_ep(test, d1, 0, p1);
	r.spi = 0x4343;
	rvti_test_run(test, &r);
	r.ifname = "rvtikunit0";
	r.ret = -EEXIST;
	rvti_test_run(test, &r);
	KUNIT_EXPECT_PTR_EQ(test, rvti_test_owner(a1, p1, 0x4343), d1);

	rvti_test_dev_destroy(d1);
	rvti_test_dev_destroy(d0);
}

static struct kunit_case rvti_nl_test_cases[] = {
	KUNIT_CASE(rvti_nl_test_refusals_zero_keys),
	KUNIT_CASE(rvti_nl_test_accepted_and_duplicate_zero_keys),
	KUNIT_CASE(rvti_nl_test_sa_limit),
	KUNIT_CASE(rvti_nl_test_addr_spi_table),
	{}
};

struct kunit_suite rvti_nl_test_suite = {
	.name = "rvti_netlink",
	.test_cases = rvti_nl_test_cases,
};
