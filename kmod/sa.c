// SPDX-License-Identifier: GPL-2.0
/*
 * Security associations: creation from netlink, the per-namespace table of
 * inbound SAs, the device's outbound SA, and their lifetime.
 */

#include <crypto/aead.h>
#include <kunit/visibility.h>
#include <crypto/authenc.h>
#include <linux/module.h>
#include <linux/rhashtable.h>
#include <linux/rtnetlink.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <linux/rvti.h>

#include "device.h"
#include "event.h"
#include "sa.h"

/* Read once per new SA; a test-only switch, so not writable at run time. */
static bool force_async_crypto;
module_param(force_async_crypto, bool, 0444);
MODULE_PARM_DESC(force_async_crypto,
		 "Run every SA's crypto through cryptd (asynchronous), for testing");

/*
 * Read once per new SA: -1 (the default) parallelises the SA's crypto over
 * the CPUs when more than one is online, 1 always, 0 never.
 */
static int parallel_crypto = -1;
module_param(parallel_crypto, int, 0644);
MODULE_PARM_DESC(parallel_crypto,
		 "Spread each SA's crypto over the CPUs, packets kept in order (-1: when more than one CPU is online, 0: never, 1: always)");

static unsigned int spi_reserve_seconds = 30;
module_param(spi_reserve_seconds, uint, 0644);
MODULE_PARM_DESC(spi_reserve_seconds,
		 "How long an SPI from ALLOC_SPI stays reserved for its tunnel (seconds)");

/* An SPI handed out by ALLOC_SPI, until an inbound SA takes it. */
struct rvti_spi_resv {
	struct list_head list;
	__be32 spi;
	struct rvti_addr local;		/* the tunnel's, maybe a wildcard */
	int ifindex;
	unsigned long expires;
};

/* Enough for any key manager; a flood of requests hits this, not memory. */
#define RVTI_SPI_RESV_MAX	4096

struct rvti_sa_net {
	struct rhltable sas;
	struct list_head spi_resv;	/* under RTNL */
	unsigned int n_spi_resv;
};

static unsigned int rvti_sa_net_id __read_mostly;
static struct workqueue_struct *rvti_sa_wq;

static const struct rhashtable_params rvti_sa_params = {
	.key_len = sizeof(u64),
	.key_offset = offsetof(struct rvti_sa, key),
	.head_offset = offsetof(struct rvti_sa, node),
	.automatic_shrinking = true,
};

static int rvti_spi_resv_take(struct rvti_device *rvti, __be32 spi,
			      struct netlink_ext_ack *extack);

static u64 rvti_sa_key(u8 dir, __be32 spi)
{
	return (u64)dir << 32 | (__force u32)spi;
}

static struct rhltable *rvti_sa_table(struct net *net)
{
	struct rvti_sa_net *sn = net_generic(net, rvti_sa_net_id);

	return &sn->sas;
}

/*
 * Two tunnels whose outer addresses could both match one packet cannot
 * both own an inbound SPI: the packet would have two owners. A tunnel
 * without a remote matches nothing.
 */
static bool rvti_sa_endpoints_collide(const struct rvti_endpoints *a,
				      const struct rvti_addr *local,
				      const struct rvti_addr *remote)
{
	if (!a || !rvti_addr_is_set(&a->remote) || !rvti_addr_is_set(remote))
		return false;
	return rvti_addr_equal(&a->remote, remote) &&
	       (!rvti_addr_is_set(&a->local) || !rvti_addr_is_set(local) ||
		rvti_addr_equal(&a->local, local));
}

struct rvti_sa *rvti_sa_lookup(struct net *net, u8 dir, __be32 spi,
			       const struct rvti_addr *local,
			       const struct rvti_addr *remote,
			       struct rvti_sa **spi_owner)
{
	u64 key = rvti_sa_key(dir, spi);
	struct rhlist_head *list, *pos;
	struct rvti_sa *sa;

	*spi_owner = NULL;
	list = rhltable_lookup(rvti_sa_table(net), &key, rvti_sa_params);
	rhl_for_each_entry_rcu(sa, pos, list, node) {
		const struct rvti_endpoints *ep;

		if (!rvti_sa_usable(sa))
			continue;
		if (!*spi_owner)
			*spi_owner = sa;
		ep = rcu_dereference(sa->rvti->endpoints);
		if (ep && rvti_addr_is_set(&ep->remote) &&
		    rvti_addr_equal(&ep->remote, remote) &&
		    rvti_addr_admits(&ep->local, local))
			return sa;
	}
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(rvti_sa_lookup);

static void rvti_sa_free_work(struct work_struct *work)
{
	struct rvti_sa *sa = container_of(to_rcu_work(work), struct rvti_sa,
					  free_work);

	/* No request is in flight: each held a reference. */
	rvti_sa_destroy(sa);
}

void rvti_sa_put(struct rvti_sa *sa)
{
	if (refcount_dec_and_test(&sa->refcnt))
		queue_rcu_work(rvti_sa_wq, &sa->free_work);
}

/* The authenc() key blob: a parameter rtattr, the HMAC key, the cipher key. */
static int rvti_sa_setkey_authenc(struct rvti_sa *sa,
				  const struct nlattr *enc_key,
				  const struct nlattr *auth_key)
{
	unsigned int enc_len = rvti_alg_key_len(sa->enc_alg, nla_len(enc_key));
	unsigned int auth_len = rvti_alg_key_len(sa->auth_alg, nla_len(auth_key));
	struct crypto_authenc_key_param *param;
	unsigned int keylen;
	struct rtattr *rta;
	u8 *key, *p;
	int ret;

	keylen = RTA_SPACE(sizeof(*param)) + auth_len + enc_len;
	key = kmalloc(keylen, GFP_KERNEL);
	if (!key)
		return -ENOMEM;
	rta = (struct rtattr *)key;
	rta->rta_type = CRYPTO_AUTHENC_KEYA_PARAM;
	rta->rta_len = RTA_LENGTH(sizeof(*param));
	param = RTA_DATA(rta);
	param->enckeylen = cpu_to_be32(enc_len);
	p = key + RTA_SPACE(sizeof(*param));
	memcpy(p, nla_data(auth_key), auth_len);
	memcpy(p + auth_len, nla_data(enc_key), enc_len);
	ret = crypto_aead_setkey(sa->aead, key, keylen);
	kfree_sensitive(key);
	return ret;
}

/*
 * cryptd instances take the name of what they wrap and are found by their
 * driver name, "cryptd(<driver name of the inner transform>)".
 */
static int rvti_sa_async_name(char *name, size_t len)
{
	struct crypto_aead *sync = crypto_alloc_aead(name, 0, CRYPTO_ALG_ASYNC);
	int n;

	if (IS_ERR(sync))
		return PTR_ERR(sync);
	n = snprintf(name, len, "cryptd(%s)",
		     crypto_tfm_alg_driver_name(crypto_aead_tfm(sync)));
	crypto_free_aead(sync);
	return n < len ? 0 : -ENAMETOOLONG;
}

/*
 * Parallel crypto (parallel.c): an SA's packets are encrypted or decrypted
 * on every CPU and finished in order. By default only where there is more
 * than one CPU to spread them over; parallel_crypto=1 asks for it anyway
 * (to test it on one CPU), 0 never.
 */
static int rvti_sa_init_parallel(struct rvti_sa *sa,
				 struct netlink_ext_ack *extack)
{
	int mode = READ_ONCE(parallel_crypto);

	if (force_async_crypto || !mode || (mode < 0 && num_online_cpus() < 2))
		return 0;
	sa->parallel = rvti_parallel_alloc();
	if (sa->parallel || mode < 0)
		return 0;
	NL_SET_ERR_MSG(extack,
		       "no memory for parallel crypto (parallel_crypto=1)");
	return -ENOMEM;
}

static int rvti_sa_init_crypto(struct rvti_sa *sa, struct nlattr **tb,
			       u32 icv_bits, struct netlink_ext_ack *extack)
{
	bool esn = sa->flags & RVTI_SA_F_ESN;
	char name[CRYPTO_MAX_ALG_NAME];
	int ret;

	ret = rvti_alg_tfm_name(name, sizeof(name), sa->aead_alg, sa->enc_alg,
				sa->auth_alg, esn);
	if (!ret && force_async_crypto)
		ret = rvti_sa_async_name(name, sizeof(name));
	if (ret) {
		NL_SET_ERR_MSG(extack,
			       "the kernel has no implementation of this algorithm (crypto module missing?)");
		return ret;
	}

	sa->aead = crypto_alloc_aead(name, 0, 0);
	if (IS_ERR(sa->aead)) {
		ret = PTR_ERR(sa->aead);
		sa->aead = NULL;
		NL_SET_ERR_MSG(extack,
			       "the kernel has no implementation of this algorithm (crypto module missing?)");
		return ret;
	}

	if (sa->aead_alg)
		ret = crypto_aead_setkey(sa->aead, nla_data(tb[RVTI_SA_A_ENC_KEY]),
					 nla_len(tb[RVTI_SA_A_ENC_KEY]));
	else
		ret = rvti_sa_setkey_authenc(sa, tb[RVTI_SA_A_ENC_KEY],
					     tb[RVTI_SA_A_AUTH_KEY]);
	if (ret) {
		NL_SET_ERR_MSG(extack, "the crypto API refused the key");
		return ret;
	}
	ret = crypto_aead_setauthsize(sa->aead, icv_bits / 8);
	if (ret) {
		NL_SET_ERR_MSG(extack, "the crypto API refused the ICV length");
		return ret;
	}
	sa->icv_len = icv_bits / 8;
	sa->iv_len = crypto_aead_ivsize(sa->aead);
	sa->block_len = ALIGN(crypto_aead_blocksize(sa->aead), 4);
	return rvti_sa_init_parallel(sa, extack);
}

/* Picks and checks the algorithms, keys and ICV; returns the ICV bits. */
static int rvti_sa_parse_algs(struct rvti_sa *sa, struct nlattr **tb,
			      struct netlink_ext_ack *extack)
{
	struct nlattr *icv = tb[RVTI_SA_A_ICV_BITS];
	const struct rvti_alg *icv_alg;
	u32 icv_bits;
	int ret;

	if (!tb[RVTI_SA_A_ENC_KEY]) {
		NL_SET_ERR_MSG(extack, "a key is required");
		return -EINVAL;
	}
	if (tb[RVTI_SA_A_AEAD_ALG]) {
		if (tb[RVTI_SA_A_ENC_ALG] || tb[RVTI_SA_A_AUTH_ALG] ||
		    tb[RVTI_SA_A_AUTH_KEY]) {
			NL_SET_ERR_MSG(extack,
				       "an AEAD algorithm excludes separate encryption and authentication");
			return -EINVAL;
		}
		sa->aead_alg = rvti_alg_find(RVTI_ALG_AEAD,
					     nla_data(tb[RVTI_SA_A_AEAD_ALG]));
		if (!sa->aead_alg) {
			NL_SET_ERR_MSG_ATTR(extack, tb[RVTI_SA_A_AEAD_ALG],
					    "unknown AEAD algorithm: rfc4106(gcm(aes)) or rfc7539esp(chacha20,poly1305) expected");
			return -ENOENT;
		}
		ret = rvti_alg_check_key(sa->aead_alg, nla_len(tb[RVTI_SA_A_ENC_KEY]),
					 tb[RVTI_SA_A_ENC_KEY], extack);
		if (ret)
			return ret;
		icv_alg = sa->aead_alg;
	} else {
		if (!tb[RVTI_SA_A_ENC_ALG] || !tb[RVTI_SA_A_AUTH_ALG] ||
		    !tb[RVTI_SA_A_AUTH_KEY]) {
			NL_SET_ERR_MSG(extack,
				       "an AEAD algorithm, or an encryption and an authentication algorithm with their keys, is required");
			return -EINVAL;
		}
		sa->enc_alg = rvti_alg_find(RVTI_ALG_ENC,
					    nla_data(tb[RVTI_SA_A_ENC_ALG]));
		if (!sa->enc_alg) {
			NL_SET_ERR_MSG_ATTR(extack, tb[RVTI_SA_A_ENC_ALG],
					    "unknown encryption algorithm: cbc(aes) expected");
			return -ENOENT;
		}
		sa->auth_alg = rvti_alg_find(RVTI_ALG_AUTH,
					     nla_data(tb[RVTI_SA_A_AUTH_ALG]));
		if (!sa->auth_alg) {
			NL_SET_ERR_MSG_ATTR(extack, tb[RVTI_SA_A_AUTH_ALG],
					    "unknown authentication algorithm: hmac(sha1), hmac(sha256), hmac(sha384) or hmac(sha512) expected");
			return -ENOENT;
		}
		ret = rvti_alg_check_key(sa->enc_alg, nla_len(tb[RVTI_SA_A_ENC_KEY]),
					 tb[RVTI_SA_A_ENC_KEY], extack);
		if (!ret)
			ret = rvti_alg_check_key(sa->auth_alg,
						 nla_len(tb[RVTI_SA_A_AUTH_KEY]),
						 tb[RVTI_SA_A_AUTH_KEY], extack);
		if (ret)
			return ret;
		icv_alg = sa->auth_alg;
	}

	icv_bits = icv ? nla_get_u32(icv) : icv_alg->icv_bits[0];
	ret = rvti_alg_check_icv(icv_alg, icv_bits, icv, extack);
	return ret ?: icv_bits;
}

/* The SA of @rvti with @dir and @spi, or NULL; caller holds conf_lock. */
struct rvti_sa *rvti_sa_get(struct rvti_device *rvti, u8 dir, __be32 spi)
{
	struct rvti_sa *sa;

	lockdep_assert_held(&rvti->conf_lock);
	list_for_each_entry(sa, &rvti->sas, list)
		if (sa->dir == dir && sa->spi == spi)
			return sa;
	return NULL;
}

/* @notify: tell the key manager (not when the whole device goes). */
static void rvti_sa_unlink(struct rvti_device *rvti, struct rvti_sa *sa,
			   bool notify)
{
	lockdep_assert_held(&rvti->conf_lock);
	rhltable_remove(rvti_sa_table(rvti->creating_net), &sa->node,
			rvti_sa_params);
	if (sa->dir == RVTI_SA_DIR_OUT &&
	    rcu_access_pointer(rvti->tx_sa) == sa)
		RCU_INIT_POINTER(rvti->tx_sa, NULL);
	list_del_rcu(&sa->list);
	rvti->n_sas--;
	rvti_sa_lifetime_stop(sa);
	if (notify)
		rvti_event_sa(sa, RVTI_EVENT_SA_DEL, 0);
	rvti_sa_put(sa);
}

/* A hard-expired SA leaves its device (expire work, under conf_lock). */
void rvti_sa_remove(struct rvti_sa *sa)
{
	rvti_sa_unlink(sa->rvti, sa, true);
}

/* False when the work was idle and is now queued, as mod_delayed_work. */
bool rvti_sa_queue_expire(struct rvti_sa *sa, unsigned long delay)
{
	return mod_delayed_work(rvti_sa_wq, &sa->expire_work, delay);
}

/*
 * Frees an SA that never made it into a device, or the last reference's
 * (process context: parallel crypto and the crypto API may sleep).
 */
void rvti_sa_destroy(struct rvti_sa *sa)
{
	rvti_parallel_free(sa->parallel);
	/* crypto_free_aead() zeroes the transform, and the key in it. */
	crypto_free_aead(sa->aead);
	free_percpu(sa->stats);
	kfree_sensitive(sa);
}

/*
 * Everything about a new SA that does not need the device: the checks of
 * the request, the allocations and the crypto transform with its key. The
 * caller zeroes the key attributes afterwards, whatever this returned.
 */
struct rvti_sa *rvti_sa_create(struct nlattr **tb,
			       struct netlink_ext_ack *extack)
{
	struct rvti_sa *sa;
	u32 window;
	int ret;
	u8 dir;

	if (!tb[RVTI_SA_A_DIR] || !tb[RVTI_SA_A_SPI]) {
		NL_SET_ERR_MSG(extack, "an SA needs a direction and an SPI");
		return ERR_PTR(-EINVAL);
	}
	dir = nla_get_u8(tb[RVTI_SA_A_DIR]);
	if (dir == RVTI_SA_DIR_OUT && tb[RVTI_SA_A_REPLAY_WINDOW]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[RVTI_SA_A_REPLAY_WINDOW],
				    "the replay window applies to inbound SAs only");
		return ERR_PTR(-EINVAL);
	}

	/* Charged to the caller: a user namespace's root can create SAs. */
	sa = kzalloc(sizeof(*sa), GFP_KERNEL_ACCOUNT);
	if (!sa)
		return ERR_PTR(-ENOMEM);
	sa->stats = __netdev_alloc_pcpu_stats(struct rvti_sa_pcpu_stats,
					      GFP_KERNEL_ACCOUNT);
	if (!sa->stats) {
		kfree(sa);
		return ERR_PTR(-ENOMEM);
	}
	sa->dir = dir;
	/* The policy keeps SPIs 0 to 255 (reserved by RFC 4303) out. */
	sa->spi = htonl(nla_get_u32(tb[RVTI_SA_A_SPI]));
	sa->key = rvti_sa_key(dir, sa->spi);
	if (tb[RVTI_SA_A_FLAGS])
		sa->flags = nla_get_u32(tb[RVTI_SA_A_FLAGS]);
	spin_lock_init(&sa->replay_lock);
	refcount_set(&sa->refcnt, 1);
	INIT_RCU_WORK(&sa->free_work, rvti_sa_free_work);
	INIT_DELAYED_WORK(&sa->expire_work, rvti_sa_expire_work);

	if (tb[RVTI_SA_A_SEQ]) {
		u64 seq = nla_get_u64(tb[RVTI_SA_A_SEQ]);

		if (dir != RVTI_SA_DIR_OUT) {
			NL_SET_ERR_MSG_ATTR(extack, tb[RVTI_SA_A_SEQ],
					    "a starting sequence number applies to outbound SAs only");
			ret = -EINVAL;
			goto err;
		}
		if (!(sa->flags & RVTI_SA_F_ESN) && seq > U32_MAX) {
			NL_SET_ERR_MSG_ATTR(extack, tb[RVTI_SA_A_SEQ],
					    "without ESN the sequence number is at most 4294967295");
			ret = -ERANGE;
			goto err;
		}
		atomic64_set(&sa->tx_seq, seq);
	}
	if (!tb[RVTI_SA_A_ENCAP_SPORT] != !tb[RVTI_SA_A_ENCAP_DPORT]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[RVTI_SA_A_ENCAP_SPORT] ?:
				    tb[RVTI_SA_A_ENCAP_DPORT],
				    "ESP in UDP needs both the source and the destination port");
		ret = -EINVAL;
		goto err;
	}
	if (tb[RVTI_SA_A_ENCAP_SPORT]) {
		/* The policy keeps port 0 out. */
		sa->encap.sport = htons(nla_get_u16(tb[RVTI_SA_A_ENCAP_SPORT]));
		sa->encap.dport = htons(nla_get_u16(tb[RVTI_SA_A_ENCAP_DPORT]));
	}
	ret = rvti_sa_lifetime_parse(sa, tb[RVTI_SA_A_LIFETIME], extack);
	if (ret)
		goto err;

	window = tb[RVTI_SA_A_REPLAY_WINDOW] ?
		 nla_get_u32(tb[RVTI_SA_A_REPLAY_WINDOW]) :
		 RVTI_REPLAY_DEFAULT_WINDOW;
	ret = rvti_replay_init(&sa->replay, window, sa->flags & RVTI_SA_F_ESN);
	if (ret) {
		NL_SET_ERR_MSG(extack, "replay window must be 32 to 4096 packets");
		goto err;
	}
	ret = rvti_sa_parse_algs(sa, tb, extack);
	if (ret < 0)
		goto err;
	ret = rvti_sa_init_crypto(sa, tb, ret, extack);
	if (ret)
		goto err;
	return sa;

err:
	rvti_sa_destroy(sa);
	return ERR_PTR(ret);
}

/* Caller holds RTNL, which serialises the checks across devices. */
static int rvti_sa_check_collision(struct rvti_device *rvti, u64 key,
				   const struct rvti_endpoints *ep,
				   struct netlink_ext_ack *extack)
{
	struct rhlist_head *list, *pos;
	struct rvti_sa *other;
	int ret = 0;

	ASSERT_RTNL();
	if (!ep)
		return 0;
	rcu_read_lock();
	list = rhltable_lookup(rvti_sa_table(rvti->creating_net), &key,
			       rvti_sa_params);
	rhl_for_each_entry_rcu(other, pos, list, node) {
		if (other->rvti == rvti)
			continue;
		if (rvti_sa_endpoints_collide(rtnl_dereference(other->rvti->endpoints),
					      &ep->local, &ep->remote)) {
			NL_SET_ERR_MSG(extack,
				       "another rvti tunnel with the same outer addresses has an inbound SA with this SPI");
			ret = -EEXIST;
			break;
		}
	}
	rcu_read_unlock();
	return ret;
}

/* Takes @sa into @rvti, or leaves it to the caller to destroy. */
int rvti_sa_insert(struct rvti_device *rvti, struct rvti_sa *sa,
		   const struct nlattr *spi_attr,
		   struct netlink_ext_ack *extack)
{
	int ret;

	ASSERT_RTNL();
	lockdep_assert_held(&rvti->conf_lock);
	if (rvti_sa_get(rvti, sa->dir, sa->spi)) {
		NL_SET_ERR_MSG_ATTR(extack, spi_attr,
				    "this device already has an SA with this direction and SPI");
		return -EEXIST;
	}
	if (rvti->n_sas >= RVTI_SA_MAX_PER_DEVICE) {
		NL_SET_ERR_MSG(extack,
			       "this device has the maximum number of SAs (256): delete one first");
		return -ENOSPC;
	}
	if (sa->dir == RVTI_SA_DIR_IN) {
		ret = rvti_sa_check_collision(rvti, sa->key,
					      rtnl_dereference(rvti->endpoints),
					      extack);
		if (!ret)
			ret = rvti_spi_resv_take(rvti, sa->spi, extack);
		if (ret)
			return ret;
	}
	/* Readers find the SA through the table and follow sa->rvti. */
	sa->rvti = rvti;
	if (sa->parallel)
		rvti_parallel_set_napi(sa->parallel, sa->dir == RVTI_SA_DIR_IN ?
				       &rvti->rx : &rvti->tx, sa);
	ret = rhltable_insert(rvti_sa_table(rvti->creating_net), &sa->node,
			      rvti_sa_params);
	if (ret) {
		NL_SET_ERR_MSG(extack, "cannot add the SA to the SA table");
		return ret;
	}
	list_add_tail_rcu(&sa->list, &rvti->sas);
	rvti->n_sas++;
	rvti_sa_lifetime_start(sa);
	/*
	 * Make-before-break: one pointer store, a packet sees the old SA or
	 * the new; the old one stays, inactive, until deleted or expired.
	 */
	if (sa->dir == RVTI_SA_DIR_OUT)
		rcu_assign_pointer(rvti->tx_sa, sa);
	rvti_event_sa(sa, RVTI_EVENT_SA_NEW, 0);
	return 0;
}

/*
 * New endpoints for @rvti must not make one of its inbound SPIs ambiguous
 * with another tunnel's. Caller holds RTNL and the device's conf_lock.
 */
int rvti_sa_check_endpoints(struct rvti_device *rvti,
			    const struct rvti_addr *local,
			    const struct rvti_addr *remote,
			    struct netlink_ext_ack *extack)
{
	struct rvti_endpoints ep = { .local = *local, .remote = *remote };
	struct rvti_sa *sa;
	int ret;

	lockdep_assert_held(&rvti->conf_lock);
	list_for_each_entry(sa, &rvti->sas, list) {
		if (sa->dir != RVTI_SA_DIR_IN)
			continue;
		ret = rvti_sa_check_collision(rvti, sa->key, &ep, extack);
		if (ret)
			return ret;
	}
	return 0;
}

/* The SA a request names by direction and SPI, or an ERR_PTR with extack. */
static struct rvti_sa *rvti_sa_named(struct rvti_device *rvti,
				     struct nlattr **tb,
				     struct netlink_ext_ack *extack)
{
	struct rvti_sa *sa;

	lockdep_assert_held(&rvti->conf_lock);
	if (!tb[RVTI_SA_A_DIR] || !tb[RVTI_SA_A_SPI]) {
		NL_SET_ERR_MSG(extack, "an SA is named by its direction and SPI");
		return ERR_PTR(-EINVAL);
	}
	sa = rvti_sa_get(rvti, nla_get_u8(tb[RVTI_SA_A_DIR]),
			 htonl(nla_get_u32(tb[RVTI_SA_A_SPI])));
	if (!sa) {
		NL_SET_ERR_MSG_ATTR(extack, tb[RVTI_SA_A_SPI],
				    "no SA with this direction and SPI on this device");
		return ERR_PTR(-ENOENT);
	}
	return sa;
}

int rvti_sa_del(struct rvti_device *rvti, struct nlattr **tb,
		struct netlink_ext_ack *extack)
{
	struct rvti_sa *sa = rvti_sa_named(rvti, tb, extack);

	if (IS_ERR(sa))
		return PTR_ERR(sa);
	rvti_sa_unlink(rvti, sa, true);
	return 0;
}

/*
 * SET_SA: an SA of ESP in UDP takes new ports, both at once (a NAT's new
 * mapping, which the key manager learnt from RVTI_EVENT_NEW_MAPPING or
 * from IKE). Nothing else of an SA changes once it is added.
 */
int rvti_sa_set(struct rvti_device *rvti, struct nlattr **tb,
		struct netlink_ext_ack *extack)
{
	union rvti_sa_ports ports;
	struct rvti_sa *sa;
	int i;

	for (i = 1; i <= RVTI_SA_A_MAX; i++) {
		if (!tb[i] || i == RVTI_SA_A_DIR || i == RVTI_SA_A_SPI ||
		    i == RVTI_SA_A_ENCAP_SPORT || i == RVTI_SA_A_ENCAP_DPORT)
			continue;
		NL_SET_ERR_MSG_ATTR(extack, tb[i],
				    "only the ports of an SA can change");
		return -EINVAL;
	}
	if (!tb[RVTI_SA_A_ENCAP_SPORT] || !tb[RVTI_SA_A_ENCAP_DPORT]) {
		NL_SET_ERR_MSG(extack,
			       "give both ports (RVTI_SA_A_ENCAP_SPORT and RVTI_SA_A_ENCAP_DPORT)");
		return -EINVAL;
	}
	sa = rvti_sa_named(rvti, tb, extack);
	if (IS_ERR(sa))
		return PTR_ERR(sa);
	/* Its outer header's size is part of the path MTU already told. */
	if (!rvti_sa_encap(sa)) {
		NL_SET_ERR_MSG(extack,
			       "the SA's ESP does not travel in UDP: it has no ports to change");
		return -EINVAL;
	}
	ports.sport = htons(nla_get_u16(tb[RVTI_SA_A_ENCAP_SPORT]));
	ports.dport = htons(nla_get_u16(tb[RVTI_SA_A_ENCAP_DPORT]));
	WRITE_ONCE(sa->encap.word, ports.word);
	return 0;
}

void rvti_sa_flush(struct rvti_device *rvti, bool notify)
{
	struct rvti_sa *sa, *tmp;

	lockdep_assert_held(&rvti->conf_lock);
	list_for_each_entry_safe(sa, tmp, &rvti->sas, list)
		rvti_sa_unlink(rvti, sa, notify);
}

/* SPI allocation (ALLOC_SPI), as XFRM's ALLOCSPI does for IKE daemons. */

static struct rvti_sa_net *rvti_sa_net(struct net *net)
{
	return net_generic(net, rvti_sa_net_id);
}

static bool rvti_addr_collide(const struct rvti_addr *a,
			      const struct rvti_addr *b)
{
	return !rvti_addr_is_set(a) || !rvti_addr_is_set(b) ||
	       rvti_addr_equal(a, b);
}

static void rvti_spi_resv_expire(struct rvti_sa_net *sn)
{
	struct rvti_spi_resv *r, *tmp;

	ASSERT_RTNL();
	list_for_each_entry_safe(r, tmp, &sn->spi_resv, list) {
		if (time_after(jiffies, r->expires)) {
			list_del(&r->list);
			sn->n_spi_resv--;
			kfree(r);
		}
	}
}

static struct rvti_spi_resv *rvti_spi_resv_find(struct rvti_sa_net *sn,
						__be32 spi,
						const struct rvti_addr *local)
{
	struct rvti_spi_resv *r;

	list_for_each_entry(r, &sn->spi_resv, list)
		if (r->spi == spi && rvti_addr_collide(&r->local, local))
			return r;
	return NULL;
}

/* An inbound SPI some rvti SA or reservation uses for @local. */
static bool rvti_spi_taken(struct net *net, __be32 spi,
			   const struct rvti_addr *local)
{
	u64 key = rvti_sa_key(RVTI_SA_DIR_IN, spi);
	struct rhlist_head *list, *pos;
	struct rvti_sa *sa;
	bool taken = false;

	if (rvti_spi_resv_find(rvti_sa_net(net), spi, local))
		return true;
	rcu_read_lock();
	list = rhltable_lookup(rvti_sa_table(net), &key, rvti_sa_params);
	rhl_for_each_entry_rcu(sa, pos, list, node) {
		const struct rvti_endpoints *ep = rtnl_dereference(sa->rvti->endpoints);
		static const struct rvti_addr any;

		if (rvti_addr_collide(ep ? &ep->local : &any, local)) {
			taken = true;
			break;
		}
	}
	rcu_read_unlock();
	return taken;
}

static const struct rvti_addr *rvti_sa_local(struct rvti_device *rvti)
{
	const struct rvti_endpoints *ep = rtnl_dereference(rvti->endpoints);
	static const struct rvti_addr any;

	return ep ? &ep->local : &any;
}

/*
 * A new inbound SA takes its SPI's reservation, if its device holds it;
 * one held for another tunnel with a colliding local address refuses it.
 */
static int rvti_spi_resv_take(struct rvti_device *rvti, __be32 spi,
			      struct netlink_ext_ack *extack)
{
	struct rvti_sa_net *sn = rvti_sa_net(rvti->creating_net);
	struct rvti_spi_resv *r;

	ASSERT_RTNL();
	rvti_spi_resv_expire(sn);
	r = rvti_spi_resv_find(sn, spi, rvti_sa_local(rvti));
	if (!r)
		return 0;
	if (r->ifindex != rvti->dev->ifindex) {
		NL_SET_ERR_MSG(extack,
			       "this SPI is reserved for another tunnel (ALLOC_SPI)");
		return -EEXIST;
	}
	list_del(&r->list);
	sn->n_spi_resv--;
	kfree(r);
	return 0;
}

int rvti_sa_alloc_spi(struct rvti_device *rvti, u32 min, u32 max, u32 *spi,
		      struct netlink_ext_ack *extack)
{
	struct rvti_sa_net *sn = rvti_sa_net(rvti->creating_net);
	const struct rvti_addr *local = rvti_sa_local(rvti);
	u64 range = (u64)max - min + 1;
	struct rvti_spi_resv *r;
	u32 i, n, pick = 0;
	bool found = false;

	ASSERT_RTNL();
	if (min > max) {
		NL_SET_ERR_MSG(extack,
			       "the SPI range is empty: its minimum is above its maximum");
		return -EINVAL;
	}
	rvti_spi_resv_expire(sn);
	if (sn->n_spi_resv >= RVTI_SPI_RESV_MAX) {
		NL_SET_ERR_MSG(extack,
			       "too many SPIs are reserved in this namespace: add their SAs or wait");
		return -ENOSPC;
	}
	/* At random first; a small range is then searched in full. */
	for (i = 0; i < 32 && !found; i++) {
		pick = min + (range > U32_MAX ? get_random_u32() :
			      get_random_u32_below(range));
		found = !rvti_spi_taken(rvti->creating_net, htonl(pick), local);
	}
	n = range <= 65536 ? range : 0;
	for (i = 0; i < n && !found; i++) {
		pick = min + (u32)((pick - min + 1) % range);
		found = !rvti_spi_taken(rvti->creating_net, htonl(pick), local);
	}
	if (!found) {
		NL_SET_ERR_MSG(extack, "no free SPI in this range");
		return -ENOSPC;
	}

	r = kzalloc(sizeof(*r), GFP_KERNEL_ACCOUNT);
	if (!r)
		return -ENOMEM;
	r->spi = htonl(pick);
	r->local = *local;
	r->ifindex = rvti->dev->ifindex;
	r->expires = jiffies + READ_ONCE(spi_reserve_seconds) * HZ;
	list_add_tail(&r->list, &sn->spi_resv);
	sn->n_spi_resv++;
	*spi = pick;
	return 0;
}

static int rvti_sa_nla_put_stats(struct sk_buff *skb, struct rvti_sa *sa)
{
	u64 packets = 0, bytes = 0, seq;
	struct nlattr *nest;
	int cpu;

	for_each_possible_cpu(cpu) {
		const struct rvti_sa_pcpu_stats *s = per_cpu_ptr(sa->stats, cpu);
		unsigned int start;
		u64 p, b;

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			p = u64_stats_read(&s->packets);
			b = u64_stats_read(&s->bytes);
		} while (u64_stats_fetch_retry(&s->syncp, start));
		packets += p;
		bytes += b;
	}
	if (sa->dir == RVTI_SA_DIR_IN) {
		/* A 64-bit value written under the lock: read it there too. */
		spin_lock_bh(&sa->replay_lock);
		seq = sa->replay.top;
		spin_unlock_bh(&sa->replay_lock);
	} else {
		seq = atomic64_read(&sa->tx_seq);
		/* Past the end, the counter runs on; the last sent does not. */
		if (!(sa->flags & RVTI_SA_F_ESN))
			seq = min_t(u64, seq, U32_MAX);
	}

	nest = nla_nest_start(skb, RVTI_SA_A_STATS);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u64_64bit(skb, RVTI_SA_STAT_PACKETS, packets, RVTI_SA_STAT_PAD) ||
	    nla_put_u64_64bit(skb, RVTI_SA_STAT_BYTES, bytes, RVTI_SA_STAT_PAD) ||
	    nla_put_u64_64bit(skb, RVTI_SA_STAT_REPLAYED,
			      atomic64_read(&sa->replayed), RVTI_SA_STAT_PAD) ||
	    nla_put_u64_64bit(skb, RVTI_SA_STAT_OUTSIDE_WINDOW,
			      atomic64_read(&sa->outside_window), RVTI_SA_STAT_PAD) ||
	    nla_put_u64_64bit(skb, RVTI_SA_STAT_ICV_FAIL,
			      atomic64_read(&sa->icv_fail), RVTI_SA_STAT_PAD) ||
	    nla_put_u64_64bit(skb, RVTI_SA_STAT_MALFORMED,
			      atomic64_read(&sa->malformed), RVTI_SA_STAT_PAD) ||
	    nla_put_u64_64bit(skb, RVTI_SA_STAT_SEQ_EXHAUSTED,
			      atomic64_read(&sa->seq_exhausted), RVTI_SA_STAT_PAD) ||
	    nla_put_u64_64bit(skb, RVTI_SA_STAT_SEQ, seq, RVTI_SA_STAT_PAD) ||
	    nla_put_u64_64bit(skb, RVTI_SA_STAT_OVERLOAD,
			      atomic64_read(&sa->overload), RVTI_SA_STAT_PAD) ||
	    nla_put_u64_64bit(skb, RVTI_SA_STAT_ENCAP_MISMATCH,
			      atomic64_read(&sa->encap_mismatch),
			      RVTI_SA_STAT_PAD)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

int rvti_sa_nla_put(struct sk_buff *skb, struct rvti_sa *sa)
{
	struct nlattr *nest = nla_nest_start(skb, RVTI_A_SA);
	union rvti_sa_ports ports = rvti_sa_ports(sa);

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u8(skb, RVTI_SA_A_DIR, sa->dir) ||
	    nla_put_u32(skb, RVTI_SA_A_SPI, ntohl(sa->spi)) ||
	    (sa->aead_alg &&
	     nla_put_string(skb, RVTI_SA_A_AEAD_ALG, sa->aead_alg->name)) ||
	    (sa->enc_alg &&
	     nla_put_string(skb, RVTI_SA_A_ENC_ALG, sa->enc_alg->name)) ||
	    (sa->auth_alg &&
	     nla_put_string(skb, RVTI_SA_A_AUTH_ALG, sa->auth_alg->name)) ||
	    nla_put_u32(skb, RVTI_SA_A_ICV_BITS, sa->icv_len * 8) ||
	    nla_put_u32(skb, RVTI_SA_A_FLAGS, sa->flags) ||
	    (sa->dir == RVTI_SA_DIR_IN &&
	     nla_put_u32(skb, RVTI_SA_A_REPLAY_WINDOW, sa->replay.window)) ||
	    (sa->dir == RVTI_SA_DIR_OUT &&
	     nla_put_u8(skb, RVTI_SA_A_ACTIVE,
			rcu_access_pointer(sa->rvti->tx_sa) == sa)) ||
	    nla_put_u8(skb, RVTI_SA_A_PARALLEL, !!sa->parallel) ||
	    (ports.word &&
	     (nla_put_u16(skb, RVTI_SA_A_ENCAP_SPORT, ntohs(ports.sport)) ||
	      nla_put_u16(skb, RVTI_SA_A_ENCAP_DPORT, ntohs(ports.dport)))) ||
	    rvti_sa_lifetime_nla_put(skb, sa) ||
	    rvti_sa_nla_put_stats(skb, sa)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* Caller holds RCU. Keys are never part of this. */
int rvti_sa_nla_put_all(struct sk_buff *skb, struct rvti_device *rvti)
{
	struct nlattr *nest = nla_nest_start(skb, RVTI_A_SAS);
	struct rvti_sa *sa;

	if (!nest)
		return -EMSGSIZE;
	list_for_each_entry_rcu(sa, &rvti->sas, list) {
		if (rvti_sa_nla_put(skb, sa)) {
			nla_nest_cancel(skb, nest);
			return -EMSGSIZE;
		}
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int __net_init rvti_sa_net_init_ns(struct net *net)
{
	struct rvti_sa_net *sn = net_generic(net, rvti_sa_net_id);

	INIT_LIST_HEAD(&sn->spi_resv);
	return rhltable_init(&sn->sas, &rvti_sa_params);
}

static void __net_exit rvti_sa_net_exit_ns(struct net *net)
{
	struct rvti_sa_net *sn = net_generic(net, rvti_sa_net_id);
	struct rvti_spi_resv *r, *tmp;

	list_for_each_entry_safe(r, tmp, &sn->spi_resv, list)
		kfree(r);
	/* The devices, and with them every SA, went before this runs. */
	rhltable_destroy(&sn->sas);
}

static struct pernet_operations rvti_sa_net_ops = {
	.init = rvti_sa_net_init_ns,
	.exit = rvti_sa_net_exit_ns,
	.id = &rvti_sa_net_id,
	.size = sizeof(struct rvti_sa_net),
};

int __init rvti_sa_net_init(void)
{
	int ret;

	rvti_sa_wq = alloc_workqueue("rvti_sa", 0, 0);
	if (!rvti_sa_wq)
		return -ENOMEM;
	/*
	 * A subsystem, so that its exit runs after the device exit that
	 * removes the SAs from the table.
	 */
	ret = register_pernet_subsys(&rvti_sa_net_ops);
	if (ret)
		destroy_workqueue(rvti_sa_wq);
	return ret;
}

void rvti_sa_net_uninit(void)
{
	unregister_pernet_subsys(&rvti_sa_net_ops);
	/*
	 * Expire works of SAs that left their devices drop their references;
	 * then the RCU callbacks queue the last frees, and they run.
	 */
	flush_workqueue(rvti_sa_wq);
	rcu_barrier();
	destroy_workqueue(rvti_sa_wq);
}
