// SPDX-License-Identifier: GPL-2.0
/*
 * The rvti net_device: a point-to-point, header-less tunnel device whose
 * outer packets are routed in the namespace it was created in.
 */

#include <kunit/visibility.h>
#include <linux/if_arp.h>
#include <linux/ipv6.h>
#include <linux/module.h>
#include <linux/rtnetlink.h>
#include <net/ip.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <net/rtnetlink.h>

#include "device.h"
#include "encap.h"
#include "event.h"
#include "esp.h"
#include "policy.h"
#include "sa.h"
#include "send.h"

/* What the stack may hand rvti_xmit(); see the comment in rvti_setup(). */
#define RVTI_NETDEV_FEATURES (NETIF_F_SG | NETIF_F_HW_CSUM | NETIF_F_HIGHDMA | \
			      NETIF_F_GSO_SOFTWARE)

/* Every rvti device of every namespace, under RTNL. */
static LIST_HEAD(rvti_device_list);

static int rvti_open(struct net_device *dev)
{
	netif_start_queue(dev);
	rvti_state_update(netdev_priv(dev));
	return 0;
}

static int rvti_stop(struct net_device *dev)
{
	netif_stop_queue(dev);
	rvti_state_update(netdev_priv(dev));
	return 0;
}

static int rvti_dev_init(struct net_device *dev)
{
	struct rvti_device *rvti = netdev_priv(dev);
	int ret;

	rvti->dev = dev;
	mutex_init(&rvti->conf_lock);
	INIT_LIST_HEAD(&rvti->list);
	INIT_LIST_HEAD(&rvti->sas);
	rvti_prefix_table_init(&rvti->prefixes, &rvti->conf_lock);
	rvti_parallel_napi_init(&rvti->rx, dev, false);
	rvti_parallel_napi_init(&rvti->tx, dev, true);
	ret = gro_cells_init(&rvti->gro_cells, dev);
	if (ret) {
		rvti_parallel_napi_uninit(&rvti->tx);
		rvti_parallel_napi_uninit(&rvti->rx);
	}
	return ret;
}

static void rvti_dev_uninit(struct net_device *dev)
{
	struct rvti_device *rvti = netdev_priv(dev);
	struct rvti_endpoints *ep;

	ASSERT_RTNL();
	list_del_init(&rvti->list);
	rvti_event_tunnel(rvti, RVTI_EVENT_TUNNEL_DEL);
	rvti_policy_uninit(rvti);
	mutex_lock(&rvti->conf_lock);
	rvti_sa_flush(rvti, false);
	ep = rcu_replace_pointer(rvti->endpoints, NULL,
				 lockdep_is_held(&rvti->conf_lock));
	mutex_unlock(&rvti->conf_lock);
	if (ep)
		rvti_endpoints_free_rcu(ep);
	rvti_encap_put(rvti->encap);
	rvti->encap = NULL;
	WRITE_ONCE(rvti->encap_port, 0);
	gro_cells_destroy(&rvti->gro_cells);
}

/* A copy of @old (or defaults) with an empty route cache of its own. */
struct rvti_endpoints *rvti_endpoints_alloc(const struct rvti_endpoints *old)
{
	struct rvti_endpoints *ep = kzalloc(sizeof(*ep), GFP_KERNEL_ACCOUNT);

	if (!ep)
		return NULL;
	if (old) {
		ep->local = old->local;
		ep->remote = old->remote;
		ep->ttl = old->ttl;
		ep->df = old->df;
	}
	if (dst_cache_init(&ep->dst_cache, GFP_KERNEL_ACCOUNT)) {
		kfree(ep);
		return NULL;
	}
	return ep;
}
EXPORT_SYMBOL_IF_KUNIT(rvti_endpoints_alloc);

/* For an object no reader has seen. */
void rvti_endpoints_free(struct rvti_endpoints *ep)
{
	if (!ep)
		return;
	dst_cache_destroy(&ep->dst_cache);
	kfree(ep);
}

static void rvti_endpoints_free_cb(struct rcu_head *head)
{
	rvti_endpoints_free(container_of(head, struct rvti_endpoints, rcu));
}

/* After every reader, and every dst_cache_set() of one, is done. */
void rvti_endpoints_free_rcu(struct rvti_endpoints *ep)
{
	call_rcu(&ep->rcu, rvti_endpoints_free_cb);
}
EXPORT_SYMBOL_IF_KUNIT(rvti_endpoints_free_rcu);

/*
 * After the last reference: the last packet of a parallel SA, which held
 * the device, has been finished, and with it its NAPI's work.
 */
static void rvti_dev_free(struct net_device *dev)
{
	struct rvti_device *rvti = netdev_priv(dev);

	rvti_parallel_napi_uninit(&rvti->tx);
	rvti_parallel_napi_uninit(&rvti->rx);
	mutex_destroy(&rvti->conf_lock);
}

static const struct net_device_ops rvti_netdev_ops = {
	.ndo_init = rvti_dev_init,
	.ndo_uninit = rvti_dev_uninit,
	.ndo_open = rvti_open,
	.ndo_stop = rvti_stop,
	.ndo_start_xmit = rvti_xmit,
	.ndo_get_stats64 = dev_get_tstats64,
};

static void rvti_setup(struct net_device *dev)
{
	dev->netdev_ops = &rvti_netdev_ops;
	dev->type = ARPHRD_NONE;
	dev->flags = IFF_POINTOPOINT | IFF_NOARP;
	dev->priv_flags |= IFF_NO_QUEUE;
	dev->hard_header_len = 0;
	dev->addr_len = 0;
	dev->needed_headroom = RVTI_MAX_HEADROOM;
	dev->needed_tailroom = RVTI_MAX_TAILROOM;
	dev->mtu = RVTI_DEFAULT_MTU;
	dev->min_mtu = ETH_MIN_MTU;
	dev->max_mtu = IP_MAX_MTU - RVTI_MAX_OVERHEAD;
	/*
	 * Checksums and segmentation are done in software by rvti_xmit(),
	 * once per segment and fused with the copy before encryption, rather
	 * than by the stack for every packet before it reaches us.
	 */
	dev->features |= NETIF_F_LLTX | RVTI_NETDEV_FEATURES;
	dev->hw_features |= RVTI_NETDEV_FEATURES;
	dev->hw_enc_features |= RVTI_NETDEV_FEATURES;
	dev->pcpu_stat_type = NETDEV_PCPU_STAT_TSTATS;
	dev->needs_free_netdev = true;
	dev->priv_destructor = rvti_dev_free;
	netif_keep_dst(dev);
}

static int rvti_newlink(struct net *src_net, struct net_device *dev,
			struct nlattr *tb[], struct nlattr *data[],
			struct netlink_ext_ack *extack)
{
	struct rvti_device *rvti = netdev_priv(dev);
	int ret;

	rvti->creating_net = src_net;
	ret = register_netdevice(dev);
	if (ret < 0)
		return ret;
	list_add(&rvti->list, &rvti_device_list);
	rvti_event_tunnel(rvti, RVTI_EVENT_TUNNEL_NEW);
	return 0;
}

static struct net *rvti_get_link_net(const struct net_device *dev)
{
	const struct rvti_device *rvti = netdev_priv(dev);

	return rvti->creating_net;
}

struct rtnl_link_ops rvti_link_ops __read_mostly = {
	.kind = KBUILD_MODNAME,
	.priv_size = sizeof(struct rvti_device),
	.setup = rvti_setup,
	.newlink = rvti_newlink,
	.get_link_net = rvti_get_link_net,
};
EXPORT_SYMBOL_IF_KUNIT(rvti_link_ops);

/*
 * rtnetlink removes the devices that live in a dying namespace; this also
 * removes the ones that were created there and moved elsewhere, whose outer
 * packets would otherwise be routed in a freed namespace.
 */
static void __net_exit rvti_net_exit_batch(struct list_head *net_list)
{
	struct rvti_device *rvti, *tmp;
	LIST_HEAD(kill);
	struct net *net;

	rtnl_lock();
	list_for_each_entry(net, net_list, exit_list) {
		list_for_each_entry_safe(rvti, tmp, &rvti_device_list, list) {
			if (rvti->creating_net == net ||
			    dev_net(rvti->dev) == net) {
				list_del_init(&rvti->list);
				unregister_netdevice_queue(rvti->dev, &kill);
			}
		}
	}
	unregister_netdevice_many(&kill);
	rtnl_unlock();
}

static struct pernet_operations rvti_net_ops = {
	.exit_batch = rvti_net_exit_batch,
};

static struct rvti_device *rvti_device_check(struct net_device *dev,
					     const struct nlattr *attr,
					     struct netlink_ext_ack *extack)
{
	if (!dev) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "no such device in this network namespace");
		return ERR_PTR(-ENODEV);
	}
	if (dev->rtnl_link_ops != &rvti_link_ops) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "device is not an rvti device");
		return ERR_PTR(-EOPNOTSUPP);
	}
	return netdev_priv(dev);
}

/*
 * The named device, for a writer: under RTNL, without a reference. A
 * device still listed in its namespace has not been uninitialised.
 */
struct rvti_device *rvti_device_lookup(struct net *net,
				       const struct nlattr *ifindex,
				       const struct nlattr *ifname,
				       struct netlink_ext_ack *extack)
{
	ASSERT_RTNL();
	if (!ifindex == !ifname) {
		NL_SET_ERR_MSG(extack,
			       "exactly one of the device's ifindex and name is required");
		return ERR_PTR(-EINVAL);
	}
	return rvti_device_check(ifindex ?
				 __dev_get_by_index(net, nla_get_u32(ifindex)) :
				 __dev_get_by_name(net, nla_data(ifname)),
				 ifindex ?: ifname, extack);
}

struct rvti_device *rvti_device_get(struct net *net, const struct nlattr *ifindex,
				    const struct nlattr *ifname,
				    struct netlink_ext_ack *extack)
{
	struct rvti_device *rvti;
	struct net_device *dev;

	if (!ifindex == !ifname) {
		NL_SET_ERR_MSG(extack,
			       "exactly one of the device's ifindex and name is required");
		return ERR_PTR(-EINVAL);
	}
	if (ifindex)
		dev = dev_get_by_index(net, nla_get_u32(ifindex));
	else
		dev = dev_get_by_name(net, nla_data(ifname));
	rvti = rvti_device_check(dev, ifindex ?: ifname, extack);
	if (IS_ERR(rvti))
		dev_put(dev);
	return rvti;
}

void rvti_device_put(struct rvti_device *rvti)
{
	dev_put(rvti->dev);
}

int __init rvti_device_init(void)
{
	int ret;

	ret = register_pernet_device(&rvti_net_ops);
	if (ret)
		return ret;
	ret = rtnl_link_register(&rvti_link_ops);
	if (ret)
		goto err_pernet;
	return 0;

err_pernet:
	unregister_pernet_device(&rvti_net_ops);
	return ret;
}

void rvti_device_uninit(void)
{
	rtnl_link_unregister(&rvti_link_ops);
	unregister_pernet_device(&rvti_net_ops);
}
