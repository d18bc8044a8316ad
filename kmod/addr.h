/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Outer endpoint addresses: one type for IPv4 and IPv6 so that the
 * configuration and transmit paths do not fork per family.
 */
#ifndef _RVTI_ADDR_H
#define _RVTI_ADDR_H

#include <linux/in6.h>
#include <linux/netlink.h>
#include <linux/skbuff.h>
#include <linux/socket.h>
#include <net/ipv6.h>

struct rvti_addr {
	/* AF_UNSPEC when unset (wildcard local, no remote). */
	sa_family_t family;
	union {
		__be32 ip4;
		struct in6_addr ip6;
	};
};

static inline bool rvti_addr_is_set(const struct rvti_addr *addr)
{
	return addr->family != AF_UNSPEC;
}

static inline bool rvti_addr_equal(const struct rvti_addr *a,
				   const struct rvti_addr *b)
{
	if (a->family != b->family)
		return false;
	if (a->family == AF_INET)
		return a->ip4 == b->ip4;
	return a->family != AF_INET6 || ipv6_addr_equal(&a->ip6, &b->ip6);
}

/* A configured address @conf admits @addr: equal, or @conf is unset. */
static inline bool rvti_addr_admits(const struct rvti_addr *conf,
				    const struct rvti_addr *addr)
{
	return !rvti_addr_is_set(conf) || rvti_addr_equal(conf, addr);
}

int rvti_addr_nla_validate(const struct nlattr *nla,
			   struct netlink_ext_ack *extack);
void rvti_addr_from_nla(struct rvti_addr *addr, const struct nlattr *nla);
int rvti_addr_check_unicast(const struct rvti_addr *addr, bool local,
			    const struct nlattr *nla,
			    struct netlink_ext_ack *extack);
int rvti_addr_check_pair(const struct rvti_addr *local,
			 const struct rvti_addr *remote,
			 struct netlink_ext_ack *extack);
int rvti_addr_nla_put(struct sk_buff *skb, int attrtype,
		      const struct rvti_addr *addr);

#endif /* _RVTI_ADDR_H */
