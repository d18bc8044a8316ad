// SPDX-License-Identifier: GPL-2.0
/*
 * Receive: ESP for one of our inbound SAs comes out of the device as the
 * inner packet; every other ESP packet is left to XFRM untouched.
 *
 * The packet walk: the xfrm4/xfrm6 ESP handler chain calls us before
 * ip_vti, xfrm interfaces and esp4/esp6 (ESP in UDP through the chain's
 * input handlers, after a UDP_ENCAP socket's xfrm4/6_udp_encap_rcv() took
 * the UDP header off); look up the SPI (RCU); check the
 * outer source and the anti-replay window; decrypt and verify the ICV,
 * maybe asynchronously; only then advance the window; check the trailer
 * and the inner header; deliver through GRO on the device.
 */

#include <kunit/visibility.h>
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include <net/ip6_route.h>
#include <net/ndisc.h>
#include <net/route.h>
#include <net/gro_cells.h>
#include <net/inet_ecn.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/xfrm.h>
#include <linux/rvti.h>

#include "device.h"
#include "esp.h"
#include "event.h"
#include "policy.h"
#include "receive.h"
#include "sa.h"

/* Above ip_vti (100), xfrm interfaces (10) and esp4/esp6 (0). */
#define RVTI_XFRM_PRIORITY 200

static void rvti_rx_drop(struct sk_buff *skb, atomic64_t *counter,
			 enum skb_drop_reason reason)
{
	if (counter)
		atomic64_inc(counter);
	kfree_skb_reason(skb, reason);
}

/* Checks and removes the padding; returns the next header or -EINVAL. */
VISIBLE_IF_KUNIT int rvti_rx_strip_trailer(struct rvti_sa *sa,
					   struct sk_buff *skb)
{
	unsigned int elen = skb->len - sizeof(struct ip_esp_hdr) - sa->iv_len -
			    sa->icv_len;
	u8 trailer[2], pad[255];

	if (skb_copy_bits(skb, skb->len - sa->icv_len - 2, trailer, 2))
		return -EINVAL;
	if (trailer[0] + 2 > elen)
		return -EINVAL;
	if (skb_copy_bits(skb, skb->len - sa->icv_len - 2 - trailer[0], pad,
			  trailer[0]) ||
	    !rvti_esp_pad_ok(pad, trailer[0]))
		return -EINVAL;
	if (pskb_trim(skb, skb->len - sa->icv_len - 2 - trailer[0]))
		return -EINVAL;
	return trailer[1];
}
EXPORT_SYMBOL_IF_KUNIT(rvti_rx_strip_trailer);

/* The inner header must be what the next-header field promised. */
static bool rvti_rx_inner_ok(struct sk_buff *skb, __be16 proto)
{
	const struct ipv6hdr *ip6h;

	if (proto == htons(ETH_P_IP)) {
		const struct iphdr *iph;

		if (!pskb_may_pull(skb, sizeof(*iph)))
			return false;
		iph = (const struct iphdr *)skb->data;
		if (iph->version != 4 || iph->ihl < 5 ||
		    ntohs(iph->tot_len) < iph->ihl * 4 ||
		    ntohs(iph->tot_len) > skb->len)
			return false;
		/* TFC padding (RFC 4303 section 2.7) goes. */
		return !pskb_trim(skb, ntohs(iph->tot_len));
	}
	if (!pskb_may_pull(skb, sizeof(struct ipv6hdr)))
		return false;
	ip6h = (const struct ipv6hdr *)skb->data;
	if (ip6h->version != 6 ||
	    ntohs(ip6h->payload_len) + sizeof(*ip6h) > skb->len)
		return false;
	return !pskb_trim(skb, ntohs(ip6h->payload_len) + sizeof(*ip6h));
}

static void rvti_rx_done(struct sk_buff *skb, int err)
{
	struct rvti_esp_cb *cb = rvti_esp_cb(skb);
	struct rvti_sa *sa = cb->sa;
	struct rvti_device *rvti = sa->rvti;
	struct net_device *dev = rvti->dev;
	enum rvti_replay_verdict verdict;
	u8 outer_dsfield = cb->outer_dsfield;
	bool napi = cb->parallel == RVTI_PAR_NAPI;
	bool held = cb->held;
	unsigned long now;
	unsigned int len;
	__be16 proto;

	if (unlikely(err == -ENOBUFS)) {
		/*
		 * The SA's parallel queue is full (parallel.c): the
		 * receiver is overloaded; the packet was not decrypted, so
		 * nothing is known about it, and the window stays put.
		 */
		DEV_STATS_INC(dev, rx_dropped);
		rvti_rx_drop(skb, &sa->overload, SKB_DROP_REASON_FULL_RING);
		goto out;
	}
	if (unlikely(err)) {
		DEV_STATS_INC(dev, rx_errors);
		rvti_rx_drop(skb, err == -EBADMSG ? &sa->icv_fail : &sa->malformed,
			     err == -ENOMEM ? SKB_DROP_REASON_NOMEM :
			     SKB_DROP_REASON_NOT_SPECIFIED);
		goto out;
	}

	/* Authentic: the peer is alive, and only now may the window move. */
	now = rvti_now_seconds();
	if (READ_ONCE(rvti->last_rx) != now)
		WRITE_ONCE(rvti->last_rx, now);
	spin_lock_bh(&sa->replay_lock);
	verdict = rvti_replay_advance(&sa->replay, cb->seq);
	spin_unlock_bh(&sa->replay_lock);
	if (unlikely(verdict != RVTI_REPLAY_OK)) {
		DEV_STATS_INC(dev, rx_dropped);
		rvti_rx_drop(skb, verdict == RVTI_REPLAY_DUP ? &sa->replayed :
				  &sa->outside_window, SKB_DROP_REASON_NOT_SPECIFIED);
		goto out;
	}
	/* Authentic and new, from another port: the peer's NAT moved it. */
	if (unlikely(cb->sport) && cb->sport != rvti_sa_ports(sa).sport)
		rvti_event_mapping(sa, cb->sport);

	switch (rvti_rx_strip_trailer(sa, skb)) {
	case IPPROTO_IPIP:
		proto = htons(ETH_P_IP);
		break;
	case IPPROTO_IPV6:
		proto = htons(ETH_P_IPV6);
		break;
	case IPPROTO_NONE:
		/*
		 * RFC 4303 section 2.6: a dummy packet for traffic flow
		 * confidentiality, authentic and meant to be discarded. It
		 * went through the SA, as XFRM counts it too: one packet,
		 * no inner bytes. Uncounted, it would vanish from every
		 * counter, and a flood of them would go unseen.
		 */
		rvti_sa_use(sa, 0);
		consume_skb(skb);
		goto out;
	default:
		goto malformed;
	}
	/* rvti_esp_rcv() made header and IV linear; the trim kept them. */
	__skb_pull(skb, sizeof(struct ip_esp_hdr) + sa->iv_len);
	if (unlikely(!rvti_rx_inner_ok(skb, proto)))
		goto malformed;
	/* An inner source outside the prefixes: counted in policy.c. */
	if (unlikely(!rvti_policy_rx(rvti, skb, proto))) {
		DEV_STATS_INC(dev, rx_dropped);
		rvti_rx_drop(skb, NULL, SKB_DROP_REASON_NOT_SPECIFIED);
		goto out;
	}

	skb_reset_network_header(skb);
	skb_reset_mac_header(skb);
	skb->protocol = proto;
	skb_scrub_packet(skb, !net_eq(rvti->creating_net, dev_net(dev)));
	skb->dev = dev;
	if (proto == htons(ETH_P_IP) ?
	    INET_ECN_decapsulate(skb, outer_dsfield, ip_hdr(skb)->tos) > 1 :
	    INET_ECN_decapsulate(skb, outer_dsfield,
				 ipv6_get_dsfield(ipv6_hdr(skb))) > 1) {
		/*
		 * RFC 6040: CE outside, not-ECT inside, a combination no
		 * conforming encapsulator sends. Counted on the SA like the
		 * other packets it cannot deliver, not only in the device's
		 * rx_frame_errors, so that its drops account for every packet.
		 */
		DEV_STATS_INC(dev, rx_frame_errors);
		DEV_STATS_INC(dev, rx_errors);
		rvti_rx_drop(skb, &sa->malformed, SKB_DROP_REASON_NOT_SPECIFIED);
		goto out;
	}

	len = skb->len;
	rvti_sa_use(sa, len);
	dev_sw_netstats_rx_add(dev, len);
	/* In the NAPI poll of parallel crypto (parallel.c): GRO is here. */
	if (napi)
		napi_gro_receive(&rvti->rx.napi, skb);
	else
		gro_cells_receive(&rvti->gro_cells, skb);
	goto out;

malformed:
	DEV_STATS_INC(dev, rx_errors);
	rvti_rx_drop(skb, &sa->malformed, SKB_DROP_REASON_INVALID_PROTO);
out:
	if (held) {
		rvti_sa_put(sa);
		dev_put(dev);
	}
}

/* The outer packet's addresses, as the SA table wants them. */
static void rvti_rx_outer_addrs(const struct sk_buff *skb,
				struct rvti_addr *daddr, struct rvti_addr *saddr)
{
	if (ip_hdr(skb)->version == 4) {
		daddr->family = AF_INET;
		daddr->ip4 = ip_hdr(skb)->daddr;
		saddr->family = AF_INET;
		saddr->ip4 = ip_hdr(skb)->saddr;
	} else {
		daddr->family = AF_INET6;
		daddr->ip6 = ipv6_hdr(skb)->daddr;
		saddr->family = AF_INET6;
		saddr->ip6 = ipv6_hdr(skb)->saddr;
	}
}

/*
 * An ESP packet, skb->data at its header; @encap: it came in UDP (the UDP
 * header lies before skb->data, the outer header still says UDP). Returns
 * -EINVAL, the packet untouched, when no SA of ours takes it; else 0.
 */
static int rvti_rx(struct sk_buff *skb, bool encap)
{
	enum rvti_replay_verdict verdict;
	struct rvti_addr daddr, saddr;
	struct rvti_sa *sa, *owner;
	struct rvti_device *rvti;
	struct ip_esp_hdr *esph;
	u64 seq;

	if (!pskb_may_pull(skb, sizeof(*esph)))
		return -EINVAL;
	esph = (struct ip_esp_hdr *)skb->data;
	rvti_rx_outer_addrs(skb, &daddr, &saddr);

	rcu_read_lock();
	/* RFC 4301 section 4.1: the SA is (destination, SPI); we also
	 * require the tunnel's remote as the source.
	 */
	sa = rvti_sa_lookup(dev_net(skb->dev), RVTI_SA_DIR_IN, esph->spi,
			    &daddr, &saddr, &owner);
	if (!sa) {
		/*
		 * Not ours, or one of our SPIs between other addresses:
		 * an XFRM SA may own it, so XFRM gets it untouched.
		 */
		if (owner)
			atomic64_inc(&owner->rvti->wrong_source);
		rcu_read_unlock();
		return -EINVAL;
	}
	rvti = sa->rvti;

	/*
	 * Ours, but not as the SA's ESP travels: not the peer's, or sent
	 * around the NAT the SA was set up for.
	 */
	if (unlikely(encap != rvti_sa_encap(sa))) {
		DEV_STATS_INC(rvti->dev, rx_dropped);
		rvti_rx_drop(skb, &sa->encap_mismatch,
			     SKB_DROP_REASON_NOT_SPECIFIED);
		goto out;
	}
	if (unlikely(skb->len < sizeof(*esph) + sa->iv_len + 2 + sa->icv_len ||
		     (skb->len - sizeof(*esph) - sa->iv_len - sa->icv_len) %
		     sa->block_len)) {
		DEV_STATS_INC(rvti->dev, rx_length_errors);
		goto malformed;
	}
	/*
	 * Header and IV into the linear area, as esp4 does: a packet
	 * reassembled from fragments may have them in its frag list.
	 */
	if (unlikely(!pskb_may_pull(skb, sizeof(*esph) + sa->iv_len)))
		goto malformed;
	esph = (struct ip_esp_hdr *)skb->data;

	/* Lockless: the one locked section is rvti_replay_advance()'s. */
	verdict = rvti_replay_check(&sa->replay, ntohl(esph->seq_no), &seq);
	if (unlikely(verdict != RVTI_REPLAY_OK)) {
		DEV_STATS_INC(rvti->dev, rx_dropped);
		rvti_rx_drop(skb, verdict == RVTI_REPLAY_DUP ? &sa->replayed :
				  verdict == RVTI_REPLAY_OLD ? &sa->outside_window :
				  &sa->malformed, SKB_DROP_REASON_NOT_SPECIFIED);
		goto out;
	}

	/*
	 * xfrm4/6_udp_encap_rcv() pulled the UDP header (of ESP in UDP, 8
	 * bytes: no marker) and left it in place, as esp4/6 read it after
	 * decryption; its source port is the peer's, as its NAT maps it.
	 */
	rvti_esp_cb(skb)->sport = encap ?
		((struct udphdr *)(skb->data - sizeof(struct udphdr)))->source : 0;
	rvti_esp_cb(skb)->outer_dsfield = ip_hdr(skb)->version == 4 ?
					  ip_hdr(skb)->tos :
					  ipv6_get_dsfield(ipv6_hdr(skb));
	/*
	 * Asynchronous crypto: held until rvti_rx_done(), which may run
	 * after the RCU section. Synchronous: done before decrypt returns.
	 */
	rvti_esp_cb(skb)->held = rvti_sa_async(sa);
	if (rvti_esp_cb(skb)->held) {
		rvti_sa_hold(sa);
		dev_hold(rvti->dev);
	}
	rvti_esp_decrypt(sa, skb, seq, rvti_rx_done);
	rcu_read_unlock();
	return 0;

malformed:
	DEV_STATS_INC(rvti->dev, rx_errors);
	rvti_rx_drop(skb, &sa->malformed, SKB_DROP_REASON_PKT_TOO_SMALL);
out:
	rcu_read_unlock();
	return 0;
}

static int rvti_esp_rcv(struct sk_buff *skb)
{
	return rvti_rx(skb, false);
}

/*
 * xfrm4/6_rcv_encap() call every input handler: for ESP in UDP, which a
 * UDP_ENCAP_ESPINUDP socket took off its UDP header, and for bare ESP
 * (encap_type 0) on its way into xfrm_input() after rvti_esp_rcv() left
 * it to XFRM. Only the first can be ours.
 */
static int rvti_esp_input_handler(struct sk_buff *skb, int nexthdr,
				  __be32 spi, int encap_type)
{
	if (encap_type != UDP_ENCAP_ESPINUDP || nexthdr != IPPROTO_ESP)
		return -EINVAL;
	return rvti_rx(skb, true);
}

static int rvti_esp_cb_handler(struct sk_buff *skb, int err)
{
	return 1;
}

/*
 * ICMP errors about outer ESP packets: a smaller path MTU, or a redirect,
 * updates the outer route, which the transmit path reads through its route
 * cache and turns into ICMP for the inner senders. Only errors that quote
 * one of our outbound SAs, between its tunnel's addresses, are ours (as
 * esp4_err() looks its state up first): the route is shared, and a forged
 * error quoting any SPI must not lower everybody's path MTU. Others go on
 * to XFRM's handler.
 */
static bool rvti_err_is_ours(struct sk_buff *skb, const struct rvti_addr *saddr,
			     const struct rvti_addr *daddr, unsigned int esp_off)
{
	const struct ip_esp_hdr *esph = (void *)(skb->data + esp_off);
	struct rvti_sa *owner;

	/* The ICMP layer made the quoted header and 8 bytes linear. */
	return rvti_sa_lookup(dev_net(skb->dev), RVTI_SA_DIR_OUT, esph->spi,
			      saddr, daddr, &owner);
}

static int rvti_esp4_err(struct sk_buff *skb, u32 info)
{
	const struct iphdr *iph = (const struct iphdr *)skb->data;
	struct net *net = dev_net(skb->dev);
	struct rvti_addr saddr = { .family = AF_INET, .ip4 = iph->saddr };
	struct rvti_addr daddr = { .family = AF_INET, .ip4 = iph->daddr };
	u8 type = icmp_hdr(skb)->type, code = icmp_hdr(skb)->code;

	if (!(type == ICMP_DEST_UNREACH && code == ICMP_FRAG_NEEDED) &&
	    type != ICMP_REDIRECT)
		return -ENOENT;
	if (!rvti_err_is_ours(skb, &saddr, &daddr, iph->ihl << 2))
		return -ENOENT;
	if (type == ICMP_DEST_UNREACH)
		ipv4_update_pmtu(skb, net, info, 0, IPPROTO_ESP);
	else
		ipv4_redirect(skb, net, 0, IPPROTO_ESP);
	return 0;
}

static int rvti_esp6_err(struct sk_buff *skb, struct inet6_skb_parm *opt,
			 u8 type, u8 code, int offset, __be32 info)
{
	const struct ipv6hdr *ip6h = (const struct ipv6hdr *)skb->data;
	struct net *net = dev_net(skb->dev);
	struct rvti_addr saddr = { .family = AF_INET6, .ip6 = ip6h->saddr };
	struct rvti_addr daddr = { .family = AF_INET6, .ip6 = ip6h->daddr };

	if (type != ICMPV6_PKT_TOOBIG && type != NDISC_REDIRECT)
		return -ENOENT;
	if (!rvti_err_is_ours(skb, &saddr, &daddr, offset))
		return -ENOENT;
	if (type == ICMPV6_PKT_TOOBIG)
		ip6_update_pmtu(skb, net, info, 0, 0, sock_net_uid(net, NULL));
	else
		ip6_redirect(skb, net, skb->dev->ifindex, 0,
			     sock_net_uid(net, NULL));
	return 0;
}

static struct xfrm4_protocol rvti_esp4_protocol __read_mostly = {
	.handler = rvti_esp_rcv,
	.input_handler = rvti_esp_input_handler,
	.cb_handler = rvti_esp_cb_handler,
	.err_handler = rvti_esp4_err,
	.priority = RVTI_XFRM_PRIORITY,
};

static struct xfrm6_protocol rvti_esp6_protocol __read_mostly = {
	.handler = rvti_esp_rcv,
	.input_handler = rvti_esp_input_handler,
	.cb_handler = rvti_esp_cb_handler,
	.err_handler = rvti_esp6_err,
	.priority = RVTI_XFRM_PRIORITY,
};

int __init rvti_receive_init(void)
{
	int ret;

	ret = xfrm4_protocol_register(&rvti_esp4_protocol, IPPROTO_ESP);
	if (ret)
		return ret;
	ret = xfrm6_protocol_register(&rvti_esp6_protocol, IPPROTO_ESP);
	if (ret)
		xfrm4_protocol_deregister(&rvti_esp4_protocol, IPPROTO_ESP);
	return ret;
}

void rvti_receive_uninit(void)
{
	xfrm6_protocol_deregister(&rvti_esp6_protocol, IPPROTO_ESP);
	xfrm4_protocol_deregister(&rvti_esp4_protocol, IPPROTO_ESP);
}
