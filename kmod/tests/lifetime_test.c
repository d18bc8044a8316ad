// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: SA lifetimes. The limits a key manager sends are checked (a soft
 * limit above its hard limit is refused), and byte and packet accounting
 * raises the soft and then the hard state at exactly the limit, with the
 * limit that was reached; the sequence-number marks likewise. The SAs here
 * belong to no device: their expire work finds them unlinked and only
 * drops its reference.
 */

#include <kunit/test.h>
#include <linux/workqueue.h>
#include <net/netlink.h>
#include <linux/rvti.h>

#include "../sa.h"
#include "kunit.h"

static void rvti_lft_test_free_work(struct work_struct *work)
{
}

static struct rvti_sa *rvti_lft_test_sa(struct kunit *test)
{
	struct rvti_sa *sa = kunit_kzalloc(test, sizeof(*sa), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, sa);
	/* Two references: the test's, and one the free never reaches. */
	refcount_set(&sa->refcnt, 2);
	INIT_RCU_WORK(&sa->free_work, rvti_lft_test_free_work);
	INIT_DELAYED_WORK(&sa->expire_work, rvti_sa_expire_work);
	set_bit(RVTI_SA_S_UNLINKED, &sa->state);
	return sa;
}

static void rvti_lft_test_done(struct kunit *test, struct rvti_sa *sa)
{
	/* Every queued run of the work dropped the reference it took. */
	flush_delayed_work(&sa->expire_work);
	KUNIT_EXPECT_EQ(test, refcount_read(&sa->refcnt), 2);
}

/* A lifetime nest of @n (type, value) pairs, parsed into @sa. */
static int rvti_lft_test_parse(struct kunit *test, struct rvti_sa *sa,
			       const u64 (*pairs)[2], int n)
{
	struct sk_buff *skb = nlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	struct netlink_ext_ack extack = {};
	struct nlattr *nest;
	int i, ret;

	KUNIT_ASSERT_NOT_NULL(test, skb);
	nest = nla_nest_start(skb, RVTI_SA_A_LIFETIME);
	KUNIT_ASSERT_NOT_NULL(test, nest);
	/* Unpadded, as userspace (libmnl) sends them. */
	for (i = 0; i < n; i++)
		KUNIT_ASSERT_EQ(test, 0, nla_put(skb, pairs[i][0], sizeof(u64),
						 &pairs[i][1]));
	nla_nest_end(skb, nest);
	ret = rvti_sa_lifetime_parse(sa, nest, &extack);
	kfree_skb(skb);
	return ret;
}

static void rvti_lft_test_parse_refusals(struct kunit *test)
{
	static const u64 soft_above_hard[][2] = {
		{ RVTI_LIFETIME_A_SOFT_BYTES, 2000 },
		{ RVTI_LIFETIME_A_HARD_BYTES, 1000 },
	};
	static const u64 soft_time_above_hard[][2] = {
		{ RVTI_LIFETIME_A_SOFT_ADD_SECONDS, 3600 },
		{ RVTI_LIFETIME_A_HARD_ADD_SECONDS, 60 },
	};
	static const u64 soft_only[][2] = {
		{ RVTI_LIFETIME_A_SOFT_PACKETS, 5 },
	};
	struct rvti_sa *sa = rvti_lft_test_sa(test);

	KUNIT_EXPECT_EQ(test, -EINVAL,
			rvti_lft_test_parse(test, sa, soft_above_hard, 2));
	KUNIT_EXPECT_EQ(test, -EINVAL,
			rvti_lft_test_parse(test, sa, soft_time_above_hard, 2));
	/* A soft limit without a hard one is fine: a warning only. */
	KUNIT_EXPECT_EQ(test, 0, rvti_lft_test_parse(test, sa, soft_only, 1));
	KUNIT_EXPECT_TRUE(test, sa->counted);
	rvti_lft_test_done(test, sa);
}

static void rvti_lft_test_bytes(struct kunit *test)
{
	static const u64 limits[][2] = {
		{ RVTI_LIFETIME_A_SOFT_BYTES, 1000 },
		{ RVTI_LIFETIME_A_HARD_BYTES, 2000 },
	};
	struct rvti_sa *sa = rvti_lft_test_sa(test);

	KUNIT_ASSERT_EQ(test, 0, rvti_lft_test_parse(test, sa, limits, 2));
	rvti_sa_account(sa, 999);
	KUNIT_EXPECT_FALSE(test, test_bit(RVTI_SA_S_SOFT, &sa->state));
	rvti_sa_account(sa, 1);
	KUNIT_EXPECT_TRUE(test, test_bit(RVTI_SA_S_SOFT, &sa->state));
	KUNIT_EXPECT_EQ(test, sa->soft_limit, RVTI_LIMIT_BYTES);
	KUNIT_EXPECT_TRUE(test, rvti_sa_usable(sa));
	rvti_sa_account(sa, 999);
	KUNIT_EXPECT_TRUE(test, rvti_sa_usable(sa));
	/* The packet that reaches the hard limit is the last one. */
	rvti_sa_account(sa, 1);
	KUNIT_EXPECT_FALSE(test, rvti_sa_usable(sa));
	KUNIT_EXPECT_EQ(test, sa->hard_limit, RVTI_LIMIT_BYTES);
	rvti_lft_test_done(test, sa);
}

static void rvti_lft_test_packets(struct kunit *test)
{
	static const u64 limits[][2] = {
		{ RVTI_LIFETIME_A_SOFT_PACKETS, 3 },
		{ RVTI_LIFETIME_A_HARD_PACKETS, 5 },
	};
	struct rvti_sa *sa = rvti_lft_test_sa(test);
	int i;

	KUNIT_ASSERT_EQ(test, 0, rvti_lft_test_parse(test, sa, limits, 2));
	for (i = 1; i <= 5; i++) {
		rvti_sa_account(sa, 100);
		KUNIT_EXPECT_EQ(test, test_bit(RVTI_SA_S_SOFT, &sa->state), i >= 3);
		KUNIT_EXPECT_EQ(test, rvti_sa_usable(sa), i < 5);
	}
	KUNIT_EXPECT_EQ(test, sa->soft_limit, RVTI_LIMIT_PACKETS);
	KUNIT_EXPECT_EQ(test, sa->hard_limit, RVTI_LIMIT_PACKETS);
	rvti_lft_test_done(test, sa);
}

/* A hard limit reached first still leaves the SA unusable at once. */
static void rvti_lft_test_hard_first(struct kunit *test)
{
	static const u64 limits[][2] = {
		{ RVTI_LIFETIME_A_HARD_PACKETS, 1 },
		{ RVTI_LIFETIME_A_SOFT_BYTES, 1 << 20 },
	};
	struct rvti_sa *sa = rvti_lft_test_sa(test);

	KUNIT_ASSERT_EQ(test, 0, rvti_lft_test_parse(test, sa, limits, 2));
	rvti_sa_account(sa, 64);
	KUNIT_EXPECT_FALSE(test, rvti_sa_usable(sa));
	KUNIT_EXPECT_FALSE(test, test_bit(RVTI_SA_S_SOFT, &sa->state));
	rvti_lft_test_done(test, sa);
}

static void rvti_lft_test_seq(struct kunit *test)
{
	struct rvti_sa *sa = rvti_lft_test_sa(test);

	rvti_sa_seq_limit(sa, false);
	KUNIT_EXPECT_TRUE(test, test_bit(RVTI_SA_S_SEQ_SOFT, &sa->state));
	KUNIT_EXPECT_FALSE(test, test_bit(RVTI_SA_S_SEQ_HARD, &sa->state));
	rvti_sa_seq_limit(sa, true);
	KUNIT_EXPECT_TRUE(test, test_bit(RVTI_SA_S_SEQ_HARD, &sa->state));
	/* Out of sequence numbers is not a hard expiry: see rvti.h. */
	KUNIT_EXPECT_TRUE(test, rvti_sa_usable(sa));
	rvti_lft_test_done(test, sa);
}

static struct kunit_case rvti_lft_test_cases[] = {
	KUNIT_CASE(rvti_lft_test_parse_refusals),
	KUNIT_CASE(rvti_lft_test_bytes),
	KUNIT_CASE(rvti_lft_test_packets),
	KUNIT_CASE(rvti_lft_test_hard_first),
	KUNIT_CASE(rvti_lft_test_seq),
	{}
};

struct kunit_suite rvti_lft_test_suite = {
	.name = "rvti_lifetime",
	.test_cases = rvti_lft_test_cases,
};
