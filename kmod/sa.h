/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _RVTI_SA_H
#define _RVTI_SA_H

#include <crypto/aead.h>
#include <linux/atomic.h>
#include <linux/rhashtable-types.h>
#include <linux/spinlock.h>
#include <linux/timekeeping.h>
#include <linux/u64_stats_sync.h>
#include <linux/workqueue.h>
#include <linux/rvti.h>

#include "addr.h"
#include "alg.h"
#include "esp.h"
#include "parallel.h"
#include "replay.h"

struct rvti_device;
struct genl_info;

/* Limits, 0: none; seconds for the time limits. */
struct rvti_sa_lifetime {
	u64 soft_bytes, hard_bytes;
	u64 soft_packets, hard_packets;
	u64 soft_add, hard_add;
	u64 soft_use, hard_use;
};

struct rvti_sa_pcpu_stats {
	u64_stats_t packets;
	u64_stats_t bytes;
	struct u64_stats_sync syncp;
};

/* ESP in UDP's ports; @word 0: bare ESP. */
union rvti_sa_ports {
	struct {
		__be16 sport;
		__be16 dport;
	};
	u32 word;
};

/*
 * A security association. Every SA is in the table of the namespace where
 * its ESP arrives and leaves (the device's namespace of creation), keyed by
 * direction and SPI; several tunnels may use one SPI, and a lookup tells
 * them apart by the outer addresses (RFC 4301 section 4.1). The active
 * outbound SA is also the device's tx_sa. Readers hold RCU, or a reference
 * across asynchronous crypto. The key lives only inside the crypto
 * transform, which the crypto API zeroes when it is freed.
 */
struct rvti_sa {
	struct rhlist_head node;	/* rvti_sa_net.sas, by key */
	struct list_head list;		/* rvti_device.sas, under conf_lock */
	struct rvti_device *rvti;
	u64 key;			/* rvti_sa_key(dir, spi) */
	__be32 spi;
	u8 dir;				/* enum rvti_sa_dir */
	u32 flags;			/* RVTI_SA_F_* */
	u8 icv_len;			/* bytes */
	u8 iv_len;
	u8 block_len;			/* padding alignment, at least 4 */
	const struct rvti_alg *aead_alg, *enc_alg, *auth_alg;
	struct crypto_aead *aead;
	/* Parallel crypto (parallel.c), or NULL: on the caller's CPU. */
	struct rvti_parallel *parallel;
	/*
	 * ESP in UDP (RFC 3948): the ports as the packets go, or both 0;
	 * one word, so that SET_SA changes both at once for the data path.
	 */
	union rvti_sa_ports encap;
	/* A NAT's new mapping announced: the port and when (jiffies | 1). */
	__be16 mapping_port;
	unsigned long mapping_time;

	atomic64_t tx_seq;		/* outbound: last sequence number used */
	spinlock_t replay_lock;		/* inbound: protects replay */
	struct rvti_replay replay;

	struct rvti_sa_pcpu_stats __percpu *stats;
	atomic64_t replayed;
	atomic64_t outside_window;
	atomic64_t icv_fail;
	atomic64_t malformed;
	atomic64_t seq_exhausted;
	atomic64_t overload;		/* parallel requests at their bound */
	atomic64_t encap_mismatch;	/* ESP in UDP or not, not as the SA */

	/* Lifetime (lifetime.c). Limits are set once, before the SA is seen. */
	struct rvti_sa_lifetime lft;
	bool counted;			/* byte or packet limits: keep lft_* */
	atomic64_t lft_bytes;
	atomic64_t lft_packets;
	time64_t add_time;		/* CLOCK_REALTIME seconds */
	unsigned long add_jiffies;
	unsigned long first_use;	/* jiffies | 1, 0: never used */
	/*
	 * CLOCK_REALTIME seconds, 0: never; unsigned long so that a reader
	 * without a lock never sees half of one (32-bit), good until 2106.
	 */
	unsigned long first_use_time;
	unsigned long last_use_time;
	unsigned long state;		/* RVTI_SA_S_* bits */
	u8 soft_limit, hard_limit;	/* enum rvti_limit, for the events */
	/* Time limits and expiry: holds a reference while queued. */
	struct delayed_work expire_work;

	refcount_t refcnt;
	struct rcu_work free_work;
};

/* Bits of rvti_sa.state. */
enum {
	RVTI_SA_S_SOFT,		/* a soft limit was reached */
	RVTI_SA_S_HARD,		/* a hard limit: no longer used */
	RVTI_SA_S_SEQ_SOFT,	/* 15/16 of a 32-bit sequence space used */
	RVTI_SA_S_SEQ_HARD,	/* the sequence space is used up */
	RVTI_SA_S_SOFT_SENT,	/* the events went out */
	RVTI_SA_S_HARD_SENT,
	RVTI_SA_S_SEQ_SOFT_SENT,
	RVTI_SA_S_SEQ_HARD_SENT,
	RVTI_SA_S_UNLINKED,	/* no longer in its device (under RTNL) */
};

/* Without ESN, the soft warning comes at 15/16 of the sequence space. */
#define RVTI_SA_SEQ_SOFT	0xf0000000ULL

int rvti_sa_net_init(void);
void rvti_sa_net_uninit(void);

/* More would only let one tunnel hold memory for nothing. */
#define RVTI_SA_MAX_PER_DEVICE	256

struct rvti_sa *rvti_sa_create(struct nlattr **tb,
			       struct netlink_ext_ack *extack);
void rvti_sa_destroy(struct rvti_sa *sa);
int rvti_sa_insert(struct rvti_device *rvti, struct rvti_sa *sa,
		   const struct nlattr *spi_attr,
		   struct netlink_ext_ack *extack);
int rvti_sa_set(struct rvti_device *rvti, struct nlattr **tb,
		struct netlink_ext_ack *extack);
int rvti_sa_del(struct rvti_device *rvti, struct nlattr **tb,
		struct netlink_ext_ack *extack);
void rvti_sa_flush(struct rvti_device *rvti, bool notify);
void rvti_sa_remove(struct rvti_sa *sa);
bool rvti_sa_queue_expire(struct rvti_sa *sa, unsigned long delay);
struct rvti_sa *rvti_sa_get(struct rvti_device *rvti, u8 dir, __be32 spi);
int rvti_sa_alloc_spi(struct rvti_device *rvti, u32 min, u32 max, u32 *spi,
		      struct netlink_ext_ack *extack);
int rvti_sa_check_endpoints(struct rvti_device *rvti,
			    const struct rvti_addr *local,
			    const struct rvti_addr *remote,
			    struct netlink_ext_ack *extack);
int rvti_sa_nla_put_all(struct sk_buff *skb, struct rvti_device *rvti);
/* One RVTI_A_SA nest; caller holds RCU. */
int rvti_sa_nla_put(struct sk_buff *skb, struct rvti_sa *sa);

/*
 * The SA of @dir and @spi whose tunnel's outer addresses are @local and
 * @remote as seen on the wire: for inbound ESP its destination and source,
 * for an outbound packet quoted in an ICMP error its source and
 * destination. NULL when no tunnel matches. Caller holds RCU.
 */
struct rvti_sa *rvti_sa_lookup(struct net *net, u8 dir, __be32 spi,
			       const struct rvti_addr *local,
			       const struct rvti_addr *remote,
			       struct rvti_sa **spi_owner);

static inline void rvti_sa_hold(struct rvti_sa *sa)
{
	refcount_inc(&sa->refcnt);
}

void rvti_sa_put(struct rvti_sa *sa);

/*
 * The next outbound sequence number, or 0 once the SA's space is used up:
 * a 32-bit SA never wraps, which would also repeat a GCM nonce under its
 * key. The SA then drops and counts every packet until it is replaced.
 */
static inline u64 rvti_sa_next_seq(struct rvti_sa *sa)
{
	u64 seq = atomic64_inc_return(&sa->tx_seq);

	if (unlikely(!(sa->flags & RVTI_SA_F_ESN) && seq > U32_MAX)) {
		atomic64_inc(&sa->seq_exhausted);
		return 0;
	}
	return seq;
}

/* lifetime.c */
extern const struct nla_policy rvti_lifetime_policy[RVTI_LIFETIME_A_MAX + 1];
int rvti_sa_lifetime_parse(struct rvti_sa *sa, const struct nlattr *nest,
			   struct netlink_ext_ack *extack);
void rvti_sa_lifetime_start(struct rvti_sa *sa);
void rvti_sa_lifetime_stop(struct rvti_sa *sa);
int rvti_sa_lifetime_nla_put(struct sk_buff *skb, const struct rvti_sa *sa);
void rvti_sa_first_use(struct rvti_sa *sa, unsigned long now);
void rvti_sa_account(struct rvti_sa *sa, unsigned int len);
void rvti_sa_seq_limit(struct rvti_sa *sa, bool hard);
void rvti_sa_expire_work(struct work_struct *work);
/* Now, as stored in the *_time fields. */
static inline unsigned long rvti_now_seconds(void)
{
	return (unsigned long)ktime_get_real_seconds();
}

/* Whether the SA's ESP travels in UDP (NAT traversal, RFC 3948). */
static inline bool rvti_sa_encap(const struct rvti_sa *sa)
{
	return READ_ONCE(sa->encap.word);
}

/* Both ports of one moment (SET_SA may change them). */
static inline union rvti_sa_ports rvti_sa_ports(const struct rvti_sa *sa)
{
	union rvti_sa_ports p = { .word = READ_ONCE(sa->encap.word) };

	return p;
}

/* Expired SAs are not used in either direction. */
static inline bool rvti_sa_usable(const struct rvti_sa *sa)
{
	return !test_bit(RVTI_SA_S_HARD, &sa->state);
}

/* An outbound SA that can still number a packet. */
static inline bool rvti_sa_can_send(const struct rvti_sa *sa)
{
	return rvti_sa_usable(sa) && !test_bit(RVTI_SA_S_SEQ_HARD, &sa->state);
}

static inline void rvti_sa_count(struct rvti_sa *sa, unsigned int len)
{
	struct rvti_sa_pcpu_stats *s = get_cpu_ptr(sa->stats);

	u64_stats_update_begin(&s->syncp);
	u64_stats_inc(&s->packets);
	u64_stats_add(&s->bytes, len);
	u64_stats_update_end(&s->syncp);
	put_cpu_ptr(sa->stats);
}

/* A packet went through @sa: counters, use times, lifetime limits. */
static inline void rvti_sa_use(struct rvti_sa *sa, unsigned int len)
{
	unsigned long now = rvti_now_seconds();

	rvti_sa_count(sa, len);
	if (READ_ONCE(sa->last_use_time) != now)
		WRITE_ONCE(sa->last_use_time, now);
	if (unlikely(!READ_ONCE(sa->first_use)))
		rvti_sa_first_use(sa, now);
	if (unlikely(sa->counted))
		rvti_sa_account(sa, len);
}

/*
 * Whether a packet's crypto may complete after rvti_esp_encrypt() or
 * _decrypt() returned (an asynchronous transform, or parallel): only then
 * does the packet hold references to the SA and the device (esp.h).
 */
static inline bool rvti_sa_async(const struct rvti_sa *sa)
{
	return sa->parallel || rvti_esp_async(sa->aead);
}

#endif /* _RVTI_SA_H */
