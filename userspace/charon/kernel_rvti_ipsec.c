// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kernel-rvti: charon's kernel-ipsec interface on top of the rvti generic
 * netlink family (uapi/linux/rvti.h).
 *
 * Which device: a CHILD_SA's if_id (swanctl.conf if_id_in / if_id_out)
 * names the rvti device: charon.plugins.kernel-rvti.devices.<if_id> in
 * strongswan.conf when set, else the device "rvti<if_id>". A CHILD_SA
 * without if_id, or whose device does not exist, is refused with a log
 * line that says so. get_spi() carries no if_id: the inbound SPI is
 * reserved on the one rvti device whose remote is the peer and whose
 * local address is ours (or a wildcard).
 *
 * Policies are accepted and nothing is installed: the route into the
 * device is the policy. Keys never reach a log line; the request buffer
 * that held them is wiped after each request.
 */
#include "kernel_rvti_ipsec.h"

#include <errno.h>
#include <net/if.h>
#include <netinet/udp.h>
#include <string.h>
#include <time.h>

#include <daemon.h>
#include <collections/linked_list.h>
#include <processing/watcher.h>
#include <threading/mutex.h>
#include <utils/debug.h>

#include <linux/rvti.h>

#include "nl.h"

/* Replay window bounds rvti accepts (uapi: 32 to 4096). */
#define KRVTI_REPLAY_MIN 32U
#define KRVTI_REPLAY_MAX 4096U

typedef struct private_kernel_rvti_ipsec_t private_kernel_rvti_ipsec_t;

/* An SA this backend installed, to find its device and direction again. */
typedef struct {
	uint32_t spi;			/* host order */
	uint8_t dir;			/* enum rvti_sa_dir */
	char ifname[IFNAMSIZ];
	host_t *src;			/* the peer's, for an inbound SA */
	host_t *dst;
} krvti_sa_t;

/* A route-based policy: which reqid a device's acquire starts. */
typedef struct {
	uint32_t if_id;
	uint32_t reqid;
	char ifname[IFNAMSIZ];
	unsigned int refs;
} krvti_policy_t;

/*
 * A prefix of a device that a CHILD_SA's remote traffic selector asked
 * for. owned: this backend added it (and removes it with the last policy
 * that needs it); FALSE when the operator had configured it already.
 */
typedef struct {
	char ifname[IFNAMSIZ];
	uint8_t addr[16];
	uint8_t len;			/* address length: 4 or 16 */
	uint8_t cidr;
	bool owned;
	unsigned int refs;
} krvti_prefix_t;

struct private_kernel_rvti_ipsec_t {
	kernel_ipsec_t public;
	/* Requests: one at a time (nl_ctx has one buffer pair). */
	mutex_t *req_lock;
	struct nl_ctx *req;
	/* Events: joined to RVTI_MCGRP_EVENTS, read by the watcher. */
	struct nl_ctx *events;
	/* sas and policies, under lock. */
	mutex_t *lock;
	linked_list_t *sas;
	linked_list_t *policies;
	linked_list_t *prefixes;
	uint32_t spi_min, spi_max;
};

/* ------------------------------------------------------------------ */
/* Requests */

/*
 * Run a request built in this->req's send buffer and log a failure with
 * the kernel's extack message. The send buffer is wiped afterwards: it may
 * hold keys. Call with req_lock held.
 */
static int krvti_talk(private_kernel_rvti_ipsec_t *this, struct nlmsghdr *nlh,
		      nl_msg_cb cb, void *arg, const char *what)
{
	int err = nl_talk(this->req, nlh, cb, arg);

	memwipe(this->req->sbuf, sizeof(this->req->sbuf));
	if (err) {
		if (this->req->kernel_err && this->req->ext_msg[0])
			DBG1(DBG_KNL, "kernel-rvti: %s failed: %s (%s)", what,
			     this->req->ext_msg, strerror(-err));
		else
			DBG1(DBG_KNL, "kernel-rvti: %s failed: %s", what,
			     strerror(-err));
	}
	return err;
}

/*
 * Start a request @cmd about the SA (@dir, @spi) of @ifname: the RVTI_A_SA
 * nest is left open in *@nest for more attributes. req_lock held.
 */
static struct nlmsghdr *krvti_sa_req(private_kernel_rvti_ipsec_t *this,
				     uint8_t cmd, const char *ifname,
				     uint8_t dir, uint32_t spi,
				     struct nlattr **nest)
{
	struct nlmsghdr *nlh = nl_req(this->req, cmd, 0);

	mnl_attr_put_strz(nlh, RVTI_A_IFNAME, ifname);
	*nest = mnl_attr_nest_start(nlh, RVTI_A_SA);
	mnl_attr_put_u8(nlh, RVTI_SA_A_DIR, dir);
	mnl_attr_put_u32(nlh, RVTI_SA_A_SPI, spi);
	return nlh;
}

/* The device of @if_id into @name; FALSE (and a log line) when none. */
static bool krvti_ifname(uint32_t if_id, char name[IFNAMSIZ], const char *what)
{
	char *conf;
	int len;

	if (!if_id) {
		DBG1(DBG_KNL, "kernel-rvti: cannot %s: the CHILD_SA has no if_id; "
		     "set if_id_in and if_id_out in swanctl.conf to the number of "
		     "its rvti device", what);
		return FALSE;
	}
	conf = lib->settings->get_str(lib->settings,
				      "%s.plugins.kernel-rvti.devices.%u", NULL,
				      lib->ns, if_id);
	if (conf)
		len = snprintf(name, IFNAMSIZ, "%s", conf);
	else
		len = snprintf(name, IFNAMSIZ, "rvti%u", if_id);
	if (len <= 0 || len >= IFNAMSIZ) {
		DBG1(DBG_KNL, "kernel-rvti: cannot %s: device name for if_id %u "
		     "is empty or longer than %d characters", what, if_id,
		     IFNAMSIZ - 1);
		return FALSE;
	}
	if (!if_nametoindex(name)) {
		DBG1(DBG_KNL, "kernel-rvti: cannot %s: if_id %u maps to device "
		     "%s, which does not exist (%s.plugins.kernel-rvti.devices.%u "
		     "or the name rvti%u)", what, if_id, name, lib->ns, if_id,
		     if_id);
		return FALSE;
	}
	return TRUE;
}

/* ------------------------------------------------------------------ */
/* Tables */

static krvti_sa_t *krvti_sa_find(private_kernel_rvti_ipsec_t *this,
				 uint32_t spi, host_t *dst)
{
	enumerator_t *e = this->sas->create_enumerator(this->sas);
	krvti_sa_t *sa, *found = NULL;

	while (e->enumerate(e, &sa)) {
		if (sa->spi == spi && dst->ip_equals(dst, sa->dst)) {
			found = sa;
			break;
		}
	}
	e->destroy(e);
	return found;
}

static void krvti_sa_destroy(krvti_sa_t *sa)
{
	sa->src->destroy(sa->src);
	sa->dst->destroy(sa->dst);
	free(sa);
}

/*
 * The device and direction of the SA with @spi (host order) to @dst that
 * this backend installed, into @ifname and @dir; with @forget it leaves
 * the table. FALSE (and a log line saying why @what failed) when none.
 */
static bool krvti_sa_where(private_kernel_rvti_ipsec_t *this, uint32_t spi,
			   host_t *dst, char ifname[IFNAMSIZ], uint8_t *dir,
			   bool forget, const char *what)
{
	krvti_sa_t *sa;

	this->lock->lock(this->lock);
	sa = krvti_sa_find(this, spi, dst);
	if (sa) {
		memcpy(ifname, sa->ifname, IFNAMSIZ);
		*dir = sa->dir;
		if (forget) {
			this->sas->remove(this->sas, sa, NULL);
			krvti_sa_destroy(sa);
		}
	}
	this->lock->unlock(this->lock);
	if (!sa)
		DBG1(DBG_KNL, "kernel-rvti: cannot %s SA %.8x to %H: not "
		     "installed by kernel-rvti", what, spi, dst);
	return sa != NULL;
}

/* ------------------------------------------------------------------ */
/* get_spi: reserve an inbound SPI on the device that leads to @src */

struct krvti_match {
	chunk_t local, remote;
	char ifname[IFNAMSIZ];
	unsigned int n;
};

static int krvti_match_cb(const struct nlmsghdr *nlh, void *arg)
{
	const struct nlattr *tb[RVTI_A_MAX + 1];
	struct krvti_match *m = arg;
	const struct nlattr *l, *r;

	if (nl_parse_attrs(nlh, tb, RVTI_A_MAX))
		return -EBADMSG;
	r = tb[RVTI_A_REMOTE];
	l = tb[RVTI_A_LOCAL];
	if (!tb[RVTI_A_IFNAME] || !r)
		return 0;
	if (mnl_attr_get_payload_len(r) != m->remote.len ||
	    memcmp(mnl_attr_get_payload(r), m->remote.ptr, m->remote.len))
		return 0;
	if (l && (mnl_attr_get_payload_len(l) != m->local.len ||
		  memcmp(mnl_attr_get_payload(l), m->local.ptr, m->local.len)))
		return 0;
	if (!m->n++)
		snprintf(m->ifname, sizeof(m->ifname), "%s",
			 mnl_attr_get_str(tb[RVTI_A_IFNAME]));
	return 0;
}

static int krvti_spi_cb(const struct nlmsghdr *nlh, void *arg)
{
	const struct nlattr *tb[RVTI_A_MAX + 1];

	if (nl_parse_attrs(nlh, tb, RVTI_A_MAX))
		return -EBADMSG;
	if (!tb[RVTI_A_SPI] || mnl_attr_validate(tb[RVTI_A_SPI], MNL_TYPE_U32))
		return -EBADMSG;
	*(uint32_t *)arg = mnl_attr_get_u32(tb[RVTI_A_SPI]);
	return 0;
}

METHOD(kernel_ipsec_t, get_spi, status_t, private_kernel_rvti_ipsec_t *this,
       host_t *src, host_t *dst, uint8_t protocol, uint32_t *spi)
{
	struct krvti_match m = {
		.local = dst->get_address(dst),
		.remote = src->get_address(src),
	};
	struct nlmsghdr *nlh;
	uint32_t got = 0;
	status_t ret = FAILED;

	if (protocol != IPPROTO_ESP) {
		DBG1(DBG_KNL, "kernel-rvti: only ESP SAs are supported, not "
		     "protocol %u", protocol);
		return NOT_SUPPORTED;
	}
	this->req_lock->lock(this->req_lock);
	nlh = nl_req(this->req, RVTI_CMD_GET_TUNNEL, NLM_F_DUMP);
	mnl_attr_put(nlh, RVTI_A_NO_SAS, 0, NULL);
	if (krvti_talk(this, nlh, krvti_match_cb, &m, "listing rvti devices"))
		goto out;
	if (m.n != 1) {
		DBG1(DBG_KNL, "kernel-rvti: cannot allocate an SPI for %H <- %H: "
		     "%s rvti device has remote %H and local %H or a wildcard "
		     "local address", dst, src, m.n ? "more than one" : "no",
		     src, dst);
		goto out;
	}
	nlh = nl_req(this->req, RVTI_CMD_ALLOC_SPI, 0);
	mnl_attr_put_strz(nlh, RVTI_A_IFNAME, m.ifname);
	mnl_attr_put_u32(nlh, RVTI_A_SPI_MIN, this->spi_min);
	mnl_attr_put_u32(nlh, RVTI_A_SPI_MAX, this->spi_max);
	if (krvti_talk(this, nlh, krvti_spi_cb, &got, "allocating an SPI"))
		goto out;
	*spi = htonl(got);
	DBG2(DBG_KNL, "kernel-rvti: reserved SPI %.8x on %s", got, m.ifname);
	ret = SUCCESS;
out:
	this->req_lock->unlock(this->req_lock);
	return ret;
}

METHOD(kernel_ipsec_t, get_cpi, status_t, private_kernel_rvti_ipsec_t *this,
       host_t *src, host_t *dst, uint16_t *cpi)
{
	DBG1(DBG_KNL, "kernel-rvti: IPComp is not supported");
	return NOT_SUPPORTED;
}

/* ------------------------------------------------------------------ */
/* add_sa */

struct krvti_alg {
	const char *aead, *enc, *auth;
	uint32_t icv_bits;
};

/* charon's transform ids and rvti's algorithm names (those of ip xfrm) */
struct krvti_alg_name {
	uint16_t id;
	const char *name;
	uint32_t icv_bits;	/* encryption: 0 when not AEAD */
};

static const struct krvti_alg_name krvti_encr[] = {
	{ ENCR_AES_GCM_ICV16, "rfc4106(gcm(aes))", 128 },
	{ ENCR_AES_GCM_ICV12, "rfc4106(gcm(aes))", 96 },
	{ ENCR_AES_GCM_ICV8, "rfc4106(gcm(aes))", 64 },
	{ ENCR_CHACHA20_POLY1305, "rfc7539esp(chacha20,poly1305)", 128 },
	{ ENCR_AES_CBC, "cbc(aes)", 0 },
};

static const struct krvti_alg_name krvti_integ[] = {
	{ AUTH_HMAC_SHA1_96, "hmac(sha1)", 96 },
	{ AUTH_HMAC_SHA2_256_128, "hmac(sha256)", 128 },
	{ AUTH_HMAC_SHA2_384_192, "hmac(sha384)", 192 },
	{ AUTH_HMAC_SHA2_512_256, "hmac(sha512)", 256 },
};

static const struct krvti_alg_name *
krvti_alg_find(const struct krvti_alg_name *t, size_t n, uint16_t id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (t[i].id == id)
			return &t[i];
	return NULL;
}

/* The proposal's algorithms in rvti's terms; FALSE (logged): unsupported. */
static bool krvti_map_alg(kernel_ipsec_add_sa_t *data, struct krvti_alg *a)
{
	const struct krvti_alg_name *e, *i;

	memset(a, 0, sizeof(*a));
	e = krvti_alg_find(krvti_encr, countof(krvti_encr), data->enc_alg);
	if (!e) {
		DBG1(DBG_KNL, "kernel-rvti: encryption algorithm %N is not "
		     "supported by rvti", encryption_algorithm_names,
		     data->enc_alg);
		return FALSE;
	}
	if (e->icv_bits) {
		a->aead = e->name;
		a->icv_bits = e->icv_bits;
		return TRUE;
	}
	i = krvti_alg_find(krvti_integ, countof(krvti_integ), data->int_alg);
	if (!i) {
		DBG1(DBG_KNL, "kernel-rvti: integrity algorithm %N is not "
		     "supported by rvti (with %N)", integrity_algorithm_names,
		     data->int_alg, encryption_algorithm_names, data->enc_alg);
		return FALSE;
	}
	a->enc = e->name;
	a->auth = i->name;
	a->icv_bits = i->icv_bits;
	return TRUE;
}

/*
 * A soft limit above its hard limit is refused by rvti. charon produces one
 * when a rand_* jitter exceeds its rekey_* value (the jitter is subtracted
 * and wraps): use the hard limit for both, and say so.
 */
static uint64_t krvti_soft(uint32_t spi, const char *what, uint64_t soft,
			   uint64_t hard)
{
	if (!hard || soft <= hard)
		return soft;
	DBG1(DBG_KNL, "kernel-rvti: SA %.8x: %s rekey limit %llu is above the "
	     "hard limit %llu (is rand_%s larger than rekey_%s?): using %llu",
	     spi, what, (unsigned long long)soft, (unsigned long long)hard,
	     what, what, (unsigned long long)hard);
	return hard;
}

/* charon's rekey limits are rvti's soft limits, its life limits the hard. */
static void krvti_put_lifetime(struct nlmsghdr *nlh, uint32_t spi,
			       lifetime_cfg_t *lt)
{
	struct nlattr *nest;

	if (!lt)
		return;
	nest = mnl_attr_nest_start(nlh, RVTI_SA_A_LIFETIME);
	mnl_attr_put_u64(nlh, RVTI_LIFETIME_A_SOFT_BYTES,
			 krvti_soft(spi, "bytes", lt->bytes.rekey, lt->bytes.life));
	mnl_attr_put_u64(nlh, RVTI_LIFETIME_A_HARD_BYTES, lt->bytes.life);
	mnl_attr_put_u64(nlh, RVTI_LIFETIME_A_SOFT_PACKETS,
			 krvti_soft(spi, "packets", lt->packets.rekey,
				    lt->packets.life));
	mnl_attr_put_u64(nlh, RVTI_LIFETIME_A_HARD_PACKETS, lt->packets.life);
	mnl_attr_put_u64(nlh, RVTI_LIFETIME_A_SOFT_ADD_SECONDS,
			 krvti_soft(spi, "time", lt->time.rekey, lt->time.life));
	mnl_attr_put_u64(nlh, RVTI_LIFETIME_A_HARD_ADD_SECONDS, lt->time.life);
	mnl_attr_nest_end(nlh, nest);
}

METHOD(kernel_ipsec_t, add_sa, status_t, private_kernel_rvti_ipsec_t *this,
       kernel_ipsec_sa_id_t *id, kernel_ipsec_add_sa_t *data)
{
	uint8_t dir = data->inbound ? RVTI_SA_DIR_IN : RVTI_SA_DIR_OUT;
	uint32_t spi = ntohl(id->spi);
	char ifname[IFNAMSIZ];
	struct krvti_alg alg;
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	krvti_sa_t *sa;
	int err;

	if (id->proto != IPPROTO_ESP) {
		DBG1(DBG_KNL, "kernel-rvti: SA %.8x: only ESP is supported", spi);
		return NOT_SUPPORTED;
	}
	if (data->mode != MODE_TUNNEL) {
		DBG1(DBG_KNL, "kernel-rvti: SA %.8x: mode %N is not supported, "
		     "rvti SAs are tunnel mode", spi, ipsec_mode_names,
		     data->mode);
		return NOT_SUPPORTED;
	}
	if (data->ipcomp != IPCOMP_NONE) {
		DBG1(DBG_KNL, "kernel-rvti: SA %.8x: IPComp is not supported", spi);
		return NOT_SUPPORTED;
	}
	if (!krvti_ifname(id->if_id, ifname, "install an SA"))
		return FAILED;
	if (!krvti_map_alg(data, &alg))
		return NOT_SUPPORTED;

	this->req_lock->lock(this->req_lock);
	nlh = krvti_sa_req(this, RVTI_CMD_NEW_SA, ifname, dir, spi, &nest);
	if (alg.aead) {
		/* charon's AEAD key material carries the salt at its end */
		mnl_attr_put_strz(nlh, RVTI_SA_A_AEAD_ALG, alg.aead);
	} else {
		mnl_attr_put_strz(nlh, RVTI_SA_A_ENC_ALG, alg.enc);
		mnl_attr_put_strz(nlh, RVTI_SA_A_AUTH_ALG, alg.auth);
		mnl_attr_put(nlh, RVTI_SA_A_AUTH_KEY, data->int_key.len,
			     data->int_key.ptr);
	}
	mnl_attr_put(nlh, RVTI_SA_A_ENC_KEY, data->enc_key.len,
		     data->enc_key.ptr);
	mnl_attr_put_u32(nlh, RVTI_SA_A_ICV_BITS, alg.icv_bits);
	if (data->esn)
		mnl_attr_put_u32(nlh, RVTI_SA_A_FLAGS, RVTI_SA_F_ESN);
	if (data->inbound) {
		uint32_t w = data->replay_window;

		/* rvti always checks replay; it has no "window 0" */
		if (w < KRVTI_REPLAY_MIN || w > KRVTI_REPLAY_MAX) {
			w = max(KRVTI_REPLAY_MIN, min(w, KRVTI_REPLAY_MAX));
			DBG1(DBG_KNL, "kernel-rvti: SA %.8x: replay window %u "
			     "out of rvti's %u-%u, using %u", spi,
			     data->replay_window, KRVTI_REPLAY_MIN,
			     KRVTI_REPLAY_MAX, w);
		}
		mnl_attr_put_u32(nlh, RVTI_SA_A_REPLAY_WINDOW, w);
	}
	if (data->encap) {
		/* NAT traversal: ESP in UDP, the IKE SA's ports, as the
		 * SA's packets go (as kernel-netlink sets them for XFRM) */
		mnl_attr_put_u16(nlh, RVTI_SA_A_ENCAP_SPORT,
				 id->src->get_port(id->src));
		mnl_attr_put_u16(nlh, RVTI_SA_A_ENCAP_DPORT,
				 id->dst->get_port(id->dst));
	}
	krvti_put_lifetime(nlh, spi, data->lifetime);
	mnl_attr_nest_end(nlh, nest);
	err = krvti_talk(this, nlh, NULL, NULL, "adding an SA");
	this->req_lock->unlock(this->req_lock);
	if (err)
		return FAILED;

	INIT(sa,
		.spi = spi,
		.dir = dir,
		.src = id->src->clone(id->src),
		.dst = id->dst->clone(id->dst),
	);
	memcpy(sa->ifname, ifname, sizeof(sa->ifname));
	this->lock->lock(this->lock);
	this->sas->insert_last(this->sas, sa);
	this->lock->unlock(this->lock);
	DBG2(DBG_KNL, "kernel-rvti: added %s SA %.8x %H -> %H on %s",
	     data->inbound ? "inbound" : "outbound", spi, id->src, id->dst,
	     ifname);
	return SUCCESS;
}

/*
 * MOBIKE (RFC 4555) moved the IKE_SA and its CHILD_SAs to new addresses.
 * rvti's SAs have none of their own: their tunnel's endpoints are the
 * outer addresses, so the tunnel follows. charon updates every SA in turn;
 * after the first, the tunnel already has them and nothing changes. @local
 * and @remote as this host sees them. req_lock held.
 */
static int krvti_move_tunnel(private_kernel_rvti_ipsec_t *this,
			     const char *ifname, host_t *local, host_t *remote)
{
	struct nlmsghdr *nlh = nl_req(this->req, RVTI_CMD_SET_TUNNEL, 0);
	chunk_t l = local->get_address(local);
	chunk_t r = remote->get_address(remote);

	mnl_attr_put_strz(nlh, RVTI_A_IFNAME, ifname);
	mnl_attr_put(nlh, RVTI_A_LOCAL, l.len, l.ptr);
	mnl_attr_put(nlh, RVTI_A_REMOTE, r.len, r.ptr);
	return krvti_talk(this, nlh, NULL, NULL, "moving a tunnel");
}

/* The SA (@spi, @dst) is now between @new_src and @new_dst, in the table. */
static void krvti_sa_moved(private_kernel_rvti_ipsec_t *this, uint32_t spi,
			   host_t *dst, host_t *new_src, host_t *new_dst)
{
	krvti_sa_t *sa;

	this->lock->lock(this->lock);
	sa = krvti_sa_find(this, spi, dst);
	if (sa) {
		sa->src->destroy(sa->src);
		sa->dst->destroy(sa->dst);
		sa->src = new_src->clone(new_src);
		sa->dst = new_dst->clone(new_dst);
	}
	this->lock->unlock(this->lock);
}

/*
 * charon moves an SA: to new addresses (MOBIKE), which its tunnel takes
 * as its endpoints, and/or, for ESP in UDP, to new ports (a NAT's new
 * mapping, learnt from rvti's new-mapping event or from IKE), which the
 * SA takes. An SA does not switch between ESP and ESP in UDP (NOT_SUPPORTED:
 * charon then sets up a new CHILD_SA, on the tunnel already moved).
 */
METHOD(kernel_ipsec_t, update_sa, status_t, private_kernel_rvti_ipsec_t *this,
       kernel_ipsec_sa_id_t *id, kernel_ipsec_update_sa_t *data)
{
	bool moved = !data->new_src->ip_equals(data->new_src, id->src) ||
		     !data->new_dst->ip_equals(data->new_dst, id->dst);
	uint32_t spi = ntohl(id->spi);
	char ifname[IFNAMSIZ];
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	uint8_t dir;
	int err;

	if (!moved && !data->encap && !data->new_encap)
		return SUCCESS;		/* bare ESP, same addresses: nothing */
	if (!krvti_sa_where(this, spi, id->dst, ifname, &dir, FALSE, "update"))
		return NOT_FOUND;
	if (moved) {
		bool out = dir == RVTI_SA_DIR_OUT;

		this->req_lock->lock(this->req_lock);
		err = krvti_move_tunnel(this, ifname,
					out ? data->new_src : data->new_dst,
					out ? data->new_dst : data->new_src);
		this->req_lock->unlock(this->req_lock);
		if (err)
			return FAILED;
		krvti_sa_moved(this, spi, id->dst, data->new_src, data->new_dst);
		DBG1(DBG_KNL, "kernel-rvti: SA %.8x moved from %H..%H to %H..%H: "
		     "%s's endpoints follow", spi, id->src, id->dst,
		     data->new_src, data->new_dst, ifname);
	}
	if (data->encap != data->new_encap) {
		DBG1(DBG_KNL, "kernel-rvti: SA %.8x: switching %s UDP "
		     "encapsulation is not supported", spi,
		     data->new_encap ? "on" : "off");
		return NOT_SUPPORTED;
	}
	if (!data->new_encap)
		return SUCCESS;		/* bare ESP: no ports */

	this->req_lock->lock(this->req_lock);
	nlh = krvti_sa_req(this, RVTI_CMD_SET_SA, ifname, dir, spi, &nest);
	mnl_attr_put_u16(nlh, RVTI_SA_A_ENCAP_SPORT,
			 data->new_src->get_port(data->new_src));
	mnl_attr_put_u16(nlh, RVTI_SA_A_ENCAP_DPORT,
			 data->new_dst->get_port(data->new_dst));
	mnl_attr_nest_end(nlh, nest);
	err = krvti_talk(this, nlh, NULL, NULL, "updating an SA's ports");
	this->req_lock->unlock(this->req_lock);
	if (err)
		return FAILED;
	DBG1(DBG_KNL, "kernel-rvti: SA %.8x on %s: ports %#H..%#H", spi, ifname,
	     data->new_src, data->new_dst);
	return SUCCESS;
}

/* ------------------------------------------------------------------ */
/* query_sa, query_policy */

/* rvti's CLOCK_REALTIME seconds to charon's monotonic seconds; 0 stays. */
static time_t krvti_mono(uint64_t real)
{
	time_t now = time(NULL);

	if (!real)
		return 0;
	if ((time_t)real > now)
		real = now;
	return time_monotonic(NULL) - (now - (time_t)real);
}

struct krvti_usage {
	uint64_t bytes, packets, last_use;
};

static int krvti_sa_usage(const struct nlattr *sa_nest, struct krvti_usage *u)
{
	const struct nlattr *sa[RVTI_SA_A_MAX + 1];
	const struct nlattr *st[RVTI_SA_STAT_MAX + 1];

	if (nl_parse_nested(sa_nest, sa, RVTI_SA_A_MAX))
		return -EBADMSG;
	if (sa[RVTI_SA_A_LAST_USE])
		u->last_use = max(u->last_use,
				  mnl_attr_get_u64(sa[RVTI_SA_A_LAST_USE]));
	if (sa[RVTI_SA_A_STATS] &&
	    !nl_parse_nested(sa[RVTI_SA_A_STATS], st, RVTI_SA_STAT_MAX)) {
		if (st[RVTI_SA_STAT_BYTES])
			u->bytes = mnl_attr_get_u64(st[RVTI_SA_STAT_BYTES]);
		if (st[RVTI_SA_STAT_PACKETS])
			u->packets = mnl_attr_get_u64(st[RVTI_SA_STAT_PACKETS]);
	}
	return 0;
}

static int krvti_get_sa_cb(const struct nlmsghdr *nlh, void *arg)
{
	const struct nlattr *tb[RVTI_A_MAX + 1];

	if (nl_parse_attrs(nlh, tb, RVTI_A_MAX) || !tb[RVTI_A_SA])
		return -EBADMSG;
	return krvti_sa_usage(tb[RVTI_A_SA], arg);
}

METHOD(kernel_ipsec_t, query_sa, status_t, private_kernel_rvti_ipsec_t *this,
       kernel_ipsec_sa_id_t *id, kernel_ipsec_query_sa_t *data,
       uint64_t *bytes, uint64_t *packets, time_t *time)
{
	struct krvti_usage u = {};
	char ifname[IFNAMSIZ];
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	uint8_t dir;
	int err;

	if (!krvti_sa_where(this, ntohl(id->spi), id->dst, ifname, &dir, FALSE,
			    "query"))
		return NOT_FOUND;
	this->req_lock->lock(this->req_lock);
	nlh = krvti_sa_req(this, RVTI_CMD_GET_SA, ifname, dir, ntohl(id->spi), &nest);
	mnl_attr_nest_end(nlh, nest);
	err = krvti_talk(this, nlh, krvti_get_sa_cb, &u, "querying an SA");
	this->req_lock->unlock(this->req_lock);
	if (err)
		return err == -ENOENT ? NOT_FOUND : FAILED;
	if (bytes)
		*bytes = u.bytes;
	if (packets)
		*packets = u.packets;
	if (time)
		*time = krvti_mono(u.last_use);
	return SUCCESS;
}

struct krvti_last_use {
	bool out;
	uint64_t last;
};

static int krvti_tunnel_use_cb(const struct nlmsghdr *nlh, void *arg)
{
	const struct nlattr *tb[RVTI_A_MAX + 1];
	struct krvti_last_use *lu = arg;
	const struct nlattr *sa;

	if (nl_parse_attrs(nlh, tb, RVTI_A_MAX))
		return -EBADMSG;
	if (!lu->out) {
		/* the last authentic packet received by any of its SAs */
		if (tb[RVTI_A_LAST_RX])
			lu->last = mnl_attr_get_u64(tb[RVTI_A_LAST_RX]);
		return 0;
	}
	if (!tb[RVTI_A_SAS])
		return 0;
	mnl_attr_for_each_nested(sa, tb[RVTI_A_SAS]) {
		const struct nlattr *a[RVTI_SA_A_MAX + 1];
		struct krvti_usage u = {};

		if (nl_parse_nested(sa, a, RVTI_SA_A_MAX) || !a[RVTI_SA_A_DIR] ||
		    mnl_attr_get_u8(a[RVTI_SA_A_DIR]) != RVTI_SA_DIR_OUT)
			continue;
		if (!krvti_sa_usage(sa, &u))
			lu->last = max(lu->last, u.last_use);
	}
	return 0;
}

METHOD(kernel_ipsec_t, query_policy, status_t, private_kernel_rvti_ipsec_t *this,
       kernel_ipsec_policy_id_t *id, kernel_ipsec_query_policy_t *data,
       time_t *use_time)
{
	struct krvti_last_use lu = { .out = id->dir == POLICY_OUT };
	char ifname[IFNAMSIZ];
	struct nlmsghdr *nlh;
	int err;

	if (!krvti_ifname(id->if_id, ifname, "query a policy"))
		return NOT_FOUND;
	this->req_lock->lock(this->req_lock);
	nlh = nl_req(this->req, RVTI_CMD_GET_TUNNEL, 0);
	mnl_attr_put_strz(nlh, RVTI_A_IFNAME, ifname);
	err = krvti_talk(this, nlh, krvti_tunnel_use_cb, &lu,
			 "querying a tunnel's last use");
	this->req_lock->unlock(this->req_lock);
	if (err)
		return FAILED;
	*use_time = krvti_mono(lu.last);
	return SUCCESS;
}

/* ------------------------------------------------------------------ */
/* del_sa, flush_sas */

METHOD(kernel_ipsec_t, del_sa, status_t, private_kernel_rvti_ipsec_t *this,
       kernel_ipsec_sa_id_t *id, kernel_ipsec_del_sa_t *data)
{
	uint32_t spi = ntohl(id->spi);
	char ifname[IFNAMSIZ];
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	uint8_t dir;
	int err;

	if (!krvti_sa_where(this, spi, id->dst, ifname, &dir, TRUE, "delete"))
		return NOT_FOUND;
	this->req_lock->lock(this->req_lock);
	nlh = krvti_sa_req(this, RVTI_CMD_DEL_SA, ifname, dir, spi, &nest);
	mnl_attr_nest_end(nlh, nest);
	err = krvti_talk(this, nlh, NULL, NULL, "deleting an SA");
	this->req_lock->unlock(this->req_lock);
	/* a hard expiry deletes the SA in the kernel before charon does */
	if (err == -ENOENT)
		return SUCCESS;
	if (err)
		return FAILED;
	DBG2(DBG_KNL, "kernel-rvti: deleted SA %.8x on %s", spi, ifname);
	return SUCCESS;
}

METHOD(kernel_ipsec_t, flush_sas, status_t, private_kernel_rvti_ipsec_t *this)
{
	struct nlmsghdr *nlh;
	int err;

	this->req_lock->lock(this->req_lock);
	nlh = nl_req(this->req, RVTI_CMD_FLUSH_SAS, 0);
	err = krvti_talk(this, nlh, NULL, NULL, "flushing the SAs");
	this->req_lock->unlock(this->req_lock);
	this->lock->lock(this->lock);
	this->sas->destroy_function(this->sas, (void *)krvti_sa_destroy);
	this->sas = linked_list_create();
	this->lock->unlock(this->lock);
	return err ? FAILED : SUCCESS;
}

/* ------------------------------------------------------------------ */
/* Policies: no XFRM policy; remote selectors become prefixes; reqids
 * remembered for acquires */

/* 0.0.0.0/0 or ::/0, all protocols and ports */
static bool krvti_ts_is_any(traffic_selector_t *ts)
{
	host_t *net = NULL;
	uint8_t mask = 0;
	bool any;

	any = ts->to_subnet(ts, &net, &mask) && !mask &&
	      !ts->get_protocol(ts) && !ts->get_from_port(ts) &&
	      ts->get_to_port(ts) == 65535;
	DESTROY_IF(net);
	return any;
}

/* The device's prefix conflicts with another site: the kernel said so. */
static int krvti_overlap_cb(const struct nlmsghdr *nlh, void *arg)
{
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);

	if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(*g) &&
	    g->cmd == RVTI_CMD_NEW_PREFIX)
		*(bool *)arg = true;
	return 0;
}

static int krvti_prefix_cmd(private_kernel_rvti_ipsec_t *this, uint8_t cmd,
			    krvti_prefix_t *pf, bool *overlap)
{
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	int err;

	this->req_lock->lock(this->req_lock);
	nlh = nl_req(this->req, cmd, 0);
	mnl_attr_put_strz(nlh, RVTI_A_IFNAME, pf->ifname);
	nest = mnl_attr_nest_start(nlh, RVTI_A_PREFIX);
	mnl_attr_put(nlh, RVTI_PREFIX_A_ADDR, pf->len, pf->addr);
	mnl_attr_put_u8(nlh, RVTI_PREFIX_A_LEN, pf->cidr);
	mnl_attr_nest_end(nlh, nest);
	err = krvti_talk(this, nlh, krvti_overlap_cb, overlap,
			 cmd == RVTI_CMD_NEW_PREFIX ? "adding a prefix" :
						      "removing a prefix");
	this->req_lock->unlock(this->req_lock);
	return err;
}

/*
 * The remote traffic selector @ts of an outbound policy on @ifname, as one
 * of the device's prefixes: rvti then drops what the CHILD_SA does not
 * cover, both ways (its selector counters). Any-to-any needs no prefix.
 * lock held; the request runs under req_lock (lock order: lock, req_lock).
 */
static bool krvti_prefix_get(private_kernel_rvti_ipsec_t *this,
			     const char *ifname, traffic_selector_t *ts)
{
	krvti_prefix_t want = {}, *pf;
	enumerator_t *e;
	host_t *net = NULL;
	chunk_t a;
	bool overlap = false, exact;
	int err;

	if (krvti_ts_is_any(ts))
		return TRUE;
	exact = ts->to_subnet(ts, &net, &want.cidr);
	if (!net)
		return FALSE;
	a = net->get_address(net);
	want.len = a.len;
	memcpy(want.addr, a.ptr, min(a.len, sizeof(want.addr)));
	net->destroy(net);
	if (!exact) {
		DBG1(DBG_KNL, "kernel-rvti: traffic selector %R on %s is not "
		     "one address prefix: rvti's prefixes cannot express it; "
		     "use a CIDR prefix", ts, ifname);
		return FALSE;
	}
	if (ts->get_protocol(ts) || ts->get_from_port(ts) ||
	    ts->get_to_port(ts) != 65535)
		DBG1(DBG_KNL, "kernel-rvti: traffic selector %R on %s: rvti "
		     "enforces its addresses, not its protocol or ports", ts,
		     ifname);
	memcpy(want.ifname, ifname, IFNAMSIZ);

	e = this->prefixes->create_enumerator(this->prefixes);
	while (e->enumerate(e, &pf)) {
		if (!strcmp(pf->ifname, ifname) && pf->len == want.len &&
		    pf->cidr == want.cidr && !memcmp(pf->addr, want.addr, want.len)) {
			pf->refs++;
			e->destroy(e);
			return TRUE;
		}
	}
	e->destroy(e);

	err = krvti_prefix_cmd(this, RVTI_CMD_NEW_PREFIX, &want, &overlap);
	if (err == -EEXIST && !overlap) {
		want.owned = FALSE;	/* the operator's own prefix */
	} else if (err) {
		DBG1(DBG_KNL, "kernel-rvti: cannot make %R a prefix of %s%s", ts,
		     ifname, overlap ? ": it overlaps a prefix of a tunnel to "
		     "another site" : "");
		return FALSE;
	} else {
		want.owned = TRUE;
		DBG1(DBG_KNL, "kernel-rvti: %R is now a prefix of %s", ts, ifname);
	}
	want.refs = 1;
	pf = malloc(sizeof(*pf));
	memcpy(pf, &want, sizeof(*pf));
	this->prefixes->insert_last(this->prefixes, pf);
	return TRUE;
}

/* Undo krvti_prefix_get(). lock held. */
static void krvti_prefix_put(private_kernel_rvti_ipsec_t *this,
			     const char *ifname, traffic_selector_t *ts)
{
	uint8_t cidr = 0;
	host_t *net = NULL;
	krvti_prefix_t *pf;
	enumerator_t *e;
	bool overlap = false;
	chunk_t a;

	if (krvti_ts_is_any(ts))
		return;
	ts->to_subnet(ts, &net, &cidr);
	if (!net)
		return;
	a = net->get_address(net);
	e = this->prefixes->create_enumerator(this->prefixes);
	while (e->enumerate(e, &pf)) {
		if (strcmp(pf->ifname, ifname) || pf->len != a.len ||
		    pf->cidr != cidr || memcmp(pf->addr, a.ptr, a.len))
			continue;
		if (!--pf->refs) {
			this->prefixes->remove_at(this->prefixes, e);
			if (pf->owned &&
			    !krvti_prefix_cmd(this, RVTI_CMD_DEL_PREFIX, pf, &overlap))
				DBG1(DBG_KNL, "kernel-rvti: %R is no longer a "
				     "prefix of %s", ts, ifname);
			free(pf);
		}
		break;
	}
	e->destroy(e);
	net->destroy(net);
}

METHOD(kernel_ipsec_t, add_policy, status_t, private_kernel_rvti_ipsec_t *this,
       kernel_ipsec_policy_id_t *id, kernel_ipsec_manage_policy_t *data)
{
	enumerator_t *e;
	krvti_policy_t *p, *found = NULL;
	char ifname[IFNAMSIZ];

	if (!id->if_id || data->type != POLICY_IPSEC)
		return SUCCESS;		/* bypass / drop shunts: routes do it */
	if (!krvti_ifname(id->if_id, ifname, "accept a policy"))
		return FAILED;
	this->lock->lock(this->lock);
	/*
	 * The outbound policy's destination is the remote site: narrower
	 * than any-to-any, it becomes a prefix of the device (the inbound
	 * and forward policies name the same selector as their source).
	 */
	if (id->dir == POLICY_OUT &&
	    !krvti_prefix_get(this, ifname, id->dst_ts)) {
		this->lock->unlock(this->lock);
		return FAILED;
	}
	e = this->policies->create_enumerator(this->policies);
	while (e->enumerate(e, &p)) {
		if (p->if_id == id->if_id && p->reqid == data->sa->reqid) {
			found = p;
			break;
		}
	}
	e->destroy(e);
	if (found) {
		found->refs++;
	} else {
		INIT(p,
			.if_id = id->if_id,
			.reqid = data->sa->reqid,
			.refs = 1,
		);
		memcpy(p->ifname, ifname, sizeof(p->ifname));
		this->policies->insert_last(this->policies, p);
	}
	this->lock->unlock(this->lock);
	return SUCCESS;
}

METHOD(kernel_ipsec_t, del_policy, status_t, private_kernel_rvti_ipsec_t *this,
       kernel_ipsec_policy_id_t *id, kernel_ipsec_manage_policy_t *data)
{
	enumerator_t *e;
	krvti_policy_t *p;

	if (!id->if_id || data->type != POLICY_IPSEC)
		return SUCCESS;
	this->lock->lock(this->lock);
	e = this->policies->create_enumerator(this->policies);
	while (e->enumerate(e, &p)) {
		if (p->if_id == id->if_id && p->reqid == data->sa->reqid) {
			if (id->dir == POLICY_OUT)
				krvti_prefix_put(this, p->ifname, id->dst_ts);
			if (!--p->refs) {
				this->policies->remove_at(this->policies, e);
				free(p);
			}
			break;
		}
	}
	e->destroy(e);
	this->lock->unlock(this->lock);
	return SUCCESS;
}

METHOD(kernel_ipsec_t, flush_policies, status_t,
       private_kernel_rvti_ipsec_t *this)
{
	return SUCCESS;
}

METHOD(kernel_ipsec_t, bypass_socket, bool, private_kernel_rvti_ipsec_t *this,
       int fd, int family)
{
	/* rvti installs no XFRM policy that IKE traffic would need to bypass */
	return TRUE;
}

METHOD(kernel_ipsec_t, enable_udp_decap, bool,
       private_kernel_rvti_ipsec_t *this, int fd, int family, uint16_t port)
{
	int type = UDP_ENCAP_ESPINUDP;

	/*
	 * The kernel then takes the UDP header off the ESP arriving on this
	 * socket (port 4500) and hands it to the ESP handlers, rvti's first;
	 * IKE and keepalives stay the socket's.
	 */
	if (setsockopt(fd, SOL_UDP, UDP_ENCAP, &type, sizeof(type)) < 0) {
		DBG1(DBG_KNL, "kernel-rvti: unable to set UDP_ENCAP on port %u: "
		     "%s", port, strerror(errno));
		return FALSE;
	}
	return TRUE;
}

METHOD(kernel_ipsec_t, get_features, kernel_feature_t,
       private_kernel_rvti_ipsec_t *this)
{
	return KERNEL_NO_POLICY_UPDATES;
}

/* ------------------------------------------------------------------ */
/* Events: expiries, acquires and NAT mappings, relayed to charon */

/*
 * The SA an event names (its nest in @a, parsed), if this backend
 * installed it: its SPI (host order) and copies of its addresses. FALSE
 * for an SA keyed by hand or by another daemon, or a malformed event.
 */
static bool krvti_event_sa(private_kernel_rvti_ipsec_t *this,
			   const char *ifname, const struct nlattr *sa_nest,
			   const struct nlattr **a, uint32_t *spi, host_t **src,
			   host_t **dst)
{
	enumerator_t *e;
	krvti_sa_t *sa;
	uint8_t dir;

	*dst = NULL;
	if (!sa_nest || nl_parse_nested(sa_nest, a, RVTI_SA_A_MAX) ||
	    !a[RVTI_SA_A_SPI] || !a[RVTI_SA_A_DIR])
		return FALSE;
	*spi = mnl_attr_get_u32(a[RVTI_SA_A_SPI]);
	dir = mnl_attr_get_u8(a[RVTI_SA_A_DIR]);
	this->lock->lock(this->lock);
	e = this->sas->create_enumerator(this->sas);
	while (e->enumerate(e, &sa)) {
		if (sa->spi == *spi && sa->dir == dir &&
		    streq(sa->ifname, ifname)) {
			*src = sa->src->clone(sa->src);
			*dst = sa->dst->clone(sa->dst);
			break;
		}
	}
	e->destroy(e);
	this->lock->unlock(this->lock);
	return *dst != NULL;
}

static void krvti_expire(private_kernel_rvti_ipsec_t *this, const char *ifname,
			 const struct nlattr *sa_nest, bool hard)
{
	const struct nlattr *a[RVTI_SA_A_MAX + 1];
	host_t *src, *dst;
	uint32_t spi;

	if (!krvti_event_sa(this, ifname, sa_nest, a, &spi, &src, &dst))
		return;
	DBG1(DBG_KNL, "kernel-rvti: %s expiry of SA %.8x on %s",
	     hard ? "hard" : "soft", spi, ifname);
	charon->kernel->expire(charon->kernel, IPPROTO_ESP, htonl(spi), dst,
			       hard);
	src->destroy(src);
	dst->destroy(dst);
}

static void krvti_acquire(private_kernel_rvti_ipsec_t *this, const char *ifname)
{
	kernel_acquire_data_t data = {};
	enumerator_t *e;
	krvti_policy_t *p;
	uint32_t reqid = 0;

	this->lock->lock(this->lock);
	e = this->policies->create_enumerator(this->policies);
	while (e->enumerate(e, &p)) {
		if (streq(p->ifname, ifname)) {
			reqid = p->reqid;
			break;
		}
	}
	e->destroy(e);
	this->lock->unlock(this->lock);
	if (!reqid) {
		DBG2(DBG_KNL, "kernel-rvti: acquire on %s: no CHILD_SA is "
		     "configured for it", ifname);
		return;
	}
	/* charon's wildcard traps expect the packet's addresses: any */
	data.src = traffic_selector_create_from_cidr("0.0.0.0/0", 0, 0, 65535);
	data.dst = traffic_selector_create_from_cidr("0.0.0.0/0", 0, 0, 65535);
	DBG1(DBG_KNL, "kernel-rvti: acquire on %s for reqid %u", ifname, reqid);
	charon->kernel->acquire(charon->kernel, reqid, &data);
	DESTROY_IF(data.src);
	DESTROY_IF(data.dst);
}

/* The peer's NAT mapped it anew: charon updates the IKE_SA and its SAs. */
static void krvti_mapping(private_kernel_rvti_ipsec_t *this,
			  const char *ifname, const struct nlattr *sa_nest)
{
	const struct nlattr *a[RVTI_SA_A_MAX + 1];
	host_t *remote, *dst;
	uint32_t spi;

	if (!krvti_event_sa(this, ifname, sa_nest, a, &spi, &remote, &dst))
		return;
	if (a[RVTI_SA_A_ENCAP_SPORT] &&
	    mnl_attr_get_u8(a[RVTI_SA_A_DIR]) == RVTI_SA_DIR_IN) {
		remote->set_port(remote,
				 mnl_attr_get_u16(a[RVTI_SA_A_ENCAP_SPORT]));
		DBG1(DBG_KNL, "kernel-rvti: NAT mapping of SA %.8x on %s "
		     "changed to %#H", spi, ifname, remote);
		charon->kernel->mapping(charon->kernel, IPPROTO_ESP, htonl(spi),
					dst, remote);
	}
	remote->destroy(remote);
	dst->destroy(dst);
}

static int krvti_event_cb(const struct nlmsghdr *nlh, void *arg)
{
	private_kernel_rvti_ipsec_t *this = arg;
	const struct nlattr *tb[RVTI_A_MAX + 1];
	char ifname[IFNAMSIZ];

	if (nlh->nlmsg_type != this->events->family_id ||
	    nl_parse_attrs(nlh, tb, RVTI_A_MAX) || !tb[RVTI_A_EVENT] ||
	    !tb[RVTI_A_IFNAME])
		return MNL_CB_OK;
	snprintf(ifname, sizeof(ifname), "%s", mnl_attr_get_str(tb[RVTI_A_IFNAME]));
	switch (mnl_attr_get_u8(tb[RVTI_A_EVENT])) {
	case RVTI_EVENT_SA_SOFT_EXPIRE:
		krvti_expire(this, ifname, tb[RVTI_A_SA], FALSE);
		break;
	case RVTI_EVENT_SA_HARD_EXPIRE:
		krvti_expire(this, ifname, tb[RVTI_A_SA], TRUE);
		break;
	case RVTI_EVENT_ACQUIRE:
		krvti_acquire(this, ifname);
		break;
	case RVTI_EVENT_NEW_MAPPING:
		krvti_mapping(this, ifname, tb[RVTI_A_SA]);
		break;
	default:
		break;
	}
	return MNL_CB_OK;
}

/* Watcher callback: read what is there, never block. */
static bool krvti_events_ready(private_kernel_rvti_ipsec_t *this, int fd,
			       watcher_event_t event)
{
	ssize_t len;

	for (;;) {
		len = recv(fd, this->events->rbuf, sizeof(this->events->rbuf),
			   MSG_DONTWAIT);
		if (len < 0) {
			if (errno == ENOBUFS) {
				DBG1(DBG_KNL, "kernel-rvti: rvti events were lost "
				     "(socket buffer full)");
				continue;
			}
			if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINTR)
				DBG1(DBG_KNL, "kernel-rvti: reading rvti events "
				     "failed: %s", strerror(errno));
			return TRUE;
		}
		mnl_cb_run(this->events->rbuf, len, 0, 0, krvti_event_cb, this);
	}
}

METHOD(kernel_ipsec_t, destroy, void, private_kernel_rvti_ipsec_t *this)
{
	if (this->events) {
		lib->watcher->remove(lib->watcher,
				     mnl_socket_get_fd(this->events->sock));
		nl_close(this->events);
	}
	if (this->req)
		nl_close(this->req);
	this->sas->destroy_function(this->sas, (void *)krvti_sa_destroy);
	this->policies->destroy_function(this->policies, free);
	this->prefixes->destroy_function(this->prefixes, free);
	this->lock->destroy(this->lock);
	this->req_lock->destroy(this->req_lock);
	free(this);
}

kernel_ipsec_t *kernel_rvti_ipsec_create(void)
{
	private_kernel_rvti_ipsec_t *this;
	uint32_t group;
	int err;

	INIT(this,
		.public = {
			.get_features = _get_features,
			.get_spi = _get_spi,
			.get_cpi = _get_cpi,
			.add_sa = _add_sa,
			.update_sa = _update_sa,
			.query_sa = _query_sa,
			.del_sa = _del_sa,
			.flush_sas = _flush_sas,
			.add_policy = _add_policy,
			.query_policy = _query_policy,
			.del_policy = _del_policy,
			.flush_policies = _flush_policies,
			.bypass_socket = _bypass_socket,
			.enable_udp_decap = _enable_udp_decap,
			.destroy = _destroy,
		},
		.req_lock = mutex_create(MUTEX_TYPE_DEFAULT),
		.lock = mutex_create(MUTEX_TYPE_DEFAULT),
		.sas = linked_list_create(),
		.policies = linked_list_create(),
		.prefixes = linked_list_create(),
	);
	/* charon's own SPI range settings, as kernel-netlink reads them */
	this->spi_min = lib->settings->get_int(lib->settings, "%s.spi_min",
					       KERNEL_SPI_MIN, lib->ns);
	this->spi_max = lib->settings->get_int(lib->settings, "%s.spi_max",
					       KERNEL_SPI_MAX, lib->ns);
	if (this->spi_min > this->spi_max) {
		uint32_t t = this->spi_min;

		this->spi_min = this->spi_max;
		this->spi_max = t;
	}
	/* rvti reserves SPIs 1-255 (RFC 4303) */
	this->spi_min = max(this->spi_min, 256U);

	err = nl_open(&this->req, RVTI_GENL_NAME, RVTI_GENL_VERSION);
	if (err) {
		DBG1(DBG_KNL, "kernel-rvti: cannot use the rvti netlink family: "
		     "%s", err == -ENOENT ? "the rvti module is not loaded" :
		     strerror(-err));
		goto fail;
	}
	this->req->err = NULL;
	err = nl_open(&this->events, RVTI_GENL_NAME, RVTI_GENL_VERSION);
	if (!err) {
		this->events->err = NULL;
		err = nl_mcast_group_id(this->events, RVTI_MCGRP_EVENTS, &group);
	}
	if (!err)
		err = nl_join_group(this->events, group);
	if (err) {
		DBG1(DBG_KNL, "kernel-rvti: cannot listen to rvti's events "
		     "(group \"%s\"): %s", RVTI_MCGRP_EVENTS, strerror(-err));
		goto fail;
	}
	lib->watcher->add(lib->watcher, mnl_socket_get_fd(this->events->sock),
			  WATCHER_READ, (watcher_cb_t)krvti_events_ready, this);
	return &this->public;
fail:
	destroy(this);
	return NULL;
}
