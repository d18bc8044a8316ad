// SPDX-License-Identifier: GPL-2.0
/*
 * SA lifetimes: soft and hard limits in bytes, packets, seconds since the
 * SA was added and seconds since its first use, as a key manager sets them
 * (RFC 4301 section 4.4.2.1), and the sequence-number marks.
 *
 * The packet path only counts and raises state bits; everything that
 * needs process context (the events, deleting a hard-expired SA, watching
 * the clock) runs in the SA's expire work, which holds a reference on the
 * SA while it is queued and does nothing once the SA has left its device.
 */

#include <kunit/visibility.h>
#include <linux/jiffies.h>
#include <linux/rtnetlink.h>
#include <linux/timekeeping.h>
#include <net/netlink.h>
#include <linux/rvti.h>

#include "device.h"
#include "event.h"
#include "failover.h"
#include "sa.h"

const struct nla_policy rvti_lifetime_policy[RVTI_LIFETIME_A_MAX + 1] = {
	[RVTI_LIFETIME_A_SOFT_BYTES] = { .type = NLA_U64 },
	[RVTI_LIFETIME_A_HARD_BYTES] = { .type = NLA_U64 },
	[RVTI_LIFETIME_A_SOFT_PACKETS] = { .type = NLA_U64 },
	[RVTI_LIFETIME_A_HARD_PACKETS] = { .type = NLA_U64 },
	[RVTI_LIFETIME_A_SOFT_ADD_SECONDS] = { .type = NLA_U64 },
	[RVTI_LIFETIME_A_HARD_ADD_SECONDS] = { .type = NLA_U64 },
	[RVTI_LIFETIME_A_SOFT_USE_SECONDS] = { .type = NLA_U64 },
	[RVTI_LIFETIME_A_HARD_USE_SECONDS] = { .type = NLA_U64 },
};

static u64 rvti_lft_get(struct nlattr **tb, int type)
{
	return tb[type] ? nla_get_u64(tb[type]) : 0;
}

/* More than this many seconds would overflow jiffies arithmetic. */
#define RVTI_LFT_MAX_SECONDS	(MAX_JIFFY_OFFSET / HZ)

int rvti_sa_lifetime_parse(struct rvti_sa *sa, const struct nlattr *nest,
			   struct netlink_ext_ack *extack)
{
	struct nlattr *tb[RVTI_LIFETIME_A_MAX + 1];
	struct rvti_sa_lifetime *l = &sa->lft;
	int ret;

	if (!nest)
		return 0;
	ret = nla_parse_nested(tb, RVTI_LIFETIME_A_MAX, nest,
			       rvti_lifetime_policy, extack);
	if (ret)
		return ret;
	l->soft_bytes = rvti_lft_get(tb, RVTI_LIFETIME_A_SOFT_BYTES);
	l->hard_bytes = rvti_lft_get(tb, RVTI_LIFETIME_A_HARD_BYTES);
	l->soft_packets = rvti_lft_get(tb, RVTI_LIFETIME_A_SOFT_PACKETS);
	l->hard_packets = rvti_lft_get(tb, RVTI_LIFETIME_A_HARD_PACKETS);
	l->soft_add = rvti_lft_get(tb, RVTI_LIFETIME_A_SOFT_ADD_SECONDS);
	l->hard_add = rvti_lft_get(tb, RVTI_LIFETIME_A_HARD_ADD_SECONDS);
	l->soft_use = rvti_lft_get(tb, RVTI_LIFETIME_A_SOFT_USE_SECONDS);
	l->hard_use = rvti_lft_get(tb, RVTI_LIFETIME_A_HARD_USE_SECONDS);

	if ((l->hard_bytes && l->soft_bytes > l->hard_bytes) ||
	    (l->hard_packets && l->soft_packets > l->hard_packets) ||
	    (l->hard_add && l->soft_add > l->hard_add) ||
	    (l->hard_use && l->soft_use > l->hard_use)) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "a soft limit exceeds its hard limit");
		return -EINVAL;
	}
	if (l->soft_add > RVTI_LFT_MAX_SECONDS ||
	    l->hard_add > RVTI_LFT_MAX_SECONDS ||
	    l->soft_use > RVTI_LFT_MAX_SECONDS ||
	    l->hard_use > RVTI_LFT_MAX_SECONDS) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "a time limit is too long for this kernel");
		return -ERANGE;
	}
	sa->counted = l->soft_bytes || l->hard_bytes || l->soft_packets ||
		      l->hard_packets;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(rvti_sa_lifetime_parse);

/* Queues the expire work after @delay jiffies; the work owns a reference. */
static void rvti_sa_kick(struct rvti_sa *sa, unsigned long delay)
{
	rvti_sa_hold(sa);
	/* Already pending: that instance has its reference. */
	if (rvti_sa_queue_expire(sa, delay))
		rvti_sa_put(sa);
}

static unsigned long rvti_lft_next(unsigned long next, u64 soft, u64 hard)
{
	if (soft)
		next = min_t(unsigned long, next, soft * HZ);
	if (hard)
		next = min_t(unsigned long, next, hard * HZ);
	return next;
}

/* When the SA joins its device: the clock of the add-time limits starts. */
void rvti_sa_lifetime_start(struct rvti_sa *sa)
{
	sa->add_time = ktime_get_real_seconds();
	sa->add_jiffies = jiffies;
	if (sa->lft.soft_add || sa->lft.hard_add)
		rvti_sa_kick(sa, rvti_lft_next(MAX_JIFFY_OFFSET, sa->lft.soft_add,
					       sa->lft.hard_add));
}

/* When the SA leaves its device (under RTNL): nothing more to do. */
void rvti_sa_lifetime_stop(struct rvti_sa *sa)
{
	ASSERT_RTNL();
	set_bit(RVTI_SA_S_UNLINKED, &sa->state);
	if (cancel_delayed_work(&sa->expire_work))
		rvti_sa_put(sa);
}

/* @now: CLOCK_REALTIME seconds; the use-time limits count in jiffies. */
void rvti_sa_first_use(struct rvti_sa *sa, unsigned long now)
{
	if (cmpxchg(&sa->first_use, 0, jiffies | 1))
		return;
	WRITE_ONCE(sa->first_use_time, now);
	if (sa->lft.soft_use || sa->lft.hard_use)
		rvti_sa_kick(sa, rvti_lft_next(MAX_JIFFY_OFFSET, sa->lft.soft_use,
					       sa->lft.hard_use));
}

static void rvti_sa_limit_reached(struct rvti_sa *sa, int bit, u8 limit)
{
	if (test_and_set_bit(bit, &sa->state))
		return;
	if (bit == RVTI_SA_S_HARD)
		WRITE_ONCE(sa->hard_limit, limit);
	else
		WRITE_ONCE(sa->soft_limit, limit);
	rvti_sa_kick(sa, 0);
}

/*
 * Byte and packet limits, per packet. The packet that reaches a hard limit
 * still goes; the ones after it find the SA unusable.
 */
void rvti_sa_account(struct rvti_sa *sa, unsigned int len)
{
	const struct rvti_sa_lifetime *l = &sa->lft;
	u64 bytes = atomic64_add_return(len, &sa->lft_bytes);
	u64 packets = atomic64_inc_return(&sa->lft_packets);

	if (l->hard_bytes && bytes >= l->hard_bytes)
		rvti_sa_limit_reached(sa, RVTI_SA_S_HARD, RVTI_LIMIT_BYTES);
	else if (l->hard_packets && packets >= l->hard_packets)
		rvti_sa_limit_reached(sa, RVTI_SA_S_HARD, RVTI_LIMIT_PACKETS);
	else if (l->soft_bytes && bytes >= l->soft_bytes)
		rvti_sa_limit_reached(sa, RVTI_SA_S_SOFT, RVTI_LIMIT_BYTES);
	else if (l->soft_packets && packets >= l->soft_packets)
		rvti_sa_limit_reached(sa, RVTI_SA_S_SOFT, RVTI_LIMIT_PACKETS);
}
EXPORT_SYMBOL_IF_KUNIT(rvti_sa_account);

/* An outbound 32-bit SA passed 0xf0000000, or ran out (@hard). */
void rvti_sa_seq_limit(struct rvti_sa *sa, bool hard)
{
	if (!test_and_set_bit(hard ? RVTI_SA_S_SEQ_HARD : RVTI_SA_S_SEQ_SOFT,
			      &sa->state))
		rvti_sa_kick(sa, 0);
}
EXPORT_SYMBOL_IF_KUNIT(rvti_sa_seq_limit);

/*
 * The time limits at @now: raises the bits of those reached and returns
 * the jiffies until the next one, or MAX_JIFFY_OFFSET.
 */
static unsigned long rvti_sa_check_time(struct rvti_sa *sa, unsigned long now)
{
	const struct rvti_sa_lifetime *l = &sa->lft;
	unsigned long first = READ_ONCE(sa->first_use);
	unsigned long next = MAX_JIFFY_OFFSET;
	struct {
		u64 limit;
		unsigned long since;
		int bit;
		u8 what;
	} t[] = {
		{ l->hard_add, sa->add_jiffies, RVTI_SA_S_HARD, RVTI_LIMIT_ADD_SECONDS },
		{ first ? l->hard_use : 0, first, RVTI_SA_S_HARD, RVTI_LIMIT_USE_SECONDS },
		{ l->soft_add, sa->add_jiffies, RVTI_SA_S_SOFT, RVTI_LIMIT_ADD_SECONDS },
		{ first ? l->soft_use : 0, first, RVTI_SA_S_SOFT, RVTI_LIMIT_USE_SECONDS },
	};
	int i;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		unsigned long due;

		if (!t[i].limit || test_bit(t[i].bit, &sa->state))
			continue;
		due = t[i].since + t[i].limit * HZ;
		if (time_after_eq(now, due)) {
			rvti_sa_limit_reached(sa, t[i].bit, t[i].what);
			continue;
		}
		next = min(next, due - now);
	}
	return next;
}

void rvti_sa_expire_work(struct work_struct *work)
{
	struct rvti_sa *sa = container_of(to_delayed_work(work), struct rvti_sa,
					  expire_work);
	struct rvti_device *rvti = sa->rvti;
	unsigned long next;

	rtnl_lock();
	if (test_bit(RVTI_SA_S_UNLINKED, &sa->state))
		goto out;
	mutex_lock(&rvti->conf_lock);
	next = rvti_sa_check_time(sa, jiffies);
	if (test_bit(RVTI_SA_S_SOFT, &sa->state) &&
	    !test_and_set_bit(RVTI_SA_S_SOFT_SENT, &sa->state))
		rvti_event_sa(sa, RVTI_EVENT_SA_SOFT_EXPIRE,
			      READ_ONCE(sa->soft_limit));
	if (test_bit(RVTI_SA_S_SEQ_SOFT, &sa->state) &&
	    !test_and_set_bit(RVTI_SA_S_SEQ_SOFT_SENT, &sa->state))
		rvti_event_sa(sa, RVTI_EVENT_SA_SOFT_EXPIRE, RVTI_LIMIT_SEQ);
	/* Out of sequence numbers, the SA stops but stays: see rvti.h. */
	if (test_bit(RVTI_SA_S_SEQ_HARD, &sa->state) &&
	    !test_and_set_bit(RVTI_SA_S_SEQ_HARD_SENT, &sa->state))
		rvti_event_sa(sa, RVTI_EVENT_SA_HARD_EXPIRE, RVTI_LIMIT_SEQ);
	if (test_bit(RVTI_SA_S_HARD, &sa->state)) {
		if (!test_and_set_bit(RVTI_SA_S_HARD_SENT, &sa->state))
			rvti_event_sa(sa, RVTI_EVENT_SA_HARD_EXPIRE,
				      READ_ONCE(sa->hard_limit));
		rvti_sa_remove(sa);
	} else if (next != MAX_JIFFY_OFFSET) {
		rvti_sa_kick(sa, next);
	}
	mutex_unlock(&rvti->conf_lock);
	rvti_state_update(rvti);
out:
	rtnl_unlock();
	rvti_sa_put(sa);
}
EXPORT_SYMBOL_IF_KUNIT(rvti_sa_expire_work);

int rvti_sa_lifetime_nla_put(struct sk_buff *skb, const struct rvti_sa *sa)
{
	const struct rvti_sa_lifetime *l = &sa->lft;
	const struct {
		int type;
		u64 value;
	} v[] = {
		{ RVTI_LIFETIME_A_SOFT_BYTES, l->soft_bytes },
		{ RVTI_LIFETIME_A_HARD_BYTES, l->hard_bytes },
		{ RVTI_LIFETIME_A_SOFT_PACKETS, l->soft_packets },
		{ RVTI_LIFETIME_A_HARD_PACKETS, l->hard_packets },
		{ RVTI_LIFETIME_A_SOFT_ADD_SECONDS, l->soft_add },
		{ RVTI_LIFETIME_A_HARD_ADD_SECONDS, l->hard_add },
		{ RVTI_LIFETIME_A_SOFT_USE_SECONDS, l->soft_use },
		{ RVTI_LIFETIME_A_HARD_USE_SECONDS, l->hard_use },
	};
	struct nlattr *nest;
	u8 state = RVTI_SA_STATE_OK;
	int i;

	if (test_bit(RVTI_SA_S_HARD, &sa->state))
		state = RVTI_SA_STATE_HARD_EXPIRED;
	else if (test_bit(RVTI_SA_S_SOFT, &sa->state) ||
		 test_bit(RVTI_SA_S_SEQ_SOFT, &sa->state))
		state = RVTI_SA_STATE_SOFT_EXPIRED;
	if (nla_put_u8(skb, RVTI_SA_A_STATE, state) ||
	    nla_put_u64_64bit(skb, RVTI_SA_A_ADD_TIME, sa->add_time,
			      RVTI_SA_A_PAD) ||
	    nla_put_u64_64bit(skb, RVTI_SA_A_FIRST_USE,
			      READ_ONCE(sa->first_use_time),
			      RVTI_SA_A_PAD) ||
	    nla_put_u64_64bit(skb, RVTI_SA_A_LAST_USE,
			      READ_ONCE(sa->last_use_time),
			      RVTI_SA_A_PAD))
		return -EMSGSIZE;

	nest = nla_nest_start(skb, RVTI_SA_A_LIFETIME);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < ARRAY_SIZE(v); i++) {
		if (v[i].value &&
		    nla_put_u64_64bit(skb, v[i].type, v[i].value,
				      RVTI_LIFETIME_A_PAD)) {
			nla_nest_cancel(skb, nest);
			return -EMSGSIZE;
		}
	}
	nla_nest_end(skb, nest);
	return 0;
}
