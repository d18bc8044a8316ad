/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a tunnel may carry: its prefixes as the remote traffic selector,
 * transit between tunnels, and the site labels that let redundant tunnels
 * share prefixes.
 */
#ifndef _RVTI_POLICY_H
#define _RVTI_POLICY_H

#include <linux/netlink.h>
#include <linux/skbuff.h>

#include "device.h"
#include "prefix.h"

/*
 * Transmit: whether the packet may go out through @rvti. When not, it was
 * counted and, for a selector miss, answered with ICMP; the caller drops
 * it. Caller holds RCU (BH).
 */
bool rvti_policy_xmit(struct rvti_device *rvti, struct sk_buff *skb);

/*
 * Receive: whether the decrypted packet at skb->data (an inner header of
 * @proto that rvti_rx_inner_ok() checked) may come out of @rvti. When not,
 * it was counted; the caller drops it.
 */
bool rvti_policy_link_local(struct sk_buff *skb);
bool rvti_policy_holds(struct rvti_device *rvti, struct sk_buff *skb);

bool rvti_policy_rx(struct rvti_device *rvti, struct sk_buff *skb,
		    __be16 proto);

/*
 * The rvti device of the namespace of @rvti, of another site than @site
 * (NULL: a site of its own), that holds a prefix overlapping @p, copied to
 * @found; NULL when none does. Caller holds RTNL, under which every prefix
 * table changes.
 */
struct rvti_device *rvti_policy_conflict(struct rvti_device *rvti,
					 const char *site,
					 const struct rvti_prefix *p,
					 struct rvti_prefix *found);

/* The label of @rvti, or NULL. Caller holds RTNL or RCU. */
const char *rvti_policy_site(struct rvti_device *rvti);

/*
 * Sets the label (NULL or "" clears it) unless a prefix of @rvti would then
 * overlap one of another site: then -EEXIST with @mine, @other and @found
 * set. Caller holds RTNL and the conf_lock.
 */
int rvti_policy_set_site(struct rvti_device *rvti, const char *label,
			 struct rvti_prefix *mine, struct rvti_device **other,
			 struct rvti_prefix *found);

/* Frees the prefixes and the label; from ndo_uninit, under RTNL. */
void rvti_policy_uninit(struct rvti_device *rvti);

#endif /* _RVTI_POLICY_H */
