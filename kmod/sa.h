/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _RVTI_SA_H
#define _RVTI_SA_H

#include <crypto/aead.h>
#include <linux/atomic.h>
#include <linux/rhashtable-types.h>
#include <linux/spinlock.h>
#include <linux/u64_stats_sync.h>
#include <linux/workqueue.h>
#include <linux/rvti.h>

#include "addr.h"
#include "alg.h"
#include "replay.h"

struct rvti_device;
struct genl_info;

struct rvti_sa_pcpu_stats {
	u64_stats_t packets;
	u64_stats_t bytes;
	struct u64_stats_sync syncp;
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

	atomic64_t tx_seq;		/* outbound: last sequence number used */
	spinlock_t replay_lock;		/* inbound: protects replay */
	struct rvti_replay replay;

	struct rvti_sa_pcpu_stats __percpu *stats;
	atomic64_t replayed;
	atomic64_t outside_window;
	atomic64_t icv_fail;
	atomic64_t malformed;
	atomic64_t seq_exhausted;

	refcount_t refcnt;
	struct rcu_work free_work;
};

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
int rvti_sa_del(struct rvti_device *rvti, struct nlattr **tb,
		struct netlink_ext_ack *extack);
void rvti_sa_flush(struct rvti_device *rvti);
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

static inline void rvti_sa_count(struct rvti_sa *sa, unsigned int len)
{
	struct rvti_sa_pcpu_stats *s = get_cpu_ptr(sa->stats);

	u64_stats_update_begin(&s->syncp);
	u64_stats_inc(&s->packets);
	u64_stats_add(&s->bytes, len);
	u64_stats_update_end(&s->syncp);
	put_cpu_ptr(sa->stats);
}

#endif /* _RVTI_SA_H */
