// SPDX-License-Identifier: GPL-2.0
/*
 * The traffic a tunnel may carry. A tunnel's prefixes are the address
 * spaces of its remote site: with none it carries any inner address (the
 * any-to-any selectors of route-based VPNs); with some, an inner
 * destination (out) or source (in) outside them is dropped and counted.
 * A packet that came in through one rvti device and leaves through another
 * passes only when both have transit on: each side opts in.
 */

#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <net/icmp.h>
#include <net/ip.h>
#include <net/ipv6.h>

#include "failover.h"
#include "policy.h"

static bool rvti_transit_ok(struct rvti_device *rvti, struct sk_buff *skb)
{
	struct net_device *in;

	/*
	 * skb_iif is the device the packet was received on (0 for local
	 * packets); decapsulated packets are received on the rvti device
	 * through its GRO cells, and forwarding keeps skb_iif.
	 */
	in = dev_get_by_index_rcu(dev_net(rvti->dev), skb->skb_iif);
	if (!in || in->rtnl_link_ops != &rvti_link_ops || in == rvti->dev)
		return true;
	return READ_ONCE(rvti->transit) &&
	       READ_ONCE(((struct rvti_device *)netdev_priv(in))->transit);
}

/*
 * Link-local traffic (169.254.0.0/16, 224.0.0.0/24, fe80::/10, ff02::/16)
 * belongs to the tunnel link itself, not to a site: IPv6 router
 * solicitations when the device comes up, or a routing protocol between
 * the gateways. The selector lets it through both ways; the kernel never
 * forwards it beyond the link.
 */
static bool rvti_link_local4(__be32 addr)
{
	return ipv4_is_linklocal_169(addr) || ipv4_is_local_multicast(addr);
}

static bool rvti_link_local6(const struct in6_addr *addr)
{
	return ipv6_addr_type(addr) & IPV6_ADDR_LINKLOCAL;
}

/*
 * Whether @skb is for the tunnel link itself (or not a full IPv4 or IPv6
 * packet): what only its own tunnel may carry.
 */
bool rvti_policy_link_local(struct sk_buff *skb)
{
	if (skb->protocol == htons(ETH_P_IP))
		return !pskb_network_may_pull(skb, sizeof(struct iphdr)) ||
		       rvti_link_local4(ip_hdr(skb)->daddr);
	if (skb->protocol == htons(ETH_P_IPV6))
		return !pskb_network_may_pull(skb, sizeof(struct ipv6hdr)) ||
		       rvti_link_local6(&ipv6_hdr(skb)->daddr);
	return true;
}

/*
 * Whether @rvti's prefixes hold the inner destination of @skb (a full,
 * not link-local packet): what rvti_policy_xmit() lets through. Caller
 * holds RCU.
 */
bool rvti_policy_holds(struct rvti_device *rvti, struct sk_buff *skb)
{
	if (rvti_prefix_table_empty(&rvti->prefixes))
		return true;
	if (skb->protocol == htons(ETH_P_IP))
		return rvti_prefix_contains(&rvti->prefixes, AF_INET,
					    &ip_hdr(skb)->daddr);
	return rvti_prefix_contains(&rvti->prefixes, AF_INET6,
				    &ipv6_hdr(skb)->daddr);
}

bool rvti_policy_xmit(struct rvti_device *rvti, struct sk_buff *skb)
{
	if (unlikely(skb->skb_iif) && !rvti_transit_ok(rvti, skb)) {
		atomic64_inc(&rvti->transit_drops);
		return false;
	}
	/* A packet without a full header is the transmit path's to drop. */
	if (likely(rvti_prefix_table_empty(&rvti->prefixes)) ||
	    rvti_policy_link_local(skb) || rvti_policy_holds(rvti, skb))
		return true;
	atomic64_inc(&rvti->selector_out);
	if (skb->protocol == htons(ETH_P_IP))
		icmp_ndo_send(skb, ICMP_DEST_UNREACH, ICMP_HOST_UNREACH, 0);
	else
		icmpv6_ndo_send(skb, ICMPV6_DEST_UNREACH, ICMPV6_ADDR_UNREACH, 0);
	return false;
}

bool rvti_policy_rx(struct rvti_device *rvti, struct sk_buff *skb,
		    __be16 proto)
{
	const struct ipv6hdr *ip6h = (const struct ipv6hdr *)skb->data;
	const struct iphdr *iph = (const struct iphdr *)skb->data;
	bool ok;

	if (likely(rvti_prefix_table_empty(&rvti->prefixes)))
		return true;
	/* The decryption callback may run outside any RCU section. */
	rcu_read_lock();
	if (proto == htons(ETH_P_IP))
		ok = rvti_link_local4(iph->saddr) ||
		     rvti_prefix_contains(&rvti->prefixes, AF_INET, &iph->saddr);
	else
		ok = rvti_link_local6(&ip6h->saddr) ||
		     rvti_prefix_contains(&rvti->prefixes, AF_INET6,
					  &ip6h->saddr);
	rcu_read_unlock();
	if (!ok)
		atomic64_inc(&rvti->selector_in);
	return ok;
}

const char *rvti_policy_site(struct rvti_device *rvti)
{
	struct rvti_site *site = rcu_dereference_rtnl(rvti->site);

	return site ? site->label : NULL;
}

static bool rvti_same_site(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

struct rvti_device *rvti_policy_conflict(struct rvti_device *rvti,
					 const char *site,
					 const struct rvti_prefix *p,
					 struct rvti_prefix *found)
{
	struct net_device *dev;
	bool hit;

	ASSERT_RTNL();
	for_each_netdev(dev_net(rvti->dev), dev) {
		struct rvti_device *other = netdev_priv(dev);

		if (dev->rtnl_link_ops != &rvti_link_ops || dev == rvti->dev ||
		    dev->reg_state != NETREG_REGISTERED ||
		    rvti_same_site(site, rvti_policy_site(other)))
			continue;
		/* Every table changes under RTNL: this one is stable. */
		rcu_read_lock();
		hit = rvti_prefix_overlap(&other->prefixes, p, found);
		rcu_read_unlock();
		if (hit)
			return other;
	}
	return NULL;
}

int rvti_policy_set_site(struct rvti_device *rvti, const char *label,
			 struct rvti_prefix *mine, struct rvti_device **other,
			 struct rvti_prefix *found)
{
	struct rvti_site *site = NULL, *old;
	struct rvti_prefix_node *node;
	size_t len;

	ASSERT_RTNL();
	lockdep_assert_held(&rvti->conf_lock);
	if (label && !*label)
		label = NULL;
	list_for_each_entry(node, &rvti->prefixes.list, list) {
		rvti_prefix_from_node(node, mine);
		*other = rvti_policy_conflict(rvti, label, mine, found);
		if (*other)
			return -EEXIST;
	}
	if (label) {
		len = strlen(label) + 1;
		site = kmalloc(sizeof(*site) + len, GFP_KERNEL_ACCOUNT);
		if (!site)
			return -ENOMEM;
		memcpy(site->label, label, len);
	}
	if (rvti_failover_set_site(rvti, label)) {
		kfree(site);
		return -ENOMEM;
	}
	old = rcu_replace_pointer(rvti->site, site, lockdep_rtnl_is_held());
	if (old)
		kfree_rcu(old, rcu);
	return 0;
}

void rvti_policy_uninit(struct rvti_device *rvti)
{
	struct rvti_site *site;

	ASSERT_RTNL();
	mutex_lock(&rvti->conf_lock);
	rvti_prefix_table_flush(&rvti->prefixes);
	mutex_unlock(&rvti->conf_lock);
	rvti_failover_leave(rvti);
	site = rcu_replace_pointer(rvti->site, NULL, lockdep_rtnl_is_held());
	if (site)
		kfree_rcu(site, rcu);
}
