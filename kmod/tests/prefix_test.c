// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the prefix table. A wrong answer here either lets traffic of
 * another site through or drops a site's own, so the trie is checked
 * against a naive list under seeded random inserts, deletes, lookups and
 * overlap queries, for both families, and its edges one by one.
 */

#include <kunit/test.h>
#include <linux/mutex.h>
#include <linux/prandom.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "../prefix.h"
#include "kunit.h"

#define RVTI_PT_NAIVE_MAX 512

struct rvti_pt_ctx {
	/* The table's writer lock, as the device's conf_lock would be. */
	struct mutex lock;
	struct rvti_prefix_table table;
	struct rvti_prefix naive[RVTI_PT_NAIVE_MAX];
	unsigned int n;
	struct rnd_state rnd;
};

static bool rvti_pt_match(const u8 *a, const u8 *b, unsigned int cidr)
{
	unsigned int i;

	for (i = 0; i < cidr; i++)
		if (((a[i / 8] ^ b[i / 8]) >> (7 - i % 8)) & 1)
			return false;
	return true;
}

static int rvti_pt_init(struct kunit *test)
{
	struct rvti_pt_ctx *ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, ctx);
	mutex_init(&ctx->lock);
	rvti_prefix_table_init(&ctx->table, &ctx->lock);
	prandom_seed_state(&ctx->rnd, 0x7276746970726566ULL);
	test->priv = ctx;
	return 0;
}

static void rvti_pt_exit(struct kunit *test)
{
	struct rvti_pt_ctx *ctx = test->priv;

	/* A failed assertion may have ended the case with the lock held. */
	if (!mutex_trylock(&ctx->lock))
		return;
	rvti_prefix_table_flush(&ctx->table);
	mutex_unlock(&ctx->lock);
	KUNIT_EXPECT_TRUE(test, rvti_prefix_table_empty(&ctx->table));
	KUNIT_EXPECT_EQ(test, ctx->table.count, 0U);
}

/*
 * A random prefix of @family: few distinct leading bytes so that prefixes
 * nest and share paths, random lengths with the host bits cleared.
 */
static void rvti_pt_random(struct rvti_pt_ctx *ctx, sa_family_t family,
			   struct rvti_prefix *p)
{
	unsigned int bits = family == AF_INET ? 32 : 128, i;

	memset(p, 0, sizeof(*p));
	p->family = family;
	for (i = 0; i < bits / 8; i++)
		p->bytes[i] = prandom_u32_state(&ctx->rnd) & 0x13;
	p->cidr = prandom_u32_state(&ctx->rnd) % (bits + 1);
	for (i = p->cidr; i < bits; i++)
		p->bytes[i / 8] &= ~(0x80 >> (i % 8));
}

static int rvti_pt_naive_find(struct rvti_pt_ctx *ctx,
			      const struct rvti_prefix *p)
{
	unsigned int i;

	for (i = 0; i < ctx->n; i++)
		if (ctx->naive[i].family == p->family &&
		    ctx->naive[i].cidr == p->cidr &&
		    !memcmp(ctx->naive[i].bytes, p->bytes, 16))
			return i;
	return -1;
}

static bool rvti_pt_naive_contains(struct rvti_pt_ctx *ctx, sa_family_t family,
				   const u8 *addr)
{
	unsigned int i;

	for (i = 0; i < ctx->n; i++)
		if (ctx->naive[i].family == family &&
		    rvti_pt_match(ctx->naive[i].bytes, addr, ctx->naive[i].cidr))
			return true;
	return false;
}

static bool rvti_pt_naive_overlaps(const struct rvti_prefix *a,
				   const struct rvti_prefix *b)
{
	return a->family == b->family &&
	       rvti_pt_match(a->bytes, b->bytes, min(a->cidr, b->cidr));
}

static void rvti_pt_check_lookups(struct kunit *test, struct rvti_pt_ctx *ctx,
				  sa_family_t family)
{
	struct rvti_prefix p, found;
	unsigned int i, j;
	bool naive, hit;

	for (i = 0; i < 200; i++) {
		/* Random addresses, and addresses inside known prefixes. */
		rvti_pt_random(ctx, family, &p);
		if (ctx->n && (i & 1)) {
			const struct rvti_prefix *q = &ctx->naive[i % ctx->n];

			if (q->family == family) {
				memcpy(p.bytes, q->bytes, sizeof(p.bytes));
				for (j = q->cidr; j < 128; j++)
					if (prandom_u32_state(&ctx->rnd) & 1)
						p.bytes[j / 8] |= 0x80 >> (j % 8);
			}
		}
		rcu_read_lock();
		hit = rvti_prefix_contains(&ctx->table, family, p.bytes);
		rcu_read_unlock();
		naive = rvti_pt_naive_contains(ctx, family, p.bytes);
		KUNIT_ASSERT_EQ(test, hit, naive);

		rvti_pt_random(ctx, family, &p);
		naive = false;
		for (j = 0; j < ctx->n; j++)
			naive |= rvti_pt_naive_overlaps(&ctx->naive[j], &p);
		rcu_read_lock();
		hit = rvti_prefix_overlap(&ctx->table, &p, &found);
		rcu_read_unlock();
		KUNIT_ASSERT_EQ(test, hit, naive);
		if (hit) {
			/* What it found is a prefix of the table that overlaps. */
			KUNIT_ASSERT_GE(test, rvti_pt_naive_find(ctx, &found), 0);
			KUNIT_ASSERT_TRUE(test, rvti_pt_naive_overlaps(&found, &p));
		}
	}
}

static void rvti_pt_random_ops(struct kunit *test, sa_family_t family)
{
	struct rvti_pt_ctx *ctx = test->priv;
	struct rvti_prefix_node *node;
	struct rvti_prefix p;
	unsigned int round, i;
	int ret, at;

	for (round = 0; round < 20; round++) {
		mutex_lock(&ctx->lock);
		for (i = 0; i < 40; i++) {
			bool del = ctx->n && (prandom_u32_state(&ctx->rnd) % 3 == 0);

			if (del && (prandom_u32_state(&ctx->rnd) & 1))
				p = ctx->naive[prandom_u32_state(&ctx->rnd) % ctx->n];
			else
				rvti_pt_random(ctx, family, &p);
			at = rvti_pt_naive_find(ctx, &p);
			if (del) {
				ret = rvti_prefix_del(&ctx->table, &p);
				KUNIT_ASSERT_EQ(test, ret, at >= 0 ? 0 : -ENOENT);
				if (at >= 0)
					ctx->naive[at] = ctx->naive[--ctx->n];
			} else if (ctx->n < RVTI_PT_NAIVE_MAX) {
				ret = rvti_prefix_add(&ctx->table, &p);
				KUNIT_ASSERT_EQ(test, ret, at >= 0 ? -EEXIST : 0);
				if (at < 0)
					ctx->naive[ctx->n++] = p;
			}
		}
		KUNIT_ASSERT_EQ(test, ctx->table.count, ctx->n);
		/* The dump list holds exactly the prefixes. */
		i = 0;
		list_for_each_entry(node, &ctx->table.list, list) {
			rvti_prefix_from_node(node, &p);
			KUNIT_ASSERT_GE(test, rvti_pt_naive_find(ctx, &p), 0);
			i++;
		}
		KUNIT_ASSERT_EQ(test, i, ctx->n);
		mutex_unlock(&ctx->lock);
		rvti_pt_check_lookups(test, ctx, family);
	}
}

static void rvti_prefix_test_random_ipv4(struct kunit *test)
{
	rvti_pt_random_ops(test, AF_INET);
}

static void rvti_prefix_test_random_ipv6(struct kunit *test)
{
	rvti_pt_random_ops(test, AF_INET6);
}

static void rvti_pt_set(struct rvti_prefix *p, sa_family_t family,
			const char *bytes, unsigned int len, u8 cidr)
{
	memset(p, 0, sizeof(*p));
	p->family = family;
	memcpy(p->bytes, bytes, len);
	p->cidr = cidr;
}

static void rvti_prefix_test_check(struct kunit *test)
{
	struct netlink_ext_ack extack = {};
	struct rvti_prefix p;

	rvti_pt_set(&p, AF_INET, "\x0a\x01\x00\x00", 4, 16);
	KUNIT_EXPECT_EQ(test, rvti_prefix_check(&p, NULL, &extack), 0);
	rvti_pt_set(&p, AF_INET, "\x0a\x01\x00\x01", 4, 16);
	KUNIT_EXPECT_EQ(test, rvti_prefix_check(&p, NULL, &extack), -EINVAL);
	KUNIT_EXPECT_NOT_NULL(test, strstr(extack._msg, "host bits"));
	rvti_pt_set(&p, AF_INET, "\x0a\x01\x00\x00", 4, 33);
	KUNIT_EXPECT_EQ(test, rvti_prefix_check(&p, NULL, &extack), -EINVAL);
	KUNIT_EXPECT_NOT_NULL(test, strstr(extack._msg, "IPv4 prefix length"));
	rvti_pt_set(&p, AF_INET6, "\x20\x01\x0d\xb8", 4, 32);
	KUNIT_EXPECT_EQ(test, rvti_prefix_check(&p, NULL, &extack), 0);
	/* 2001:db9::/31 has bit 32 set */
	p.bytes[3] = 0xb9;
	p.cidr = 31;
	KUNIT_EXPECT_EQ(test, rvti_prefix_check(&p, NULL, &extack), -EINVAL);
	p.cidr = 129;
	KUNIT_EXPECT_EQ(test, rvti_prefix_check(&p, NULL, &extack), -EINVAL);
	KUNIT_EXPECT_NOT_NULL(test, strstr(extack._msg, "IPv6 prefix length"));
	rvti_pt_set(&p, AF_INET, "", 0, 0);
	KUNIT_EXPECT_EQ(test, rvti_prefix_check(&p, NULL, &extack), 0);
}

/* The brief's sites: 10.1.0.0/16 and what overlaps it or not. */
static void rvti_prefix_test_overlap(struct kunit *test)
{
	struct rvti_pt_ctx *ctx = test->priv;
	struct rvti_prefix p, found;

	mutex_lock(&ctx->lock);
	rvti_pt_set(&p, AF_INET, "\x0a\x01\x00\x00", 4, 16);
	KUNIT_ASSERT_EQ(test, rvti_prefix_add(&ctx->table, &p), 0);
	rvti_pt_set(&p, AF_INET, "\x0a\x29\x00\x00", 4, 16);
	KUNIT_EXPECT_FALSE(test, rvti_prefix_overlap(&ctx->table, &p, &found));
	rvti_pt_set(&p, AF_INET, "\x0a\x01\x02\x00", 4, 24);
	KUNIT_EXPECT_TRUE(test, rvti_prefix_overlap(&ctx->table, &p, &found));
	KUNIT_EXPECT_EQ(test, found.cidr, 16);
	KUNIT_EXPECT_EQ(test, found.ip4, htonl(0x0a010000));
	rvti_pt_set(&p, AF_INET, "\x0a\x00\x00\x00", 4, 8);
	KUNIT_EXPECT_TRUE(test, rvti_prefix_overlap(&ctx->table, &p, &found));
	KUNIT_EXPECT_EQ(test, found.cidr, 16);
	rvti_pt_set(&p, AF_INET, "", 0, 0);
	KUNIT_EXPECT_TRUE(test, rvti_prefix_overlap(&ctx->table, &p, &found));
	/* Families do not overlap. */
	rvti_pt_set(&p, AF_INET6, "", 0, 0);
	KUNIT_EXPECT_FALSE(test, rvti_prefix_overlap(&ctx->table, &p, &found));
	/* A default route contains everything of its family. */
	KUNIT_ASSERT_EQ(test, rvti_prefix_add(&ctx->table, &p), 0);
	KUNIT_EXPECT_TRUE(test, rvti_prefix_contains(&ctx->table, AF_INET6,
						     "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\1"));
	KUNIT_EXPECT_FALSE(test, rvti_prefix_contains(&ctx->table, AF_INET,
						      "\x0a\x02\x00\x01"));
	KUNIT_EXPECT_TRUE(test, rvti_prefix_contains(&ctx->table, AF_INET,
						     "\x0a\x01\xff\xfe"));
	KUNIT_EXPECT_EQ(test, rvti_prefix_add(&ctx->table, &p), -EEXIST);
	rvti_pt_set(&p, AF_INET, "\x0a\x01\x00\x00", 4, 24);
	KUNIT_EXPECT_EQ(test, rvti_prefix_del(&ctx->table, &p), -ENOENT);
	mutex_unlock(&ctx->lock);
}

/* 10,000 prefixes, as the netns test dumps them. */
static void rvti_prefix_test_many(struct kunit *test)
{
	struct rvti_pt_ctx *ctx = test->priv;
	struct rvti_prefix p;
	unsigned int i;

	mutex_lock(&ctx->lock);
	for (i = 0; i < 10000; i++) {
		rvti_pt_set(&p, AF_INET, "\x0a\x00\x00\x00", 4, 24);
		p.ip4 = htonl(0x0a000000 | (i << 8));
		KUNIT_ASSERT_EQ(test, rvti_prefix_add(&ctx->table, &p), 0);
	}
	KUNIT_ASSERT_EQ(test, ctx->table.count, 10000U);
	mutex_unlock(&ctx->lock);
	rcu_read_lock();
	KUNIT_EXPECT_TRUE(test, rvti_prefix_contains(&ctx->table, AF_INET,
						     "\x0a\x27\x0f\x05"));
	KUNIT_EXPECT_FALSE(test, rvti_prefix_contains(&ctx->table, AF_INET,
						      "\x0a\x27\x10\x01"));
	rcu_read_unlock();
}

static struct kunit_case rvti_prefix_test_cases[] = {
	KUNIT_CASE(rvti_prefix_test_check),
	KUNIT_CASE(rvti_prefix_test_overlap),
	KUNIT_CASE(rvti_prefix_test_random_ipv4),
	KUNIT_CASE(rvti_prefix_test_random_ipv6),
	KUNIT_CASE(rvti_prefix_test_many),
	{}
};

struct kunit_suite rvti_prefix_test_suite = {
	.name = "rvti_prefix",
	.init = rvti_pt_init,
	.exit = rvti_pt_exit,
	.test_cases = rvti_prefix_test_cases,
};
