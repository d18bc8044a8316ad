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
#include <net/ip6_route.h>
#include <net/ip_tunnels.h>
#include <net/ipv6.h>
#include <net/route.h>
#include <linux/rvti.h>

#include "device.h"
#include "esp.h"
#include "policy.h"
#include "sa.h"
#include "send.h"

static struct dst_entry *rvti_route(struct rvti_device *rvti,
				    const struct rvti_endpoints *ep,
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
		struct rtable *rt;

		rt = dst_cache_get_ip4(&rvti->dst_cache, &saddr->ip4);
		if (rt)
			return &rt->dst;
		rt = ip_route_output_key(net, &fl4);
		if (IS_ERR(rt))
			return ERR_CAST(rt);
		dst = &rt->dst;
		saddr->ip4 = fl4.saddr;
		if (dst->dev != rvti->dev)
			dst_cache_set_ip4(&rvti->dst_cache, dst, fl4.saddr);
	} else {
		struct flowi6 fl6 = {
			.daddr = ep->remote.ip6,
			.flowi6_proto = IPPROTO_ESP,
		};

		if (rvti_addr_is_set(&ep->local))
			fl6.saddr = ep->local.ip6;
		dst = dst_cache_get_ip6(&rvti->dst_cache, &saddr->ip6);
		if (dst)
			return dst;
		dst = ip6_dst_lookup_flow(net, NULL, &fl6, NULL);
		if (IS_ERR(dst))
			return dst;
		saddr->ip6 = fl6.saddr;
		if (dst->dev != rvti->dev)
			dst_cache_set_ip6(&rvti->dst_cache, dst, &fl6.saddr);
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
	unsigned int len;
	int ret;

	if (unlikely(err)) {
		DEV_STATS_INC(dev, tx_errors);
		kfree_skb(skb);
		goto out;
	}
	len = skb->len;
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
	rvti_sa_put(sa);
	dev_put(dev);
}

/* Pushes the outer IPv4 or IPv6 header in front of the ESP header. */
static void rvti_push_outer(struct sk_buff *skb, struct dst_entry *dst,
			    const struct rvti_addr *saddr,
			    const struct rvti_endpoints *ep, u8 dsfield, bool df)
{
	const struct rvti_addr *daddr = &ep->remote;

	if (daddr->family == AF_INET) {
		struct iphdr *iph = skb_push(skb, sizeof(*iph));

		skb_reset_network_header(skb);
		iph->version = 4;
		iph->ihl = sizeof(*iph) >> 2;
		iph->tos = dsfield;
		if (ep->df != RVTI_DF_COPY)
			df = ep->df == RVTI_DF_SET;
		iph->frag_off = df ? htons(IP_DF) : 0;
		iph->ttl = ep->ttl ?: ip4_dst_hoplimit(dst);
		iph->protocol = IPPROTO_ESP;
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
		ip6h->nexthdr = IPPROTO_ESP;
		ip6h->hop_limit = ep->ttl ?: ip6_dst_hoplimit(dst);
		ip6h->saddr = saddr->ip6;
		ip6h->daddr = daddr->ip6;
		skb->protocol = htons(ETH_P_IPV6);
	}
}

static unsigned int rvti_outer_hlen(sa_family_t family)
{
	return family == AF_INET ? sizeof(struct iphdr) : sizeof(struct ipv6hdr);
}

/*
 * The largest inner packet that fits in one outer packet of @mtu bytes:
 * the ESP payload plus its 2-byte trailer is padded to the SA's block.
 */
static int rvti_inner_mtu(const struct rvti_sa *sa, unsigned int mtu,
			  sa_family_t family)
{
	int room = mtu - rvti_outer_hlen(family) - sizeof(struct ip_esp_hdr) -
		   sa->iv_len - sa->icv_len;

	return round_down(room, sa->block_len) - 2;
}

static int rvti_xmit_one(struct net *net, struct sock *sk, struct sk_buff *skb);

/*
 * Returns 0 when the packet fits; otherwise it was answered and consumed:
 * ICMP "fragmentation needed" / "packet too big" with the inner MTU, or
 * cut into IPv4 fragments that go round the transmit path again, because
 * cloud gateways neither reassemble outer fragments nor do PMTU discovery.
 */
static int rvti_check_mtu(struct rvti_device *rvti, struct rvti_sa *sa,
			  struct sk_buff *skb, struct dst_entry *dst,
			  sa_family_t family)
{
	int mtu = rvti_inner_mtu(sa, dst_mtu(dst), family);

	if (skb->len <= mtu)
		return 0;

	if (skb->protocol == htons(ETH_P_IP)) {
		mtu = max(mtu, 576);
		skb_dst_update_pmtu_no_confirm(skb, mtu);
		if (!(ip_hdr(skb)->frag_off & htons(IP_DF)) && skb_dst(skb)) {
			memset(IPCB(skb), 0, sizeof(*IPCB(skb)));
			IPCB(skb)->frag_max_size = mtu;
			/* The fragments come back through rvti_xmit_one(). */
			ip_do_fragment(dev_net(rvti->dev), NULL, skb, rvti_xmit_one);
			return -EINPROGRESS;
		}
		icmp_ndo_send(skb, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED,
			      htonl(mtu));
	} else {
		mtu = max(mtu, IPV6_MIN_MTU);
		skb_dst_update_pmtu_no_confirm(skb, mtu);
		if (skb->len <= mtu)
			return 0;
		icmpv6_ndo_send(skb, ICMPV6_PKT_TOOBIG, 0, mtu);
	}
	DEV_STATS_INC(rvti->dev, tx_errors);
	kfree_skb(skb);
	return -EMSGSIZE;
}

static int rvti_xmit_one(struct net *net, struct sock *sk, struct sk_buff *skb)
{
	struct net_device *dev = skb->dev;
	struct rvti_device *rvti = netdev_priv(dev);
	unsigned int inner_len, pad_len, clen;
	const struct rvti_endpoints *ep;
	struct sk_buff *trailer;
	struct ip_esp_hdr *esph;
	struct dst_entry *dst;
	struct rvti_addr saddr;
	struct rvti_sa *sa;
	u8 next_hdr, dsfield;
	int nfrags, ret;
	bool df;
	u64 seq;

	rcu_read_lock_bh();
	ep = rcu_dereference_bh(rvti->endpoints);
	if (unlikely(!ep || !rvti_addr_is_set(&ep->remote))) {
		atomic64_inc(&rvti->no_endpoint);
		goto drop;
	}
	sa = rcu_dereference_bh(rvti->tx_sa);
	if (unlikely(!sa)) {
		atomic64_inc(&rvti->no_tx_sa);
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
		goto err;
	}
	/* RFC 6040: copy the DSCP, and ECN in normal mode. */
	dsfield = ip_tunnel_ecn_encap(ip_tunnel_get_dsfield(ip_hdr(skb), skb) &
				      ~INET_ECN_MASK, ip_hdr(skb), skb);

	dst = rvti_route(rvti, ep, &saddr, dsfield);
	if (IS_ERR(dst)) {
		DEV_STATS_INC(dev, tx_carrier_errors);
		goto err;
	}
	ret = rvti_check_mtu(rvti, sa, skb, dst, ep->remote.family);
	if (ret) {
		dst_release(dst);
		rcu_read_unlock_bh();
		return ret == -EINPROGRESS ? 0 : ret;
	}

	seq = rvti_sa_next_seq(sa);
	if (unlikely(!seq)) {
		dst_release(dst);
		goto drop;
	}

	if (skb->ip_summed == CHECKSUM_PARTIAL && skb_checksum_help(skb))
		goto err_dst;
	skb_scrub_packet(skb, !net_eq(rvti->creating_net, dev_net(dev)));

	inner_len = skb->len;
	pad_len = rvti_esp_pad_len(inner_len, sa->block_len);
	clen = inner_len + pad_len + 2;
	if (skb_cow_head(skb, rvti_outer_hlen(ep->remote.family) +
			 sizeof(*esph) + sa->iv_len + LL_RESERVED_SPACE(dst->dev)))
		goto err_dst;
	nfrags = skb_cow_data(skb, pad_len + 2 + sa->icv_len, &trailer);
	if (nfrags < 0)
		goto err_dst;
	rvti_esp_fill_trailer(skb_tail_pointer(trailer), pad_len, next_hdr);
	pskb_put(skb, trailer, pad_len + 2 + sa->icv_len);

	esph = skb_push(skb, sizeof(*esph) + sa->iv_len);
	esph->spi = sa->spi;
	esph->seq_no = htonl(lower_32_bits(seq));
	skb_reset_transport_header(skb);
	rvti_push_outer(skb, dst, &saddr, ep, dsfield, df);
	skb_dst_set(skb, dst);

	rvti_sa_count(sa, inner_len);
	/* Held until rvti_tx_done(), which may run after crypto returns. */
	rvti_sa_hold(sa);
	dev_hold(dev);
	rcu_read_unlock_bh();
	rvti_esp_encrypt(sa, skb, esph, seq, clen, nfrags, rvti_tx_done);
	return 0;

err_dst:
	dst_release(dst);
err:
	DEV_STATS_INC(dev, tx_errors);
drop:
	rcu_read_unlock_bh();
	DEV_STATS_INC(dev, tx_dropped);
	kfree_skb(skb);
	return -EINVAL;
}

netdev_tx_t rvti_xmit(struct sk_buff *skb, struct net_device *dev)
{
	rvti_xmit_one(dev_net(dev), NULL, skb);
	return NETDEV_TX_OK;
}
