// SPDX-License-Identifier: GPL-2.0
/*
 * The "rvti" generic netlink family: tunnel configuration and state. The
 * attribute tree of every command is documented in uapi/linux/rvti.h.
 */

#include <linux/rtnetlink.h>
#include <net/genetlink.h>
#include <net/sock.h>
#include <kunit/visibility.h>
#include <linux/rvti.h>

#include "addr.h"
#include "device.h"
#include "encap.h"
#include "event.h"
#include "failover.h"
#include "netlink.h"
#include "policy.h"
#include "replay.h"
#include "sa.h"

static const struct nla_policy rvti_sa_policy[RVTI_SA_A_MAX + 1] = {
	[RVTI_SA_A_DIR] = NLA_POLICY_RANGE(NLA_U8, RVTI_SA_DIR_IN, RVTI_SA_DIR_OUT),
	/* RFC 4303 section 2.1: 1 to 255 are reserved, 0 is local use. */
	[RVTI_SA_A_SPI] = NLA_POLICY_MIN(NLA_U32, 256),
	[RVTI_SA_A_AEAD_ALG] = { .type = NLA_NUL_STRING,
				 .len = CRYPTO_MAX_ALG_NAME - 1 },
	[RVTI_SA_A_ENC_ALG] = { .type = NLA_NUL_STRING,
				.len = CRYPTO_MAX_ALG_NAME - 1 },
	[RVTI_SA_A_AUTH_ALG] = { .type = NLA_NUL_STRING,
				 .len = CRYPTO_MAX_ALG_NAME - 1 },
	[RVTI_SA_A_ENC_KEY] = NLA_POLICY_RANGE(NLA_BINARY, 1, 64),
	[RVTI_SA_A_AUTH_KEY] = NLA_POLICY_RANGE(NLA_BINARY, 1, 128),
	[RVTI_SA_A_ICV_BITS] = { .type = NLA_U32 },
	[RVTI_SA_A_FLAGS] = NLA_POLICY_MASK(NLA_U32, __RVTI_SA_F_ALL),
	[RVTI_SA_A_REPLAY_WINDOW] = NLA_POLICY_RANGE(NLA_U32,
						     RVTI_REPLAY_MIN_WINDOW,
						     RVTI_REPLAY_MAX_WINDOW),
	[RVTI_SA_A_LIFETIME] = NLA_POLICY_NESTED(rvti_lifetime_policy),
	[RVTI_SA_A_SEQ] = { .type = NLA_U64 },
	[RVTI_SA_A_ENCAP_SPORT] = NLA_POLICY_MIN(NLA_U16, 1),
	[RVTI_SA_A_ENCAP_DPORT] = NLA_POLICY_MIN(NLA_U16, 1),
};

static const struct nla_policy rvti_prefix_policy[RVTI_PREFIX_A_MAX + 1] = {
	[RVTI_PREFIX_A_ADDR] = NLA_POLICY_VALIDATE_FN(NLA_BINARY,
						      rvti_addr_nla_validate,
						      sizeof(struct in6_addr)),
	/* 0-32 or 0-128 by family: rvti_prefix_check() says which. */
	[RVTI_PREFIX_A_LEN] = { .type = NLA_U8 },
	[RVTI_PREFIX_A_FLAGS] = NLA_POLICY_MASK(NLA_U32, __RVTI_PREFIX_F_ALL),
};

static const struct nla_policy rvti_policy[RVTI_A_MAX + 1] = {
	[RVTI_A_IFINDEX] = { .type = NLA_U32 },
	[RVTI_A_IFNAME] = { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
	[RVTI_A_LOCAL] = NLA_POLICY_VALIDATE_FN(NLA_BINARY, rvti_addr_nla_validate,
						sizeof(struct in6_addr)),
	[RVTI_A_REMOTE] = NLA_POLICY_VALIDATE_FN(NLA_BINARY, rvti_addr_nla_validate,
						 sizeof(struct in6_addr)),
	[RVTI_A_SA] = NLA_POLICY_NESTED(rvti_sa_policy),
	[RVTI_A_TTL] = { .type = NLA_U8 },
	[RVTI_A_DF] = NLA_POLICY_MAX(NLA_U8, RVTI_DF_MAX),
	[RVTI_A_PREFIX] = NLA_POLICY_NESTED(rvti_prefix_policy),
	[RVTI_A_SITE] = { .type = NLA_NUL_STRING, .len = RVTI_SITE_MAX_LEN },
	[RVTI_A_TRANSIT] = NLA_POLICY_MAX(NLA_U8, 1),
	[RVTI_A_NO_SAS] = { .type = NLA_FLAG },
	/* RFC 4303 section 2.1, as for RVTI_SA_A_SPI. */
	[RVTI_A_SPI_MIN] = NLA_POLICY_MIN(NLA_U32, 256),
	[RVTI_A_SPI_MAX] = NLA_POLICY_MIN(NLA_U32, 256),
	/* 0: none */
	[RVTI_A_ENCAP_PORT] = { .type = NLA_U16 },
};

/*
 * NEW_SA and DEL_SA take the SA nest unvalidated and parse it with
 * rvti_sa_policy themselves, so that a request refused for any reason,
 * even by the policy, passes through rvti_sa_doit(), which zeroes the keys
 * in it. The family policy above still describes the nest for a policy
 * dump.
 */
static const struct nla_policy rvti_sa_op_policy[RVTI_A_MAX + 1] = {
	[RVTI_A_IFINDEX] = { .type = NLA_U32 },
	[RVTI_A_IFNAME] = { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
	[RVTI_A_SA] = { .type = NLA_NESTED },
};

static int rvti_fill_tunnel_stats(struct sk_buff *skb, struct rvti_device *rvti)
{
	struct nlattr *nest = nla_nest_start(skb, RVTI_A_STATS);

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u64_64bit(skb, RVTI_TSTAT_NO_TX_SA,
			      atomic64_read(&rvti->no_tx_sa), RVTI_TSTAT_PAD) ||
	    nla_put_u64_64bit(skb, RVTI_TSTAT_NO_ENDPOINT,
			      atomic64_read(&rvti->no_endpoint), RVTI_TSTAT_PAD) ||
	    nla_put_u64_64bit(skb, RVTI_TSTAT_WRONG_SOURCE,
			      atomic64_read(&rvti->wrong_source), RVTI_TSTAT_PAD) ||
	    nla_put_u64_64bit(skb, RVTI_TSTAT_SELECTOR_OUT,
			      atomic64_read(&rvti->selector_out), RVTI_TSTAT_PAD) ||
	    nla_put_u64_64bit(skb, RVTI_TSTAT_SELECTOR_IN,
			      atomic64_read(&rvti->selector_in), RVTI_TSTAT_PAD) ||
	    nla_put_u64_64bit(skb, RVTI_TSTAT_TRANSIT,
			      atomic64_read(&rvti->transit_drops), RVTI_TSTAT_PAD) ||
	    nla_put_u64_64bit(skb, RVTI_TSTAT_FAILOVER,
			      atomic64_read(&rvti->failover), RVTI_TSTAT_PAD)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* Site label, transit and prefix count; caller holds RCU. */
static int rvti_fill_tunnel_policy(struct sk_buff *skb, struct rvti_device *rvti)
{
	struct rvti_site *site = rcu_dereference(rvti->site);

	if ((site && nla_put_string(skb, RVTI_A_SITE, site->label)) ||
	    nla_put_u8(skb, RVTI_A_TRANSIT, READ_ONCE(rvti->transit)) ||
	    nla_put_u64_64bit(skb, RVTI_A_LAST_RX,
			      READ_ONCE(rvti->last_rx),
			      RVTI_A_PAD) ||
	    nla_put_u32(skb, RVTI_A_PREFIX_COUNT, READ_ONCE(rvti->prefixes.count)))
		return -EMSGSIZE;
	return 0;
}

static int rvti_fill_tunnel(struct sk_buff *skb, struct rvti_device *rvti,
			    u32 portid, u32 seq, int flags, bool sas)
{
	const struct rvti_endpoints *ep;
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &rvti_genl_family, flags,
			  RVTI_CMD_GET_TUNNEL);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(skb, RVTI_A_IFINDEX, rvti->dev->ifindex) ||
	    nla_put_string(skb, RVTI_A_IFNAME, rvti->dev->name))
		goto err;
	rcu_read_lock();
	ep = rcu_dereference(rvti->endpoints);
	if ((ep && (rvti_addr_nla_put(skb, RVTI_A_LOCAL, &ep->local) ||
		    rvti_addr_nla_put(skb, RVTI_A_REMOTE, &ep->remote))) ||
	    nla_put_u8(skb, RVTI_A_TTL, ep ? ep->ttl : 0) ||
	    nla_put_u8(skb, RVTI_A_DF, ep ? ep->df : RVTI_DF_COPY) ||
	    (READ_ONCE(rvti->encap_port) &&
	     nla_put_u16(skb, RVTI_A_ENCAP_PORT, READ_ONCE(rvti->encap_port))) ||
	    nla_put_u8(skb, RVTI_A_STATE, rvti_tunnel_state(rvti)) ||
	    rvti_fill_tunnel_stats(skb, rvti) ||
	    rvti_fill_tunnel_policy(skb, rvti) ||
	    (sas && rvti_sa_nla_put_all(skb, rvti))) {
		rcu_read_unlock();
		goto err;
	}
	rcu_read_unlock();
	genlmsg_end(skb, hdr);
	return 0;

err:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

static int rvti_get_tunnel_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct rvti_device *rvti;
	struct sk_buff *msg;
	int ret;

	rvti = rvti_device_get(genl_info_net(info), info->attrs[RVTI_A_IFINDEX],
			       info->attrs[RVTI_A_IFNAME], info->extack);
	if (IS_ERR(rvti))
		return PTR_ERR(rvti);

	msg = nlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg) {
		ret = -ENOMEM;
		goto out;
	}
	ret = rvti_fill_tunnel(msg, rvti, info->snd_portid, info->snd_seq, 0,
			       !info->attrs[RVTI_A_NO_SAS]);
	if (ret) {
		nlmsg_free(msg);
		goto out;
	}
	ret = genlmsg_reply(msg, info);
out:
	rvti_device_put(rvti);
	return ret;
}

/* cb->args[0]: how many rvti devices earlier calls have dumped. */
static int rvti_get_tunnel_dumpit(struct sk_buff *skb,
				  struct netlink_callback *cb)
{
	struct net *net = sock_net(skb->sk);
	struct net_device *dev;
	long idx = 0;
	int ret = 0;

	rcu_read_lock();
	for_each_netdev_rcu(net, dev) {
		if (dev->rtnl_link_ops != &rvti_link_ops)
			continue;
		if (idx++ < cb->args[0])
			continue;
		ret = rvti_fill_tunnel(skb, netdev_priv(dev),
				       NETLINK_CB(cb->skb).portid,
				       cb->nlh->nlmsg_seq, NLM_F_MULTI,
				       !genl_dumpit_info(cb)->attrs[RVTI_A_NO_SAS]);
		if (ret)
			break;
		cb->args[0] = idx;
	}
	rcu_read_unlock();
	/*
	 * A full buffer means "call again" and is no error, unless not even
	 * one tunnel fitted. An empty return ends the dump.
	 */
	if (ret == -EMSGSIZE && skb->len)
		return skb->len;
	return ret ?: skb->len;
}

static int rvti_set_tunnel_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *local_nla = info->attrs[RVTI_A_LOCAL];
	struct nlattr *remote_nla = info->attrs[RVTI_A_REMOTE];
	struct nlattr *port_nla = info->attrs[RVTI_A_ENCAP_PORT];
	struct rvti_endpoints *ep = NULL, *old;
	struct rvti_encap_sock *encap = NULL;
	struct rvti_device *rvti;
	int ret;

	if (!local_nla && !remote_nla && !info->attrs[RVTI_A_TTL] &&
	    !info->attrs[RVTI_A_DF] && !port_nla) {
		NL_SET_ERR_MSG(info->extack,
			       "nothing to set: give a local or remote address, a TTL, a DF mode or an ESP in UDP port");
		return -EINVAL;
	}

	rtnl_lock();
	rvti = rvti_device_lookup(genl_info_net(info), info->attrs[RVTI_A_IFINDEX],
				  info->attrs[RVTI_A_IFNAME], info->extack);
	if (IS_ERR(rvti)) {
		ret = PTR_ERR(rvti);
		goto out_rtnl;
	}

	mutex_lock(&rvti->conf_lock);
	old = rcu_dereference_protected(rvti->endpoints,
					lockdep_is_held(&rvti->conf_lock));
	ep = rvti_endpoints_alloc(old);
	if (!ep) {
		ret = -ENOMEM;
		goto out_unlock;
	}
	if (info->attrs[RVTI_A_TTL])
		ep->ttl = nla_get_u8(info->attrs[RVTI_A_TTL]);
	if (info->attrs[RVTI_A_DF])
		ep->df = nla_get_u8(info->attrs[RVTI_A_DF]);
	if (local_nla) {
		rvti_addr_from_nla(&ep->local, local_nla);
		ret = rvti_addr_check_unicast(&ep->local, true, local_nla,
					      info->extack);
		if (ret)
			goto out_unlock;
	}
	if (remote_nla) {
		rvti_addr_from_nla(&ep->remote, remote_nla);
		ret = rvti_addr_check_unicast(&ep->remote, false, remote_nla,
					      info->extack);
		if (ret)
			goto out_unlock;
	}
	ret = rvti_addr_check_pair(&ep->local, &ep->remote, info->extack);
	if (ret)
		goto out_unlock;
	ret = rvti_sa_check_endpoints(rvti, &ep->local, &ep->remote,
				      info->extack);
	if (ret)
		goto out_unlock;
	/*
	 * The port last: in the namespace of creation, where the outer
	 * packets go (as WireGuard's listen port). The same port again
	 * takes a second reference, the old one goes below.
	 */
	if (port_nla && nla_get_u16(port_nla)) {
		encap = rvti_encap_get(rvti->creating_net,
				       nla_get_u16(port_nla), info->extack);
		if (IS_ERR(encap)) {
			ret = PTR_ERR(encap);
			encap = NULL;
			goto out_unlock;
		}
	}

	/* The new object comes with an empty route cache of its own. */
	rcu_assign_pointer(rvti->endpoints, ep);
	ep = NULL;
	if (old)
		rvti_endpoints_free_rcu(old);
	if (port_nla) {
		swap(rvti->encap, encap);
		WRITE_ONCE(rvti->encap_port, rvti_encap_port(rvti->encap));
	}
	rvti_event_tunnel(rvti, RVTI_EVENT_TUNNEL_CHANGE);
	rvti_state_update(rvti);

out_unlock:
	mutex_unlock(&rvti->conf_lock);
	rvti_endpoints_free(ep);
	/* A new port not taken, or the one replaced (after the lock). */
	rvti_encap_put(encap);
out_rtnl:
	rtnl_unlock();
	return ret;
}

/*
 * Key material must not outlive the request, whatever became of it: the
 * buffer is freed, not cleared, once the handler returns.
 */
static void rvti_sa_zero_keys(const struct nlattr *nest)
{
	const struct nlattr *attr;
	int rem;

	if (!nest)
		return;
	nla_for_each_nested(attr, nest, rem) {
		if (nla_type(attr) == RVTI_SA_A_ENC_KEY ||
		    nla_type(attr) == RVTI_SA_A_AUTH_KEY)
			memzero_explicit(nla_data(attr), nla_len(attr));
	}
}

static int rvti_sa_apply(struct genl_info *info, struct nlattr **tb)
{
	struct netlink_ext_ack *extack = info->extack;
	struct rvti_sa *sa = NULL;
	struct rvti_device *rvti;
	int ret;

	/* The costly part, the transform, needs no lock. */
	if (info->genlhdr->cmd == RVTI_CMD_NEW_SA) {
		sa = rvti_sa_create(tb, extack);
		if (IS_ERR(sa))
			return PTR_ERR(sa);
	}

	rtnl_lock();
	rvti = rvti_device_lookup(genl_info_net(info), info->attrs[RVTI_A_IFINDEX],
				  info->attrs[RVTI_A_IFNAME], extack);
	if (IS_ERR(rvti)) {
		ret = PTR_ERR(rvti);
		goto out;
	}
	mutex_lock(&rvti->conf_lock);
	if (sa) {
		ret = rvti_sa_insert(rvti, sa, tb[RVTI_SA_A_SPI], extack);
		if (!ret)
			sa = NULL;
	} else if (info->genlhdr->cmd == RVTI_CMD_SET_SA) {
		ret = rvti_sa_set(rvti, tb, extack);
	} else {
		ret = rvti_sa_del(rvti, tb, extack);
	}
	mutex_unlock(&rvti->conf_lock);
	rvti_state_update(rvti);
out:
	rtnl_unlock();
	if (sa)
		rvti_sa_destroy(sa);
	return ret;
}

/* NEW_SA, DEL_SA and SET_SA: the device, and the SA in a nest. */
VISIBLE_IF_KUNIT int rvti_sa_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[RVTI_SA_A_MAX + 1];
	struct nlattr *nest = info->attrs[RVTI_A_SA];
	int ret;

	if (!nest) {
		NL_SET_ERR_MSG(info->extack,
			       "the SA attributes (RVTI_A_SA) are missing");
		return -EINVAL;
	}
	ret = nla_parse_nested(tb, RVTI_SA_A_MAX, nest, rvti_sa_policy,
			       info->extack);
	if (!ret)
		ret = rvti_sa_apply(info, tb);
	rvti_sa_zero_keys(nest);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(rvti_sa_doit);

static int rvti_prefix_nla_put(struct sk_buff *skb, const struct rvti_prefix *p)
{
	struct nlattr *nest = nla_nest_start(skb, RVTI_A_PREFIX);

	if (!nest)
		return -EMSGSIZE;
	if (nla_put(skb, RVTI_PREFIX_A_ADDR, p->family == AF_INET ? 4 : 16,
		    p->bytes) ||
	    nla_put_u8(skb, RVTI_PREFIX_A_LEN, p->cidr) ||
	    nla_put_u32(skb, RVTI_PREFIX_A_FLAGS, p->flags)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* One message that names a device and one of its prefixes. */
static int rvti_fill_prefix(struct sk_buff *skb, struct net_device *dev,
			    const struct rvti_prefix *p, u32 portid, u32 seq,
			    int flags, u8 cmd)
{
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &rvti_genl_family, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(skb, RVTI_A_IFINDEX, dev->ifindex) ||
	    nla_put_string(skb, RVTI_A_IFNAME, dev->name) ||
	    rvti_prefix_nla_put(skb, p)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/*
 * Refuses an overlap: extack messages are constant strings, so the other
 * device and its prefix go to the caller in a message before the error;
 * the caller sets the message.
 */
static int rvti_refuse_overlap(struct genl_info *info, struct rvti_device *other,
			       const struct rvti_prefix *found)
{
	struct sk_buff *msg = nlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);

	if (msg) {
		if (rvti_fill_prefix(msg, other->dev, found, info->snd_portid,
				     info->snd_seq, 0, RVTI_CMD_NEW_PREFIX))
			nlmsg_free(msg);
		else
			genlmsg_reply(msg, info);
	}
	return -EEXIST;
}

/*
 * The device of a prefix or site change, with RTNL (taken by the caller:
 * overlap checks read every tunnel of the namespace, and it keeps the
 * device from going away) and its conf_lock held.
 */
static struct rvti_device *rvti_get_for_policy(struct genl_info *info)
{
	struct rvti_device *rvti;

	rvti = rvti_device_lookup(genl_info_net(info), info->attrs[RVTI_A_IFINDEX],
				  info->attrs[RVTI_A_IFNAME], info->extack);
	if (!IS_ERR(rvti))
		mutex_lock(&rvti->conf_lock);
	return rvti;
}

static void rvti_put_for_policy(struct rvti_device *rvti)
{
	mutex_unlock(&rvti->conf_lock);
}

static int rvti_prefix_from_attrs(struct genl_info *info, struct rvti_prefix *p)
{
	struct nlattr *nest = info->attrs[RVTI_A_PREFIX];
	struct nlattr *tb[RVTI_PREFIX_A_MAX + 1];
	int ret;

	if (!nest) {
		NL_SET_ERR_MSG(info->extack, "the prefix (RVTI_A_PREFIX) is missing");
		return -EINVAL;
	}
	ret = nla_parse_nested(tb, RVTI_PREFIX_A_MAX, nest, rvti_prefix_policy,
			       info->extack);
	if (ret)
		return ret;
	if (!tb[RVTI_PREFIX_A_ADDR] || !nla_len(tb[RVTI_PREFIX_A_ADDR])) {
		NL_SET_ERR_MSG_ATTR(info->extack, nest,
				    "the prefix needs an IPv4 or IPv6 address (RVTI_PREFIX_A_ADDR)");
		return -EINVAL;
	}
	if (!tb[RVTI_PREFIX_A_LEN]) {
		NL_SET_ERR_MSG_ATTR(info->extack, nest,
				    "the prefix needs a length (RVTI_PREFIX_A_LEN)");
		return -EINVAL;
	}
	memset(p, 0, sizeof(*p));
	p->family = nla_len(tb[RVTI_PREFIX_A_ADDR]) == 4 ? AF_INET : AF_INET6;
	nla_memcpy(p->bytes, tb[RVTI_PREFIX_A_ADDR], sizeof(p->bytes));
	p->cidr = nla_get_u8(tb[RVTI_PREFIX_A_LEN]);
	if (tb[RVTI_PREFIX_A_FLAGS])
		p->flags = nla_get_u32(tb[RVTI_PREFIX_A_FLAGS]);
	return rvti_prefix_check(p, nest, info->extack);
}

/* NEW_PREFIX and DEL_PREFIX. */
static int rvti_prefix_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct rvti_prefix p, found;
	struct rvti_device *rvti, *other;
	int ret;

	ret = rvti_prefix_from_attrs(info, &p);
	if (ret)
		return ret;

	rtnl_lock();
	rvti = rvti_get_for_policy(info);
	if (IS_ERR(rvti)) {
		ret = PTR_ERR(rvti);
		goto out_rtnl;
	}
	if (info->genlhdr->cmd == RVTI_CMD_DEL_PREFIX) {
		ret = rvti_prefix_del(&rvti->prefixes, &p);
		if (ret)
			NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[RVTI_A_PREFIX],
					    "the tunnel has no such prefix");
		goto out;
	}
	other = rvti_policy_conflict(rvti, rvti_policy_site(rvti), &p, &found);
	if (other) {
		ret = rvti_refuse_overlap(info, other, &found);
		NL_SET_ERR_MSG(info->extack,
			       "the prefix overlaps a prefix of a tunnel to another site");
		goto out;
	}
	ret = rvti_prefix_add(&rvti->prefixes, &p);
	if (ret == -EEXIST)
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[RVTI_A_PREFIX],
				    "the tunnel already has this prefix");
	else if (ret == -ENOSPC)
		NL_SET_ERR_MSG(info->extack,
			       "the tunnel has 65536 prefixes, the most it may have");
out:
	if (!ret)
		rvti_event_tunnel(rvti, RVTI_EVENT_TUNNEL_CHANGE);
	rvti_put_for_policy(rvti);
out_rtnl:
	rtnl_unlock();
	return ret;
}

static int rvti_flush_prefixes_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct rvti_device *rvti;

	rtnl_lock();
	rvti = rvti_get_for_policy(info);
	if (!IS_ERR(rvti)) {
		rvti_prefix_table_flush(&rvti->prefixes);
		rvti_event_tunnel(rvti, RVTI_EVENT_TUNNEL_CHANGE);
		rvti_put_for_policy(rvti);
	}
	rtnl_unlock();
	return PTR_ERR_OR_ZERO(rvti);
}

static int rvti_set_site_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *site = info->attrs[RVTI_A_SITE];
	struct nlattr *transit = info->attrs[RVTI_A_TRANSIT];
	struct rvti_prefix mine, found;
	struct rvti_device *rvti, *other;
	int ret = 0;

	if (!site && !transit) {
		NL_SET_ERR_MSG(info->extack,
			       "nothing to set: give a site label or a transit setting");
		return -EINVAL;
	}
	rtnl_lock();
	rvti = rvti_get_for_policy(info);
	if (IS_ERR(rvti)) {
		ret = PTR_ERR(rvti);
		goto out_rtnl;
	}
	if (site) {
		ret = rvti_policy_set_site(rvti, nla_data(site), &mine, &other,
					   &found);
		if (ret == -EEXIST) {
			ret = rvti_refuse_overlap(info, other, &found);
			NL_SET_ERR_MSG(info->extack,
				       "with this site label a prefix of the tunnel would overlap a prefix of a tunnel to another site");
		}
		if (ret)
			goto out;
	}
	if (transit)
		WRITE_ONCE(rvti->transit, nla_get_u8(transit));
	rvti_event_tunnel(rvti, RVTI_EVENT_TUNNEL_CHANGE);
out:
	rvti_put_for_policy(rvti);
out_rtnl:
	rtnl_unlock();
	return ret;
}

/*
 * The device a dump is restricted to: cb->args[2] is its ifindex, or -1
 * for every device; set on the first call from the request's attributes.
 */
static int rvti_dump_filter(struct netlink_callback *cb)
{
	struct nlattr **attrs = genl_dumpit_info(cb)->attrs;
	struct rvti_device *rvti;

	if (cb->args[2])
		return 0;
	if (!attrs[RVTI_A_IFINDEX] && !attrs[RVTI_A_IFNAME]) {
		cb->args[2] = -1;
		return 0;
	}
	rvti = rvti_device_get(sock_net(cb->skb->sk), attrs[RVTI_A_IFINDEX],
			       attrs[RVTI_A_IFNAME], cb->extack);
	if (IS_ERR(rvti))
		return PTR_ERR(rvti);
	cb->args[2] = rvti->dev->ifindex;
	rvti_device_put(rvti);
	return 0;
}

/*
 * GET_PREFIX and GET_SA dumps: one message per prefix or SA. cb->args[0]
 * counts the devices done, cb->args[1] the entries of the current device.
 */
static int rvti_dump_entries(struct sk_buff *skb, struct netlink_callback *cb,
			     bool prefixes)
{
	u32 portid = NETLINK_CB(cb->skb).portid, seq = cb->nlh->nlmsg_seq;
	struct net *net = sock_net(skb->sk);
	struct rvti_prefix_node *node;
	struct net_device *dev;
	struct rvti_prefix p;
	struct rvti_sa *sa;
	long idx = 0, i;
	int ret;

	ret = rvti_dump_filter(cb);
	if (ret)
		return ret;
	rcu_read_lock();
	for_each_netdev_rcu(net, dev) {
		struct rvti_device *rvti = netdev_priv(dev);

		if (dev->rtnl_link_ops != &rvti_link_ops ||
		    (cb->args[2] > 0 && dev->ifindex != cb->args[2]))
			continue;
		if (idx++ < cb->args[0])
			continue;
		i = 0;
		if (prefixes) {
			list_for_each_entry_rcu(node, &rvti->prefixes.list, list) {
				if (i++ < cb->args[1])
					continue;
				rvti_prefix_from_node(node, &p);
				ret = rvti_fill_prefix(skb, dev, &p, portid, seq,
						       NLM_F_MULTI,
						       RVTI_CMD_GET_PREFIX);
				if (ret)
					goto out;
				cb->args[1] = i;
			}
		} else {
			list_for_each_entry_rcu(sa, &rvti->sas, list) {
				void *hdr;

				if (i++ < cb->args[1])
					continue;
				ret = -EMSGSIZE;
				hdr = genlmsg_put(skb, portid, seq,
						  &rvti_genl_family, NLM_F_MULTI,
						  RVTI_CMD_GET_SA);
				if (!hdr)
					goto out;
				if (nla_put_u32(skb, RVTI_A_IFINDEX, dev->ifindex) ||
				    nla_put_string(skb, RVTI_A_IFNAME, dev->name) ||
				    rvti_sa_nla_put(skb, sa)) {
					genlmsg_cancel(skb, hdr);
					goto out;
				}
				genlmsg_end(skb, hdr);
				cb->args[1] = i;
			}
		}
		cb->args[0] = idx;
		cb->args[1] = 0;
	}
	ret = 0;
out:
	rcu_read_unlock();
	/* As for tunnels: a full buffer means "call again". */
	if (ret == -EMSGSIZE && skb->len)
		return skb->len;
	return ret ?: skb->len;
}

static int rvti_get_prefix_dumpit(struct sk_buff *skb,
				  struct netlink_callback *cb)
{
	return rvti_dump_entries(skb, cb, true);
}

static int rvti_get_sa_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	return rvti_dump_entries(skb, cb, false);
}

/* GET_SA with a device and an SA nest naming direction and SPI. */
static int rvti_get_sa_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[RVTI_SA_A_MAX + 1];
	struct rvti_device *rvti;
	struct sk_buff *msg;
	struct rvti_sa *sa;
	void *hdr;
	int ret;

	if (!info->attrs[RVTI_A_SA]) {
		NL_SET_ERR_MSG(info->extack,
			       "name the SA: RVTI_A_SA with its direction and SPI");
		return -EINVAL;
	}
	ret = nla_parse_nested(tb, RVTI_SA_A_MAX, info->attrs[RVTI_A_SA],
			       rvti_sa_policy, info->extack);
	if (ret)
		return ret;
	if (!tb[RVTI_SA_A_DIR] || !tb[RVTI_SA_A_SPI]) {
		NL_SET_ERR_MSG(info->extack, "an SA is named by its direction and SPI");
		return -EINVAL;
	}
	msg = nlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;

	rtnl_lock();
	rvti = rvti_device_lookup(genl_info_net(info), info->attrs[RVTI_A_IFINDEX],
				  info->attrs[RVTI_A_IFNAME], info->extack);
	if (IS_ERR(rvti)) {
		ret = PTR_ERR(rvti);
		goto out;
	}
	mutex_lock(&rvti->conf_lock);
	sa = rvti_sa_get(rvti, nla_get_u8(tb[RVTI_SA_A_DIR]),
			 htonl(nla_get_u32(tb[RVTI_SA_A_SPI])));
	ret = -ENOENT;
	if (!sa) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[RVTI_SA_A_SPI],
				    "no SA with this direction and SPI on this device");
	} else {
		ret = -EMSGSIZE;
		hdr = genlmsg_put_reply(msg, info, &rvti_genl_family, 0,
					RVTI_CMD_GET_SA);
		if (hdr && !nla_put_u32(msg, RVTI_A_IFINDEX, rvti->dev->ifindex) &&
		    !nla_put_string(msg, RVTI_A_IFNAME, rvti->dev->name) &&
		    !rvti_sa_nla_put(msg, sa)) {
			genlmsg_end(msg, hdr);
			ret = 0;
		}
	}
	mutex_unlock(&rvti->conf_lock);
out:
	rtnl_unlock();
	if (ret) {
		nlmsg_free(msg);
		return ret;
	}
	return genlmsg_reply(msg, info);
}

/* FLUSH_SAS: one device's SAs, or those of every device of the netns. */
static int rvti_flush_sas_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct rvti_device *rvti;
	struct net_device *dev;
	int ret = 0;

	rtnl_lock();
	if (info->attrs[RVTI_A_IFINDEX] || info->attrs[RVTI_A_IFNAME]) {
		rvti = rvti_device_lookup(net, info->attrs[RVTI_A_IFINDEX],
					  info->attrs[RVTI_A_IFNAME], info->extack);
		if (IS_ERR(rvti)) {
			ret = PTR_ERR(rvti);
		} else {
			mutex_lock(&rvti->conf_lock);
			rvti_sa_flush(rvti, true);
			mutex_unlock(&rvti->conf_lock);
			rvti_state_update(rvti);
		}
	} else {
		for_each_netdev(net, dev) {
			if (dev->rtnl_link_ops != &rvti_link_ops)
				continue;
			rvti = netdev_priv(dev);
			mutex_lock(&rvti->conf_lock);
			rvti_sa_flush(rvti, true);
			mutex_unlock(&rvti->conf_lock);
			rvti_state_update(rvti);
		}
	}
	rtnl_unlock();
	return ret;
}

static int rvti_alloc_spi_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *min_attr = info->attrs[RVTI_A_SPI_MIN];
	struct nlattr *max_attr = info->attrs[RVTI_A_SPI_MAX];
	u32 min = min_attr ? nla_get_u32(min_attr) : 256;
	u32 max = max_attr ? nla_get_u32(max_attr) : U32_MAX;
	struct rvti_device *rvti;
	struct sk_buff *msg;
	int ifindex = 0, ret;
	char name[IFNAMSIZ];
	void *hdr;
	u32 spi;

	msg = nlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	rtnl_lock();
	rvti = rvti_device_lookup(genl_info_net(info), info->attrs[RVTI_A_IFINDEX],
				  info->attrs[RVTI_A_IFNAME], info->extack);
	if (IS_ERR(rvti)) {
		ret = PTR_ERR(rvti);
	} else {
		ret = rvti_sa_alloc_spi(rvti, min, max, &spi, info->extack);
		ifindex = rvti->dev->ifindex;
		strscpy(name, rvti->dev->name, sizeof(name));
	}
	rtnl_unlock();
	if (ret)
		goto err;

	ret = -EMSGSIZE;
	hdr = genlmsg_put_reply(msg, info, &rvti_genl_family, 0,
				RVTI_CMD_ALLOC_SPI);
	if (!hdr || nla_put_u32(msg, RVTI_A_IFINDEX, ifindex) ||
	    nla_put_string(msg, RVTI_A_IFNAME, name) ||
	    nla_put_u32(msg, RVTI_A_SPI, spi))
		goto err;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
err:
	nlmsg_free(msg);
	return ret;
}

static const struct genl_ops rvti_genl_ops[] = {
	{
		.cmd = RVTI_CMD_GET_TUNNEL,
		.doit = rvti_get_tunnel_doit,
		.dumpit = rvti_get_tunnel_dumpit,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = RVTI_CMD_SET_TUNNEL,
		.doit = rvti_set_tunnel_doit,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = RVTI_CMD_NEW_SA,
		.doit = rvti_sa_doit,
		.policy = rvti_sa_op_policy,
		.maxattr = RVTI_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = RVTI_CMD_DEL_SA,
		.doit = rvti_sa_doit,
		.policy = rvti_sa_op_policy,
		.maxattr = RVTI_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = RVTI_CMD_SET_SA,
		.doit = rvti_sa_doit,
		.policy = rvti_sa_op_policy,
		.maxattr = RVTI_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = RVTI_CMD_SET_SITE,
		.doit = rvti_set_site_doit,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = RVTI_CMD_NEW_PREFIX,
		.doit = rvti_prefix_doit,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = RVTI_CMD_DEL_PREFIX,
		.doit = rvti_prefix_doit,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = RVTI_CMD_GET_PREFIX,
		.dumpit = rvti_get_prefix_dumpit,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = RVTI_CMD_FLUSH_PREFIXES,
		.doit = rvti_flush_prefixes_doit,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = RVTI_CMD_GET_SA,
		.doit = rvti_get_sa_doit,
		.dumpit = rvti_get_sa_dumpit,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = RVTI_CMD_FLUSH_SAS,
		.doit = rvti_flush_sas_doit,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = RVTI_CMD_ALLOC_SPI,
		.doit = rvti_alloc_spi_doit,
		.flags = GENL_UNS_ADMIN_PERM,
	},
};

static const struct genl_multicast_group rvti_mcgrps[] = {
	[RVTI_MCGRP_EVENTS_ID] = {
		.name = RVTI_MCGRP_EVENTS,
		/* Like the commands: CAP_NET_ADMIN in the namespace. */
		.flags = GENL_MCAST_CAP_NET_ADMIN,
	},
};

struct genl_family rvti_genl_family __ro_after_init = {
	.ops = rvti_genl_ops,
	.n_ops = ARRAY_SIZE(rvti_genl_ops),
	.mcgrps = rvti_mcgrps,
	.n_mcgrps = ARRAY_SIZE(rvti_mcgrps),
	/* Strict validation for every command: there is no legacy to keep. */
	.resv_start_op = RVTI_CMD_UNSPEC + 1,
	.name = RVTI_GENL_NAME,
	.version = RVTI_GENL_VERSION,
	.maxattr = RVTI_A_MAX,
	.policy = rvti_policy,
	.netnsok = true,
	.module = THIS_MODULE,
};

int __init rvti_genl_init(void)
{
	return genl_register_family(&rvti_genl_family);
}

void rvti_genl_uninit(void)
{
	genl_unregister_family(&rvti_genl_family);
}
