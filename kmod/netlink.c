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
#include "netlink.h"
#include "replay.h"
#include "sa.h"

static struct genl_family rvti_genl_family;

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
			      atomic64_read(&rvti->wrong_source), RVTI_TSTAT_PAD)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int rvti_fill_tunnel(struct sk_buff *skb, struct rvti_device *rvti,
			    u32 portid, u32 seq, int flags)
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
	    rvti_fill_tunnel_stats(skb, rvti) ||
	    rvti_sa_nla_put_all(skb, rvti)) {
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
	ret = rvti_fill_tunnel(msg, rvti, info->snd_portid, info->snd_seq, 0);
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
				       cb->nlh->nlmsg_seq, NLM_F_MULTI);
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
	struct rvti_endpoints *ep = NULL, *old;
	struct rvti_device *rvti;
	int ret;

	if (!local_nla && !remote_nla && !info->attrs[RVTI_A_TTL] &&
	    !info->attrs[RVTI_A_DF]) {
		NL_SET_ERR_MSG(info->extack,
			       "nothing to set: give a local or remote address, a TTL or a DF mode");
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

	/* The new object comes with an empty route cache of its own. */
	rcu_assign_pointer(rvti->endpoints, ep);
	ep = NULL;
	if (old)
		rvti_endpoints_free_rcu(old);

out_unlock:
	mutex_unlock(&rvti->conf_lock);
	rvti_endpoints_free(ep);
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
	} else {
		ret = rvti_sa_del(rvti, tb, extack);
	}
	mutex_unlock(&rvti->conf_lock);
out:
	rtnl_unlock();
	if (sa)
		rvti_sa_destroy(sa);
	return ret;
}

/* NEW_SA and DEL_SA: the device, and the SA in a nest. */
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
};

static struct genl_family rvti_genl_family __ro_after_init = {
	.ops = rvti_genl_ops,
	.n_ops = ARRAY_SIZE(rvti_genl_ops),
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
