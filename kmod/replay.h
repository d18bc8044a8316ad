/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Receive-side ESP anti-replay window (RFC 4303 section 3.4.3 and
 * appendix A), with the same semantics as the kernel's XFRM so that rvti
 * and an XFRM peer agree on what is a replay: the window covers the
 * @window numbers that end with the highest one accepted, both ends
 * included, and the high half of an extended sequence number is inferred
 * as in appendix A2.2 (xfrm_replay_seqhi(), but see replay.c for the
 * numbers before the first wrap).
 *
 * The window may only move once a packet is known to be authentic, so
 * the receive path works in two phases:
 *
 *	v = rvti_replay_check(&sa->replay, ntohl(esph->seq_no), &seq);
 *	if (v != RVTI_REPLAY_OK)
 *		drop;
 *	decrypt and verify the ICV, with upper_32_bits(seq) in the AAD
 *	for ESN;
 *	if (ICV bad ||
 *	    rvti_replay_advance(&sa->replay, seq) != RVTI_REPLAY_OK)
 *		drop;
 *
 * Locking is the caller's: rvti_replay_advance() must be called under the
 * SA's lock, which need not be held across the decryption before it;
 * rvti_replay_check() needs none (it only filters). That is why
 * rvti_replay_advance() checks again: another CPU may have accepted the
 * same number, or moved the window past it, in the meantime.
 */
#ifndef _RVTI_REPLAY_H
#define _RVTI_REPLAY_H

#include <linux/bitops.h>
#include <linux/types.h>

/*
 * RFC 4303 asks for a window of at least 32 packets and recommends 64;
 * rvti defaults to a larger one because multi-queue senders and receivers
 * reorder much more than that at high rates, and 4096 bits is where the
 * in-struct bitmap stops being cheap.
 */
#define RVTI_REPLAY_MIN_WINDOW		32
#define RVTI_REPLAY_DEFAULT_WINDOW	1024
#define RVTI_REPLAY_MAX_WINDOW		4096

enum rvti_replay_verdict {
	RVTI_REPLAY_OK,
	/* Sequence number 0: never sent, the counter starts at 1. */
	RVTI_REPLAY_ZERO,
	/* Left of the window: "outside window" (XFRM's replay_window). */
	RVTI_REPLAY_OLD,
	/* Inside the window and already accepted: "replayed". */
	RVTI_REPLAY_DUP,
};

/*
 * @top: highest sequence number accepted (all 64 bits with ESN), 0 when
 *	none was yet.
 * @window: size of the window in packets, exactly as configured.
 * @esn: extended sequence numbers: only the low 32 bits are on the wire.
 * @bitmap: a ring indexed by the sequence number modulo
 *	RVTI_REPLAY_MAX_WINDOW, whatever @window is: only the positions of
 *	the numbers inside the window are meaningful, so @window need not
 *	be rounded to a word, and a small step of the window clears only the
 *	words of the numbers that enter it.
 */
struct rvti_replay {
	u64 top;
	u32 window;
	bool esn;
	unsigned long bitmap[BITS_TO_LONGS(RVTI_REPLAY_MAX_WINDOW)];
};

int rvti_replay_init(struct rvti_replay *r, u32 window, bool esn);
enum rvti_replay_verdict rvti_replay_check(const struct rvti_replay *r,
					   u32 seq_lo, u64 *seq);
enum rvti_replay_verdict rvti_replay_advance(struct rvti_replay *r, u64 seq);

#endif /* _RVTI_REPLAY_H */
