/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _RVTI_FAILOVER_H
#define _RVTI_FAILOVER_H

#include <linux/rcupdate.h>
#include <linux/skbuff.h>

struct rvti_device;

/*
 * The other tunnels of a device's site, in its namespace: an array
 * replaced as a whole when one joins, shrunk in place when one leaves.
 */
struct rvti_siblings {
	struct rcu_head rcu;
	unsigned int n;
	struct rvti_device *dev[];
};

int rvti_failover_init(void);
void rvti_failover_uninit(void);

/*
 * Moves @rvti to the site @label (NULL: none) of its namespace, before the
 * label itself changes. Under RTNL; -ENOMEM leaves everything as it was.
 */
int rvti_failover_set_site(struct rvti_device *rvti, const char *label);
/* Takes @rvti out of its site; under RTNL, never fails. */
void rvti_failover_leave(struct rvti_device *rvti);

/*
 * A tunnel of @rvti's site that can send @skb (to a destination inside its
 * prefixes), chosen by the flow hash; NULL if none. Under rcu_read_lock_bh.
 */
struct rvti_device *rvti_failover_pick(struct rvti_device *rvti,
				       struct sk_buff *skb);

/* enum rvti_state of @rvti now. */
u8 rvti_tunnel_state(struct rvti_device *rvti);
/*
 * After anything that may have changed the state, under RTNL: a change is
 * logged and announced (RVTI_EVENT_TUNNEL_CHANGE).
 */
void rvti_state_update(struct rvti_device *rvti);

#endif /* _RVTI_FAILOVER_H */
