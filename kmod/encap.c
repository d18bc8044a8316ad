// SPDX-License-Identifier: GPL-2.0
/*
 * ESP in UDP (RFC 3948) without an IKE daemon. With IKE, the daemon's port
 * 4500 socket has UDP_ENCAP_ESPINUDP, and the kernel hands the ESP
 * arriving there to the ESP handlers, rvti's first (receive.c). Static
 * keys have no daemon: a tunnel may ask rvti to hold such a port itself
 * (RVTI_A_ENCAP_PORT). The sockets are the kernel's own kind, as a VXLAN
 * or GENEVE port is: IPv4 and IPv6 (v6only), any local address, in the
 * namespace the tunnel was created in, one pair per port shared by every
 * tunnel that names it. Their receive is XFRM's xfrm4/6_udp_encap_rcv(),
 * so that ESP in UDP takes the same path whoever holds the port: rvti's
 * SAs first, XFRM's after; keepalives are dropped there, and what it
 * leaves to the socket (IKE, which no one here speaks) is dropped here
 * rather than queued for a reader that does not exist.
 */

#include <linux/ipv6.h>
#include <linux/list.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <linux/udp.h>
#include <net/ipv6_stubs.h>
#include <net/netlink.h>
#include <net/netns/generic.h>
#include <net/udp_tunnel.h>
#include <net/xfrm.h>

#include "encap.h"

struct rvti_encap_sock {
	struct list_head list;	/* rvti_encap_net.socks, under RTNL */
	unsigned int users;	/* tunnels that named the port, under RTNL */
	u16 port;
	struct socket *sock4;
	struct socket *sock6;
};

struct rvti_encap_net {
	struct list_head socks;
};

static unsigned int rvti_encap_net_id __read_mostly;

static int rvti_encap_rcv(struct sock *sk, struct sk_buff *skb)
{
	int ret = sk->sk_family == AF_INET6 ?
		  ipv6_stub->xfrm6_udp_encap_rcv(sk, skb) :
		  xfrm4_udp_encap_rcv(sk, skb);

	/* Left to the socket (IKE): nobody reads it. */
	if (ret > 0) {
		kfree_skb(skb);
		return 0;
	}
	return ret;
}

static int rvti_encap_open(struct net *net, u16 port, bool ipv6,
			   struct socket **sockp)
{
	struct udp_port_cfg cfg = {
		.family = ipv6 ? AF_INET6 : AF_INET,
		.local_udp_port = htons(port),
		.ipv6_v6only = 1,
		/* As a user's UDP socket: no IPv6 datagram without one. */
		.use_udp6_rx_checksums = 1,
	};
	struct udp_tunnel_sock_cfg tcfg = {
		.encap_type = UDP_ENCAP_ESPINUDP,
		.encap_rcv = rvti_encap_rcv,
	};
	int ret;

	ret = udp_sock_create(net, &cfg, sockp);
	if (ret)
		return ret;
	setup_udp_tunnel_sock(net, *sockp, &tcfg);
	return 0;
}

static void rvti_encap_free(struct rvti_encap_sock *es)
{
	if (es->sock6)
		udp_tunnel_sock_release(es->sock6);
	if (es->sock4)
		udp_tunnel_sock_release(es->sock4);
	kfree(es);
}

struct rvti_encap_sock *rvti_encap_get(struct net *net, u16 port,
				       struct netlink_ext_ack *extack)
{
	struct rvti_encap_net *en = net_generic(net, rvti_encap_net_id);
	struct rvti_encap_sock *es;
	int ret;

	ASSERT_RTNL();
	list_for_each_entry(es, &en->socks, list) {
		if (es->port == port) {
			es->users++;
			return es;
		}
	}
	es = kzalloc(sizeof(*es), GFP_KERNEL_ACCOUNT);
	if (!es)
		return ERR_PTR(-ENOMEM);
	es->port = port;
	es->users = 1;
	ret = rvti_encap_open(net, port, false, &es->sock4);
	/* With IPv6 disabled (ipv6.disable=1), IPv4 only. */
	if (!ret && ipv6_mod_enabled())
		ret = rvti_encap_open(net, port, true, &es->sock6);
	if (ret) {
		if (ret == -EADDRINUSE)
			NL_SET_ERR_MSG(extack,
				       "the UDP port is in use in the tunnel's namespace (an IKE daemon's port already hands ESP in UDP to rvti)");
		else
			NL_SET_ERR_MSG(extack, "cannot open the UDP port");
		rvti_encap_free(es);
		return ERR_PTR(ret);
	}
	list_add(&es->list, &en->socks);
	return es;
}

void rvti_encap_put(struct rvti_encap_sock *es)
{
	ASSERT_RTNL();
	if (!es || --es->users)
		return;
	list_del(&es->list);
	rvti_encap_free(es);
}

u16 rvti_encap_port(const struct rvti_encap_sock *es)
{
	return es ? es->port : 0;
}

static int __net_init rvti_encap_net_init(struct net *net)
{
	struct rvti_encap_net *en = net_generic(net, rvti_encap_net_id);

	INIT_LIST_HEAD(&en->socks);
	return 0;
}

/* The devices, which hold the sockets, went before this runs. */
static void __net_exit rvti_encap_net_exit(struct net *net)
{
	struct rvti_encap_net *en = net_generic(net, rvti_encap_net_id);

	WARN_ON_ONCE(!list_empty(&en->socks));
}

static struct pernet_operations rvti_encap_net_ops = {
	.init = rvti_encap_net_init,
	.exit = rvti_encap_net_exit,
	.id = &rvti_encap_net_id,
	.size = sizeof(struct rvti_encap_net),
};

int __init rvti_encap_init(void)
{
	return register_pernet_subsys(&rvti_encap_net_ops);
}

void rvti_encap_uninit(void)
{
	unregister_pernet_subsys(&rvti_encap_net_ops);
}
