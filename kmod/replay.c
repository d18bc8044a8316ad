// SPDX-License-Identifier: GPL-2.0
/*
 * ESP anti-replay window. It sees the sequence number of every received
 * packet before anything else is trusted, so it is kept free of side
 * effects until the ICV has been verified, and covered by the KUnit suite
 * in tests/replay_test.c.
 */

#include <kunit/visibility.h>
#include <asm/barrier.h>
#include <linux/bitmap.h>
#include <linux/compiler.h>
#include <linux/build_bug.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/minmax.h>
#include <linux/string.h>

#include "replay.h"

/* The ring is indexed by masking, and cleared by whole words. */
#define RVTI_REPLAY_RING_MASK	(RVTI_REPLAY_MAX_WINDOW - 1)
static_assert((RVTI_REPLAY_MAX_WINDOW & RVTI_REPLAY_RING_MASK) == 0);
static_assert(RVTI_REPLAY_MAX_WINDOW % BITS_PER_LONG == 0);

/*
 * Any size from RVTI_REPLAY_MIN_WINDOW to RVTI_REPLAY_MAX_WINDOW is used
 * as is, without rounding, so that the window is the one the peer's
 * configuration expects. @r is left untouched on error.
 */
int rvti_replay_init(struct rvti_replay *r, u32 window, bool esn)
{
	if (window < RVTI_REPLAY_MIN_WINDOW || window > RVTI_REPLAY_MAX_WINDOW)
		return -EINVAL;
	memset(r, 0, sizeof(*r));
	r->window = window;
	r->esn = esn;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(rvti_replay_init);

/*
 * RFC 4303 appendix A2.2: of the 2^32 numbers that end in @seq_lo, take
 * the one in [top - window + 1, top - window + 2^32], i.e. inside the
 * window or ahead of it. A number left of the window is thus taken for
 * one 2^32 ahead, whose ICV will not verify: with ESN, "too old" is found
 * by the ICV, as in XFRM.
 */
static u64 rvti_replay_seq_esn(const struct rvti_replay *r, u64 top,
			       u32 seq_lo)
{
	u32 tl = lower_32_bits(top);
	u32 th = upper_32_bits(top);
	u32 bl = tl - r->window + 1;	/* modulo 2^32 */

	if (tl >= r->window - 1) {
		/*
		 * The window lies within one 2^32 subspace. th cannot wrap
		 * before 2^64 packets, long after the SA must have been
		 * rekeyed (RFC 4303 section 3.3.3).
		 */
		if (seq_lo < bl)
			th++;
	} else {
		/*
		 * The window straddles a 2^32 boundary: its part at or above
		 * bl belongs to the previous subspace, except before the
		 * first wrap, where there is no previous subspace and those
		 * numbers can only be ahead.
		 */
		if (seq_lo >= bl && th)
			th--;
	}
	return (u64)th << 32 | seq_lo;
}

static enum rvti_replay_verdict rvti_replay_test(const struct rvti_replay *r,
						 u64 top, u64 seq)
{
	if (unlikely(!seq))
		return RVTI_REPLAY_ZERO;
	if (likely(seq > top))
		return RVTI_REPLAY_OK;
	if (top - seq >= r->window)
		return RVTI_REPLAY_OLD;
	/* Lockless in rvti_replay_check(): see there. */
	if (data_race(test_bit(seq & RVTI_REPLAY_RING_MASK, r->bitmap)))
		return RVTI_REPLAY_DUP;
	return RVTI_REPLAY_OK;
}

/*
 * Before the ICV is verified: the verdict on @seq_lo from the wire and,
 * whatever the verdict, in @seq the full sequence number it stands for
 * (for ESN, whose high half goes into the ICV). Changes nothing.
 *
 * Needs no lock: it only filters out, before the costly decryption, what
 * is certainly a replay or too old; rvti_replay_advance(), under the lock,
 * decides. One snapshot of @top (acquire: the bits cleared before it was
 * published are seen cleared) gives a consistent window edge and ESN high
 * half. A bit set concurrently for a number a window ahead can make a
 * packet that is too old for that newer window count as a replay rather
 * than as outside the window: dropped either way.
 */
enum rvti_replay_verdict rvti_replay_check(const struct rvti_replay *r,
					   u32 seq_lo, u64 *seq)
{
	/* Pairs with the release in rvti_replay_advance(). */
	u64 top = smp_load_acquire(&r->top);

	/* Without ESN the counter must not cycle: there is no high half. */
	*seq = r->esn ? rvti_replay_seq_esn(r, top, seq_lo) : seq_lo;
	return rvti_replay_test(r, top, *seq);
}
EXPORT_SYMBOL_IF_KUNIT(rvti_replay_check);

/*
 * After the ICV was verified: records @seq, the full number that
 * rvti_replay_check() returned, unless it has become a replay or fallen
 * out of the window since; the window changes only if RVTI_REPLAY_OK is
 * returned.
 */
enum rvti_replay_verdict rvti_replay_advance(struct rvti_replay *r, u64 seq)
{
	enum rvti_replay_verdict verdict = rvti_replay_test(r, r->top, seq);

	if (verdict != RVTI_REPLAY_OK)
		return verdict;
	if (seq > r->top) {
		/*
		 * Clear the positions of the numbers that enter the window:
		 * the ring still holds them from RVTI_REPLAY_MAX_WINDOW
		 * numbers earlier. A jump of a window or more renews the
		 * whole window; positions outside it are never read, and are
		 * cleared in turn when their numbers enter it.
		 */
		unsigned int len = min_t(u64, seq - r->top, r->window);
		unsigned int start = (seq - len + 1) & RVTI_REPLAY_RING_MASK;
		unsigned int head = min(len, RVTI_REPLAY_MAX_WINDOW - start);

		bitmap_clear(r->bitmap, start, head);
		if (len > head)
			bitmap_clear(r->bitmap, 0, len - head);
		/* Published after the clearing, for rvti_replay_check(). */
		smp_store_release(&r->top, seq);
	}
	/* Non-atomic: the caller's lock serialises every writer. */
	__set_bit(seq & RVTI_REPLAY_RING_MASK, r->bitmap);
	return RVTI_REPLAY_OK;
}
EXPORT_SYMBOL_IF_KUNIT(rvti_replay_advance);
