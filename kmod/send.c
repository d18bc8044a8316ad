// SPDX-License-Identifier: GPL-2.0
/*
 * Transmit: an inner IPv4 or IPv6 packet routed into the device leaves as
 * ESP in tunnel mode over IPv4 or IPv6, routed in the namespace the device
 * was created in.
 *
 * The packet walk (see Documentation/rvti.rst): pick the endpoints and the
 * outbound SA under RCU; route the outer packet (dst cache); check the
 * size against the path MTU (ICMP, or fragment IPv4 without DF before
 * encryption); add the trailer, the ESP header and the outer header;
 * encrypt, maybe asynchronously; hand the result to ip(6)_local_out.
 */

#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/netdevice.h>
#include <net/dst_cache.h>
#include <net/icmp.h>
#include <net/inet_ecn.h>
#include <net/ip.h>
#include <net/ip6_checksum.h>
#include <net/ip6_route.h>
#include <net/ip_tunnels.h>
#include <net/ipv6.h>
#include <net/route.h>
#include <linux/rvti.h>

#include "device.h"
#include "event.h"
#include "esp.h"
#include "failover.h"
#include "parallel.h"
#include "policy.h"
#include "sa.h"
#include "send.h"

/*
 * The outer route, from the endpoints' own cache when the lookup key is the
 * one the cache was filled with: a packet whose DSCP could select another
 * route (ip rule ... tos) is routed on its own. IPv6 lookups do not use the
 * traffic class.
 */
static struct dst_entry *rvti_route(struct rvti_device *rvti,
				    struct rvti_endpoints *ep,
				    struct rvti_addr *saddr, u8 dsfield)
{
	struct net *net = rvti->creating_net;
	struct dst_entry *dst;

	saddr->family = ep->remote.family;
	if (ep->remote.family == AF_INET) {
		struct flowi4 fl4 = {
			.daddr = ep->remote.ip4,
			.saddr = rvti_addr_is_set(&ep->local) ? ep->local.ip4 : 0,
			.flowi4_proto = IPPROTO_ESP,
			.flowi4_tos = RT_TOS(dsfield),
		};
		bool cacheable = !fl4.flowi4_tos;
		struct rtable *rt;

		if (cacheable) {
			rt = dst_cache_get_ip4(&ep->dst_cache, &saddr->ip4);
			if (rt)
				return &rt->dst;
		}
		rt = ip_route_output_key(net, &fl4);
		if (IS_ERR(rt))
			return ERR_CAST(rt);
		dst = &rt->dst;
		saddr->ip4 = fl4.saddr;
		if (cacheable && dst->dev != rvti->dev)
			dst_cache_set_ip4(&ep->dst_cache, dst, fl4.saddr);
	} else {
		struct flowi6 fl6 = {
			.daddr = ep->remote.ip6,
			.flowi6_proto = IPPROTO_ESP,
		};

		if (rvti_addr_is_set(&ep->local))
			fl6.saddr = ep->local.ip6;
		dst = dst_cache_get_ip6(&ep->dst_cache, &saddr->ip6);
		if (dst)
			return dst;
		dst = ip6_dst_lookup_flow(net, NULL, &fl6, NULL);
		if (IS_ERR(dst))
			return dst;
		saddr->ip6 = fl6.saddr;
		if (dst->dev != rvti->dev)
			dst_cache_set_ip6(&ep->dst_cache, dst, &fl6.saddr);
	}
	/* An outer route through the tunnel itself would loop forever. */
	if (dst->dev == rvti->dev) {
		dst_release(dst);
		return ERR_PTR(-ELOOP);
	}
	return dst;
}

static void rvti_tx_done(struct sk_buff *skb, int err)
{
	struct rvti_esp_cb *cb = rvti_esp_cb(skb);
	struct rvti_sa *sa = cb->sa;
	struct net_device *dev = sa->rvti->dev;
	bool held = cb->held;
	unsigned int len;
	int ret;

	if (unlikely(err == -ENOBUFS)) {
		/* The SA's parallel queue is full (parallel.c). */
		atomic64_inc(&sa->overload);
		DEV_STATS_INC(dev, tx_dropped);
		kfree_skb_reason(skb, SKB_DROP_REASON_FULL_RING);
		goto out;
	}
	if (unlikely(err)) {
		DEV_STATS_INC(dev, tx_errors);
		kfree_skb_reason(skb, err == -ENOMEM ? SKB_DROP_REASON_NOMEM :
				 SKB_DROP_REASON_NOT_SPECIFIED);
		goto out;
	}
	/* Like receive, and like the SA counters: inner bytes. */
	len = rvti_esp_cb(skb)->len;
	/* The ESP state in skb->cb is spent; the IP layer owns it now. */
	memset(skb->cb, 0, sizeof(skb->cb));
	if (skb->protocol == htons(ETH_P_IP))
		ret = ip_local_out(sa->rvti->creating_net, NULL, skb);
	else
		ret = ip6_local_out(sa->rvti->creating_net, NULL, skb);
	if (net_xmit_eval(ret) == 0) {
		dev_sw_netstats_tx_add(dev, 1, len);
	} else {
		DEV_STATS_INC(dev, tx_errors);
		DEV_STATS_INC(dev, tx_dropped);
	}
out:
	if (held) {
		rvti_sa_put(sa);
		dev_put(dev);
	}
}

/*
 * ESP in UDP (RFC 3948): the UDP header in front of the ESP header. IPv4
 * sends no checksum, as RFC 3948 section 2.1 says and esp4 does; IPv6
 * needs one (RFC 8200 section 8.1), which the device or the stack
 * computes once the payload is encrypted.
 */
static void rvti_push_udp(struct sk_buff *skb, const struct rvti_sa *sa,
			  const struct rvti_addr *saddr,
			  const struct rvti_addr *daddr)
{
	union rvti_sa_ports ports = rvti_sa_ports(sa);
	struct udphdr *uh = skb_push(skb, sizeof(*uh));

	skb_reset_transport_header(skb);
	uh->source = ports.sport;
	uh->dest = ports.dport;
	uh->len = htons(skb->len);
	uh->check = 0;
	if (daddr->family == AF_INET6)
		udp6_set_csum(false, skb, &saddr->ip6, &daddr->ip6, skb->len);
}

/*
 * Pushes the outer IPv4 or IPv6 header in front of the ESP header, and a
 * UDP header between them for an SA with ESP in UDP.
 * @df: the inner packet's wish, which the tunnel's DF mode may override;
 * @frag_outer: the outer packet may be fragmented whatever either says.
 */
static void rvti_push_outer(struct sk_buff *skb, const struct rvti_sa *sa,
			    struct dst_entry *dst,
			    const struct rvti_addr *saddr,
			    const struct rvti_endpoints *ep, u8 dsfield, bool df,
			    bool frag_outer)
{
	const struct rvti_addr *daddr = &ep->remote;
	u8 proto = IPPROTO_ESP;

	if (rvti_sa_encap(sa)) {
		rvti_push_udp(skb, sa, saddr, daddr);
		proto = IPPROTO_UDP;
	}
	if (daddr->family == AF_INET) {
		struct iphdr *iph = skb_push(skb, sizeof(*iph));

		skb_reset_network_header(skb);
		iph->version = 4;
		iph->ihl = sizeof(*iph) >> 2;
		iph->tos = dsfield;
		if (ep->df != RVTI_DF_COPY)
			df = ep->df == RVTI_DF_SET;
		iph->frag_off = df && !frag_outer ? htons(IP_DF) : 0;
		iph->ttl = ep->ttl ?: ip4_dst_hoplimit(dst);
		iph->protocol = proto;
		iph->saddr = saddr->ip4;
		iph->daddr = daddr->ip4;
		/* ip_local_out() fills in the length and the checksum. */
		iph->tot_len = 0;
		iph->check = 0;
		ip_select_ident(dev_net(dst->dev), skb, NULL);
		skb->protocol = htons(ETH_P_IP);
	} else {
		struct ipv6hdr *ip6h = skb_push(skb, sizeof(*ip6h));

		skb_reset_network_header(skb);
		ip6_flow_hdr(ip6h, dsfield, 0);
		ip6h->payload_len = 0;
		ip6h->nexthdr = proto;
		ip6h->hop_limit = ep->ttl ?: ip6_dst_hoplimit(dst);
		ip6h->saddr = saddr->ip6;
		ip6h->daddr = daddr->ip6;
		skb->protocol = htons(ETH_P_IPV6);
	}
	/* ip6_fragment() fragments a local packet only with ignore_df. */
	skb->ignore_df = frag_outer;
}

/* The outer IP header, and the UDP header of ESP in UDP. */
static unsigned int rvti_outer_hlen(const struct rvti_sa *sa,
				    sa_family_t family)
{
	return (family == AF_INET ? sizeof(struct iphdr) :
				    sizeof(struct ipv6hdr)) +
	       (rvti_sa_encap(sa) ? sizeof(struct udphdr) : 0);
}

/*
 * The largest inner packet that fits in one outer packet of @mtu bytes:
 * the ESP payload plus its 2-byte trailer is padded to the SA's block.
 */
static int rvti_inner_mtu(const struct rvti_sa *sa, unsigned int mtu,
			  sa_family_t family)
{
	int room = mtu - rvti_outer_hlen(sa, family) - sizeof(struct ip_esp_hdr) -
		   sa->iv_len - sa->icv_len;

	return round_down(room, sa->block_len) - 2;
}

static int rvti_xmit_fragment(struct net *net, struct sock *sk,
			      struct sk_buff *skb);

/* What rvti_check_mtu() decided about a packet it did not consume. */
enum rvti_mtu_verdict {
	RVTI_MTU_FITS,
	/* RFC 2473 section 7.1: an IPv6 packet of at most 1280 bytes over a
	 * tunnel whose inner MTU is smaller goes out in outer fragments.
	 */
	RVTI_MTU_FRAG_OUTER,
};

/*
 * Cuts an IPv4 packet without DF into fragments of at most @mtu bytes,
 * each of which goes through rvti_xmit_fragment(), which never fragments
 * again: a fragment that still does not fit is dropped.
 */
static void rvti_fragment4(struct rvti_device *rvti, struct sk_buff *skb,
			   int mtu)
{
	unsigned int ihl = ip_hdr(skb)->ihl * 4;

	/*
	 * skb->cb is ours (a qdisc may have used it): build the IP control
	 * block afresh. ip_options_fragment() needs only the options' length
	 * to blank those not meant for every fragment, and writes the
	 * header, which must not be shared with a clone.
	 */
	if (!pskb_network_may_pull(skb, ihl) || skb_cow_head(skb, 0)) {
		DEV_STATS_INC(rvti->dev, tx_errors);
		DEV_STATS_INC(rvti->dev, tx_dropped);
		kfree_skb_reason(skb, SKB_DROP_REASON_NOMEM);
		return;
	}
	memset(IPCB(skb), 0, sizeof(*IPCB(skb)));
	IPCB(skb)->opt.optlen = ihl - sizeof(struct iphdr);
	IPCB(skb)->frag_max_size = mtu;
	ip_do_fragment(dev_net(rvti->dev), NULL, skb, rvti_xmit_fragment);
}

/*
 * Returns an rvti_mtu_verdict when the packet goes on; otherwise it was
 * answered and consumed and the return value is negative: ICMP
 * "fragmentation needed" / "packet too big" with the inner MTU, or cut
 * into IPv4 fragments before encryption (-EINPROGRESS), because cloud
 * gateways neither reassemble outer fragments nor do PMTU discovery.
 * The MTU advertised or fragmented to is never more than the real one.
 */
static int rvti_check_mtu(struct rvti_device *rvti, struct rvti_sa *sa,
			  struct sk_buff *skb, struct dst_entry *dst,
			  sa_family_t family, bool may_frag)
{
	/* Signed: a tiny outer MTU leaves negative room. */
	int mtu = rvti_inner_mtu(sa, dst_mtu(dst), family);

	if ((int)skb->len <= mtu)
		return RVTI_MTU_FITS;

	if (skb->protocol == htons(ETH_P_IP)) {
		/*
		 * Below 68 no IPv4 packet fits. Between 68 and 552 hosts
		 * lock their path MTU at 552 and stop setting DF, and those
		 * packets are fragmented here: still the real MTU is the
		 * one to advertise.
		 */
		if (mtu < IPV4_MIN_MTU)
			goto drop;
		skb_dst_update_pmtu_no_confirm(skb, mtu);
		if (!(ip_hdr(skb)->frag_off & htons(IP_DF))) {
			if (!may_frag || !skb_dst(skb))
				goto drop;
			rvti_fragment4(rvti, skb, mtu);
			return -EINPROGRESS;
		}
		icmp_ndo_send(skb, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED,
			      htonl(mtu));
	} else {
		if (skb->len <= IPV6_MIN_MTU)
			return RVTI_MTU_FRAG_OUTER;
		/* No IPv6 link is smaller: the rest comes in outer fragments. */
		mtu = max(mtu, IPV6_MIN_MTU);
		skb_dst_update_pmtu_no_confirm(skb, mtu);
		icmpv6_ndo_send(skb, ICMPV6_PKT_TOOBIG, 0, mtu);
	}
drop:
	DEV_STATS_INC(rvti->dev, tx_errors);
	DEV_STATS_INC(rvti->dev, tx_dropped);
	kfree_skb_reason(skb, SKB_DROP_REASON_PKT_TOO_BIG);
	return -EMSGSIZE;
}

static int rvti_xmit_one(struct sk_buff *skb, bool may_frag)
{
	enum skb_drop_reason reason = SKB_DROP_REASON_NOT_SPECIFIED;
	struct net_device *dev = skb->dev;
	struct rvti_device *rvti = netdev_priv(dev);
	unsigned int inner_len, clen;
	struct rvti_endpoints *ep;
	struct ip_esp_hdr *esph;
	struct dst_entry *dst;
	struct rvti_addr saddr;
	struct rvti_sa *sa;
	u8 next_hdr, dsfield;
	bool df, no_ep, failover = false;
	int nfrags, ret;
	u64 seq;

	rcu_read_lock_bh();
again:
	ep = rcu_dereference_bh(rvti->endpoints);
	sa = rcu_dereference_bh(rvti->tx_sa);
	no_ep = !ep || !rvti_addr_is_set(&ep->remote);
	if (unlikely(no_ep || !sa || !rvti_sa_can_send(sa))) {
		struct rvti_device *other;

		if (!no_ep)
			rvti_event_acquire(rvti);
		/*
		 * Another tunnel of the site takes it (failover.c), once:
		 * it carries the packet as its own.
		 */
		other = failover ? NULL : rvti_failover_pick(rvti, skb);
		if (other) {
			atomic64_inc(&rvti->failover);
			failover = true;
			rvti = other;
			dev = other->dev;
			skb->dev = dev;
			goto again;
		}
		atomic64_inc(no_ep ? &rvti->no_endpoint : &rvti->no_tx_sa);
		goto drop;
	}
	/* Prefixes and transit (policy.c): counted, maybe answered. */
	if (unlikely(!rvti_policy_xmit(rvti, skb)))
		goto drop;

	if (skb->protocol == htons(ETH_P_IP) &&
	    pskb_network_may_pull(skb, sizeof(struct iphdr))) {
		next_hdr = IPPROTO_IPIP;
		df = ip_hdr(skb)->frag_off & htons(IP_DF);
	} else if (skb->protocol == htons(ETH_P_IPV6) &&
		   pskb_network_may_pull(skb, sizeof(struct ipv6hdr))) {
		next_hdr = IPPROTO_IPV6;
		df = true;
	} else {
		reason = SKB_DROP_REASON_INVALID_PROTO;
		goto err;
	}
	/* RFC 6040: copy the DSCP, and ECN in normal mode. */
	dsfield = ip_tunnel_ecn_encap(ip_tunnel_get_dsfield(ip_hdr(skb), skb) &
				      ~INET_ECN_MASK, ip_hdr(skb), skb);

	dst = rvti_route(rvti, ep, &saddr, dsfield);
	if (IS_ERR(dst)) {
		DEV_STATS_INC(dev, tx_carrier_errors);
		reason = SKB_DROP_REASON_IP_OUTNOROUTES;
		goto err;
	}
	ret = rvti_check_mtu(rvti, sa, skb, dst, ep->remote.family, may_frag);
	if (ret < 0) {
		dst_release(dst);
		rcu_read_unlock_bh();
		return ret == -EINPROGRESS ? 0 : ret;
	}

	seq = rvti_sa_next_seq(sa);
	if (unlikely(!(sa->flags & RVTI_SA_F_ESN) &&
		     (!seq || seq >= RVTI_SA_SEQ_SOFT)))
		rvti_sa_seq_limit(sa, !seq);
	if (unlikely(!seq)) {
		dst_release(dst);
		rvti_event_acquire(rvti);
		goto drop;
	}

	if (skb->ip_summed == CHECKSUM_PARTIAL && skb_checksum_help(skb))
		goto err_dst;
	skb_scrub_packet(skb, !net_eq(rvti->creating_net, dev_net(dev)));

	inner_len = skb->len;
	esph = rvti_esp_encap(sa, skb, rvti_outer_hlen(sa, ep->remote.family) +
			      LL_RESERVED_SPACE(dst->dev), next_hdr, seq,
			      &clen, &nfrags);
	if (IS_ERR(esph))
		goto err_nomem;
	rvti_push_outer(skb, sa, dst, &saddr, ep, dsfield, df,
			ret == RVTI_MTU_FRAG_OUTER);
	skb_dst_set(skb, dst);

	rvti_sa_use(sa, inner_len);
	rvti_esp_cb(skb)->len = inner_len;
	/*
	 * Asynchronous crypto: held until rvti_tx_done(), which may run
	 * after the RCU section. Synchronous: done before encrypt returns.
	 */
	rvti_esp_cb(skb)->held = rvti_sa_async(sa);
	if (rvti_esp_cb(skb)->held) {
		rvti_sa_hold(sa);
		dev_hold(dev);
	}
	rvti_esp_encrypt(sa, skb, esph, seq, clen, nfrags, rvti_tx_done);
	rcu_read_unlock_bh();
	return 0;

err_nomem:
	reason = SKB_DROP_REASON_NOMEM;
err_dst:
	dst_release(dst);
err:
	DEV_STATS_INC(dev, tx_errors);
drop:
	rcu_read_unlock_bh();
	DEV_STATS_INC(dev, tx_dropped);
	kfree_skb_reason(skb, reason);
	return -EINVAL;
}

/* ip_do_fragment()'s output: a fragment is never fragmented again. */
static int rvti_xmit_fragment(struct net *net, struct sock *sk,
			      struct sk_buff *skb)
{
	return rvti_xmit_one(skb, false);
}

/*
 * With a qdisc, the device's queue stops while the outbound SA's parallel
 * crypto holds enough (parallel.c): the excess waits in the qdisc rather
 * than being dropped at the SA's bound.
 */
static void rvti_xmit_backpressure(struct rvti_device *rvti)
{
	struct rvti_sa *sa;

	rcu_read_lock_bh();
	sa = rcu_dereference_bh(rvti->tx_sa);
	if (sa && sa->parallel)
		rvti_parallel_tx_check(sa->parallel, rvti->dev);
	rcu_read_unlock_bh();
}

/*
 * The device advertises GSO (device.c), so TCP from a local socket and
 * packets GRO merged on another interface cross the stack once per up to
 * 64 KB rather than once per segment. Segmentation happens here, before
 * encryption, because every ESP packet needs its own sequence number and
 * ICV. Segmenting without NETIF_F_SG and NETIF_F_HW_CSUM makes each segment
 * one linear buffer whose inner checksum is computed in the same pass as
 * the copy, and which rvti_esp_encap() then encrypts in place.
 */
netdev_tx_t rvti_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct sk_buff *segs, *next;
	bool plugged;

	if (!skb_is_gso(skb)) {
		rvti_xmit_one(skb, true);
		goto out;
	}
	segs = skb_gso_segment(skb, 0);
	if (IS_ERR_OR_NULL(segs)) {
		DEV_STATS_INC(dev, tx_errors);
		DEV_STATS_INC(dev, tx_dropped);
		kfree_skb_reason(skb, SKB_DROP_REASON_NOMEM);
		return NETDEV_TX_OK;
	}
	consume_skb(skb);
	/*
	 * With parallel crypto the segments go to one worker as a chain
	 * (parallel.c); each is in its SA's queue, in order, already.
	 */
	plugged = rvti_parallel_plug();
	skb_list_walk_safe(segs, skb, next) {
		skb_mark_not_on_list(skb);
		rvti_xmit_one(skb, true);
	}
	if (plugged)
		rvti_parallel_unplug();
out:
	rvti_xmit_backpressure(netdev_priv(dev));
	return NETDEV_TX_OK;
}
