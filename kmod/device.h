/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _RVTI_DEVICE_H
#define _RVTI_DEVICE_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/rcupdate.h>
#include <net/dst_cache.h>
#include <net/gro_cells.h>

#include "addr.h"
#include "failover.h"
#include "parallel.h"
#include "prefix.h"

struct rvti_sa;

/* A site label; replaced as a whole under RCU. */
struct rvti_site {
	struct rcu_head rcu;
	char label[];
};

/*
 * The outer endpoints and header settings, replaced as a whole under RCU
 * so that the transmit path never sees a local address of one
 * configuration with the remote of another. The routes cached here were
 * looked up for exactly these endpoints: a packet that read an older
 * object fills only that object's cache, which goes with it.
 */
struct rvti_endpoints {
	struct rvti_addr local;
	struct rvti_addr remote;
	u8 ttl;			/* 0: the route's default hop limit */
	u8 df;			/* enum rvti_df */
	struct dst_cache dst_cache;
	struct rcu_head rcu;
};

struct rvti_endpoints *rvti_endpoints_alloc(const struct rvti_endpoints *old);
void rvti_endpoints_free(struct rvti_endpoints *ep);
void rvti_endpoints_free_rcu(struct rvti_endpoints *ep);

struct rvti_device {
	struct net_device *dev;
	/*
	 * The namespace the device was created in: outer packets are routed
	 * there even after the device moves. Not refcounted: the pernet exit
	 * handler unregisters the device before that namespace goes away.
	 */
	struct net *creating_net;
	struct rvti_endpoints __rcu *endpoints;
	/* The active outbound SA; replaced as a whole. */
	struct rvti_sa __rcu *tx_sa;
	/* Every SA of the device: RCU list, written under conf_lock. */
	struct list_head sas;
	unsigned int n_sas;	/* under conf_lock */
	struct gro_cells gro_cells;
	/* Finish the packets of the parallel SAs (parallel.c). */
	struct rvti_parallel_napi rx;
	struct rvti_parallel_napi tx;
	unsigned long last_rx;		/* CLOCK_REALTIME seconds, 0: never */
	unsigned long last_acquire;	/* jiffies | 1 of the last event */
	atomic64_t no_tx_sa;
	atomic64_t no_endpoint;
	atomic64_t wrong_source;
	/* The remote site's address spaces (prefix.c, policy.c). */
	struct rvti_prefix_table prefixes;
	/* Written under RTNL and conf_lock; NULL: a site of its own. */
	struct rvti_site __rcu *site;
	/* The other tunnels of the site (failover.c), under RTNL. */
	struct rvti_siblings __rcu *siblings;
	bool transit;
	u8 state;		/* enum rvti_state last announced, under RTNL */
	/*
	 * The ESP in UDP port rvti holds for the tunnel (encap.c), under
	 * RTNL; its number also for readers without RTNL (0: none).
	 */
	struct rvti_encap_sock *encap;
	u16 encap_port;
	atomic64_t selector_out;
	atomic64_t selector_in;
	atomic64_t transit_drops;
	atomic64_t failover;	/* packets another tunnel of the site took */
	/*
	 * Serialises configuration changes. Taken inside RTNL, which every
	 * writer holds as well: under RTNL a device found in its namespace
	 * has not gone through ndo_uninit, so nothing lands after the
	 * flush there; RTNL also orders checks that span devices.
	 */
	struct mutex conf_lock;
	/* On rvti_device_list, under RTNL. */
	struct list_head list;
};

extern struct rtnl_link_ops rvti_link_ops;

int rvti_device_init(void);
void rvti_device_uninit(void);

struct rvti_device *rvti_device_lookup(struct net *net,
				       const struct nlattr *ifindex,
				       const struct nlattr *ifname,
				       struct netlink_ext_ack *extack);
struct rvti_device *rvti_device_get(struct net *net, const struct nlattr *ifindex,
				    const struct nlattr *ifname,
				    struct netlink_ext_ack *extack);
void rvti_device_put(struct rvti_device *rvti);

#endif /* _RVTI_DEVICE_H */
