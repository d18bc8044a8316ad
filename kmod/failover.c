// SPDX-License-Identifier: GPL-2.0
/*
 * Liveness, and failover between the tunnels of a site: the brief's HA
 * scenario, two tunnels to one remote site with one ECMP route across
 * them. A tunnel that cannot send (no remote endpoint, or no usable
 * outbound SA: its key manager deleted them after dead peer detection, or
 * they expired) hands each packet routed into it to a tunnel of its site
 * that can, and whose prefixes hold the destination, chosen by the flow
 * hash. The routes stay as they are: the ECMP route keeps spreading the
 * flows, the dead tunnel's share goes over the live ones, and a tunnel
 * that comes back takes its share again with its first SA, without a
 * routing daemon or a route change. Only when no tunnel of the site can
 * send is a packet dropped; nothing leaks to a less specific route.
 *
 * Each tunnel of a site (same label, same namespace) holds an array of the
 * others, written under RTNL. The arrays are symmetric: a tunnel is in the
 * array of every tunnel of its own array. A tunnel that leaves (label
 * change, namespace move, unregister) therefore finds every array that
 * points at it in its own, and takes itself out of them in place (the
 * last entry moves into its slot, then the count shrinks), which needs no
 * memory and so cannot fail; a reader that still saw it holds RCU, and
 * the device is freed only after a grace period. Joining allocates new
 * arrays for every member first, and publishes them only once all exist.
 */

#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <linux/rvti.h>

#include "device.h"
#include "event.h"
#include "failover.h"
#include "policy.h"
#include "sa.h"

static struct rvti_siblings *rvti_siblings_alloc(unsigned int n)
{
	struct rvti_siblings *s;

	s = kmalloc(struct_size(s, dev, n), GFP_KERNEL_ACCOUNT);
	if (s)
		s->n = 0;
	return s;
}

static void rvti_siblings_replace(struct rvti_device *rvti,
				  struct rvti_siblings *s)
{
	struct rvti_siblings *old;

	old = rcu_replace_pointer(rvti->siblings, s, lockdep_rtnl_is_held());
	if (old)
		kfree_rcu(old, rcu);
}

/* Takes @gone out of @s in place: readers see it, or the last entry. */
static void rvti_siblings_remove(struct rvti_siblings *s,
				 struct rvti_device *gone)
{
	unsigned int i, n = s->n;

	for (i = 0; i < n; i++) {
		if (s->dev[i] != gone)
			continue;
		WRITE_ONCE(s->dev[i], s->dev[n - 1]);
		WRITE_ONCE(s->n, n - 1);
		return;
	}
	WARN_ONCE(1, "rvti: failover arrays not symmetric\n");
}

void rvti_failover_leave(struct rvti_device *rvti)
{
	struct rvti_siblings *mine;
	unsigned int i;

	ASSERT_RTNL();
	mine = rtnl_dereference(rvti->siblings);
	if (!mine)
		return;
	for (i = 0; i < mine->n; i++)
		rvti_siblings_remove(rtnl_dereference(mine->dev[i]->siblings),
				     rvti);
	rvti_siblings_replace(rvti, NULL);
}

/* The registered rvti devices of @rvti's namespace labelled @label. */
static unsigned int rvti_site_members(struct rvti_device *rvti,
				      const char *label,
				      struct rvti_siblings *out)
{
	struct net_device *dev;
	unsigned int n = 0;
	const char *site;

	for_each_netdev(dev_net(rvti->dev), dev) {
		struct rvti_device *other = netdev_priv(dev);

		if (dev->rtnl_link_ops != &rvti_link_ops || dev == rvti->dev ||
		    dev->reg_state != NETREG_REGISTERED)
			continue;
		site = rvti_policy_site(other);
		if (!site || strcmp(site, label))
			continue;
		if (out)
			out->dev[out->n++] = other;
		n++;
	}
	return n;
}

int rvti_failover_set_site(struct rvti_device *rvti, const char *label)
{
	struct rvti_siblings *mine = NULL, **theirs = NULL, *old;
	unsigned int i, j, n = 0;
	int ret = -ENOMEM;

	ASSERT_RTNL();
	if (label)
		n = rvti_site_members(rvti, label, NULL);
	if (n) {
		mine = rvti_siblings_alloc(n);
		theirs = kcalloc(n, sizeof(*theirs), GFP_KERNEL);
		if (!mine || !theirs)
			goto err;
		rvti_site_members(rvti, label, mine);
		for (i = 0; i < n; i++) {
			old = rtnl_dereference(mine->dev[i]->siblings);
			theirs[i] = rvti_siblings_alloc((old ? old->n : 0) + 1);
			if (!theirs[i])
				goto err;
			for (j = 0; old && j < old->n; j++)
				if (old->dev[j] != rvti)
					theirs[i]->dev[theirs[i]->n++] = old->dev[j];
			theirs[i]->dev[theirs[i]->n++] = rvti;
		}
	}
	/* Nothing can fail from here on. */
	rvti_failover_leave(rvti);
	for (i = 0; i < n; i++)
		rvti_siblings_replace(mine->dev[i], theirs[i]);
	rvti_siblings_replace(rvti, mine);
	kfree(theirs);
	return 0;
err:
	for (i = 0; theirs && i < n; i++)
		kfree(theirs[i]);
	kfree(theirs);
	kfree(mine);
	return ret;
}

/* Up, with a remote endpoint and a usable outbound SA. */
static bool rvti_can_send(struct rvti_device *rvti)
{
	struct rvti_endpoints *ep = rcu_dereference_bh(rvti->endpoints);
	struct rvti_sa *sa = rcu_dereference_bh(rvti->tx_sa);

	return netif_running(rvti->dev) && ep &&
	       rvti_addr_is_set(&ep->remote) && sa && rvti_sa_can_send(sa);
}

static bool rvti_may_take(struct rvti_device *rvti, struct rvti_device *other,
			  struct sk_buff *skb)
{
	return net_eq(dev_net(other->dev), dev_net(rvti->dev)) &&
	       rvti_can_send(other) && rvti_policy_holds(other, skb);
}

struct rvti_device *rvti_failover_pick(struct rvti_device *rvti,
				       struct sk_buff *skb)
{
	struct rvti_siblings *s = rcu_dereference_bh(rvti->siblings);
	struct rvti_device *other;
	unsigned int i, n, found = 0, want;

	if (!s || rvti_policy_link_local(skb))
		return NULL;
	n = READ_ONCE(s->n);
	for (i = 0; i < n; i++)
		found += rvti_may_take(rvti, READ_ONCE(s->dev[i]), skb);
	if (!found)
		return NULL;
	/* A flow stays on one tunnel while the set of live ones holds. */
	want = reciprocal_scale(skb_get_hash(skb), found);
	for (i = 0; i < n; i++) {
		other = READ_ONCE(s->dev[i]);
		if (rvti_may_take(rvti, other, skb) && !want--)
			return other;
	}
	return NULL;	/* one went down meanwhile */
}

u8 rvti_tunnel_state(struct rvti_device *rvti)
{
	const struct rvti_endpoints *ep;
	struct rvti_sa *sa;
	u8 state = RVTI_STATE_NO_IN_SA;

	if (!netif_running(rvti->dev))
		return RVTI_STATE_DOWN;
	rcu_read_lock();
	ep = rcu_dereference(rvti->endpoints);
	sa = rcu_dereference(rvti->tx_sa);
	if (!ep || !rvti_addr_is_set(&ep->remote)) {
		state = RVTI_STATE_NO_ENDPOINT;
	} else if (!sa || !rvti_sa_can_send(sa)) {
		state = RVTI_STATE_NO_OUT_SA;
	} else {
		list_for_each_entry_rcu(sa, &rvti->sas, list) {
			if (sa->dir == RVTI_SA_DIR_IN && rvti_sa_usable(sa)) {
				state = RVTI_STATE_CONNECTED;
				break;
			}
		}
	}
	rcu_read_unlock();
	return state;
}

void rvti_state_update(struct rvti_device *rvti)
{
	static const char * const what[] = {
		[RVTI_STATE_DOWN] = "down",
		[RVTI_STATE_NO_ENDPOINT] = "not connected: no remote endpoint",
		[RVTI_STATE_NO_OUT_SA] = "not connected: no usable outbound SA",
		[RVTI_STATE_NO_IN_SA] = "not connected: no usable inbound SA",
		[RVTI_STATE_CONNECTED] = "connected",
	};
	u8 state;

	ASSERT_RTNL();
	/* A device going away says so itself (RVTI_EVENT_TUNNEL_DEL). */
	if (rvti->dev->reg_state != NETREG_REGISTERED)
		return;
	state = rvti_tunnel_state(rvti);
	if (state == rvti->state)
		return;
	/*
	 * The operator's record of when a tunnel came and went, to tell
	 * a peer's maintenance from a fault afterwards.
	 */
	netdev_info(rvti->dev, "%s\n", what[state]);
	rvti->state = state;
	rvti_event_tunnel(rvti, RVTI_EVENT_TUNNEL_CHANGE);
}

/*
 * A device that moves to another namespace leaves its site there
 * (NETDEV_UNREGISTER with the device still registered) and joins the one
 * of its label in the new namespace (NETDEV_REGISTER). Its unregistering
 * leaves too, before ndo_uninit.
 */
static int rvti_failover_netdev_event(struct notifier_block *nb,
				      unsigned long event, void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct rvti_device *rvti = netdev_priv(dev);
	const char *label;

	if (dev->rtnl_link_ops != &rvti_link_ops)
		return NOTIFY_DONE;
	if (event == NETDEV_UNREGISTER) {
		rvti_failover_leave(rvti);
	} else if (event == NETDEV_REGISTER) {
		label = rvti_policy_site(rvti);
		if (label && rvti_failover_set_site(rvti, label))
			netdev_warn(dev, "no failover within site %s: out of memory\n",
				    label);
	}
	return NOTIFY_DONE;
}

static struct notifier_block rvti_failover_notifier = {
	.notifier_call = rvti_failover_netdev_event,
};

int rvti_failover_init(void)
{
	return register_netdevice_notifier(&rvti_failover_notifier);
}

void rvti_failover_uninit(void)
{
	unregister_netdevice_notifier(&rvti_failover_notifier);
}
