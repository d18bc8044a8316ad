// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the ESP anti-replay window. A bug here either lets replayed
 * packets in or drops good ones, and neither shows in a functional test,
 * so the edges are tested one by one and then against a model.
 */

#include <kunit/test.h>
#include <linux/bitmap.h>
#include <linux/kernel.h>
#include <linux/minmax.h>
#include <linux/string.h>

#include "../replay.h"
#include "kunit.h"

/*
 * Assertions throughout, not expectations: the first failure ends the
 * test (or the run of one parameter), so that its report fits the 512
 * bytes of log that KUnit keeps per test in debugfs, which tests/kunit.sh
 * reads, instead of pushing the test's own "not ok" line out of it.
 */

/* The bitmap is a ring of this many bits, whatever the window. */
#define RVTI_RT_RING	RVTI_REPLAY_MAX_WINDOW
#define RVTI_RT_2_32	BIT_ULL(32)

/*
 * One window configuration. @origin is where the window starts: 0 for a
 * fresh SA, or a number just below a 2^32 boundary so that, with ESN, the
 * scenario moves the window across it.
 */
struct rvti_rt_param {
	u32 window;
	bool esn;
	u64 origin;
};

static const struct rvti_rt_param rvti_rt_params[] = {
	{ 32, false, 0 },
	{ 64, false, 0 },
	{ 100, false, 0 },
	{ 1024, false, 0 },
	{ 4096, false, 0 },
	{ 32, true, 0 },
	{ 64, true, RVTI_RT_2_32 - 100 },
	{ 100, true, RVTI_RT_2_32 - 150 },
	{ 1024, true, 3 * RVTI_RT_2_32 - 1500 },
	{ 4096, true, RVTI_RT_2_32 - 4096 - 7 },
};

static void rvti_rt_param_desc(const struct rvti_rt_param *p, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "window %u %s from %#llx",
		 p->window, p->esn ? "esn" : "32-bit", p->origin);
}

KUNIT_ARRAY_PARAM(rvti_rt, rvti_rt_params, rvti_rt_param_desc);

/*
 * A window in test-managed memory (two of them on the stack would be too
 * much for the test kernel's frame size), moved to @origin if not 0.
 */
static struct rvti_replay *rvti_rt_new(struct kunit *test, u32 window,
				       bool esn, u64 origin)
{
	struct rvti_replay *r;

	r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_ASSERT_EQ(test, rvti_replay_init(r, window, esn), 0);
	if (origin)
		KUNIT_ASSERT_EQ(test, rvti_replay_advance(r, origin),
				RVTI_REPLAY_OK);
	return r;
}

static struct rvti_replay *rvti_rt_new_param(struct kunit *test)
{
	const struct rvti_rt_param *p = test->param_value;

	return rvti_rt_new(test, p->window, p->esn, p->origin);
}

/*
 * One copy per test, allocated once: tests refuse thousands of numbers
 * and test-managed memory is only freed at the end of the test.
 */
static int rvti_rt_setup(struct kunit *test)
{
	test->priv = kunit_kzalloc(test, sizeof(struct rvti_replay),
				   GFP_KERNEL);
	return test->priv ? 0 : -ENOMEM;
}

static struct rvti_replay *rvti_rt_snapshot(struct kunit *test,
					    const struct rvti_replay *r)
{
	return memcpy(test->priv, r, sizeof(*r));
}

static void rvti_rt_expect_unchanged(struct kunit *test,
				     const struct rvti_replay *r,
				     const struct rvti_replay *before, u64 seq)
{
	KUNIT_ASSERT_EQ_MSG(test, memcmp(r, before, sizeof(*r)), 0,
			    "window changed by %#llx", seq);
}

/* Checks the wire number @lo: expects @want and the full number @full. */
static void rvti_rt_check(struct kunit *test, const struct rvti_replay *r,
			  u32 lo, enum rvti_replay_verdict want, u64 full)
{
	u64 seq = ~0ULL;

	KUNIT_ASSERT_EQ_MSG(test, rvti_replay_check(r, lo, &seq), want,
			    "seq_lo %#x, top %#llx", lo, r->top);
	KUNIT_ASSERT_EQ_MSG(test, seq, full, "seq_lo %#x, top %#llx",
			    lo, r->top);
}

/*
 * The peer sent @seq, which is not to be accepted (@want is not OK): both
 * phases refuse it and the window does not change. With ESN, a number
 * left of the window reads as the one 2^32 ahead, which passes the check
 * and is refused by the ICV; the window then only sees it again in
 * rvti_replay_advance() if the ICV were to pass anyway.
 */
static void rvti_rt_refuse(struct kunit *test, struct rvti_replay *r,
			   u64 seq, enum rvti_replay_verdict want)
{
	struct rvti_replay *before = rvti_rt_snapshot(test, r);

	if (r->esn && want == RVTI_REPLAY_OLD)
		rvti_rt_check(test, r, lower_32_bits(seq), RVTI_REPLAY_OK,
			      seq + RVTI_RT_2_32);
	else
		rvti_rt_check(test, r, lower_32_bits(seq), want, seq);
	KUNIT_ASSERT_EQ_MSG(test, rvti_replay_advance(r, seq), want,
			    "seq %#llx, top %#llx", seq, r->top);
	rvti_rt_expect_unchanged(test, r, before, seq);
}

/*
 * The peer sent @seq and its ICV verifies: it is accepted, the top moves
 * up to it if below, and it is a replay from then on.
 */
static void rvti_rt_accept(struct kunit *test, struct rvti_replay *r, u64 seq)
{
	u64 top = max(r->top, seq);

	rvti_rt_check(test, r, lower_32_bits(seq), RVTI_REPLAY_OK, seq);
	KUNIT_ASSERT_EQ_MSG(test, rvti_replay_advance(r, seq), RVTI_REPLAY_OK,
			    "seq %#llx", seq);
	KUNIT_ASSERT_EQ_MSG(test, r->top, top, "seq %#llx", seq);
	rvti_rt_check(test, r, lower_32_bits(seq), RVTI_REPLAY_DUP, seq);
}

static void rvti_replay_test_init(struct kunit *test)
{
	static const struct {
		u32 window;
		int ret;
	} cases[] = {
		{ 0, -EINVAL },
		{ 1, -EINVAL },
		{ 31, -EINVAL },
		{ 32, 0 },
		{ 33, 0 },
		{ 64, 0 },
		{ 100, 0 },
		{ RVTI_REPLAY_DEFAULT_WINDOW, 0 },
		{ 4095, 0 },
		{ 4096, 0 },
		{ 4097, -EINVAL },
		{ 8192, -EINVAL },
		{ U32_MAX, -EINVAL },
	};
	struct rvti_replay *r, *before;
	unsigned int i;
	int esn;

	KUNIT_ASSERT_EQ(test, RVTI_REPLAY_MIN_WINDOW, 32);
	KUNIT_ASSERT_EQ(test, RVTI_REPLAY_DEFAULT_WINDOW, 1024);
	KUNIT_ASSERT_EQ(test, RVTI_REPLAY_MAX_WINDOW, 4096);
	r = kunit_kmalloc(test, sizeof(*r), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		u32 w = cases[i].window;

		for (esn = 0; esn <= 1; esn++) {
			memset(r, 0xa5, sizeof(*r));
			before = rvti_rt_snapshot(test, r);
			KUNIT_ASSERT_EQ_MSG(test, rvti_replay_init(r, w, esn),
					    cases[i].ret, "window %u", w);
			if (cases[i].ret) {
				/* A failed init leaves the window alone. */
				rvti_rt_expect_unchanged(test, r, before, 0);
				continue;
			}
			/* Used as is: no rounding to a word. */
			KUNIT_ASSERT_EQ(test, r->window, w);
			KUNIT_ASSERT_EQ(test, r->esn, (bool)esn);
			KUNIT_ASSERT_EQ(test, r->top, 0ULL);
			KUNIT_ASSERT_TRUE(test, bitmap_empty(r->bitmap,
							     RVTI_RT_RING));
			rvti_rt_check(test, r, 1, RVTI_REPLAY_OK, 1);
		}
	}
}

/* Both ends of the window, for every size: the left edge is inside. */
static void rvti_replay_test_edges(struct kunit *test)
{
	struct rvti_replay *r = rvti_rt_new_param(test);
	u64 w = r->window;
	u64 top = r->top + 2 * w + 10;
	u64 left = top - w + 1;

	rvti_rt_accept(test, r, top);
	rvti_rt_check(test, r, lower_32_bits(top + 1), RVTI_REPLAY_OK,
		      top + 1);
	rvti_rt_check(test, r, lower_32_bits(left + 1), RVTI_REPLAY_OK,
		      left + 1);
	rvti_rt_accept(test, r, left);
	rvti_rt_refuse(test, r, left, RVTI_REPLAY_DUP);
	rvti_rt_refuse(test, r, left - 1, RVTI_REPLAY_OLD);
	rvti_rt_refuse(test, r, left - 2, RVTI_REPLAY_OLD);
	rvti_rt_refuse(test, r, left - w, RVTI_REPLAY_OLD);
	KUNIT_ASSERT_EQ(test, r->top, top);
}

static void rvti_replay_test_in_order(struct kunit *test)
{
	struct rvti_replay *r = rvti_rt_new_param(test);
	u64 first = r->top + 1, seq;

	for (seq = first; seq < first + 3 * r->window; seq++) {
		rvti_rt_accept(test, r, seq);
		KUNIT_ASSERT_EQ(test, r->top, seq);
	}
	/* The whole window is taken; everything before it is old. */
	for (seq = r->top - r->window + 1; seq <= r->top; seq++)
		rvti_rt_check(test, r, lower_32_bits(seq), RVTI_REPLAY_DUP,
			      seq);
	rvti_rt_refuse(test, r, r->top - r->window, RVTI_REPLAY_OLD);
	rvti_rt_refuse(test, r, first, RVTI_REPLAY_OLD);
}

/*
 * The top first, then everything else in the window in a scrambled order:
 * each is accepted once without moving the top, and is a replay after.
 */
static void rvti_replay_test_reorder(struct kunit *test)
{
	struct rvti_replay *r = rvti_rt_new_param(test);
	u32 n = r->window - 1, i;
	u64 top = r->top + r->window;

	rvti_rt_accept(test, r, top);
	for (i = 0; i < n; i++) {
		/* 7919 is prime to every n <= 4095: a permutation. */
		u64 seq = top - 1 - i * 7919 % n;

		rvti_rt_check(test, r, lower_32_bits(seq), RVTI_REPLAY_OK, seq);
		KUNIT_ASSERT_EQ(test, rvti_replay_advance(r, seq),
				RVTI_REPLAY_OK);
		KUNIT_ASSERT_EQ(test, r->top, top);
	}
	for (i = 1; i <= n; i++)
		rvti_rt_refuse(test, r, top - i, RVTI_REPLAY_DUP);

	/* Out of order above the top: gaps stay open until filled. */
	rvti_rt_accept(test, r, top + 5);
	rvti_rt_accept(test, r, top + 2);
	rvti_rt_check(test, r, lower_32_bits(top + 1), RVTI_REPLAY_OK, top + 1);
	rvti_rt_check(test, r, lower_32_bits(top + 3), RVTI_REPLAY_OK, top + 3);
	rvti_rt_check(test, r, lower_32_bits(top + 4), RVTI_REPLAY_OK, top + 4);
	rvti_rt_accept(test, r, top + 4);
	rvti_rt_refuse(test, r, top + 2, RVTI_REPLAY_DUP);
	KUNIT_ASSERT_EQ(test, r->top, top + 5);
}

/* A replay is one immediately, and as long as the window covers it. */
static void rvti_replay_test_duplicate(struct kunit *test)
{
	struct rvti_replay *r = rvti_rt_new_param(test);
	u64 w = r->window;
	u64 seq = r->top + 7, i;

	rvti_rt_accept(test, r, seq);
	rvti_rt_refuse(test, r, seq, RVTI_REPLAY_DUP);
	rvti_rt_refuse(test, r, seq, RVTI_REPLAY_DUP);

	rvti_rt_accept(test, r, seq + w / 2);
	rvti_rt_refuse(test, r, seq, RVTI_REPLAY_DUP);
	/* Now at the left edge: still a replay, its neighbours still new. */
	rvti_rt_accept(test, r, seq + w - 1);
	rvti_rt_refuse(test, r, seq, RVTI_REPLAY_DUP);
	for (i = seq + 1; i < seq + w - 1; i++) {
		if (i != seq + w / 2)
			rvti_rt_check(test, r, lower_32_bits(i), RVTI_REPLAY_OK,
				      i);
	}
	rvti_rt_refuse(test, r, seq + w / 2, RVTI_REPLAY_DUP);
	/* One more step and it is out of the window. */
	rvti_rt_accept(test, r, seq + w);
	rvti_rt_refuse(test, r, seq, RVTI_REPLAY_OLD);
	rvti_rt_refuse(test, r, seq + w / 2, RVTI_REPLAY_DUP);
}

static void rvti_replay_test_zero(struct kunit *test)
{
	struct rvti_replay *r;
	u32 w = 64;

	/* 32-bit: the wire's 0, wherever the window is. */
	r = rvti_rt_new(test, w, false, 0);
	rvti_rt_refuse(test, r, 0, RVTI_REPLAY_ZERO);
	rvti_rt_accept(test, r, 5);
	rvti_rt_refuse(test, r, 0, RVTI_REPLAY_ZERO);
	/* 0 is also left of this window, but is refused as 0. */
	rvti_rt_accept(test, r, 0xfffffff0);
	rvti_rt_refuse(test, r, 0, RVTI_REPLAY_ZERO);

	/* ESN: the full number 0, before the first wrap. */
	r = rvti_rt_new(test, w, true, 0);
	rvti_rt_refuse(test, r, 0, RVTI_REPLAY_ZERO);
	rvti_rt_accept(test, r, 5);
	rvti_rt_refuse(test, r, 0, RVTI_REPLAY_ZERO);
	/* The window [1, 63] still reaches back to 0. */
	rvti_rt_accept(test, r, w - 1);
	rvti_rt_refuse(test, r, 0, RVTI_REPLAY_ZERO);
	/* Once it has moved past 0, a low half 0 is the next subspace's. */
	rvti_rt_accept(test, r, w);
	rvti_rt_check(test, r, 0, RVTI_REPLAY_OK, RVTI_RT_2_32);
	KUNIT_ASSERT_EQ(test, rvti_replay_advance(r, 0), RVTI_REPLAY_ZERO);

	/* After a wrap, a low half 0 is a number like any other. */
	r = rvti_rt_new(test, w, true, RVTI_RT_2_32 - 2);
	rvti_rt_accept(test, r, RVTI_RT_2_32 + 5);
	rvti_rt_accept(test, r, RVTI_RT_2_32);
	KUNIT_ASSERT_EQ(test, rvti_replay_advance(r, 0), RVTI_REPLAY_ZERO);
}

/*
 * The window full, then a jump of @jump: what it left behind is old or
 * still a replay, and every position it brought in reads as new, also
 * where the ring held older numbers at the same positions.
 */
static void rvti_rt_jump(struct kunit *test, u64 jump)
{
	struct rvti_replay *r = rvti_rt_new_param(test);
	u64 w = r->window;
	u64 base = r->top;
	u64 top = base + w + jump;
	u64 seq;

	for (seq = base + 1; seq <= base + w; seq++)
		rvti_rt_accept(test, r, seq);
	rvti_rt_accept(test, r, top);
	for (seq = base + 1; seq <= base + w; seq++)
		rvti_rt_refuse(test, r, seq, top - seq >= w ? RVTI_REPLAY_OLD :
				       RVTI_REPLAY_DUP);
	for (seq = max(base + w + 1, top - w + 1); seq < top; seq++)
		rvti_rt_check(test, r, lower_32_bits(seq), RVTI_REPLAY_OK, seq);
	if (top - w > base + w)
		rvti_rt_refuse(test, r, top - w, RVTI_REPLAY_OLD);
	/* And they are accepted, as the window moves on. */
	for (seq = max(base + w + 1, top - w + 1); seq < top; seq++)
		rvti_rt_accept(test, r, seq);
	KUNIT_ASSERT_EQ(test, r->top, top);
	rvti_rt_accept(test, r, top + 1);
}

static void rvti_replay_test_jump(struct kunit *test)
{
	const struct rvti_rt_param *p = test->param_value;
	const u64 jumps[] = {
		1, p->window / 2, p->window - 1, p->window, p->window + 1,
		RVTI_RT_RING - 1, RVTI_RT_RING, RVTI_RT_RING + 1,
		2 * RVTI_RT_RING - p->window / 2, 3 * RVTI_RT_RING + 7,
		BIT_ULL(31),
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(jumps); i++)
		rvti_rt_jump(test, jumps[i]);
}

/*
 * rvti_replay_check() alone, as when the ICV fails, leaves no trace; and
 * rvti_replay_advance() checks again for what happened in between.
 */
static void rvti_replay_test_check_only(struct kunit *test)
{
	struct rvti_replay *r = rvti_rt_new_param(test);
	struct rvti_replay *before;
	u64 w = r->window;
	u64 top = r->top + w + 20;
	u64 seq, full;
	u32 lo;

	rvti_rt_accept(test, r, top - 10);
	rvti_rt_accept(test, r, top);
	before = rvti_rt_snapshot(test, r);
	rvti_rt_check(test, r, lower_32_bits(top + 1), RVTI_REPLAY_OK, top + 1);
	rvti_rt_check(test, r, lower_32_bits(top + 3 * w), RVTI_REPLAY_OK,
		      top + 3 * w);
	rvti_rt_check(test, r, lower_32_bits(top - 5), RVTI_REPLAY_OK, top - 5);
	rvti_rt_check(test, r, lower_32_bits(top - 10), RVTI_REPLAY_DUP,
		      top - 10);
	rvti_rt_check(test, r, lower_32_bits(top), RVTI_REPLAY_DUP, top);
	if (!r->esn) {
		rvti_rt_check(test, r, lower_32_bits(top - w), RVTI_REPLAY_OLD,
			      top - w);
		rvti_rt_check(test, r, 0, RVTI_REPLAY_ZERO, 0);
	}
	rvti_rt_expect_unchanged(test, r, before, top);

	/* The ICV of all of those failed: they are still new later. */
	rvti_rt_accept(test, r, top - 5);
	rvti_rt_accept(test, r, top + 1);

	/* Two copies decrypted in parallel: the second is a replay. */
	lo = lower_32_bits(top + 2);
	KUNIT_ASSERT_EQ(test, rvti_replay_check(r, lo, &seq), RVTI_REPLAY_OK);
	KUNIT_ASSERT_EQ(test, rvti_replay_check(r, lo, &full), RVTI_REPLAY_OK);
	KUNIT_ASSERT_EQ(test, seq, top + 2);
	KUNIT_ASSERT_EQ(test, full, top + 2);
	KUNIT_ASSERT_EQ(test, rvti_replay_advance(r, seq), RVTI_REPLAY_OK);
	before = rvti_rt_snapshot(test, r);
	KUNIT_ASSERT_EQ(test, rvti_replay_advance(r, full), RVTI_REPLAY_DUP);
	rvti_rt_expect_unchanged(test, r, before, full);

	/* A late one, overtaken by a jump while it was decrypted. */
	KUNIT_ASSERT_EQ(test,
			rvti_replay_check(r, lower_32_bits(top - 7), &seq),
			RVTI_REPLAY_OK);
	KUNIT_ASSERT_EQ(test, seq, top - 7);
	rvti_rt_accept(test, r, top + w);
	before = rvti_rt_snapshot(test, r);
	KUNIT_ASSERT_EQ(test, rvti_replay_advance(r, seq), RVTI_REPLAY_OLD);
	rvti_rt_expect_unchanged(test, r, before, seq);
}

/* ESN, a top just below 2^32 and low halves that wrapped: high part + 1. */
static void rvti_replay_test_esn_wrap_forward(struct kunit *test)
{
	struct rvti_replay *r;
	u64 top = 0xfffffff6;

	r = rvti_rt_new(test, 64, true, top);
	rvti_rt_check(test, r, 5, RVTI_REPLAY_OK, RVTI_RT_2_32 + 5);
	rvti_rt_check(test, r, 0, RVTI_REPLAY_OK, RVTI_RT_2_32);
	rvti_rt_check(test, r, 0xffffffff, RVTI_REPLAY_OK, 0xffffffff);
	rvti_rt_check(test, r, 0xfffffff6, RVTI_REPLAY_DUP, 0xfffffff6);
	/* The left edge keeps the high part; one further left is ahead. */
	rvti_rt_check(test, r, top - 63, RVTI_REPLAY_OK, top - 63);
	rvti_rt_check(test, r, top - 64, RVTI_REPLAY_OK,
		      RVTI_RT_2_32 + top - 64);
	rvti_rt_accept(test, r, RVTI_RT_2_32 + 5);
	rvti_rt_refuse(test, r, top, RVTI_REPLAY_DUP);

	/* The top exactly at 2^32 - 1. */
	r = rvti_rt_new(test, 64, true, 0xffffffff);
	rvti_rt_check(test, r, 0, RVTI_REPLAY_OK, RVTI_RT_2_32);
	rvti_rt_accept(test, r, RVTI_RT_2_32);

	/* And from a later subspace. */
	r = rvti_rt_new(test, 1024, true, 0x7fffffff0ULL);
	rvti_rt_check(test, r, 3, RVTI_REPLAY_OK, 0x800000003ULL);
	rvti_rt_accept(test, r, 0x800000003ULL);
	rvti_rt_check(test, r, 0xfffffff0, RVTI_REPLAY_DUP, 0x7fffffff0ULL);
}

/*
 * ESN, a top just above 2^32 and a late packet from below it: high part
 * - 1, accepted if inside the window and not seen.
 */
static void rvti_replay_test_esn_wrap_back(struct kunit *test)
{
	struct rvti_replay *r;
	u64 top = RVTI_RT_2_32 + 5;

	r = rvti_rt_new(test, 64, true, 0xfffffff0);
	rvti_rt_accept(test, r, 0xfffffffa);
	rvti_rt_accept(test, r, top);
	rvti_rt_refuse(test, r, 0xfffffffa, RVTI_REPLAY_DUP);
	rvti_rt_refuse(test, r, 0xfffffff0, RVTI_REPLAY_DUP);
	rvti_rt_accept(test, r, 0xfffffff1);
	rvti_rt_accept(test, r, 0xffffffff);
	/* Below the top in its own subspace keeps the high part. */
	rvti_rt_accept(test, r, RVTI_RT_2_32 + 3);
	rvti_rt_accept(test, r, RVTI_RT_2_32);
	/* The left edge, 63 below the top, and one beyond it. */
	rvti_rt_accept(test, r, top - 63);
	rvti_rt_refuse(test, r, top - 64, RVTI_REPLAY_OLD);
	KUNIT_ASSERT_EQ(test, r->top, top);

	/* Low half 62 = window - 2: the window still straddles 2^32. */
	rvti_rt_accept(test, r, RVTI_RT_2_32 + 62);
	rvti_rt_check(test, r, 0xffffffff, RVTI_REPLAY_DUP, 0xffffffff);
	/* Low half 63 = window - 1: it starts at 2^32, exactly. */
	rvti_rt_accept(test, r, RVTI_RT_2_32 + 63);
	rvti_rt_check(test, r, 0xffffffff, RVTI_REPLAY_OK,
		      RVTI_RT_2_32 + 0xffffffff);
	rvti_rt_refuse(test, r, 0xffffffff, RVTI_REPLAY_OLD);
	rvti_rt_refuse(test, r, RVTI_RT_2_32, RVTI_REPLAY_DUP);
}

/*
 * ESN before the first wrap: the window straddles 0, and there is no
 * subspace below it for the high part to go back to.
 */
static void rvti_replay_test_esn_start(struct kunit *test)
{
	struct rvti_replay *r = rvti_rt_new(test, 64, true, 0);

	rvti_rt_check(test, r, 0xfffffff0, RVTI_REPLAY_OK, 0xfffffff0);
	rvti_rt_accept(test, r, 5);
	rvti_rt_check(test, r, 0xffffffff, RVTI_REPLAY_OK, 0xffffffff);
	rvti_rt_check(test, r, 3, RVTI_REPLAY_OK, 3);
	rvti_rt_check(test, r, 0, RVTI_REPLAY_ZERO, 0);
}

/* Without ESN the counter cannot wrap: the high part is always 0. */
static void rvti_replay_test_no_esn(struct kunit *test)
{
	struct rvti_replay *r = rvti_rt_new(test, 64, false, 0xfffffff0);
	struct rvti_replay *esn = rvti_rt_new(test, 64, true, 0xfffffff0);

	/* ESN reads 5 as 2^32 + 5, 32-bit as 5: left of the window. */
	rvti_rt_check(test, esn, 5, RVTI_REPLAY_OK, RVTI_RT_2_32 + 5);
	rvti_rt_check(test, r, 5, RVTI_REPLAY_OLD, 5);
	rvti_rt_check(test, r, 0xfffffff0 - 64, RVTI_REPLAY_OLD,
		      0xfffffff0 - 64);
	rvti_rt_check(test, r, 0xfffffff0 - 63, RVTI_REPLAY_OK,
		      0xfffffff0 - 63);
	rvti_rt_accept(test, r, 0xffffffff);
	/* The last number: from here on everything is old or a replay. */
	rvti_rt_refuse(test, r, 1, RVTI_REPLAY_OLD);
	rvti_rt_refuse(test, r, 0, RVTI_REPLAY_ZERO);
	rvti_rt_refuse(test, r, 0xffffffff, RVTI_REPLAY_DUP);
	rvti_rt_accept(test, r, 0xffffffff - 63);
	rvti_rt_refuse(test, r, 0xffffffff - 64, RVTI_REPLAY_OLD);
}

/* A small PRNG, so that a failure is reproducible. */
static u32 rvti_rt_rand(u32 *state)
{
	u32 x = *state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*state = x;
	return x;
}

/* The model covers RVTI_RT_SPAN numbers from its base. */
#define RVTI_RT_SPAN	BIT(21)
#define RVTI_RT_STEPS	10000

struct rvti_rt_model {
	unsigned long *seen;
	u64 base;
	u64 top;
	u32 window;
};

/* RFC 4303 section 3.4.3, on the full number, from the definition. */
static enum rvti_replay_verdict rvti_rt_model(const struct rvti_rt_model *m,
					      u64 seq)
{
	if (!seq)
		return RVTI_REPLAY_ZERO;
	if (seq > m->top)
		return RVTI_REPLAY_OK;
	if (m->top - seq >= m->window)
		return RVTI_REPLAY_OLD;
	if (seq >= m->base && test_bit(seq - m->base, m->seen))
		return RVTI_REPLAY_DUP;
	return RVTI_REPLAY_OK;
}

/*
 * What the peer sends next: mostly in order, then late ones across the
 * window and its left edge, replays, and now and then a jump.
 */
static u64 rvti_rt_next(const struct rvti_rt_model *m, u32 *rnd)
{
	u32 w = m->window, pick = rvti_rt_rand(rnd) % 100;
	u32 back;

	if (pick < 45)
		return m->top + 1 + rvti_rt_rand(rnd) % 8;
	if (pick == 99)
		return m->top + w - 2 +
		       rvti_rt_rand(rnd) % (2 * RVTI_RT_RING + 4);
	if (pick < 75)
		back = rvti_rt_rand(rnd) % (w + 16);
	else if (pick < 85)
		back = w - 1 + rvti_rt_rand(rnd) % 2;
	else
		back = rvti_rt_rand(rnd) % min(w, 16U);
	return back <= m->top ? m->top - back : 0;
}

/* The verdicts on @seq, from the peer, of the window and of the model. */
static void rvti_rt_model_check(struct kunit *test, const struct rvti_replay *r,
				const struct rvti_rt_model *m, u64 seq,
				unsigned int step)
{
	enum rvti_replay_verdict want = rvti_rt_model(m, seq);
	/* With ESN, what is left of the window (0 too) reads as ahead. */
	bool ahead = r->esn && seq + m->window <= m->top;
	u32 lo = lower_32_bits(seq);
	u64 full;

	KUNIT_ASSERT_EQ_MSG(test, rvti_replay_check(r, lo, &full),
			    ahead ? RVTI_REPLAY_OK : want,
			    "step %u seq %#llx top %#llx", step, seq, m->top);
	KUNIT_ASSERT_EQ_MSG(test, full, ahead ? seq + RVTI_RT_2_32 : seq,
			    "step %u seq %#llx top %#llx", step, seq, m->top);
}

/*
 * Random traffic against a model that keeps every accepted number; the
 * whole window is compared with the model now and then.
 */
static void rvti_replay_test_model(struct kunit *test)
{
	const struct rvti_rt_param *p = test->param_value;
	struct rvti_replay *r = rvti_rt_new_param(test);
	struct rvti_rt_model m = {
		/* Late packets reach up to a window and 16 below it. */
		.base = p->origin > 2 * RVTI_RT_RING ?
			p->origin - 2 * RVTI_RT_RING : 0,
		.top = p->origin,
		.window = p->window,
	};
	u32 rnd = 0x9e3779b9 ^ p->window ^ p->esn;
	enum rvti_replay_verdict want;
	unsigned int i;
	u64 seq;

	m.seen = kunit_kzalloc(test, BITS_TO_LONGS(RVTI_RT_SPAN) *
			       sizeof(unsigned long), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, m.seen);
	if (m.top)
		__set_bit(m.top - m.base, m.seen);

	for (i = 0; i < RVTI_RT_STEPS; i++) {
		if (m.top - m.base >= RVTI_RT_SPAN - 4 * RVTI_RT_RING)
			break;
		seq = rvti_rt_next(&m, &rnd);
		rvti_rt_model_check(test, r, &m, seq, i);
		/*
		 * One authentic packet in 8 is taken for corrupted: its ICV
		 * fails and the window must not move. A refused one is also
		 * given to rvti_replay_advance(), which must refuse it too.
		 */
		want = rvti_rt_model(&m, seq);
		if (want != RVTI_REPLAY_OK || rvti_rt_rand(&rnd) % 8) {
			KUNIT_ASSERT_EQ_MSG(test, rvti_replay_advance(r, seq),
					    want, "step %u seq %#llx top %#llx",
					    i, seq, m.top);
			if (want == RVTI_REPLAY_OK) {
				__set_bit(seq - m.base, m.seen);
				m.top = max(m.top, seq);
			}
		}
		KUNIT_ASSERT_EQ_MSG(test, r->top, m.top, "step %u", i);

		if (i % 512)
			continue;
		seq = m.top > m.window + 2 ? m.top - m.window - 2 : 0;
		for (; seq <= m.top + 2; seq++)
			rvti_rt_model_check(test, r, &m, seq, i);
	}
	/* The traffic went far enough to have seen everything. */
	KUNIT_ASSERT_GT(test, i, RVTI_RT_STEPS / 2);
	KUNIT_ASSERT_GT(test, m.top - p->origin, 4ULL * m.window);
}

static struct kunit_case rvti_replay_test_cases[] = {
	KUNIT_CASE(rvti_replay_test_init),
	KUNIT_CASE_PARAM(rvti_replay_test_edges, rvti_rt_gen_params),
	KUNIT_CASE_PARAM(rvti_replay_test_in_order, rvti_rt_gen_params),
	KUNIT_CASE_PARAM(rvti_replay_test_reorder, rvti_rt_gen_params),
	KUNIT_CASE_PARAM(rvti_replay_test_duplicate, rvti_rt_gen_params),
	KUNIT_CASE(rvti_replay_test_zero),
	KUNIT_CASE_PARAM(rvti_replay_test_jump, rvti_rt_gen_params),
	KUNIT_CASE_PARAM(rvti_replay_test_check_only, rvti_rt_gen_params),
	KUNIT_CASE(rvti_replay_test_esn_wrap_forward),
	KUNIT_CASE(rvti_replay_test_esn_wrap_back),
	KUNIT_CASE(rvti_replay_test_esn_start),
	KUNIT_CASE(rvti_replay_test_no_esn),
	KUNIT_CASE_PARAM(rvti_replay_test_model, rvti_rt_gen_params),
	{}
};

struct kunit_suite rvti_replay_test_suite = {
	.name = "rvti_replay",
	.init = rvti_rt_setup,
	.test_cases = rvti_replay_test_cases,
};
