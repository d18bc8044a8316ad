// SPDX-License-Identifier: GPL-2.0
/*
 * Events for key managers and operators: the multicast group "events" of
 * the rvti family, per network namespace (the device's), as `ip monitor`
 * has for routes. Nothing is built when nobody listens.
 */

#include <linux/netdevice.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>
#include <linux/rvti.h>

#include "device.h"
#include "event.h"
#include "failover.h"
#include "netlink.h"
#include "sa.h"

static struct sk_buff *rvti_event_new(struct rvti_device *rvti, u8 event,
				      gfp_t gfp, void **hdr)
{
	struct net *net = dev_net(rvti->dev);
	struct sk_buff *skb;

	/* A namespace on its way out has nobody left to tell. */
	if (!check_net(net) ||
	    !genl_has_listeners(&rvti_genl_family, net, RVTI_MCGRP_EVENTS_ID))
		return NULL;
	skb = genlmsg_new(NLMSG_GOODSIZE, gfp);
	if (!skb)
		return NULL;
	*hdr = genlmsg_put(skb, 0, 0, &rvti_genl_family, 0, RVTI_CMD_EVENT);
	if (!*hdr ||
	    nla_put_u8(skb, RVTI_A_EVENT, event) ||
	    nla_put_u32(skb, RVTI_A_IFINDEX, rvti->dev->ifindex) ||
	    nla_put_string(skb, RVTI_A_IFNAME, rvti->dev->name)) {
		nlmsg_free(skb);
		return NULL;
	}
	return skb;
}

static void rvti_event_send(struct rvti_device *rvti, struct sk_buff *skb,
			    void *hdr, gfp_t gfp)
{
	genlmsg_end(skb, hdr);
	genlmsg_multicast_netns(&rvti_genl_family, dev_net(rvti->dev), skb, 0,
				RVTI_MCGRP_EVENTS_ID, gfp);
}

void rvti_event_tunnel(struct rvti_device *rvti, u8 event)
{
	struct sk_buff *skb;
	void *hdr;

	skb = rvti_event_new(rvti, event, GFP_KERNEL, &hdr);
	if (!skb)
		return;
	if (event != RVTI_EVENT_TUNNEL_DEL &&
	    nla_put_u8(skb, RVTI_A_STATE, rvti_tunnel_state(rvti))) {
		nlmsg_free(skb);
		return;
	}
	rvti_event_send(rvti, skb, hdr, GFP_KERNEL);
}

/*
 * An SA event: the SA's nest with its direction and SPI, and @limit, or
 * the ports @sport (network order, not 0) and the SA's local one.
 */
static void rvti_event_sa_send(struct rvti_sa *sa, u8 event, u8 limit,
			       __be16 sport, gfp_t gfp)
{
	struct nlattr *nest;
	struct sk_buff *skb;
	void *hdr;

	skb = rvti_event_new(sa->rvti, event, gfp, &hdr);
	if (!skb)
		return;
	nest = nla_nest_start(skb, RVTI_A_SA);
	if (!nest ||
	    nla_put_u8(skb, RVTI_SA_A_DIR, sa->dir) ||
	    nla_put_u32(skb, RVTI_SA_A_SPI, ntohl(sa->spi)) ||
	    (limit && nla_put_u8(skb, RVTI_SA_A_LIMIT, limit)) ||
	    (sport &&
	     (nla_put_u16(skb, RVTI_SA_A_ENCAP_SPORT, ntohs(sport)) ||
	      nla_put_u16(skb, RVTI_SA_A_ENCAP_DPORT,
			  ntohs(rvti_sa_ports(sa).dport))))) {
		nlmsg_free(skb);
		return;
	}
	nla_nest_end(skb, nest);
	rvti_event_send(sa->rvti, skb, hdr, gfp);
}

/* Process context, under RTNL: configuration and the expire work. */
void rvti_event_sa(struct rvti_sa *sa, u8 event, u8 limit)
{
	rvti_event_sa_send(sa, event, limit, 0, GFP_KERNEL);
}

/*
 * From the receive path: an authentic packet of an inbound SA of ESP in
 * UDP came from source port @sport, not the SA's: the peer's NAT mapped it
 * anew (RFC 3948 section 3.2 leaves it to the key manager, as XFRM's
 * XFRM_MSG_MAPPING does). Once per port, and again at most once a second
 * while packets keep coming from a port that is not the SA's.
 */
void rvti_event_mapping(struct rvti_sa *sa, __be16 sport)
{
	unsigned long last = READ_ONCE(sa->mapping_time);

	if (last && READ_ONCE(sa->mapping_port) == sport &&
	    time_before(jiffies, last + HZ))
		return;
	if (cmpxchg(&sa->mapping_time, last, jiffies | 1) != last)
		return;
	WRITE_ONCE(sa->mapping_port, sport);
	rvti_event_sa_send(sa, RVTI_EVENT_NEW_MAPPING, 0, sport, GFP_ATOMIC);
}

/*
 * From the transmit path: traffic for a tunnel without a usable outbound
 * SA. At most one a second per tunnel, however fast the packets come.
 */
void rvti_event_acquire(struct rvti_device *rvti)
{
	unsigned long last = READ_ONCE(rvti->last_acquire);
	struct sk_buff *skb;
	void *hdr;

	if (last && time_before(jiffies, last + HZ))
		return;
	if (cmpxchg(&rvti->last_acquire, last, jiffies | 1) != last)
		return;
	skb = rvti_event_new(rvti, RVTI_EVENT_ACQUIRE, GFP_ATOMIC, &hdr);
	if (skb)
		rvti_event_send(rvti, skb, hdr, GFP_ATOMIC);
}
