/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The prefixes of a tunnel: the address spaces of the remote site, in one
 * path-compressed binary trie per family. Lookups run under RCU without a
 * lock; changes are made under the table's lock (the device's conf_lock,
 * which the netlink handlers take with RTNL held).
 */
#ifndef _RVTI_PREFIX_H
#define _RVTI_PREFIX_H

#include <linux/in6.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/skbuff.h>
#include <linux/socket.h>
#include <linux/types.h>
#include <net/netlink.h>

/* Prefixes one tunnel may hold; a clear error beyond. */
#define RVTI_PREFIX_MAX 65536

/* One prefix: an address with its host bits clear, and its length. */
struct rvti_prefix {
	sa_family_t family;	/* AF_INET or AF_INET6 */
	u8 cidr;
	u32 flags;		/* RVTI_PREFIX_F_* */
	union {
		__be32 ip4;
		struct in6_addr ip6;
		u8 bytes[16];
	};
};

/*
 * A node of the trie. A node stands for the first @cidr bits of @key; its
 * children differ in bit number @cidr. A node is either a prefix of the
 * table (@is_prefix) or a branching point with two children that the
 * path compression needs. Prefix nodes are also on the table's list, in
 * insertion order, for dumps.
 */
struct rvti_prefix_node {
	struct rvti_prefix_node __rcu *bit[2];
	/* NULL for the root; read and written under the table's lock only. */
	struct rvti_prefix_node *parent;
	struct list_head list;
	struct rcu_head rcu;
	u32 flags;
	u8 cidr;
	u8 bits;		/* 32 (IPv4) or 128 (IPv6) */
	bool is_prefix;
	u8 key[16];
};

struct rvti_prefix_table {
	struct rvti_prefix_node __rcu *root4;
	struct rvti_prefix_node __rcu *root6;
	/* The prefix nodes: an RCU list, written under @lock. */
	struct list_head list;
	unsigned int count;
	/* Held by writers: the device's conf_lock. */
	struct mutex *lock;
};

void rvti_prefix_table_init(struct rvti_prefix_table *t, struct mutex *lock);
/* Removes every prefix; the caller holds the lock. */
void rvti_prefix_table_flush(struct rvti_prefix_table *t);

/* 0, or -EINVAL with an extack message: a bad length or host bits set. */
int rvti_prefix_check(const struct rvti_prefix *p, const struct nlattr *nla,
		      struct netlink_ext_ack *extack);
/* 0, -EEXIST, -ENOSPC (RVTI_PREFIX_MAX) or -ENOMEM. */
int rvti_prefix_add(struct rvti_prefix_table *t, const struct rvti_prefix *p);
/* 0 or -ENOENT. */
int rvti_prefix_del(struct rvti_prefix_table *t, const struct rvti_prefix *p);

/*
 * Whether @addr (4 or 16 bytes by @family) is inside a prefix of the
 * table. Caller holds RCU (any flavour) or the lock.
 */
bool rvti_prefix_contains(struct rvti_prefix_table *t, sa_family_t family,
			  const void *addr);

/*
 * Finds a prefix of @t that contains @p or is contained in it, and copies
 * it to @found. Caller holds RCU or the lock.
 */
bool rvti_prefix_overlap(struct rvti_prefix_table *t,
			 const struct rvti_prefix *p,
			 struct rvti_prefix *found);

/* Copies a prefix node of the table's list out. */
void rvti_prefix_from_node(const struct rvti_prefix_node *node,
			   struct rvti_prefix *p);

static inline bool rvti_prefix_table_empty(const struct rvti_prefix_table *t)
{
	return !rcu_access_pointer(t->root4) && !rcu_access_pointer(t->root6);
}

#endif /* _RVTI_PREFIX_H */
