// SPDX-License-Identifier: GPL-2.0
/*
 * Parsing and checking of outer endpoint addresses received over netlink.
 * This is untrusted input, so the helpers are small, pure and covered by
 * the KUnit suite in tests/addr_test.c.
 */

#include <kunit/visibility.h>
#include <linux/in.h>
#include <linux/ipv6.h>
#include <net/ipv6.h>
#include <net/netlink.h>

#include "addr.h"

/*
 * Policy validator for RVTI_A_LOCAL/RVTI_A_REMOTE: the family is carried by
 * the length, so anything but 0 (clear), 4 or 16 bytes is malformed.
 */
int rvti_addr_nla_validate(const struct nlattr *nla,
			   struct netlink_ext_ack *extack)
{
	switch (nla_len(nla)) {
	case 0:
	case sizeof(__be32):
	case sizeof(struct in6_addr):
		return 0;
	}
	NL_SET_ERR_MSG_ATTR(extack, nla,
			    "address must be 4 bytes (IPv4), 16 bytes (IPv6) or empty (clear)");
	return -EINVAL;
}
EXPORT_SYMBOL_IF_KUNIT(rvti_addr_nla_validate);

/* Only call on an attribute that passed rvti_addr_nla_validate(). */
void rvti_addr_from_nla(struct rvti_addr *addr, const struct nlattr *nla)
{
	memset(addr, 0, sizeof(*addr));
	switch (nla_len(nla)) {
	case sizeof(__be32):
		addr->family = AF_INET;
		addr->ip4 = nla_get_in_addr(nla);
		break;
	case sizeof(struct in6_addr):
		addr->family = AF_INET6;
		addr->ip6 = nla_get_in6_addr(nla);
		break;
	default:
		addr->family = AF_UNSPEC;
	}
}
EXPORT_SYMBOL_IF_KUNIT(rvti_addr_from_nla);

/*
 * An outer endpoint is a single host: the unspecified, multicast, broadcast
 * and loopback addresses would make the tunnel send to the wrong place or
 * nowhere, so they are refused at configuration time.
 */
int rvti_addr_check_unicast(const struct rvti_addr *addr, bool local,
			    const struct nlattr *nla,
			    struct netlink_ext_ack *extack)
{
	bool bad;

	switch (addr->family) {
	case AF_UNSPEC:
		return 0;
	case AF_INET:
		bad = ipv4_is_zeronet(addr->ip4) || ipv4_is_multicast(addr->ip4) ||
		      ipv4_is_lbcast(addr->ip4) || ipv4_is_loopback(addr->ip4);
		break;
	case AF_INET6:
		bad = ipv6_addr_any(&addr->ip6) ||
		      ipv6_addr_is_multicast(&addr->ip6) ||
		      ipv6_addr_loopback(&addr->ip6) ||
		      ipv6_addr_v4mapped(&addr->ip6);
		break;
	default:
		bad = true;
	}
	if (!bad)
		return 0;
	/* NL_SET_ERR_MSG keeps a pointer: the messages must be literals. */
	if (local)
		NL_SET_ERR_MSG_ATTR(extack, nla,
				    "local address must be a unicast host address");
	else
		NL_SET_ERR_MSG_ATTR(extack, nla,
				    "remote address must be a unicast host address");
	return -EINVAL;
}
EXPORT_SYMBOL_IF_KUNIT(rvti_addr_check_unicast);

int rvti_addr_check_pair(const struct rvti_addr *local,
			 const struct rvti_addr *remote,
			 struct netlink_ext_ack *extack)
{
	if (rvti_addr_is_set(local) && rvti_addr_is_set(remote) &&
	    local->family != remote->family) {
		NL_SET_ERR_MSG(extack,
			       "local and remote addresses must be of the same family (both IPv4 or both IPv6)");
		return -EAFNOSUPPORT;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(rvti_addr_check_pair);

/* An unset address is left out of the message rather than sent empty. */
int rvti_addr_nla_put(struct sk_buff *skb, int attrtype,
		      const struct rvti_addr *addr)
{
	switch (addr->family) {
	case AF_INET:
		return nla_put_in_addr(skb, attrtype, addr->ip4);
	case AF_INET6:
		return nla_put_in6_addr(skb, attrtype, &addr->ip6);
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(rvti_addr_nla_put);
