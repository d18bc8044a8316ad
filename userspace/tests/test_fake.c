// SPDX-License-Identifier: GPL-2.0
/*
 * End-to-end tests of "show", "tunnel set" and "sa add|del|list" against a
 * fake kernel plugged
 * in as the netlink transport: the requests the tool sends are checked
 * attribute by attribute, and the replies (dumps, acks, errors with extack,
 * malformed messages) are made by hand as the ABI in uapi/linux/rvti.h
 * describes them.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/rvti.h>

#include "monitor.h"
#include "nl.h"
#include "prefix.h"
#include "sa.h"
#include "test.h"
#include "tunnel.h"
#include "util.h"

#define FAKE_FAMILY 0x42
#define FAKE_CHUNKS 16
#define FAKE_CHUNK_SIZE 4096

/* An SA in a GET_TUNNEL reply. */
struct fake_sa {
	uint8_t dir;
	uint32_t spi;
	const char *aead, *enc, *auth;	/* NULL: absent */
	uint32_t icv;
	uint32_t flags;
	uint32_t replay_window;		/* 0: absent */
	/* RVTI_SA_STAT_PACKETS .. RVTI_SA_STAT_SEQ */
	uint64_t stats[RVTI_SA_STAT_SEQ];
	/*
	 * A kernel with lifetimes: soft-bytes 1M, hard-bytes 2M and
	 * hard-time 3600, RVTI_SA_A_ACTIVE (!inactive), this state, added
	 * 2026-11-30T14:00:00Z, first used a second later, last used not
	 * (0) or at last_use.
	 */
	bool lifetime;
	bool inactive;
	uint8_t state;
	uint64_t last_use;
	bool parallel;		/* RVTI_SA_A_PARALLEL, with lifetimes */
};

struct fake_tunnel {
	const char *name;
	uint32_t ifindex;
	const char *local;	/* NULL: absent */
	const char *remote;
	int bad_local_len;	/* if not 0: send this many bytes instead */
	bool extra_attrs;	/* add attributes the tool does not know */
};

/* A tunnel's RVTI_A_TTL and RVTI_A_DF (sent by newer kernels only). */
struct fake_ttl_df {
	uint8_t ttl;
	uint8_t df;
};

/* A tunnel's RVTI_A_STATS and RVTI_A_SAS. */
struct fake_state {
	uint64_t tstats[RVTI_TSTAT_WRONG_SOURCE];
	const struct fake_sa *sas;
	unsigned int nsas;
	bool bad_sa;		/* an SA with a 2-byte SPI at the end */
};

/*
 * What a kernel with prefixes says of a tunnel: RVTI_A_SITE, RVTI_A_TRANSIT,
 * RVTI_A_PREFIX_COUNT, the selector and transit counters; its prefixes
 * ("ADDR/LEN" or "ADDR/LEN route", NULL-terminated) in GET_PREFIX dumps,
 * and its SAs in GET_SA dumps instead of GET_TUNNEL when asked so.
 */
struct fake_policy {
	const char *site;	/* NULL: none */
	bool transit;
	const char *const *prefixes;
};

struct fake {
	/* The scenario. */
	const struct fake_policy *policy;	/* NULL, or one per tunnel */
	/* NEW_PREFIX / SET_SITE: name this tunnel's first prefix, EEXIST. */
	const struct fake_tunnel *conflict;
	const struct fake_tunnel *tunnels;
	unsigned int ntunnels;
	const struct fake_state *states;	/* NULL, or one per tunnel */
	const struct fake_ttl_df *ttl_df;	/* NULL, or one per tunnel */
	bool one_per_read;	/* each dump message in its own read */
	int error;		/* errno for SET, or for a failed dump */
	const char *msg;	/* extack message with it (or a warning) */
	bool wrong_seq;
	bool echo;		/* errors echo the whole request back */
	uint64_t last_rx;	/* not 0: RVTI_A_LAST_RX of every tunnel */
	uint32_t alloc_spi;	/* what ALLOC_SPI answers */
	bool bad_reply;		/* GET_SA / ALLOC_SPI: a reply without SA / SPI */
	bool no_reply;		/* GET_SA / ALLOC_SPI: an ack only */

	/* Events: delivered, one chunk a read, once the tool joined. */
	bool no_events_group;	/* a kernel without the group */
	int join_error;		/* the join fails with this errno */
	uint32_t joined;	/* the group joined, 0: none */
	char ev_chunk[FAKE_CHUNKS][512] __attribute__((aligned(8)));
	size_t ev_len[FAKE_CHUNKS];
	unsigned int nev, ev_next;

	/* What the tool sent: the last request, and how many. */
	char req[FAKE_CHUNK_SIZE] __attribute__((aligned(8)));
	unsigned int nreq;
	const struct nlattr *tb[RVTI_A_MAX + 1];
	const struct nlattr *sa_tb[RVTI_SA_A_MAX + 1];	/* of RVTI_A_SA */

	/* Replies: one chunk per read. */
	char chunk[FAKE_CHUNKS][FAKE_CHUNK_SIZE] __attribute__((aligned(8)));
	size_t len[FAKE_CHUNKS];
	unsigned int nchunks, next;
};

static struct nlmsghdr *fake_put(struct fake *f, bool new_chunk,
				 uint16_t type, uint16_t flags)
{
	const struct nlmsghdr *req = (const struct nlmsghdr *)f->req;
	struct nlmsghdr *nlh;

	if (new_chunk || !f->nchunks) {
		if (f->nchunks == FAKE_CHUNKS)
			abort();
		f->nchunks++;
	}
	nlh = mnl_nlmsg_put_header(f->chunk[f->nchunks - 1] +
				   f->len[f->nchunks - 1]);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = req->nlmsg_seq + (f->wrong_seq ? 1000 : 0);
	nlh->nlmsg_pid = 0;
	return nlh;
}

static void fake_end(struct fake *f, struct nlmsghdr *nlh)
{
	f->len[f->nchunks - 1] += MNL_ALIGN(nlh->nlmsg_len);
}

/* A u64 the way nla_put_u64_64bit() may put it: after a pad attribute. */
static void put_u64_pad(struct nlmsghdr *nlh, uint16_t type, uint64_t v,
			uint16_t pad)
{
	static const uint8_t none;

	mnl_attr_put(nlh, pad, 0, &none);
	mnl_attr_put_u64(nlh, type, v);
}

static void fake_put_sa(struct nlmsghdr *nlh, const struct fake_sa *sa,
			bool extra)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, RVTI_A_SA), *st;
	uint16_t i;

	if (extra)
		mnl_attr_put_strz(nlh, RVTI_SA_A_MAX + 1, "from the future");
	mnl_attr_put_u8(nlh, RVTI_SA_A_DIR, sa->dir);
	mnl_attr_put_u32(nlh, RVTI_SA_A_SPI, sa->spi);
	if (sa->aead)
		mnl_attr_put_strz(nlh, RVTI_SA_A_AEAD_ALG, sa->aead);
	if (sa->enc)
		mnl_attr_put_strz(nlh, RVTI_SA_A_ENC_ALG, sa->enc);
	if (sa->auth)
		mnl_attr_put_strz(nlh, RVTI_SA_A_AUTH_ALG, sa->auth);
	mnl_attr_put_u32(nlh, RVTI_SA_A_ICV_BITS, sa->icv);
	mnl_attr_put_u32(nlh, RVTI_SA_A_FLAGS, sa->flags);
	if (sa->replay_window)
		mnl_attr_put_u32(nlh, RVTI_SA_A_REPLAY_WINDOW,
				 sa->replay_window);
	st = mnl_attr_nest_start(nlh, RVTI_SA_A_STATS);
	for (i = RVTI_SA_STAT_PACKETS; i <= RVTI_SA_STAT_SEQ; i++)
		put_u64_pad(nlh, i, sa->stats[i - 1], RVTI_SA_STAT_PAD);
	if (extra)
		mnl_attr_put_u64(nlh, RVTI_SA_STAT_MAX + 1, 12345);
	mnl_attr_nest_end(nlh, st);
	if (extra)
		mnl_attr_put_u32(nlh, 0x3fff, 7);
	if (sa->lifetime) {
		st = mnl_attr_nest_start(nlh, RVTI_SA_A_LIFETIME);
		put_u64_pad(nlh, RVTI_LIFETIME_A_SOFT_BYTES, 1 << 20,
			    RVTI_LIFETIME_A_PAD);
		put_u64_pad(nlh, RVTI_LIFETIME_A_HARD_BYTES, 2 << 20,
			    RVTI_LIFETIME_A_PAD);
		put_u64_pad(nlh, RVTI_LIFETIME_A_SOFT_PACKETS, 0,
			    RVTI_LIFETIME_A_PAD);
		put_u64_pad(nlh, RVTI_LIFETIME_A_HARD_ADD_SECONDS, 3600,
			    RVTI_LIFETIME_A_PAD);
		mnl_attr_nest_end(nlh, st);
		mnl_attr_put_u8(nlh, RVTI_SA_A_ACTIVE,
				sa->dir == RVTI_SA_DIR_OUT && !sa->inactive);
		mnl_attr_put_u8(nlh, RVTI_SA_A_STATE, sa->state);
		mnl_attr_put_u8(nlh, RVTI_SA_A_PARALLEL, sa->parallel);
		put_u64_pad(nlh, RVTI_SA_A_ADD_TIME, 1796047200, RVTI_SA_A_PAD);
		put_u64_pad(nlh, RVTI_SA_A_FIRST_USE, 1796047201,
			    RVTI_SA_A_PAD);
		put_u64_pad(nlh, RVTI_SA_A_LAST_USE, sa->last_use,
			    RVTI_SA_A_PAD);
	}
	mnl_attr_nest_end(nlh, nest);
}

/* RVTI_A_STATS and RVTI_A_SAS, as the kernel puts them. */
static void fake_put_state(struct nlmsghdr *nlh, const struct fake_tunnel *t,
			   const struct fake_state *st, bool policy,
			   bool no_sas)
{
	struct nlattr *nest;
	unsigned int i;
	uint16_t k;

	nest = mnl_attr_nest_start(nlh, RVTI_A_STATS);
	for (k = RVTI_TSTAT_NO_TX_SA; k <= RVTI_TSTAT_WRONG_SOURCE; k++)
		put_u64_pad(nlh, k, st->tstats[k - 1], RVTI_TSTAT_PAD);
	for (k = RVTI_TSTAT_SELECTOR_OUT; policy && k <= RVTI_TSTAT_TRANSIT; k++)
		put_u64_pad(nlh, k, 100 + k, RVTI_TSTAT_PAD);
	if (t->extra_attrs)
		mnl_attr_put_u64(nlh, RVTI_TSTAT_MAX + 1, 99);
	mnl_attr_nest_end(nlh, nest);
	if (policy && no_sas)
		return;

	nest = mnl_attr_nest_start(nlh, RVTI_A_SAS);
	for (i = 0; i < st->nsas; i++) {
		fake_put_sa(nlh, &st->sas[i], t->extra_attrs);
		if (t->extra_attrs)	/* not an SA: skipped */
			mnl_attr_put_u32(nlh, RVTI_A_SA + 100, i);
	}
	if (st->bad_sa) {
		struct nlattr *sa = mnl_attr_nest_start(nlh, RVTI_A_SA);

		mnl_attr_put_u8(nlh, RVTI_SA_A_DIR, RVTI_SA_DIR_IN);
		mnl_attr_put_u16(nlh, RVTI_SA_A_SPI, 1);
		mnl_attr_nest_end(nlh, sa);
	}
	mnl_attr_nest_end(nlh, nest);
}

static void fake_tunnel_msg(struct fake *f, const struct fake_tunnel *t,
			    bool new_chunk, uint16_t flags)
{
	static const uint8_t junk[7] = { 1, 2, 3, 4, 5, 6, 7 };
	struct nlmsghdr *nlh = fake_put(f, new_chunk, FAKE_FAMILY, flags);
	struct genlmsghdr *genl;
	struct rvti_addr a;

	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = RVTI_CMD_GET_TUNNEL;
	genl->version = RVTI_GENL_VERSION;
	if (t->extra_attrs)
		mnl_attr_put(nlh, RVTI_A_MAX + 1, sizeof(junk), junk);
	mnl_attr_put_u32(nlh, RVTI_A_IFINDEX, t->ifindex);
	mnl_attr_put_strz(nlh, RVTI_A_IFNAME, t->name);
	if (t->local && !parse_addr(t->local, &a))
		mnl_attr_put(nlh, RVTI_A_LOCAL,
			     t->bad_local_len ? (size_t)t->bad_local_len :
						a.len, a.bytes);
	if (t->remote && !parse_addr(t->remote, &a))
		mnl_attr_put(nlh, RVTI_A_REMOTE, a.len, a.bytes);
	if (f->ttl_df) {
		mnl_attr_put_u8(nlh, RVTI_A_TTL, f->ttl_df[t - f->tunnels].ttl);
		mnl_attr_put_u8(nlh, RVTI_A_DF, f->ttl_df[t - f->tunnels].df);
	}
	if (t->extra_attrs)
		mnl_attr_put_u64(nlh, 300, 1);
	if (f->policy) {
		const struct fake_policy *p = &f->policy[t - f->tunnels];
		uint32_t n = 0;

		while (p->prefixes && p->prefixes[n])
			n++;
		if (p->site)
			mnl_attr_put_strz(nlh, RVTI_A_SITE, p->site);
		mnl_attr_put_u8(nlh, RVTI_A_TRANSIT, p->transit);
		mnl_attr_put_u32(nlh, RVTI_A_PREFIX_COUNT, n);
	}
	if (f->states)
		fake_put_state(nlh, t, &f->states[t - f->tunnels], f->policy,
			       f->tb[RVTI_A_NO_SAS]);
	if (f->last_rx)
		put_u64_pad(nlh, RVTI_A_LAST_RX, f->last_rx, RVTI_A_PAD);
	fake_end(f, nlh);
}

/* A message naming tunnel @t and its prefix @s ("ADDR/LEN[ route]"). */
static void fake_prefix_msg(struct fake *f, const struct fake_tunnel *t,
			    const char *s, bool new_chunk, uint16_t flags,
			    uint8_t cmd)
{
	struct nlmsghdr *nlh = fake_put(f, new_chunk, FAKE_FAMILY, flags);
	struct rvti_prefix_info p;
	struct genlmsghdr *genl;
	struct nlattr *nest;
	char buf[64], *sp;
	const char *why;

	snprintf(buf, sizeof(buf), "%s", s);
	sp = strchr(buf, ' ');
	if (sp)
		*sp = '\0';
	if (parse_prefix(buf, &p, &why))
		abort();
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = RVTI_GENL_VERSION;
	mnl_attr_put_u32(nlh, RVTI_A_IFINDEX, t->ifindex);
	mnl_attr_put_strz(nlh, RVTI_A_IFNAME, t->name);
	nest = mnl_attr_nest_start(nlh, RVTI_A_PREFIX);
	mnl_attr_put(nlh, RVTI_PREFIX_A_ADDR, p.family == AF_INET ? 4 : 16,
		     p.bytes);
	mnl_attr_put_u8(nlh, RVTI_PREFIX_A_LEN, p.len);
	mnl_attr_put_u32(nlh, RVTI_PREFIX_A_FLAGS,
			 sp ? RVTI_PREFIX_F_ROUTE : 0);
	mnl_attr_nest_end(nlh, nest);
	fake_end(f, nlh);
}

/* One GET_SA dump message. */
static void fake_sa_msg(struct fake *f, const struct fake_tunnel *t,
			const struct fake_sa *sa, bool new_chunk)
{
	struct nlmsghdr *nlh = fake_put(f, new_chunk, FAKE_FAMILY, NLM_F_MULTI);
	struct genlmsghdr *genl;

	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = RVTI_CMD_GET_SA;
	genl->version = RVTI_GENL_VERSION;
	mnl_attr_put_u32(nlh, RVTI_A_IFINDEX, t->ifindex);
	mnl_attr_put_strz(nlh, RVTI_A_IFNAME, t->name);
	fake_put_sa(nlh, sa, false);
	fake_end(f, nlh);
}

/* NLMSG_ERROR (capped, as with NETLINK_CAP_ACK), with extack. */
static void fake_ack(struct fake *f, bool new_chunk, int error,
		     const char *msg)
{
	const struct nlmsghdr *req = (const struct nlmsghdr *)f->req;
	bool echo = f->echo && error;
	struct nlmsghdr *nlh = fake_put(f, new_chunk, NLMSG_ERROR,
					echo ? 0 : NLM_F_CAPPED);
	struct nlmsgerr *err = mnl_nlmsg_put_extra_header(nlh, sizeof(*err));

	err->error = -error;
	err->msg = *req;
	if (echo)	/* the request's payload follows, keys and all */
		memcpy(mnl_nlmsg_put_extra_header(nlh, req->nlmsg_len -
						  sizeof(*req)),
		       req + 1, req->nlmsg_len - sizeof(*req));
	if (msg) {
		mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, msg);
		nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
	}
	fake_end(f, nlh);
}

static void fake_done(struct fake *f, int error, const char *msg)
{
	struct nlmsghdr *nlh = fake_put(f, true, NLMSG_DONE, NLM_F_MULTI);
	int *e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));

	*e = -error;
	if (msg) {
		mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, msg);
		nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
	}
	fake_end(f, nlh);
}

/* The GET_SA do: the SA of f->sa_tb of the named tunnel, or ENOENT. */
static void fake_get_sa(struct fake *f)
{
	const char *name = f->tb[RVTI_A_IFNAME] ?
			   mnl_attr_get_str(f->tb[RVTI_A_IFNAME]) : "";
	const struct fake_state *st;
	const struct fake_sa *sa;
	struct genlmsghdr *genl;
	struct nlmsghdr *nlh;
	unsigned int i, j;

	if (f->error) {
		fake_ack(f, true, f->error, f->msg);
		return;
	}
	for (i = 0; i < f->ntunnels && f->states; i++) {
		if (strcmp(f->tunnels[i].name, name))
			continue;
		st = &f->states[i];
		for (j = 0; j < st->nsas; j++) {
			sa = &st->sas[j];
			if (!f->sa_tb[RVTI_SA_A_DIR] || !f->sa_tb[RVTI_SA_A_SPI] ||
			    mnl_attr_get_u8(f->sa_tb[RVTI_SA_A_DIR]) != sa->dir ||
			    mnl_attr_get_u32(f->sa_tb[RVTI_SA_A_SPI]) != sa->spi)
				continue;
			if (f->no_reply) {
				fake_ack(f, true, 0, NULL);
				return;
			}
			nlh = fake_put(f, true, FAKE_FAMILY, 0);
			genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
			genl->cmd = RVTI_CMD_GET_SA;
			genl->version = RVTI_GENL_VERSION;
			mnl_attr_put_u32(nlh, RVTI_A_IFINDEX,
					 f->tunnels[i].ifindex);
			mnl_attr_put_strz(nlh, RVTI_A_IFNAME, name);
			if (!f->bad_reply)
				fake_put_sa(nlh, sa, false);
			fake_end(f, nlh);
			fake_ack(f, false, 0, NULL);
			return;
		}
	}
	fake_ack(f, true, ENOENT, "no such SA");
}

static void fake_alloc_spi(struct fake *f)
{
	struct genlmsghdr *genl;
	struct nlmsghdr *nlh;

	if (f->error) {
		fake_ack(f, true, f->error, f->msg);
		return;
	}
	if (f->no_reply) {
		fake_ack(f, true, 0, NULL);
		return;
	}
	nlh = fake_put(f, true, FAKE_FAMILY, 0);
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = RVTI_CMD_ALLOC_SPI;
	genl->version = RVTI_GENL_VERSION;
	mnl_attr_put_u32(nlh, RVTI_A_IFINDEX, 5);
	mnl_attr_put_strz(nlh, RVTI_A_IFNAME,
			  mnl_attr_get_str(f->tb[RVTI_A_IFNAME]));
	if (f->bad_reply)
		mnl_attr_put_u16(nlh, RVTI_A_SPI, 1);
	else
		mnl_attr_put_u32(nlh, RVTI_A_SPI, f->alloc_spi);
	fake_end(f, nlh);
	fake_ack(f, false, 0, NULL);
}

/* The fake kernel: answer the request in f->req. */
static void fake_kernel(struct fake *f)
{
	const struct nlmsghdr *req = (const struct nlmsghdr *)f->req;
	const struct genlmsghdr *genl = mnl_nlmsg_get_payload(req);
	const char *name;
	unsigned int i;

	memset(f->sa_tb, 0, sizeof(f->sa_tb));
	if (req->nlmsg_type != FAKE_FAMILY ||
	    nl_parse_attrs(req, f->tb, RVTI_A_MAX)) {
		fake_ack(f, true, EOPNOTSUPP, NULL);
		return;
	}
	if (genl->cmd == RVTI_CMD_NEW_SA || genl->cmd == RVTI_CMD_DEL_SA ||
	    (genl->cmd == RVTI_CMD_GET_SA && !(req->nlmsg_flags & NLM_F_DUMP))) {
		if (!f->tb[RVTI_A_SA] ||
		    nl_parse_nested(f->tb[RVTI_A_SA], f->sa_tb, RVTI_SA_A_MAX)) {
			fake_ack(f, true, EINVAL, "no valid RVTI_A_SA");
			return;
		}
	}
	if (genl->cmd == RVTI_CMD_GET_SA && !(req->nlmsg_flags & NLM_F_DUMP)) {
		fake_get_sa(f);
		return;
	}
	if (genl->cmd == RVTI_CMD_ALLOC_SPI) {
		fake_alloc_spi(f);
		return;
	}
	if (genl->cmd == RVTI_CMD_SET_TUNNEL || genl->cmd == RVTI_CMD_NEW_SA ||
	    genl->cmd == RVTI_CMD_DEL_SA || genl->cmd == RVTI_CMD_FLUSH_SAS) {
		fake_ack(f, true, f->error, f->msg);
		return;
	}
	if (genl->cmd == RVTI_CMD_NEW_PREFIX || genl->cmd == RVTI_CMD_SET_SITE ||
	    genl->cmd == RVTI_CMD_DEL_PREFIX ||
	    genl->cmd == RVTI_CMD_FLUSH_PREFIXES) {
		if (f->conflict) {
			fake_prefix_msg(f, f->conflict,
					f->policy[f->conflict - f->tunnels].prefixes[0],
					true, 0, RVTI_CMD_NEW_PREFIX);
			fake_ack(f, false, EEXIST, f->msg);
			return;
		}
		fake_ack(f, true, f->error, f->msg);
		return;
	}
	if (genl->cmd == RVTI_CMD_GET_SA || genl->cmd == RVTI_CMD_GET_PREFIX) {
		unsigned int n = 0, j;

		name = f->tb[RVTI_A_IFNAME] ?
		       mnl_attr_get_str(f->tb[RVTI_A_IFNAME]) : NULL;
		for (i = 0; i < f->ntunnels; i++) {
			const struct fake_tunnel *t = &f->tunnels[i];
			const struct fake_state *st = f->states ? &f->states[i] : NULL;
			const char *const *pfx = f->policy[i].prefixes;

			if (name && strcmp(name, t->name))
				continue;
			/* Ten messages a read, as a kernel's dump splits them. */
			if (genl->cmd == RVTI_CMD_GET_SA)
				for (j = 0; st && j < st->nsas; j++, n++)
					fake_sa_msg(f, t, &st->sas[j], n % 10 == 0);
			else
				for (j = 0; pfx && pfx[j]; j++, n++)
					fake_prefix_msg(f, t, pfx[j], n % 10 == 0,
							NLM_F_MULTI,
							RVTI_CMD_GET_PREFIX);
		}
		fake_done(f, 0, NULL);
		return;
	}
	if (genl->cmd != RVTI_CMD_GET_TUNNEL) {
		fake_ack(f, true, EOPNOTSUPP, NULL);
		return;
	}
	if (req->nlmsg_flags & NLM_F_DUMP) {
		for (i = 0; i < f->ntunnels; i++)
			fake_tunnel_msg(f, &f->tunnels[i],
					i == 0 || f->one_per_read,
					NLM_F_MULTI);
		fake_done(f, f->error, f->msg);
		return;
	}
	name = f->tb[RVTI_A_IFNAME] ? mnl_attr_get_str(f->tb[RVTI_A_IFNAME]) :
				      "";
	for (i = 0; i < f->ntunnels; i++) {
		if (!strcmp(f->tunnels[i].name, name)) {
			fake_tunnel_msg(f, &f->tunnels[i], true, 0);
			fake_ack(f, false, 0, NULL);
			return;
		}
	}
	fake_ack(f, true, ENODEV, "no such rvti device");
}

static ssize_t fake_send(void *priv, const void *buf, size_t len)
{
	struct fake *f = priv;

	if (len > sizeof(f->req)) {
		errno = EMSGSIZE;
		return -1;
	}
	memcpy(f->req, buf, len);
	f->nreq++;
	f->nchunks = f->next = 0;
	memset(f->len, 0, sizeof(f->len));
	fake_kernel(f);
	return (ssize_t)len;
}

static ssize_t fake_recv(void *priv, void *buf, size_t len)
{
	struct fake *f = priv;
	size_t n;

	if (f->next >= f->nchunks && f->joined) {
		if (f->ev_next >= f->nev) {
			/* No more events: as if SIGTERM came. */
			monitor_stop = 1;
			errno = EINTR;
			return -1;
		}
		n = f->ev_len[f->ev_next];
		if (n > len)
			abort();
		memcpy(buf, f->ev_chunk[f->ev_next++], n);
		return (ssize_t)n;
	}
	if (f->next >= f->nchunks) {
		/* The tool read past the end of the reply: it would hang. */
		errno = ETIMEDOUT;
		return -1;
	}
	n = f->len[f->next];
	if (n > len)
		abort();
	memcpy(buf, f->chunk[f->next++], n);
	return (ssize_t)n;
}

static int fake_join(void *priv, uint32_t group)
{
	struct fake *f = priv;

	if (f->join_error)
		return -f->join_error;
	f->joined = group;
	return 0;
}

static const struct nl_transport fake_transport = {
	.send = fake_send,
	.recv = fake_recv,
	.join = fake_join,
};

static const struct rvti_command top_cmds[] = {
	{ .name = "tunnel", .sub = tunnel_cmds },
	{ .name = "sa", .sub = sa_cmds },
	{ .name = "prefix", .sub = prefix_cmds },
	{ .name = "show", .fn = tunnel_do_show, .help = TUNNEL_SHOW_HELP },
	{ .name = "monitor", .fn = monitor_do, .help = MONITOR_HELP },
	{ 0 }
};

#define FAKE_EVENTS_GROUP 23

/* A netlink context that talks to @f. */
static struct nl_ctx *fake_nl(struct fake *f)
{
	struct nl_ctx *nl = calloc(1, sizeof(*nl));

	if (!nl)
		abort();
	nl->tr = &fake_transport;
	nl->tr_priv = f;
	nl->family_id = FAKE_FAMILY;
	nl->version = RVTI_GENL_VERSION;
	nl->seq = 1000;
	/* What the family's CTRL_CMD_GETFAMILY reply would have said. */
	strcpy(nl->groups[0].name, "other");
	nl->groups[0].id = FAKE_EVENTS_GROUP + 1;
	nl->ngroups = 1;
	if (!f->no_events_group) {
		strcpy(nl->groups[1].name, RVTI_MCGRP_EVENTS);
		nl->groups[1].id = FAKE_EVENTS_GROUP;
		nl->ngroups = 2;
	}
	return nl;
}

/* Run @line against @f. */
static void fake_run(struct fake *f, const char *line, struct run_result *r)
{
	run_cmdline(top_cmds, line, fake_nl(f), r);
}

/*
 * Run @line against @f and check its exit status and, unless NULL, what it
 * printed on stdout and on stderr.
 */
static void fake_expect(struct fake *f, const char *line, int ret,
			const char *out, const char *err)
{
	int failures = test_failures;
	struct run_result r;

	fake_run(f, line, &r);
	CHECK_INT(r.ret, ret);
	if (out)
		CHECK_STR(r.out, out);
	if (err)
		CHECK_STR(r.err, err);
	run_free(&r);
	if (test_failures != failures)
		fprintf(stderr, "# ... running \"%s\"\n", line);
}

static struct fake *fake_new(const struct fake_tunnel *t, unsigned int n)
{
	struct fake *f = calloc(1, sizeof(*f));

	if (!f)
		abort();
	f->tunnels = t;
	f->ntunnels = n;
	return f;
}

static const struct fake_tunnel two[] = {
	{ "rvti0", 5, "192.0.2.1", "198.51.100.1", 0, false },
	{ "rvti1", 6, NULL, NULL, 0, false },
};

/*
 * Check the request @f holds: the only one since f->nreq was 0, for @cmd,
 * a dump or not, and with the device name @dev (NULL: none) but no ifindex.
 */
static void check_request(struct fake *f, uint8_t cmd, bool dump,
			  const char *dev)
{
	const struct nlmsghdr *req = (const struct nlmsghdr *)f->req;
	const struct genlmsghdr *genl = mnl_nlmsg_get_payload(req);

	CHECK_INT(f->nreq, 1);
	CHECK_INT(req->nlmsg_type, FAKE_FAMILY);
	CHECK(req->nlmsg_flags & NLM_F_REQUEST);
	CHECK(req->nlmsg_flags & NLM_F_ACK);
	CHECK_INT(!!(req->nlmsg_flags & NLM_F_DUMP), dump);
	CHECK_INT(genl->cmd, cmd);
	CHECK_INT(genl->version, RVTI_GENL_VERSION);
	CHECK(!f->tb[RVTI_A_IFINDEX]);
	if (dev) {
		CHECK(f->tb[RVTI_A_IFNAME] != NULL);
		if (f->tb[RVTI_A_IFNAME])
			CHECK_STR(mnl_attr_get_str(f->tb[RVTI_A_IFNAME]), dev);
	} else {
		CHECK(f->tb[RVTI_A_IFNAME] == NULL);
	}
}

static void check_get_request(struct fake *f, bool dump, const char *dev)
{
	check_request(f, RVTI_CMD_GET_TUNNEL, dump, dev);
	CHECK(!f->tb[RVTI_A_LOCAL] && !f->tb[RVTI_A_REMOTE]);
}

static void fake_show_dump(void)
{
	struct fake *f = fake_new(two, 2);

	fake_expect(f, "show", 0,
		    "rvti0: local 192.0.2.1 remote 198.51.100.1\n"
		    "rvti1: local any remote none\n", "");
	check_get_request(f, true, NULL);

	/* the same through "tunnel show", one message per read */
	f->one_per_read = true;
	f->nreq = 0;
	fake_expect(f, "tunnel show", 0,
		    "rvti0: local 192.0.2.1 remote 198.51.100.1\n"
		    "rvti1: local any remote none\n", NULL);
	CHECK_INT(f->next, 3);

	/* no tunnels */
	f->ntunnels = 0;
	fake_expect(f, "show", 0, "", NULL);
	fake_expect(f, "-j show", 0, "[]\n", NULL);
	free(f);
}

static void fake_show_json(void)
{
	static const struct fake_tunnel t[] = {
		{ "rvti0", 5, "192.0.2.1", "198.51.100.1", 0, false },
		{ "rvti6", 9, "2001:db8::1", NULL, 0, true },
	};
	struct fake *f = fake_new(t, 2);
	struct run_result r;

	fake_run(f, "-j show", &r);
	CHECK_INT(r.ret, 0);
	CHECK_STR(r.out,
		  "[{\"ifname\":\"rvti0\",\"ifindex\":5,\"local\":\"192.0.2.1\","
		  "\"remote\":\"198.51.100.1\"},"
		  "{\"ifname\":\"rvti6\",\"ifindex\":9,\"local\":\"2001:db8::1\","
		  "\"remote\":null}]\n");
	CHECK_STR(r.err, "");
	run_free(&r);

	fake_expect(f, "-j -p show dev rvti6", 0,
		    "[\n"
		    "  {\n"
		    "    \"ifname\": \"rvti6\",\n"
		    "    \"ifindex\": 9,\n"
		    "    \"local\": \"2001:db8::1\",\n"
		    "    \"remote\": null\n"
		    "  }\n"
		    "]\n", NULL);

	/* -p alone changes nothing */
	fake_expect(f, "-p show dev rvti6", 0,
		    "rvti6: local 2001:db8::1 remote none\n", NULL);
	free(f);
}

static void fake_show_dev(void)
{
	struct fake *f = fake_new(two, 2);

	fake_expect(f, "show dev rvti1", 0, "rvti1: local any remote none\n",
		    "");
	check_get_request(f, false, "rvti1");
	free(f);
}

static void fake_show_dev_missing(void)
{
	struct fake *f = fake_new(two, 2);

	fake_expect(f, "tunnel show dev rvti9", RVTI_EXIT_ERROR, "",
		    "rvti: Error: no such rvti device (No such device)\n");

	/* no half-made JSON either */
	fake_expect(f, "-j show dev rvti9", RVTI_EXIT_ERROR, "", NULL);
	free(f);
}

static void fake_show_dump_error(void)
{
	struct fake *f = fake_new(two, 2);

	f->error = ENOBUFS;
	f->msg = "dump went wrong";
	fake_expect(f, "-j show", RVTI_EXIT_ERROR, "",
		    "rvti: Error: dump went wrong (No buffer space available)\n");

	f->msg = NULL;
	fake_expect(f, "show", RVTI_EXIT_ERROR, NULL,
		    "rvti: Error: No buffer space available\n");
	free(f);
}

static void fake_show_malformed(void)
{
	static const struct fake_tunnel t[] = {
		{ "rvti0", 5, "192.0.2.1", NULL, 0, false },
		{ "rvti1", 6, "192.0.2.2", NULL, 5, false },
		{ "rvti2", 7, "192.0.2.3", NULL, 0, false },
	};
	struct fake *f = fake_new(t, 3);
	struct run_result r;

	fake_run(f, "-j show", &r);
	CHECK_INT(r.ret, RVTI_EXIT_ERROR);
	CHECK_STR(r.out, "");
	CHECK_STR(r.err, "rvti: malformed reply from the kernel: "
		  "RVTI_A_LOCAL is neither 4 nor 16 bytes\n");
	/* the whole reply was read */
	CHECK_INT(f->next, f->nchunks);
	run_free(&r);
	free(f);
}

static void fake_wrong_seq(void)
{
	struct fake *f = fake_new(two, 2);
	struct run_result r;

	f->wrong_seq = true;
	fake_run(f, "show", &r);
	CHECK_INT(r.ret, RVTI_EXIT_ERROR);
	CHECK_CONTAINS(r.err, "rvti: Error: ");
	run_free(&r);
	free(f);
}

static void fake_set(void)
{
	static const uint8_t l4[4] = { 192, 0, 2, 1 };
	static const uint8_t r6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };
	struct fake *f = fake_new(two, 2);

	fake_expect(f, "tunnel set dev rvti0 local 192.0.2.1 remote any", 0, "",
		    "");
	check_request(f, RVTI_CMD_SET_TUNNEL, false, "rvti0");
	CHECK(f->tb[RVTI_A_LOCAL] &&
	      mnl_attr_get_payload_len(f->tb[RVTI_A_LOCAL]) == 4 &&
	      !memcmp(mnl_attr_get_payload(f->tb[RVTI_A_LOCAL]), l4, 4));
	CHECK(f->tb[RVTI_A_REMOTE] &&
	      mnl_attr_get_payload_len(f->tb[RVTI_A_REMOTE]) == 0);

	fake_expect(f, "tunnel set remote 2001:db8::2 dev rvti1", 0, NULL,
		    NULL);
	CHECK(f->tb[RVTI_A_IFNAME] &&
	      !strcmp(mnl_attr_get_str(f->tb[RVTI_A_IFNAME]), "rvti1"));
	CHECK(!f->tb[RVTI_A_LOCAL]);
	CHECK(f->tb[RVTI_A_REMOTE] &&
	      mnl_attr_get_payload_len(f->tb[RVTI_A_REMOTE]) == 16 &&
	      !memcmp(mnl_attr_get_payload(f->tb[RVTI_A_REMOTE]), r6, 16));
	free(f);
}

static void fake_set_errors(void)
{
	struct fake *f = fake_new(two, 2);

	f->error = EAFNOSUPPORT;
	f->msg = "local and remote are of different families";
	fake_expect(f, "tunnel set dev rvti0 remote 2001:db8::2",
		    RVTI_EXIT_ERROR, "",
		    "rvti: Error: local and remote are of different "
		    "families (Address family not supported by protocol)\n");

	f->error = EPERM;
	f->msg = NULL;
	fake_expect(f, "tunnel set dev rvti0 local any", RVTI_EXIT_ERROR, NULL,
		    "rvti: Error: Operation not permitted\n");

	/* a warning on success is shown, the command succeeds */
	f->error = 0;
	f->msg = "remote is unreachable for now";
	fake_expect(f, "tunnel set dev rvti0 local any", 0, NULL,
		    "rvti: Warning: remote is unreachable for now\n");

	/* usage errors never reach the kernel */
	f->nreq = 0;
	fake_expect(f, "tunnel set dev rvti0", RVTI_EXIT_USAGE, NULL, NULL);
	CHECK_INT(f->nreq, 0);
	free(f);
}

static void fake_set_ttl_df(void)
{
	struct fake *f = fake_new(two, 2);

	fake_expect(f, "tunnel set dev rvti0 ttl 64 df set", 0, "", "");
	CHECK_INT(f->nreq, 1);
	CHECK(f->tb[RVTI_A_IFNAME] &&
	      !strcmp(mnl_attr_get_str(f->tb[RVTI_A_IFNAME]), "rvti0"));
	CHECK(!f->tb[RVTI_A_LOCAL] && !f->tb[RVTI_A_REMOTE]);
	CHECK(f->tb[RVTI_A_TTL] &&
	      mnl_attr_get_payload_len(f->tb[RVTI_A_TTL]) == 1 &&
	      mnl_attr_get_u8(f->tb[RVTI_A_TTL]) == 64);
	CHECK(f->tb[RVTI_A_DF] &&
	      mnl_attr_get_payload_len(f->tb[RVTI_A_DF]) == 1 &&
	      mnl_attr_get_u8(f->tb[RVTI_A_DF]) == RVTI_DF_SET);

	/* back to the defaults: explicit zeros */
	fake_expect(f, "tunnel set dev rvti1 ttl inherit df copy", 0, NULL,
		    NULL);
	CHECK(f->tb[RVTI_A_TTL] && mnl_attr_get_u8(f->tb[RVTI_A_TTL]) == 0);
	CHECK(f->tb[RVTI_A_DF] &&
	      mnl_attr_get_u8(f->tb[RVTI_A_DF]) == RVTI_DF_COPY);

	/* only what is given is sent */
	fake_expect(f, "tunnel set dev rvti1 df clear", 0, NULL, NULL);
	CHECK(!f->tb[RVTI_A_TTL] && !f->tb[RVTI_A_LOCAL] &&
	      !f->tb[RVTI_A_REMOTE]);
	CHECK(f->tb[RVTI_A_DF] &&
	      mnl_attr_get_u8(f->tb[RVTI_A_DF]) == RVTI_DF_CLEAR);

	fake_expect(f, "tunnel set dev rvti1 local any ttl 1", 0, NULL, NULL);
	CHECK(f->tb[RVTI_A_LOCAL] && !f->tb[RVTI_A_REMOTE] && !f->tb[RVTI_A_DF]);
	CHECK(f->tb[RVTI_A_TTL] && mnl_attr_get_u8(f->tb[RVTI_A_TTL]) == 1);

	/* a kernel error */
	f->error = EINVAL;
	f->msg = "invalid DF mode";
	fake_expect(f, "tunnel set dev rvti0 df set", RVTI_EXIT_ERROR, NULL,
		    "rvti: Error: invalid DF mode (Invalid argument)\n");

	/* usage errors never reach the kernel */
	f->nreq = 0;
	fake_expect(f, "tunnel set dev rvti0 ttl 0", RVTI_EXIT_USAGE, NULL,
		    "rvti: invalid ttl (expected 1 to 255, or "
		    "\"inherit\")\n"
		    "Usage: rvti tunnel set " TUNNEL_SET_HELP "\n");
	fake_expect(f, "tunnel set dev rvti0 ttl 256", RVTI_EXIT_USAGE, NULL,
		    NULL);
	fake_expect(f, "tunnel set dev rvti0 ttl x", RVTI_EXIT_USAGE, NULL,
		    NULL);
	fake_expect(f, "tunnel set dev rvti0 df yes", RVTI_EXIT_USAGE, NULL,
		    "rvti: invalid df (expected \"copy\", "
		    "\"set\" or \"clear\")\n"
		    "Usage: rvti tunnel set " TUNNEL_SET_HELP "\n");
	fake_expect(f, "tunnel set dev rvti0 df set df set", RVTI_EXIT_USAGE,
		    NULL, NULL);
	CHECK_INT(f->nreq, 0);
	free(f);
}

/* A kernel that sends RVTI_A_TTL and RVTI_A_DF. */
static void fake_show_ttl_df(void)
{
	static const struct fake_tunnel t[] = {
		{ "rvti0", 5, "192.0.2.1", "192.0.2.2", 0, false },
		{ "rvti1", 6, NULL, "2001:db8::2", 0, false },
		{ "rvti2", 7, NULL, NULL, 0, true },
		{ "rvti3", 8, NULL, NULL, 0, false },
	};
	static const struct fake_ttl_df td[] = {
		{ 0, RVTI_DF_COPY },
		{ 64, RVTI_DF_SET },
		{ 0, RVTI_DF_CLEAR },
		{ 255, 42 },		/* a DF value of a newer kernel */
	};
	struct fake *f = fake_new(t, 4);
	struct run_result r;

	f->ttl_df = td;

	fake_expect(f, "show", 0,
		    "rvti0: local 192.0.2.1 remote 192.0.2.2\n"
		    "rvti1: local any remote 2001:db8::2 ttl 64 df set\n"
		    "rvti2: local any remote none df clear\n"
		    "rvti3: local any remote none ttl 255 df 42\n", "");

	/* the default line stays exactly as it was */
	fake_expect(f, "tunnel show dev rvti0", 0,
		    "rvti0: local 192.0.2.1 remote 192.0.2.2\n", NULL);

	fake_run(f, "-j show", &r);
	CHECK_INT(r.ret, 0);
	CHECK_STR(r.out,
		  "[{\"ifname\":\"rvti0\",\"ifindex\":5,\"local\":\"192.0.2.1\","
		  "\"remote\":\"192.0.2.2\",\"ttl\":0,\"df\":\"copy\"},"
		  "{\"ifname\":\"rvti1\",\"ifindex\":6,\"local\":null,"
		  "\"remote\":\"2001:db8::2\",\"ttl\":64,\"df\":\"set\"},"
		  "{\"ifname\":\"rvti2\",\"ifindex\":7,\"local\":null,"
		  "\"remote\":null,\"ttl\":0,\"df\":\"clear\"},"
		  "{\"ifname\":\"rvti3\",\"ifindex\":8,\"local\":null,"
		  "\"remote\":null,\"ttl\":255,\"df\":42}]\n");
	CHECK_STR(r.err, "");
	run_free(&r);

	/* "sa list" prints no tunnel line */
	fake_expect(f, "sa list", 0, "", NULL);
	free(f);
}

/* --- SAs --- */

static const struct fake_sa sas0[] = {
	{ RVTI_SA_DIR_IN, 0x1000, "rfc4106(gcm(aes))", NULL, NULL, 128,
	  RVTI_SA_F_ESN, 1024, { 10, 840, 0, 0, 0, 0, 0, 10 },
	  false, false, 0, 0, false },
	{ RVTI_SA_DIR_OUT, 0x2000, NULL, "cbc(aes)", "hmac(sha256)", 128, 0, 0,
	  { 12, 1008, 1, 2, 3, 4, 5, 12 }, false, false, 0, 0, false },
};

static const struct fake_tunnel with_sas[] = {
	{ "rvti0", 5, "192.0.2.1", "192.0.2.2", 0, false },
	{ "rvti1", 6, NULL, NULL, 0, false },
};

static const struct fake_state with_sas_state[] = {
	{ { 3, 0, 18446744073709551615ull }, sas0, 2, false },
	{ { 0, 0, 0 }, NULL, 0, false },
};

static struct fake *fake_new_sas(void)
{
	struct fake *f = fake_new(with_sas, 2);

	f->states = with_sas_state;
	return f;
}

#define SA_IN_LINE \
	"sa in spi 0x00001000 aead rfc4106(gcm(aes)) icv 128 esn " \
	"replay-window 1024\n"
#define SA_OUT_LINE \
	"sa out spi 0x00002000 enc cbc(aes) auth hmac(sha256) icv 128\n"
#define SA_IN_STATS \
	"packets 10 bytes 840 replayed 0 outside-window 0 icv-fail 0 " \
	"malformed 0 seq-exhausted 0 seq 10 overload 0 encap-mismatch 0\n"
#define SA_OUT_STATS \
	"packets 12 bytes 1008 replayed 1 outside-window 2 icv-fail 3 " \
	"malformed 4 seq-exhausted 5 seq 12 overload 0 encap-mismatch 0\n"

#define SHOW_TEXT \
	"rvti0: local 192.0.2.1 remote 192.0.2.2\n" \
	"    " SA_IN_LINE \
	"    " SA_OUT_LINE \
	"rvti1: local any remote none\n"

#define SHOW_TEXT_STATS \
	"rvti0: local 192.0.2.1 remote 192.0.2.2\n" \
	"    " SA_IN_LINE \
	"        " SA_IN_STATS \
	"    " SA_OUT_LINE \
	"        " SA_OUT_STATS \
	"    drops: no-tx-sa 3 no-endpoint 0 wrong-source 18446744073709551615\n" \
	"rvti1: local any remote none\n" \
	"    drops: no-tx-sa 0 no-endpoint 0 wrong-source 0\n"

#define SHOW_JSON \
	"[{\"ifname\":\"rvti0\",\"ifindex\":5,\"local\":\"192.0.2.1\"," \
	"\"remote\":\"192.0.2.2\"," \
	"\"stats\":{\"no_tx_sa\":3,\"no_endpoint\":0," \
	"\"wrong_source\":18446744073709551615}," \
	"\"sas\":[{\"dir\":\"in\",\"spi\":4096,\"aead\":\"rfc4106(gcm(aes))\"," \
	"\"icv\":128,\"esn\":true,\"replay_window\":1024," \
	"\"stats\":{\"packets\":10,\"bytes\":840,\"replayed\":0," \
	"\"outside_window\":0,\"icv_fail\":0,\"malformed\":0," \
	"\"seq_exhausted\":0,\"seq\":10,\"overload\":0,\"encap_mismatch\":0}}," \
	"{\"dir\":\"out\",\"spi\":8192,\"enc\":\"cbc(aes)\"," \
	"\"auth\":\"hmac(sha256)\",\"icv\":128,\"esn\":false," \
	"\"stats\":{\"packets\":12,\"bytes\":1008,\"replayed\":1," \
	"\"outside_window\":2,\"icv_fail\":3,\"malformed\":4," \
	"\"seq_exhausted\":5,\"seq\":12,\"overload\":0,\"encap_mismatch\":0}}]}," \
	"{\"ifname\":\"rvti1\",\"ifindex\":6,\"local\":null,\"remote\":null," \
	"\"stats\":{\"no_tx_sa\":0,\"no_endpoint\":0,\"wrong_source\":0}," \
	"\"sas\":[]}]\n"

static void fake_show_sas(void)
{
	struct fake *f = fake_new_sas();

	fake_expect(f, "show", 0, SHOW_TEXT, "");
	check_get_request(f, true, NULL);

	fake_expect(f, "-s show", 0, SHOW_TEXT_STATS, NULL);

	f->nreq = 0;
	fake_expect(f, "-s tunnel show dev rvti1", 0,
		    "rvti1: local any remote none\n"
		    "    drops: no-tx-sa 0 no-endpoint 0 wrong-source 0\n",
		    NULL);
	check_get_request(f, false, "rvti1");
	free(f);
}

static void fake_show_sas_json(void)
{
	struct fake *f = fake_new_sas();
	struct run_result r;
	json_object *arr, *sa, *v;

	/* counters are in the JSON with or without -s */
	fake_expect(f, "-j show", 0, SHOW_JSON, "");

	fake_expect(f, "-j -s show", 0, SHOW_JSON, NULL);

	/* pretty output parses back to the same numbers */
	fake_run(f, "-j -p show dev rvti0", &r);
	CHECK_INT(r.ret, 0);
	arr = r.out ? json_tokener_parse(r.out) : NULL;
	CHECK(arr && json_object_array_length(arr) == 1);
	sa = NULL;
	if (arr && json_object_object_get_ex(json_object_array_get_idx(arr, 0),
					     "sas", &v))
		sa = json_object_array_get_idx(v, 1);
	CHECK(sa && json_object_object_get_ex(sa, "spi", &v) &&
	      json_object_get_int64(v) == 0x2000);
	CHECK(sa && json_object_object_get_ex(sa, "stats", &v) &&
	      json_object_object_get_ex(v, "seq_exhausted", &v) &&
	      json_object_get_int64(v) == 5);
	CHECK(sa && !json_object_object_get_ex(sa, "replay_window", NULL));
	CHECK(sa && json_object_object_get_ex(sa, "esn", &v) &&
	      json_object_is_type(v, json_type_boolean) &&
	      !json_object_get_boolean(v));
	json_object_put(arr);
	run_free(&r);
	free(f);
}

static void fake_sa_list(void)
{
	struct fake *f = fake_new_sas();

	fake_expect(f, "sa list", 0, "rvti0: " SA_IN_LINE "rvti0: " SA_OUT_LINE,
		    "");
	check_get_request(f, true, NULL);

	fake_expect(f, "-s sa list", 0,
		    "rvti0: " SA_IN_LINE "    " SA_IN_STATS
		    "rvti0: " SA_OUT_LINE "    " SA_OUT_STATS, NULL);

	/* JSON: the same array as show */
	fake_expect(f, "-j sa list", 0, SHOW_JSON, NULL);

	f->nreq = 0;
	fake_expect(f, "sa l dev rvti1", 0, "", NULL);
	check_get_request(f, false, "rvti1");

	fake_expect(f, "sa list dev rvti9", RVTI_EXIT_ERROR, NULL,
		    "rvti: Error: no such rvti device (No such device)\n");

	f->nreq = 0;
	fake_expect(f, "sa list rvti0", RVTI_EXIT_USAGE, NULL,
		    "rvti: unknown keyword (argument 1, not shown: it could "
		    "be a key): a device goes after the keyword \"dev\" "
		    "(dev NAME)\n"
		    "Usage: rvti sa list [dev NAME]\n");
	CHECK_INT(f->nreq, 0);
	free(f);
}

/* TTL and DF on the tunnel's own line, before its SAs and counters. */
static void fake_show_sas_ttl_df(void)
{
	static const struct fake_ttl_df td[] = {
		{ 64, RVTI_DF_SET },
		{ 0, RVTI_DF_COPY },
	};
	struct fake *f = fake_new_sas();
	struct run_result r;

	f->ttl_df = td;
	fake_run(f, "-s show", &r);
	CHECK_INT(r.ret, 0);
	CHECK_STR(r.out,
		  "rvti0: local 192.0.2.1 remote 192.0.2.2 ttl 64 df set\n"
		  "    " SA_IN_LINE
		  "        " SA_IN_STATS
		  "    " SA_OUT_LINE
		  "        " SA_OUT_STATS
		  "    drops: no-tx-sa 3 no-endpoint 0 wrong-source 18446744073709551615\n"
		  "rvti1: local any remote none\n"
		  "    drops: no-tx-sa 0 no-endpoint 0 wrong-source 0\n");
	CHECK_STR(r.err, "");
	run_free(&r);

	fake_expect(f, "sa list", 0, "rvti0: " SA_IN_LINE "rvti0: " SA_OUT_LINE,
		    NULL);

	fake_run(f, "-j show", &r);
	CHECK_INT(r.ret, 0);
	CHECK_CONTAINS(r.out, "\"remote\":\"192.0.2.2\",\"ttl\":64,"
		       "\"df\":\"set\",\"stats\":{");
	CHECK_CONTAINS(r.out, "\"remote\":null,\"ttl\":0,\"df\":\"copy\","
		       "\"stats\":{");
	run_free(&r);
	free(f);
}

/* Attributes of a newer kernel, nested ones included, and pads: ignored. */
static void fake_show_sas_unknown_attrs(void)
{
	static const struct fake_tunnel t[] = {
		{ "rvti0", 5, "192.0.2.1", "192.0.2.2", 0, true },
		{ "rvti1", 6, NULL, NULL, 0, true },
	};
	struct fake *f = fake_new(t, 2);

	f->states = with_sas_state;

	fake_expect(f, "-s show", 0, SHOW_TEXT_STATS, "");

	fake_expect(f, "-j show", 0, SHOW_JSON, NULL);
	free(f);
}

static void fake_show_sas_malformed(void)
{
	static const struct fake_tunnel t[] = {
		{ "rvti0", 5, NULL, NULL, 0, false },
		{ "rvti1", 6, NULL, NULL, 0, false },
	};
	static const struct fake_state st[] = {
		{ { 0, 0, 0 }, sas0, 2, false },
		{ { 0, 0, 0 }, sas0, 1, true },
	};
	struct fake *f = fake_new(t, 2);
	struct run_result r;

	f->states = st;

	f->one_per_read = true;
	fake_run(f, "show", &r);
	CHECK_INT(r.ret, RVTI_EXIT_ERROR);
	/*
	 * Nothing is printed: the tool prints once every reply is in (the
	 * SAs and prefixes of newer kernels come in further dumps).
	 */
	CHECK_STR(r.out, "");
	CHECK_STR(r.err, "rvti: malformed reply from the kernel: "
		  "RVTI_SA_A_SPI is not a u32\n");
	CHECK_INT(f->next, f->nchunks);
	run_free(&r);

	fake_expect(f, "-j sa list", RVTI_EXIT_ERROR, "", NULL);
	free(f);
}

/* Check the request f holds: @cmd with an RVTI_A_SA nest for rvti0. */
static void check_sa_request(struct fake *f, uint8_t cmd, uint8_t dir,
			     uint32_t spi)
{
	check_request(f, cmd, false, "rvti0");
	CHECK(!f->tb[RVTI_A_LOCAL] && !f->tb[RVTI_A_REMOTE] &&
	      !f->tb[RVTI_A_SAS] && !f->tb[RVTI_A_STATS]);
	CHECK(f->tb[RVTI_A_SA] && (f->tb[RVTI_A_SA]->nla_type & NLA_F_NESTED));
	CHECK(f->sa_tb[RVTI_SA_A_DIR] &&
	      mnl_attr_get_u8(f->sa_tb[RVTI_SA_A_DIR]) == dir);
	CHECK(f->sa_tb[RVTI_SA_A_SPI] &&
	      mnl_attr_get_u32(f->sa_tb[RVTI_SA_A_SPI]) == spi);
}

static bool attr_is(const struct nlattr *a, const void *data, size_t len)
{
	return a && mnl_attr_get_payload_len(a) == len &&
	       !memcmp(mnl_attr_get_payload(a), data, len);
}

static void fake_sa_add(void)
{
	static const uint8_t k20[20] = {
		0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09,
		0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0xca, 0xfe, 0xba, 0xbe,
	};
	static const uint8_t ek[2] = { 0xe1, 0xe2 }, ak[3] = { 0xa1, 0xa2, 0xa3 };
	struct fake *f = fake_new(two, 2);
	const struct nlattr **sa = f->sa_tb;

	fake_expect(f,
		    "sa add dev rvti0 dir in spi 0x1000 aead rfc4106(gcm(aes)) "
		    "key 0x000102030405060708090a0b0c0d0e0fcafebabe icv 128 esn "
		    "replay-window 1024", 0, "", "");
	check_sa_request(f, RVTI_CMD_NEW_SA, RVTI_SA_DIR_IN, 0x1000);
	CHECK(attr_is(sa[RVTI_SA_A_AEAD_ALG], "rfc4106(gcm(aes))", 18));
	CHECK(attr_is(sa[RVTI_SA_A_ENC_KEY], k20, 20));
	CHECK(!sa[RVTI_SA_A_ENC_ALG] && !sa[RVTI_SA_A_AUTH_ALG] &&
	      !sa[RVTI_SA_A_AUTH_KEY]);
	CHECK(sa[RVTI_SA_A_ICV_BITS] &&
	      mnl_attr_get_u32(sa[RVTI_SA_A_ICV_BITS]) == 128);
	CHECK(sa[RVTI_SA_A_FLAGS] &&
	      mnl_attr_get_u32(sa[RVTI_SA_A_FLAGS]) == RVTI_SA_F_ESN);
	CHECK(sa[RVTI_SA_A_REPLAY_WINDOW] &&
	      mnl_attr_get_u32(sa[RVTI_SA_A_REPLAY_WINDOW]) == 1024);

	f->nreq = 0;
	fake_expect(f,
		    "sa add dev rvti0 dir out spi 4294967295 enc cbc(aes) "
		    "key 0xe1e2 auth hmac(sha256) key 0xa1a2a3", 0, NULL, "");
	check_sa_request(f, RVTI_CMD_NEW_SA, RVTI_SA_DIR_OUT, 0xffffffff);
	CHECK(!sa[RVTI_SA_A_AEAD_ALG]);
	CHECK(attr_is(sa[RVTI_SA_A_ENC_ALG], "cbc(aes)", 9));
	CHECK(attr_is(sa[RVTI_SA_A_ENC_KEY], ek, 2));
	CHECK(attr_is(sa[RVTI_SA_A_AUTH_ALG], "hmac(sha256)", 13));
	CHECK(attr_is(sa[RVTI_SA_A_AUTH_KEY], ak, 3));
	CHECK(!sa[RVTI_SA_A_ICV_BITS] && !sa[RVTI_SA_A_FLAGS] &&
	      !sa[RVTI_SA_A_REPLAY_WINDOW]);
	free(f);
}

/*
 * SPIs 0 to 255 are reserved (RFC 4303): refused before the kernel is
 * asked; 256 and 2^32 - 1 are sent as they are.
 */
static void fake_sa_spi_bounds(void)
{
	static const char *const reserved[] = {
		"sa add dev rvti0 dir in spi 255 aead aes-gcm key 0x00",
		"sa add dev rvti0 dir out spi 0 aead aes-gcm key 0x00",
		"sa add dev rvti0 dir out spi 0xff aead aes-gcm key 0x00",
		"sa del dev rvti0 dir in spi 255",
		"sa del dev rvti0 dir in spi 1",
	};
	struct fake *f = fake_new(two, 2);
	size_t i;

	for (i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++) {
		f->nreq = 0;
		fake_expect(f, reserved[i], RVTI_EXIT_USAGE, "", NULL);
		CHECK_INT(f->nreq, 0);
	}
	fake_expect(f, reserved[0], RVTI_EXIT_USAGE, "",
		    "rvti: SPIs 0 to 255 are reserved (RFC 4303): use 256 to "
		    "4294967295\n"
		    "Usage: rvti sa add dev NAME dir in|out spi SPI ALGORITHM "
		    "[icv BITS] [esn] [replay-window N] [seq N] "
		    "[encap espinudp SPORT DPORT] [LIMIT N]...\n");

	f->nreq = 0;
	fake_expect(f, "sa add dev rvti0 dir in spi 256 aead aes-gcm key 0x00",
		    0, "", "");
	check_sa_request(f, RVTI_CMD_NEW_SA, RVTI_SA_DIR_IN, 256);
	f->nreq = 0;
	fake_expect(f, "sa add dev rvti0 dir out spi 0xffffffff aead aes-gcm "
		    "key 0x00", 0, "", "");
	check_sa_request(f, RVTI_CMD_NEW_SA, RVTI_SA_DIR_OUT, 0xffffffff);
	f->nreq = 0;
	fake_expect(f, "sa del dev rvti0 dir in spi 0x100", 0, "", "");
	check_sa_request(f, RVTI_CMD_DEL_SA, RVTI_SA_DIR_IN, 256);
	free(f);
}

static void fake_sa_add_errors(void)
{
	struct fake *f = fake_new(two, 2);

	f->error = EEXIST;
	f->msg = "an inbound SA with this SPI exists";
	fake_expect(f, "sa add dev rvti0 dir in spi 256 aead aes-gcm key 0x00",
		    RVTI_EXIT_ERROR, "",
		    "rvti: Error: an inbound SA with this SPI exists "
		    "(File exists)\n");

	/* a warning on success is shown, the command succeeds */
	f->error = 0;
	f->msg = "replacing the outbound SA";
	fake_expect(f, "sa add dev rvti0 dir out spi 256 aead aes-gcm key 0x00",
		    0, NULL, "rvti: Warning: replacing the outbound SA\n");

	/* usage errors never reach the kernel */
	f->nreq = 0;
	fake_expect(f, "sa add dev rvti0 dir in spi 256 aead aes-gcm",
		    RVTI_EXIT_USAGE, NULL,
		    "rvti: missing \"key KEY\" after \"aead ALG\"\n"
		    "Usage: rvti sa add dev NAME dir in|out spi SPI ALGORITHM "
		    "[icv BITS] [esn] [replay-window N] [seq N] "
		    "[encap espinudp SPORT DPORT] [LIMIT N]...\n");
	CHECK_INT(f->nreq, 0);

	/* nor does a key file that cannot be read; that is exit status 1 */
	fake_expect(f,
		    "sa add dev rvti0 dir in spi 256 aead aes-gcm "
		    "key @/nonexistent/rvti.key", RVTI_EXIT_ERROR, NULL,
		    "rvti: cannot read the aead key from "
		    "\"/nonexistent/rvti.key\": No such file or directory\n");
	CHECK_INT(f->nreq, 0);
	free(f);
}

/*
 * Run @line against @f like fake_run(), but hand back the netlink context
 * instead of closing it, to look at its buffers. Returns the exit status.
 */
static int fake_run_keep(struct fake *f, const char *line,
			 struct nl_ctx **nlp)
{
	struct run_result r;

	*nlp = run_cmdline_keep(top_cmds, line, fake_nl(f), &r);
	run_free(&r);
	return r.ret;
}

static bool holds(const void *buf, size_t len, const uint8_t *key,
		  size_t klen)
{
	return memmem(buf, len, key, klen) != NULL;
}

/* Keys do not stay in the tool's buffers once the kernel has answered. */
static void fake_sa_add_wipes_keys(void)
{
	static const uint8_t ek[8] = { 0x5e, 0xc2, 0xe7, 0x5e, 0xc2, 0xe7, 0xe1, 0x01 };
	static const uint8_t ak[8] = { 0x5e, 0xc2, 0xe7, 0x5e, 0xc2, 0xe7, 0xa1, 0x02 };
	struct fake *f = fake_new(two, 2);
	struct nl_ctx *nl;

	/* an error that echoes the request, keys included */
	f->error = EINVAL;
	f->msg = "the crypto API refused the key";
	f->echo = true;
	CHECK_INT(fake_run_keep(f, "sa add dev rvti0 dir in spi 256 enc aes-cbc "
				"key 0x5ec2e75ec2e7e101 auth sha1 "
				"key 0x5ec2e75ec2e7a102", &nl),
		  RVTI_EXIT_ERROR);
	/* the keys were sent, and came back */
	CHECK(attr_is(f->sa_tb[RVTI_SA_A_ENC_KEY], ek, 8));
	CHECK(attr_is(f->sa_tb[RVTI_SA_A_AUTH_KEY], ak, 8));
	CHECK(holds(f->chunk[0], f->len[0], ek, 8));
	CHECK(holds(f->chunk[0], f->len[0], ak, 8));
	CHECK(nl != NULL);
	if (nl) {
		CHECK(!holds(nl->sbuf, sizeof(nl->sbuf), ek, 8));
		CHECK(!holds(nl->sbuf, sizeof(nl->sbuf), ak, 8));
		CHECK(!holds(nl->rbuf, sizeof(nl->rbuf), ek, 8));
		CHECK(!holds(nl->rbuf, sizeof(nl->rbuf), ak, 8));
		nl_close(nl);
	}

	/* success */
	f->error = 0;
	f->msg = NULL;
	CHECK_INT(fake_run_keep(f, "sa add dev rvti0 dir in spi 256 aead aes-gcm "
				"key 0x5ec2e75ec2e7e101", &nl), 0);
	CHECK(attr_is(f->sa_tb[RVTI_SA_A_ENC_KEY], ek, 8));
	if (nl) {
		CHECK(!holds(nl->sbuf, sizeof(nl->sbuf), ek, 8));
		CHECK(!holds(nl->rbuf, sizeof(nl->rbuf), ek, 8));
		nl_close(nl);
	}
	free(f);
}

static void fake_sa_del(void)
{
	struct fake *f = fake_new(two, 2);
	struct run_result r;
	int i;

	fake_run(f, "sa del dev rvti0 dir out spi 0x2000", &r);
	CHECK_INT(r.ret, 0);
	CHECK_STR(r.out, "");
	CHECK_STR(r.err, "");
	check_sa_request(f, RVTI_CMD_DEL_SA, RVTI_SA_DIR_OUT, 0x2000);
	/* only the direction and the SPI: no algorithm, no key */
	for (i = RVTI_SA_A_SPI + 1; i <= RVTI_SA_A_MAX; i++)
		CHECK(!f->sa_tb[i]);
	run_free(&r);

	f->error = ENOENT;
	f->msg = "no such SA";
	fake_expect(f, "sa del dev rvti0 dir in spi 0x107", RVTI_EXIT_ERROR, NULL,
		    "rvti: Error: no such SA (No such file or directory)\n");

	f->nreq = 0;
	fake_expect(f, "sa del dev rvti0 spi 0x107", RVTI_EXIT_USAGE, NULL,
		    "rvti: missing \"dir in|out\"\n"
		    "Usage: rvti sa del dev NAME dir in|out spi SPI\n");
	CHECK_INT(f->nreq, 0);
	free(f);
}


/* ---- a kernel with prefixes ---- */

static const char *const vnet4_prefixes[] = {
	"10.41.0.0/16 route", "2001:db8:41::/48", NULL
};

static const struct fake_policy two_policy[] = {
	{ "vnet4", true, vnet4_prefixes },
	{ NULL, false, NULL },
};

static struct fake *fake_new_policy(void)
{
	struct fake *f = fake_new_sas();

	f->policy = two_policy;
	return f;
}

/*
 * GET_TUNNEL without SAs, then the SAs and the prefixes from their dumps,
 * printed together.
 */
static void fake_show_policy(void)
{
	struct fake *f = fake_new_policy();

	fake_expect(f, "show", 0,
		    "rvti0: local 192.0.2.1 remote 192.0.2.2 site vnet4 transit on\n"
		    "    prefixes 10.41.0.0/16 route 2001:db8:41::/48\n"
		    "    " SA_IN_LINE
		    "    " SA_OUT_LINE
		    "rvti1: local any remote none\n", "");
	CHECK_INT(f->nreq, 3);
	/* the last: the GET_PREFIX dump of every tunnel */
	CHECK_INT(((struct genlmsghdr *)mnl_nlmsg_get_payload(
			(struct nlmsghdr *)f->req))->cmd, RVTI_CMD_GET_PREFIX);
	CHECK(f->tb[RVTI_A_IFNAME] == NULL);
	f->nreq = 0;
	fake_expect(f, "-s show dev rvti1", 0,
		    "rvti1: local any remote none\n"
		    "    drops: no-tx-sa 0 no-endpoint 0 wrong-source 0 "
		    "selector-out 105 selector-in 106 transit 107\n", "");
	CHECK_INT(f->nreq, 3);
	/* the GET_SA and GET_PREFIX dumps asked for rvti1 only */
	CHECK(f->tb[RVTI_A_IFNAME] != NULL);
	free(f);
}

static void fake_show_policy_json(void)
{
	struct fake *f = fake_new_policy();
	struct run_result r;
	json_object *arr, *t, *v;

	fake_run(f, "-j show", &r);
	CHECK_INT(r.ret, 0);
	arr = r.out ? json_tokener_parse(r.out) : NULL;
	CHECK(arr && json_object_array_length(arr) == 2);
	if (arr && json_object_array_length(arr) == 2) {
		t = json_object_array_get_idx(arr, 0);
		CHECK(json_object_object_get_ex(t, "site", &v) &&
		      !strcmp(json_object_get_string(v), "vnet4"));
		CHECK(json_object_object_get_ex(t, "transit", &v) &&
		      json_object_get_boolean(v));
		CHECK(json_object_object_get_ex(t, "prefixes", &v) &&
		      json_object_array_length(v) == 2);
		if (v && json_object_array_length(v) == 2)
			CHECK_STR(json_object_to_json_string_ext(
					  json_object_array_get_idx(v, 0),
					  JSON_C_TO_STRING_PLAIN |
					  JSON_C_TO_STRING_NOSLASHESCAPE),
				  "{\"prefix\":\"10.41.0.0/16\",\"route\":true}");
		CHECK(json_object_object_get_ex(t, "sas", &v) &&
		      json_object_array_length(v) == 2);
		t = json_object_array_get_idx(arr, 1);
		CHECK(json_object_object_get_ex(t, "site", &v) && !v);
		CHECK(json_object_object_get_ex(t, "prefixes", &v) &&
		      json_object_array_length(v) == 0);
		CHECK(json_object_object_get_ex(t, "stats", &v) &&
		      json_object_object_get_ex(v, "selector_in", &v) &&
		      json_object_get_int64(v) == 106);
	}
	json_object_put(arr);
	run_free(&r);
	free(f);
}

/* SAs in many dump messages, across reads: every one is listed. */
static void fake_show_many_sas(void)
{
	static struct fake_sa many[45];
	static struct fake_state st[2];
	struct fake *f = fake_new_policy();
	struct run_result r;
	unsigned int i, n = 0;
	const char *p;

	for (i = 0; i < 45; i++) {
		many[i] = sas0[0];
		many[i].spi = 0x100 + i;
	}
	st[0].sas = many;
	st[0].nsas = 45;
	f->states = st;
	fake_run(f, "sa list dev rvti0", &r);
	CHECK_INT(r.ret, 0);
	for (p = r.out; p && (p = strstr(p, "rvti0: sa in spi 0x")); p++)
		n++;
	CHECK_INT(n, 45);
	CHECK(r.out && strstr(r.out, "spi 0x0000012c"));
	CHECK_INT(f->next, f->nchunks);
	run_free(&r);
	free(f);
}

static void fake_prefix_list(void)
{
	struct fake *f = fake_new_policy();

	fake_expect(f, "prefix list", 0,
		    "rvti0: 10.41.0.0/16 route\nrvti0: 2001:db8:41::/48\n", "");
	check_request(f, RVTI_CMD_GET_PREFIX, true, NULL);
	f->nreq = 0;
	fake_expect(f, "-j prefix list dev rvti0", 0,
		    "[{\"ifname\":\"rvti0\",\"prefix\":\"10.41.0.0/16\",\"route\":true},"
		    "{\"ifname\":\"rvti0\",\"prefix\":\"2001:db8:41::/48\",\"route\":false}]\n",
		    "");
	check_request(f, RVTI_CMD_GET_PREFIX, true, "rvti0");
	free(f);
}

/* The kernel names the overlapping tunnel and prefix before its error. */
static void fake_prefix_conflict(void)
{
	const struct nlattr *ptb[RVTI_PREFIX_A_MAX + 1];
	struct fake *f = fake_new_policy();

	f->conflict = &f->tunnels[0];
	f->msg = "the prefix overlaps a prefix of a tunnel to another site";
	fake_expect(f, "prefix add dev rvti1 10.41.1.0/24", RVTI_EXIT_ERROR, "",
		    "rvti: Error: the prefix overlaps a prefix of a tunnel to "
		    "another site (File exists)\n"
		    "rvti: it overlaps 10.41.0.0/16 of tunnel rvti0\n");
	check_request(f, RVTI_CMD_NEW_PREFIX, false, "rvti1");
	CHECK(f->tb[RVTI_A_PREFIX] &&
	      !nl_parse_nested(f->tb[RVTI_A_PREFIX], ptb, RVTI_PREFIX_A_MAX) &&
	      ptb[RVTI_PREFIX_A_LEN] && mnl_attr_get_u8(ptb[RVTI_PREFIX_A_LEN]) == 24 &&
	      !ptb[RVTI_PREFIX_A_FLAGS]);
	f->nreq = 0;
	fake_expect(f, "tunnel set dev rvti1 site other", RVTI_EXIT_ERROR, "",
		    NULL);
	check_request(f, RVTI_CMD_SET_SITE, false, "rvti1");
	CHECK(f->tb[RVTI_A_SITE] && !strcmp(mnl_attr_get_str(f->tb[RVTI_A_SITE]), "other"));
	/* without a conflict: one request, an ack */
	f->conflict = NULL;
	f->msg = NULL;
	f->nreq = 0;
	fake_expect(f, "prefix add dev rvti1 10.42.0.0/16", 0, "", "");
	check_request(f, RVTI_CMD_NEW_PREFIX, false, "rvti1");
	f->nreq = 0;
	fake_expect(f, "tunnel set dev rvti1 transit on", 0, "", "");
	check_request(f, RVTI_CMD_SET_SITE, false, "rvti1");
	CHECK(f->tb[RVTI_A_TRANSIT] && mnl_attr_get_u8(f->tb[RVTI_A_TRANSIT]) == 1);
	CHECK(!f->tb[RVTI_A_SITE] && !f->tb[RVTI_A_LOCAL]);
	free(f);
}

/* ---- a key manager's commands (issue 8) ---- */

/* The RVTI_SA_A_LIFETIME nest of the request @f holds, indexed. */
static bool request_limits(struct fake *f,
			   const struct nlattr **lt)
{
	return f->sa_tb[RVTI_SA_A_LIFETIME] &&
	       (f->sa_tb[RVTI_SA_A_LIFETIME]->nla_type & NLA_F_NESTED) &&
	       !nl_parse_nested(f->sa_tb[RVTI_SA_A_LIFETIME], lt,
				RVTI_LIFETIME_A_MAX);
}

static bool u64_is(const struct nlattr *a, uint64_t v)
{
	return a && mnl_attr_get_payload_len(a) == 8 &&
	       mnl_attr_get_u64(a) == v;
}

static void fake_sa_add_lifetime(void)
{
	const struct nlattr *lt[RVTI_LIFETIME_A_MAX + 1];
	struct fake *f = fake_new(two, 2);
	unsigned int i;

	fake_expect(f, "sa add dev rvti0 dir out spi 0x1004 aead aes-gcm "
		    "key 0x00112233 seq 0xfffffff0 soft-bytes 1M "
		    "hard-bytes 0x200000 soft-packets 1000 hard-packets 2000 "
		    "soft-time 3000 hard-time 3600 soft-use-time 60 "
		    "hard-use-time 120", 0, "", "");
	check_sa_request(f, RVTI_CMD_NEW_SA, RVTI_SA_DIR_OUT, 0x1004);
	CHECK(u64_is(f->sa_tb[RVTI_SA_A_SEQ], 0xfffffff0u));
	CHECK(request_limits(f, lt));
	CHECK(u64_is(lt[RVTI_LIFETIME_A_SOFT_BYTES], 1048576));
	CHECK(u64_is(lt[RVTI_LIFETIME_A_HARD_BYTES], 2097152));
	CHECK(u64_is(lt[RVTI_LIFETIME_A_SOFT_PACKETS], 1000));
	CHECK(u64_is(lt[RVTI_LIFETIME_A_HARD_PACKETS], 2000));
	CHECK(u64_is(lt[RVTI_LIFETIME_A_SOFT_ADD_SECONDS], 3000));
	CHECK(u64_is(lt[RVTI_LIFETIME_A_HARD_ADD_SECONDS], 3600));
	CHECK(u64_is(lt[RVTI_LIFETIME_A_SOFT_USE_SECONDS], 60));
	CHECK(u64_is(lt[RVTI_LIFETIME_A_HARD_USE_SECONDS], 120));
	/* the key still goes, and nothing a reply would carry */
	CHECK(f->sa_tb[RVTI_SA_A_ENC_KEY] && !f->sa_tb[RVTI_SA_A_STATE] &&
	      !f->sa_tb[RVTI_SA_A_ACTIVE] && !f->sa_tb[RVTI_SA_A_ADD_TIME]);

	/* an inbound SA with one limit */
	f->nreq = 0;
	fake_expect(f, "sa add dev rvti0 dir in spi 0x1005 aead aes-gcm "
		    "key 0x00112233 hard-time 7200", 0, "", "");
	check_sa_request(f, RVTI_CMD_NEW_SA, RVTI_SA_DIR_IN, 0x1005);
	CHECK(!f->sa_tb[RVTI_SA_A_SEQ]);
	CHECK(request_limits(f, lt));
	for (i = RVTI_LIFETIME_A_SOFT_BYTES; i <= RVTI_LIFETIME_A_MAX; i++)
		CHECK_INT(!!lt[i], i == RVTI_LIFETIME_A_HARD_ADD_SECONDS);
	CHECK(u64_is(lt[RVTI_LIFETIME_A_HARD_ADD_SECONDS], 7200));

	/* the kernel refuses, with its message */
	f->error = EINVAL;
	f->msg = "a soft limit exceeds its hard limit";
	fake_expect(f, "sa add dev rvti0 dir in spi 0x1005 aead aes-gcm "
		    "key 0x00112233 soft-packets 5", RVTI_EXIT_ERROR, "",
		    "rvti: Error: a soft limit exceeds its hard limit "
		    "(Invalid argument)\n");

	/* refused by the tool itself: never sent */
	f->nreq = 0;
	fake_expect(f, "sa add dev rvti0 dir in spi 0x1005 aead aes-gcm "
		    "key 0x00112233 seq 10", RVTI_EXIT_USAGE, "",
		    "rvti: \"seq\" goes with \"dir out\" only: it is the last "
		    "sequence number sent\n"
		    "Usage: rvti sa add " SA_ADD_HELP "\n");
	fake_expect(f, "sa add dev rvti0 dir out spi 0x1005 aead aes-gcm "
		    "key 0x00112233 soft-bytes 2G hard-bytes 1G",
		    RVTI_EXIT_USAGE, "",
		    "rvti: soft-bytes is above hard-bytes: a soft limit must "
		    "not exceed its hard limit\n"
		    "Usage: rvti sa add " SA_ADD_HELP "\n");
	fake_expect(f, "sa add dev rvti0 dir out spi 0x1005 aead aes-gcm "
		    "key 0x00112233 hard-packets 0x5ec2e75ec2e75ec2e75e",
		    RVTI_EXIT_USAGE, "",
		    "rvti: invalid hard-packets (expected a 64-bit number, "
		    "decimal or 0xHEX)\n"
		    "Usage: rvti sa add " SA_ADD_HELP "\n");
	CHECK_INT(f->nreq, 0);
	free(f);
}

/* SAs of a kernel with lifetimes: the old outbound SA, the new, one in. */
static const struct fake_sa rekey_sas[] = {
	{ RVTI_SA_DIR_IN, 0x1005, "rfc4106(gcm(aes))", NULL, NULL, 128, 0,
	  1024, { 0 }, true, false, RVTI_SA_STATE_OK, 1796047260, false },
	{ RVTI_SA_DIR_OUT, 0x1004, "rfc4106(gcm(aes))", NULL, NULL, 128, 0, 0,
	  { 0 }, true, true, RVTI_SA_STATE_SOFT_EXPIRED, 1796047259, false },
	{ RVTI_SA_DIR_OUT, 0x2004, "rfc4106(gcm(aes))", NULL, NULL, 128, 0, 0,
	  { 0 }, true, false, RVTI_SA_STATE_OK, 0, true },
};

static const struct fake_state rekey_state[] = {
	{ { 0, 0, 0 }, rekey_sas, 3, false },
	{ { 0, 0, 0 }, NULL, 0, false },
};

static struct fake *fake_new_rekey(void)
{
	struct fake *f = fake_new(with_sas, 2);

	f->states = rekey_state;
	f->last_rx = 1796047260;
	return f;
}

#define LT_LIMITS "soft-bytes 1048576 hard-bytes 2097152 hard-time 3600"
#define LT_TIMES "added 2026-11-30T14:00:00Z first-use 2026-11-30T14:00:01Z"
#define REKEY_IN \
	"sa in spi 0x00001005 aead rfc4106(gcm(aes)) icv 128 " \
	"replay-window 1024 " LT_LIMITS " " LT_TIMES \
	" last-use 2026-11-30T14:01:00Z\n"
#define REKEY_OLD \
	"sa out spi 0x00001004 aead rfc4106(gcm(aes)) icv 128 " LT_LIMITS \
	" inactive state soft-expired " LT_TIMES \
	" last-use 2026-11-30T14:00:59Z\n"
#define REKEY_NEW \
	"sa out spi 0x00002004 aead rfc4106(gcm(aes)) icv 128 " LT_LIMITS \
	" parallel " LT_TIMES " last-use never\n"

static void fake_show_lifetime(void)
{
	struct fake *f = fake_new_rekey();
	struct run_result r;
	json_object *arr, *t, *sas, *sa, *v;

	fake_expect(f, "show", 0,
		    "rvti0: local 192.0.2.1 remote 192.0.2.2 "
		    "last-rx 2026-11-30T14:01:00Z\n"
		    "    " REKEY_IN "    " REKEY_OLD "    " REKEY_NEW
		    "rvti1: local any remote none last-rx 2026-11-30T14:01:00Z\n",
		    "");
	fake_expect(f, "sa list", 0,
		    "rvti0: " REKEY_IN "rvti0: " REKEY_OLD "rvti0: " REKEY_NEW,
		    "");

	fake_run(f, "-j show", &r);
	CHECK_INT(r.ret, 0);
	/* the old members first and as they were, the new ones after */
	CHECK_CONTAINS(r.out,
		       "{\"dir\":\"out\",\"spi\":4100,"
		       "\"aead\":\"rfc4106(gcm(aes))\",\"icv\":128,"
		       "\"esn\":false,\"stats\":{\"packets\":0,\"bytes\":0,"
		       "\"replayed\":0,\"outside_window\":0,\"icv_fail\":0,"
		       "\"malformed\":0,\"seq_exhausted\":0,\"seq\":0,"
		       "\"overload\":0,\"encap_mismatch\":0},"
		       "\"lifetime\":{\"soft_bytes\":1048576,"
		       "\"hard_bytes\":2097152,\"hard_time\":3600},"
		       "\"state\":\"soft-expired\",\"active\":false,"
		       "\"parallel\":false,\"add_time\":1796047200,\"first_use\":1796047201,"
		       "\"last_use\":1796047259}");
	arr = r.out ? json_tokener_parse(r.out) : NULL;
	CHECK(arr && json_object_array_length(arr) == 2);
	t = arr ? json_object_array_get_idx(arr, 0) : NULL;
	CHECK(t && json_object_object_get_ex(t, "last_rx", &v) &&
	      json_object_get_int64(v) == 1796047260);
	sas = NULL;
	CHECK(t && json_object_object_get_ex(t, "sas", &sas) &&
	      json_object_array_length(sas) == 3);
	if (sas && json_object_array_length(sas) == 3) {
		sa = json_object_array_get_idx(sas, 0);	/* inbound */
		CHECK(!json_object_object_get_ex(sa, "active", NULL));
		CHECK(json_object_object_get_ex(sa, "state", &v) &&
		      !strcmp(json_object_get_string(v), "ok"));
		sa = json_object_array_get_idx(sas, 2);	/* the new one */
		CHECK(json_object_object_get_ex(sa, "active", &v) &&
		      json_object_get_boolean(v));
		CHECK(json_object_object_get_ex(sa, "parallel", &v) &&
		      json_object_get_boolean(v));
		CHECK(json_object_object_get_ex(sa, "last_use", &v) &&
		      json_object_get_int64(v) == 0);
	}
	json_object_put(arr);
	run_free(&r);
	free(f);
}

static void fake_sa_get(void)
{
	struct fake *f = fake_new_rekey();
	struct run_result r;
	int i;

	fake_run(f, "sa get dev rvti0 dir out spi 0x1004", &r);
	CHECK_INT(r.ret, 0);
	CHECK_STR(r.out, "rvti0: " REKEY_OLD);
	CHECK_STR(r.err, "");
	run_free(&r);
	/* a do, not a dump: the device, the direction and the SPI only */
	check_sa_request(f, RVTI_CMD_GET_SA, RVTI_SA_DIR_OUT, 0x1004);
	for (i = RVTI_SA_A_SPI + 1; i <= RVTI_SA_A_MAX; i++)
		CHECK(!f->sa_tb[i]);

	fake_expect(f, "-s sa get dev rvti0 dir in spi 4101", 0,
		    "rvti0: " REKEY_IN
		    "    packets 0 bytes 0 replayed 0 outside-window 0 "
		    "icv-fail 0 malformed 0 seq-exhausted 0 seq 0 overload 0 encap-mismatch 0\n",
		    "");

	/* JSON: the path of "sa list -j" */
	fake_run(f, "-j sa get dev rvti0 dir out spi 0x2004", &r);
	CHECK_INT(r.ret, 0);
	CHECK(r.out && !strncmp(r.out,
				"[{\"ifname\":\"rvti0\",\"ifindex\":5,\"sas\":"
				"[{\"dir\":\"out\",\"spi\":8196,", 62));
	CHECK_CONTAINS(r.out, "\"state\":\"ok\",\"active\":true,"
		       "\"parallel\":true,\"add_time\":1796047200,\"first_use\":1796047201,"
		       "\"last_use\":0}]}]\n");
	run_free(&r);

	/* no such SA: the kernel's error, nothing on stdout */
	fake_expect(f, "-j sa get dev rvti0 dir in spi 0x1004",
		    RVTI_EXIT_ERROR, "",
		    "rvti: Error: no such SA (No such file or directory)\n");

	/* a reply without the SA, or no reply at all */
	f->bad_reply = true;
	fake_expect(f, "sa get dev rvti0 dir in spi 0x1005", RVTI_EXIT_ERROR,
		    "", "rvti: malformed reply from the kernel: no SA "
		    "(RVTI_A_SA)\n");
	f->bad_reply = false;
	f->no_reply = true;
	fake_expect(f, "sa get dev rvti0 dir in spi 0x1005", RVTI_EXIT_ERROR,
		    "", "rvti: the kernel's reply holds no SA\n");

	/* usage errors never reach the kernel */
	f->nreq = 0;
	fake_expect(f, "sa get dev rvti0 dir in", RVTI_EXIT_USAGE, "",
		    "rvti: missing \"spi SPI\"\n"
		    "Usage: rvti sa get dev NAME dir in|out spi SPI\n");
	fake_expect(f, "sa get dev rvti0 dir in spi 0x5ec2e75ec2e75ec2e7",
		    RVTI_EXIT_USAGE, "", NULL);
	CHECK_INT(f->nreq, 0);
	free(f);
}

static void fake_sa_flush(void)
{
	struct fake *f = fake_new(two, 2);

	fake_expect(f, "sa flush", 0, "", "");
	check_request(f, RVTI_CMD_FLUSH_SAS, false, NULL);
	CHECK(!f->tb[RVTI_A_SA]);

	f->nreq = 0;
	fake_expect(f, "sa flush dev rvti1", 0, "", "");
	check_request(f, RVTI_CMD_FLUSH_SAS, false, "rvti1");

	f->error = ENODEV;
	f->msg = "no such rvti device";
	fake_expect(f, "sa flush dev rvti9", RVTI_EXIT_ERROR, "",
		    "rvti: Error: no such rvti device (No such device)\n");

	f->nreq = 0;
	fake_expect(f, "sa flush rvti0", RVTI_EXIT_USAGE, "",
		    "rvti: unknown keyword (argument 1, not shown: it could "
		    "be a key): a device goes after the keyword \"dev\" "
		    "(dev NAME)\n"
		    "Usage: rvti sa flush [dev NAME]\n");
	CHECK_INT(f->nreq, 0);
	free(f);
}

static void fake_sa_allocspi(void)
{
	struct fake *f = fake_new(two, 2);

	f->alloc_spi = 0xc0ffee01;
	fake_expect(f, "sa allocspi dev rvti0 min 0x1000 max 0x1fffffff", 0,
		    "0xc0ffee01\n", "");
	check_request(f, RVTI_CMD_ALLOC_SPI, false, "rvti0");
	CHECK(f->tb[RVTI_A_SPI_MIN] &&
	      mnl_attr_get_payload_len(f->tb[RVTI_A_SPI_MIN]) == 4 &&
	      mnl_attr_get_u32(f->tb[RVTI_A_SPI_MIN]) == 0x1000);
	CHECK(f->tb[RVTI_A_SPI_MAX] &&
	      mnl_attr_get_u32(f->tb[RVTI_A_SPI_MAX]) == 0x1fffffff);
	CHECK(!f->tb[RVTI_A_SPI]);

	f->alloc_spi = 0x1234;
	f->nreq = 0;
	fake_expect(f, "sa allocspi dev rvti1", 0, "0x00001234\n", "");
	check_request(f, RVTI_CMD_ALLOC_SPI, false, "rvti1");
	CHECK(!f->tb[RVTI_A_SPI_MIN] && !f->tb[RVTI_A_SPI_MAX]);

	fake_expect(f, "-j sa allocspi dev rvti1", 0,
		    "{\"dev\":\"rvti1\",\"spi\":4660}\n", "");
	fake_expect(f, "-j -p sa allocspi dev rvti1", 0,
		    "{\n  \"dev\": \"rvti1\",\n  \"spi\": 4660\n}\n", "");

	f->bad_reply = true;
	fake_expect(f, "sa allocspi dev rvti1", RVTI_EXIT_ERROR, "",
		    "rvti: malformed reply from the kernel: RVTI_A_SPI is "
		    "not a u32\n");
	f->bad_reply = false;
	f->no_reply = true;
	fake_expect(f, "-j sa allocspi dev rvti1", RVTI_EXIT_ERROR, "",
		    "rvti: the kernel's reply holds no SPI\n");
	f->no_reply = false;

	f->error = ENOSPC;
	f->msg = "every SPI of the range is taken";
	fake_expect(f, "-j sa allocspi dev rvti0 min 256 max 256",
		    RVTI_EXIT_ERROR, "",
		    "rvti: Error: every SPI of the range is taken (No space "
		    "left on device)\n");

	f->nreq = 0;
	fake_expect(f, "sa allocspi dev rvti0 min 0x2000 max 0x1000",
		    RVTI_EXIT_USAGE, "",
		    "rvti: empty range: \"min\" is above \"max\"\n"
		    "Usage: rvti sa allocspi dev NAME [min MIN] [max MAX]\n");
	fake_expect(f, "sa allocspi dev rvti0 min 255", RVTI_EXIT_USAGE, "",
		    NULL);
	fake_expect(f, "sa allocspi min 256", RVTI_EXIT_USAGE, "", NULL);
	CHECK_INT(f->nreq, 0);
	free(f);
}

/* Queue an event for the fake kernel to send once the tool listens. */
static struct nlmsghdr *fake_event(struct fake *f, uint8_t event,
				   const char *dev, uint32_t ifindex,
				   bool same_read)
{
	struct genlmsghdr *genl;
	struct nlmsghdr *nlh;

	if (!same_read || !f->nev) {
		if (f->nev == FAKE_CHUNKS)
			abort();
		f->nev++;
	}
	nlh = mnl_nlmsg_put_header(f->ev_chunk[f->nev - 1] +
				   f->ev_len[f->nev - 1]);
	nlh->nlmsg_type = FAKE_FAMILY;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = RVTI_CMD_EVENT;
	genl->version = RVTI_GENL_VERSION;
	mnl_attr_put_u8(nlh, RVTI_A_EVENT, event);
	mnl_attr_put_u32(nlh, RVTI_A_IFINDEX, ifindex);
	if (dev)
		mnl_attr_put_strz(nlh, RVTI_A_IFNAME, dev);
	return nlh;
}

static void fake_event_end(struct fake *f, struct nlmsghdr *nlh)
{
	f->ev_len[f->nev - 1] += MNL_ALIGN(nlh->nlmsg_len);
}

static void fake_event_sa(struct fake *f, uint8_t event, uint8_t dir,
			  uint32_t spi, int limit, bool same_read)
{
	struct nlmsghdr *nlh = fake_event(f, event, "rvti0", 3, same_read);
	struct nlattr *nest = mnl_attr_nest_start(nlh, RVTI_A_SA);

	mnl_attr_put_u8(nlh, RVTI_SA_A_DIR, dir);
	mnl_attr_put_u32(nlh, RVTI_SA_A_SPI, spi);
	if (limit >= 0)
		mnl_attr_put_u8(nlh, RVTI_SA_A_LIMIT, (uint8_t)limit);
	mnl_attr_nest_end(nlh, nest);
	fake_event_end(f, nlh);
}

/* A rekey as the kernel tells it, and what is not an event. */
static void fake_queue_events(struct fake *f)
{
	struct genlmsghdr *genl;
	struct nlmsghdr *nlh;

	f->nev = f->ev_next = 0;
	memset(f->ev_len, 0, sizeof(f->ev_len));
	fake_event_end(f, fake_event(f, RVTI_EVENT_TUNNEL_NEW, "rvti1", 4,
				     false));
	fake_event_sa(f, RVTI_EVENT_SA_SOFT_EXPIRE, RVTI_SA_DIR_OUT, 0x1004,
		      RVTI_LIMIT_BYTES, false);
	/* two in one read */
	fake_event_sa(f, RVTI_EVENT_SA_NEW, RVTI_SA_DIR_IN, 0x1005, -1, false);
	fake_event_sa(f, RVTI_EVENT_SA_NEW, RVTI_SA_DIR_OUT, 0x2004, -1, true);
	/* another command of the family: skipped */
	nlh = fake_event(f, RVTI_EVENT_SA_DEL, "rvti0", 3, false);
	genl = mnl_nlmsg_get_payload(nlh);
	genl->cmd = RVTI_CMD_GET_TUNNEL;
	fake_event_end(f, nlh);
	/* a malformed one: a warning, and the watch goes on */
	nlh = fake_event(f, RVTI_EVENT_SA_DEL, "rvti0", 3, false);
	mnl_attr_nest_end(nlh, mnl_attr_nest_start(nlh, RVTI_A_SA));
	fake_event_end(f, nlh);
	fake_event_sa(f, RVTI_EVENT_SA_DEL, RVTI_SA_DIR_OUT, 0x1004, -1, false);
	fake_event_sa(f, RVTI_EVENT_SA_HARD_EXPIRE, RVTI_SA_DIR_OUT, 0x2004,
		      RVTI_LIMIT_SEQ, false);
	fake_event_end(f, fake_event(f, RVTI_EVENT_ACQUIRE, "rvti0", 3,
				     false));
	fake_event_end(f, fake_event(f, RVTI_EVENT_TUNNEL_DEL, "rvti1", 4,
				     false));
}

#define EVENTS_TEXT \
	"tunnel-new dev rvti1\n" \
	"sa-soft-expire dev rvti0 dir out spi 0x00001004 limit bytes\n" \
	"sa-new dev rvti0 dir in spi 0x00001005\n" \
	"sa-new dev rvti0 dir out spi 0x00002004\n" \
	"sa-del dev rvti0 dir out spi 0x00001004\n" \
	"sa-hard-expire dev rvti0 dir out spi 0x00002004 limit seq\n" \
	"acquire dev rvti0\n" \
	"tunnel-del dev rvti1\n"

#define EVENTS_JSON \
	"{\"event\":\"tunnel-new\",\"dev\":\"rvti1\",\"ifindex\":4}\n" \
	"{\"event\":\"sa-soft-expire\",\"dev\":\"rvti0\",\"ifindex\":3," \
	"\"dir\":\"out\",\"spi\":4100,\"limit\":\"bytes\"}\n" \
	"{\"event\":\"sa-new\",\"dev\":\"rvti0\",\"ifindex\":3," \
	"\"dir\":\"in\",\"spi\":4101}\n" \
	"{\"event\":\"sa-new\",\"dev\":\"rvti0\",\"ifindex\":3," \
	"\"dir\":\"out\",\"spi\":8196}\n" \
	"{\"event\":\"sa-del\",\"dev\":\"rvti0\",\"ifindex\":3," \
	"\"dir\":\"out\",\"spi\":4100}\n" \
	"{\"event\":\"sa-hard-expire\",\"dev\":\"rvti0\",\"ifindex\":3," \
	"\"dir\":\"out\",\"spi\":8196,\"limit\":\"seq\"}\n" \
	"{\"event\":\"acquire\",\"dev\":\"rvti0\",\"ifindex\":3}\n" \
	"{\"event\":\"tunnel-del\",\"dev\":\"rvti1\",\"ifindex\":4}\n"

#define EVENTS_WARNING \
	"rvti: malformed event from the kernel: SA without a valid " \
	"RVTI_SA_A_DIR\n"

static void fake_monitor(void)
{
	struct fake *f = fake_new(two, 2);

	fake_queue_events(f);
	fake_expect(f, "monitor", 0, EVENTS_TEXT, EVENTS_WARNING);
	/* it joined the group the family announced, sent nothing */
	CHECK_INT(f->joined, FAKE_EVENTS_GROUP);
	CHECK_INT(f->nreq, 0);
	CHECK_INT(f->ev_next, f->nev);

	fake_queue_events(f);
	fake_expect(f, "-j monitor", 0, EVENTS_JSON, EVENTS_WARNING);
	fake_queue_events(f);
	fake_expect(f, "monitor -j", 0, EVENTS_JSON, EVENTS_WARNING);

	/* no events at all: ends cleanly on the signal */
	f->nev = f->ev_next = 0;
	fake_expect(f, "m", 0, "", "");
	free(f);
}

static void fake_monitor_errors(void)
{
	struct fake *f = fake_new(two, 2);

	f->no_events_group = true;
	fake_expect(f, "monitor", RVTI_EXIT_ERROR, "",
		    "rvti: the rvti module has no multicast group \"events\" "
		    "(it is older than the tool)\n");
	CHECK_INT(f->joined, 0);

	f->no_events_group = false;
	f->join_error = EPERM;
	fake_expect(f, "monitor", RVTI_EXIT_ERROR, "",
		    "rvti: Error: Operation not permitted\n");
	CHECK_INT(f->joined, 0);

	fake_expect(f, "monitor now", RVTI_EXIT_USAGE, "",
		    "rvti: unknown keyword (argument 1, not shown: it could "
		    "be a key)\nUsage: rvti monitor [-j]\n");
	fake_expect(f, "monitor help", 0, "Usage: rvti monitor [-j]\n", "");
	CHECK_INT(f->joined, 0);
	free(f);
}

const struct test_case fake_tests[] = {
	TEST_CASE(fake_show_dump),
	TEST_CASE(fake_show_json),
	TEST_CASE(fake_show_dev),
	TEST_CASE(fake_show_dev_missing),
	TEST_CASE(fake_show_dump_error),
	TEST_CASE(fake_show_malformed),
	TEST_CASE(fake_wrong_seq),
	TEST_CASE(fake_set),
	TEST_CASE(fake_set_errors),
	TEST_CASE(fake_set_ttl_df),
	TEST_CASE(fake_show_ttl_df),
	TEST_CASE(fake_show_sas),
	TEST_CASE(fake_show_sas_json),
	TEST_CASE(fake_sa_list),
	TEST_CASE(fake_show_sas_unknown_attrs),
	TEST_CASE(fake_show_sas_ttl_df),
	TEST_CASE(fake_show_sas_malformed),
	TEST_CASE(fake_sa_add),
	TEST_CASE(fake_sa_spi_bounds),
	TEST_CASE(fake_sa_add_errors),
	TEST_CASE(fake_sa_add_wipes_keys),
	TEST_CASE(fake_sa_del),
	TEST_CASE(fake_show_policy),
	TEST_CASE(fake_show_policy_json),
	TEST_CASE(fake_show_many_sas),
	TEST_CASE(fake_prefix_list),
	TEST_CASE(fake_prefix_conflict),
	TEST_CASE(fake_sa_add_lifetime),
	TEST_CASE(fake_show_lifetime),
	TEST_CASE(fake_sa_get),
	TEST_CASE(fake_sa_flush),
	TEST_CASE(fake_sa_allocspi),
	TEST_CASE(fake_monitor),
	TEST_CASE(fake_monitor_errors),
	{ NULL, NULL }
};
