// SPDX-License-Identifier: GPL-2.0
/*
 * The prefix table of a tunnel: a path-compressed binary trie per family,
 * in the manner of WireGuard's allowedips. Each node stands for the first
 * cidr bits of its key; a node is a prefix of the table or a branching
 * point with exactly two children, so a table of n prefixes has fewer than
 * 2n nodes and a lookup visits at most 33 (IPv4) or 129 (IPv6) of them,
 * whatever other tunnels hold.
 *
 * Readers (the packet path) walk the trie under RCU without a lock. A
 * writer, under the table's lock, builds a node completely before it
 * publishes it with rcu_assign_pointer(), and frees unlinked nodes after a
 * grace period, so a reader sees the old or the new trie, and is at worst
 * one change late.
 */

#include <linux/lockdep.h>
#include <linux/slab.h>
#include <kunit/visibility.h>

#include "prefix.h"

#define rvti_deref(t, p)                                                      \
	rcu_dereference_check(p, rcu_read_lock_bh_held() ||                   \
				 lockdep_is_held((t)->lock))
#define rvti_deref_locked(t, p) rcu_dereference_protected(p, lockdep_is_held((t)->lock))

static unsigned int rvti_family_bits(sa_family_t family)
{
	return family == AF_INET ? 32 : 128;
}

/* Bit number @n of @key, counted from the most significant bit. */
static unsigned int rvti_bit(const u8 *key, unsigned int n)
{
	return (key[n / 8] >> (7 - n % 8)) & 1;
}

/* Whether the first @cidr bits of @a and @b are equal. */
static bool rvti_match(const u8 *a, const u8 *b, unsigned int cidr)
{
	unsigned int bytes = cidr / 8, rest = cidr % 8;
	u8 mask;

	if (memcmp(a, b, bytes))
		return false;
	if (!rest)
		return true;
	mask = 0xff << (8 - rest);
	return !((a[bytes] ^ b[bytes]) & mask);
}

/* How many leading bits @a and @b have in common, at most @bits. */
static unsigned int rvti_common_bits(const u8 *a, const u8 *b,
				     unsigned int bits)
{
	unsigned int i;

	for (i = 0; i < bits / 8; i++) {
		u8 diff = a[i] ^ b[i];

		if (diff)
			return i * 8 + __builtin_clz(diff) - 24;
	}
	return bits;
}

static struct rvti_prefix_node __rcu **
rvti_root(struct rvti_prefix_table *t, unsigned int bits)
{
	return bits == 32 ? &t->root4 : &t->root6;
}

/* The pointer in the trie that points at @node. */
static struct rvti_prefix_node __rcu **
rvti_slot(struct rvti_prefix_table *t, const struct rvti_prefix_node *node)
{
	struct rvti_prefix_node *parent = node->parent;

	if (!parent)
		return rvti_root(t, node->bits);
	return &parent->bit[rvti_bit(node->key, parent->cidr)];
}

static struct rvti_prefix_node *rvti_node_new(const u8 *key, unsigned int cidr,
					      unsigned int bits)
{
	struct rvti_prefix_node *node;
	unsigned int i;

	node = kzalloc(sizeof(*node), GFP_KERNEL_ACCOUNT);
	if (!node)
		return NULL;
	node->cidr = cidr;
	node->bits = bits;
	INIT_LIST_HEAD(&node->list);
	/* The key keeps only the node's own bits. */
	for (i = 0; i < cidr; i++)
		if (rvti_bit(key, i))
			node->key[i / 8] |= 0x80 >> (i % 8);
	return node;
}

void rvti_prefix_table_init(struct rvti_prefix_table *t, struct mutex *lock)
{
	RCU_INIT_POINTER(t->root4, NULL);
	RCU_INIT_POINTER(t->root6, NULL);
	INIT_LIST_HEAD(&t->list);
	t->count = 0;
	t->lock = lock;
}
EXPORT_SYMBOL_IF_KUNIT(rvti_prefix_table_init);

int rvti_prefix_check(const struct rvti_prefix *p, const struct nlattr *nla,
		      struct netlink_ext_ack *extack)
{
	static const u8 zero[16];
	unsigned int bits;
	u8 key[16];

	if (p->family != AF_INET && p->family != AF_INET6) {
		NL_SET_ERR_MSG_ATTR(extack, nla, "a prefix is an IPv4 or IPv6 address");
		return -EINVAL;
	}
	bits = rvti_family_bits(p->family);
	if (p->cidr > bits) {
		if (p->family == AF_INET)
			NL_SET_ERR_MSG_ATTR(extack, nla,
					    "an IPv4 prefix length is 0 to 32");
		else
			NL_SET_ERR_MSG_ATTR(extack, nla,
					    "an IPv6 prefix length is 0 to 128");
		return -EINVAL;
	}
	/* Host bits: the address with its first cidr bits cleared. */
	memcpy(key, p->bytes, bits / 8);
	if (p->cidr)
		memset(key, 0, p->cidr / 8);
	if (p->cidr % 8)
		key[p->cidr / 8] &= 0xff >> (p->cidr % 8);
	if (memcmp(key, zero, bits / 8)) {
		NL_SET_ERR_MSG_ATTR(extack, nla,
				    "the prefix has host bits set (bits beyond its length must be 0)");
		return -EINVAL;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(rvti_prefix_check);

/* The prefix node for @p, or NULL. */
static struct rvti_prefix_node *rvti_find_exact(struct rvti_prefix_table *t,
						const struct rvti_prefix *p)
{
	unsigned int bits = rvti_family_bits(p->family);
	struct rvti_prefix_node *node;

	node = rvti_deref_locked(t, *rvti_root(t, bits));
	while (node && node->cidr <= p->cidr &&
	       rvti_match(node->key, p->bytes, node->cidr)) {
		if (node->cidr == p->cidr)
			return node->is_prefix ? node : NULL;
		node = rvti_deref_locked(t,
					 node->bit[rvti_bit(p->bytes, node->cidr)]);
	}
	return NULL;
}

static void rvti_link_prefix(struct rvti_prefix_table *t,
			     struct rvti_prefix_node *node, u32 flags)
{
	node->flags = flags;
	WRITE_ONCE(node->is_prefix, true);
	list_add_tail_rcu(&node->list, &t->list);
	t->count++;
}

int rvti_prefix_add(struct rvti_prefix_table *t, const struct rvti_prefix *p)
{
	unsigned int bits = rvti_family_bits(p->family), common;
	struct rvti_prefix_node __rcu **slot = rvti_root(t, bits);
	struct rvti_prefix_node *node, *parent = NULL, *down, *newnode, *fork;

	lockdep_assert_held(t->lock);

	/* The deepest node that is p or contains it. */
	node = rvti_deref_locked(t, *slot);
	while (node && node->cidr <= p->cidr &&
	       rvti_match(node->key, p->bytes, node->cidr)) {
		parent = node;
		if (node->cidr == p->cidr)
			break;
		slot = &node->bit[rvti_bit(p->bytes, node->cidr)];
		node = rvti_deref_locked(t, *slot);
	}
	if (parent && parent->cidr == p->cidr) {
		/* A branching point becomes a prefix. */
		if (parent->is_prefix)
			return -EEXIST;
		if (t->count >= RVTI_PREFIX_MAX)
			return -ENOSPC;
		rvti_link_prefix(t, parent, p->flags);
		return 0;
	}
	if (t->count >= RVTI_PREFIX_MAX)
		return -ENOSPC;

	newnode = rvti_node_new(p->bytes, p->cidr, bits);
	if (!newnode)
		return -ENOMEM;
	down = rvti_deref_locked(t, *slot);
	if (!down) {
		newnode->parent = parent;
		goto publish;
	}
	common = min_t(unsigned int, p->cidr,
		       rvti_common_bits(down->key, p->bytes, bits));
	if (common == p->cidr) {
		/* p contains down: p goes between parent and down. */
		RCU_INIT_POINTER(newnode->bit[rvti_bit(down->key, p->cidr)], down);
		newnode->parent = parent;
		down->parent = newnode;
		goto publish;
	}
	/* p and down part after common bits: a branching point for both. */
	fork = rvti_node_new(p->bytes, common, bits);
	if (!fork) {
		kfree(newnode);
		return -ENOMEM;
	}
	RCU_INIT_POINTER(fork->bit[rvti_bit(down->key, common)], down);
	RCU_INIT_POINTER(fork->bit[rvti_bit(p->bytes, common)], newnode);
	fork->parent = parent;
	down->parent = fork;
	newnode->parent = fork;
	newnode->flags = p->flags;
	newnode->is_prefix = true;
	list_add_tail_rcu(&newnode->list, &t->list);
	t->count++;
	rcu_assign_pointer(*slot, fork);
	return 0;

publish:
	/* Complete before readers can reach it. */
	rvti_link_prefix(t, newnode, p->flags);
	rcu_assign_pointer(*slot, newnode);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(rvti_prefix_add);

/* Replaces @node in the trie by @child (maybe NULL) and frees it later. */
static void rvti_unlink_node(struct rvti_prefix_table *t,
			     struct rvti_prefix_node *node,
			     struct rvti_prefix_node *child)
{
	if (child)
		child->parent = node->parent;
	rcu_assign_pointer(*rvti_slot(t, node), child);
	kfree_rcu(node, rcu);
}

static void rvti_remove_node(struct rvti_prefix_table *t,
			     struct rvti_prefix_node *node)
{
	struct rvti_prefix_node *child0, *child1, *parent;

	list_del_rcu(&node->list);
	t->count--;
	WRITE_ONCE(node->is_prefix, false);

	child0 = rvti_deref_locked(t, node->bit[0]);
	child1 = rvti_deref_locked(t, node->bit[1]);
	/* With two children it stays, as a branching point. */
	if (child0 && child1)
		return;
	parent = node->parent;
	rvti_unlink_node(t, node, child0 ?: child1);
	if (child0 || child1 || !parent || parent->is_prefix)
		return;
	/* A branching point with one child left is not needed any more. */
	child0 = rvti_deref_locked(t, parent->bit[0]);
	rvti_unlink_node(t, parent,
			 child0 ?: rvti_deref_locked(t, parent->bit[1]));
}

int rvti_prefix_del(struct rvti_prefix_table *t, const struct rvti_prefix *p)
{
	struct rvti_prefix_node *node;

	lockdep_assert_held(t->lock);
	node = rvti_find_exact(t, p);
	if (!node)
		return -ENOENT;
	rvti_remove_node(t, node);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(rvti_prefix_del);

void rvti_prefix_table_flush(struct rvti_prefix_table *t)
{
	struct rvti_prefix_node *node, *tmp;

	lockdep_assert_held(t->lock);
	list_for_each_entry_safe(node, tmp, &t->list, list)
		rvti_remove_node(t, node);
}
EXPORT_SYMBOL_IF_KUNIT(rvti_prefix_table_flush);

bool rvti_prefix_contains(struct rvti_prefix_table *t, sa_family_t family,
			  const void *addr)
{
	unsigned int bits = rvti_family_bits(family);
	struct rvti_prefix_node *node;

	node = rvti_deref(t, *rvti_root(t, bits));
	while (node && rvti_match(node->key, addr, node->cidr)) {
		if (READ_ONCE(node->is_prefix))
			return true;
		if (node->cidr >= bits)
			break;
		node = rvti_deref(t, node->bit[rvti_bit(addr, node->cidr)]);
	}
	return false;
}
EXPORT_SYMBOL_IF_KUNIT(rvti_prefix_contains);

void rvti_prefix_from_node(const struct rvti_prefix_node *node,
			   struct rvti_prefix *p)
{
	memset(p, 0, sizeof(*p));
	p->family = node->bits == 32 ? AF_INET : AF_INET6;
	p->cidr = node->cidr;
	p->flags = node->flags;
	memcpy(p->bytes, node->key, node->bits / 8);
}
EXPORT_SYMBOL_IF_KUNIT(rvti_prefix_from_node);

bool rvti_prefix_overlap(struct rvti_prefix_table *t,
			 const struct rvti_prefix *p, struct rvti_prefix *found)
{
	unsigned int bits = rvti_family_bits(p->family);
	struct rvti_prefix_node *node;

	node = rvti_deref(t, *rvti_root(t, bits));
	while (node) {
		if (node->cidr >= p->cidr) {
			if (!rvti_match(node->key, p->bytes, p->cidr))
				return false;
			/*
			 * Everything below is inside p, and every subtree
			 * holds a prefix: a branching point has two children.
			 */
			while (node && !READ_ONCE(node->is_prefix))
				node = rvti_deref(t, node->bit[0]) ?:
				       rvti_deref(t, node->bit[1]);
			if (!node)
				return false;
			break;
		}
		if (!rvti_match(node->key, p->bytes, node->cidr))
			return false;
		/* A prefix above p contains it. */
		if (READ_ONCE(node->is_prefix))
			break;
		node = rvti_deref(t, node->bit[rvti_bit(p->bytes, node->cidr)]);
	}
	if (!node)
		return false;
	rvti_prefix_from_node(node, found);
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(rvti_prefix_overlap);
