/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _RVTI_ENCAP_H
#define _RVTI_ENCAP_H

#include <linux/types.h>

struct net;
struct netlink_ext_ack;
struct rvti_encap_sock;

int rvti_encap_init(void);
void rvti_encap_uninit(void);

/*
 * The UDP_ENCAP_ESPINUDP sockets (IPv4 and IPv6, any address) on @port
 * of @net, opened by the first tunnel that names the port and shared by
 * the others; under RTNL.
 */
struct rvti_encap_sock *rvti_encap_get(struct net *net, u16 port,
				       struct netlink_ext_ack *extack);
void rvti_encap_put(struct rvti_encap_sock *es);
u16 rvti_encap_port(const struct rvti_encap_sock *es);

#endif /* _RVTI_ENCAP_H */
