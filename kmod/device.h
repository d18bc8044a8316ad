/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _RVTI_DEVICE_H
#define _RVTI_DEVICE_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/rcupdate.h>

#include "addr.h"

/*
 * The outer endpoints, replaced as a whole under RCU so that the transmit
 * path never sees a local address of one configuration with the remote of
 * another.
 */
struct rvti_endpoints {
	struct rvti_addr local;
	struct rvti_addr remote;
	struct rcu_head rcu;
};

struct rvti_device {
	struct net_device *dev;
	/*
	 * The namespace the device was created in: outer packets are routed
	 * there even after the device moves. Not refcounted: the pernet exit
	 * handler unregisters the device before that namespace goes away.
	 */
	struct net *creating_net;
	struct rvti_endpoints __rcu *endpoints;
	/* Serialises configuration changes coming from netlink. */
	struct mutex conf_lock;
	/* On rvti_device_list, under RTNL. */
	struct list_head list;
};

extern struct rtnl_link_ops rvti_link_ops;

int rvti_device_init(void);
void rvti_device_uninit(void);

struct rvti_device *rvti_device_get(struct net *net, const struct nlattr *ifindex,
				    const struct nlattr *ifname,
				    struct netlink_ext_ack *extack);
void rvti_device_put(struct rvti_device *rvti);

#endif /* _RVTI_DEVICE_H */
