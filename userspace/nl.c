// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink plumbing for rvti; see nl.h.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "nl.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct nlmsghdr *nl_put_genl_hdr(void *buf, uint16_t type, uint8_t cmd,
				 uint8_t version, uint16_t flags,
				 uint32_t seq)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *genl;

	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = seq;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = version;
	return nlh;
}

struct attr_tb {
	const struct nlattr **tb;
	unsigned int max;
};

static int attr_tb_cb(const struct nlattr *attr, void *data)
{
	struct attr_tb *t = data;
	uint16_t type = mnl_attr_get_type(attr);

	/* Newer kernels may send attributes we do not know: skip them. */
	if (type <= t->max)
		t->tb[type] = attr;
	return MNL_CB_OK;
}

static int parse_attrs_at(const struct nlmsghdr *nlh, size_t offset,
			  const struct nlattr **tb, unsigned int max)
{
	struct attr_tb t = { .tb = tb, .max = max };

	memset(tb, 0, (max + 1) * sizeof(*tb));
	if (mnl_nlmsg_get_payload_len(nlh) < MNL_ALIGN(offset))
		return -EBADMSG;
	if (mnl_attr_parse(nlh, offset, attr_tb_cb, &t) != MNL_CB_OK)
		return -EBADMSG;
	return 0;
}

int nl_parse_attrs(const struct nlmsghdr *nlh, const struct nlattr **tb,
		   unsigned int max)
{
	return parse_attrs_at(nlh, sizeof(struct genlmsghdr), tb, max);
}

int nl_parse_nested(const struct nlattr *nest, const struct nlattr **tb,
		    unsigned int max)
{
	struct attr_tb t = { .tb = tb, .max = max };

	memset(tb, 0, (max + 1) * sizeof(*tb));
	if (mnl_attr_validate(nest, MNL_TYPE_NESTED) < 0)
		return -EBADMSG;
	if (mnl_attr_parse_nested(nest, attr_tb_cb, &t) != MNL_CB_OK)
		return -EBADMSG;
	return 0;
}

static void parse_ext_ack(const struct nlmsghdr *nlh, size_t offset,
			  struct nl_err_info *info)
{
	const struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (parse_attrs_at(nlh, offset, tb, NLMSGERR_ATTR_MAX))
		return;
	if (tb[NLMSGERR_ATTR_MSG] &&
	    mnl_attr_validate(tb[NLMSGERR_ATTR_MSG], MNL_TYPE_NUL_STRING) >= 0)
		info->msg = mnl_attr_get_str(tb[NLMSGERR_ATTR_MSG]);
}

int nl_parse_err(const struct nlmsghdr *nlh, struct nl_err_info *info)
{
	size_t plen = mnl_nlmsg_get_payload_len(nlh);
	const struct nlmsgerr *err;
	size_t offset;
	int error;

	memset(info, 0, sizeof(*info));
	if (nlh->nlmsg_type == NLMSG_DONE) {
		/* Old kernels send no payload; newer ones an int and TLVs. */
		if (plen < sizeof(int))
			return 0;
		memcpy(&error, mnl_nlmsg_get_payload(nlh), sizeof(error));
		info->error = error < 0 ? -error : 0;
		parse_ext_ack(nlh, sizeof(int), info);
		return 0;
	}

	if (nlh->nlmsg_type != NLMSG_ERROR || plen < sizeof(*err))
		return -EBADMSG;
	err = mnl_nlmsg_get_payload(nlh);
	info->error = err->error < 0 ? -err->error : 0;
	/* The request comes back whole unless the kernel capped it. */
	offset = sizeof(*err);
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
		if (err->msg.nlmsg_len < sizeof(err->msg) ||
		    plen - sizeof(*err) < err->msg.nlmsg_len - sizeof(err->msg))
			return 0;
		offset += err->msg.nlmsg_len - sizeof(err->msg);
	}
	parse_ext_ack(nlh, offset, info);
	return 0;
}

static int family_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	uint16_t type = mnl_attr_get_type(attr);

	if (type == CTRL_ATTR_FAMILY_ID || type == CTRL_ATTR_VERSION)
		tb[type] = attr;
	return MNL_CB_OK;
}

int nl_parse_family(const struct nlmsghdr *nlh, uint16_t *id,
		    uint32_t *version)
{
	const struct nlattr *tb[CTRL_ATTR_MAX + 1] = { NULL };

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(struct genlmsghdr))
		return -EBADMSG;
	if (mnl_attr_parse(nlh, sizeof(struct genlmsghdr), family_attr_cb,
			   tb) != MNL_CB_OK)
		return -EBADMSG;
	if (!tb[CTRL_ATTR_FAMILY_ID] ||
	    mnl_attr_validate(tb[CTRL_ATTR_FAMILY_ID], MNL_TYPE_U16) < 0)
		return -EBADMSG;
	*id = mnl_attr_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
	*version = 0;
	if (tb[CTRL_ATTR_VERSION] &&
	    mnl_attr_validate(tb[CTRL_ATTR_VERSION], MNL_TYPE_U32) >= 0)
		*version = mnl_attr_get_u32(tb[CTRL_ATTR_VERSION]);
	return *id ? 0 : -EBADMSG;
}

static int mcast_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	uint16_t type = mnl_attr_get_type(attr);

	if (type == CTRL_ATTR_MCAST_GRP_NAME || type == CTRL_ATTR_MCAST_GRP_ID)
		tb[type] = attr;
	return MNL_CB_OK;
}

static int groups_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;

	if (mnl_attr_get_type(attr) == CTRL_ATTR_MCAST_GROUPS)
		*tb = attr;
	return MNL_CB_OK;
}

int nl_parse_mcast_groups(const struct nlmsghdr *nlh,
			  struct nl_mcast_group *groups, unsigned int max,
			  unsigned int *n)
{
	const struct nlattr *list = NULL, *grp;
	const struct nlattr *tb[CTRL_ATTR_MCAST_GRP_MAX + 1];
	const char *name;

	*n = 0;
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(struct genlmsghdr) ||
	    mnl_attr_parse(nlh, sizeof(struct genlmsghdr), groups_attr_cb,
			   &list) != MNL_CB_OK)
		return -EBADMSG;
	if (!list)
		return 0;
	if (mnl_attr_validate(list, MNL_TYPE_NESTED) < 0)
		return -EBADMSG;
	/* A nest per group, of type its index from 1. */
	mnl_attr_for_each_nested(grp, list) {
		memset(tb, 0, sizeof(tb));
		if (*n == max)
			break;
		if (mnl_attr_validate(grp, MNL_TYPE_NESTED) < 0 ||
		    mnl_attr_parse_nested(grp, mcast_attr_cb, tb) != MNL_CB_OK)
			return -EBADMSG;
		if (!tb[CTRL_ATTR_MCAST_GRP_NAME] || !tb[CTRL_ATTR_MCAST_GRP_ID] ||
		    mnl_attr_validate(tb[CTRL_ATTR_MCAST_GRP_NAME],
				      MNL_TYPE_NUL_STRING) < 0 ||
		    mnl_attr_validate(tb[CTRL_ATTR_MCAST_GRP_ID],
				      MNL_TYPE_U32) < 0)
			continue;
		name = mnl_attr_get_str(tb[CTRL_ATTR_MCAST_GRP_NAME]);
		if (strlen(name) >= sizeof(groups[*n].name))
			continue;
		strcpy(groups[*n].name, name);
		groups[*n].id = mnl_attr_get_u32(tb[CTRL_ATTR_MCAST_GRP_ID]);
		(*n)++;
	}
	return 0;
}

int nl_mcast_group_id(const struct nl_ctx *nl, const char *name,
		      uint32_t *id)
{
	unsigned int i;

	for (i = 0; i < nl->ngroups; i++) {
		if (!strcmp(nl->groups[i].name, name)) {
			*id = nl->groups[i].id;
			return 0;
		}
	}
	return -ENOENT;
}

/* State of one request while its reply is read. */
struct talk {
	struct nl_ctx *nl;
	uint16_t type;		/* nlmsg_type of data messages */
	nl_msg_cb cb;
	void *arg;
	int err;		/* first error, negative errno */
};

static int talk_data_cb(const struct nlmsghdr *nlh, void *data)
{
	struct talk *t = data;
	int err;

	if (nlh->nlmsg_type != t->type || !t->cb || t->err)
		return MNL_CB_OK;
	err = t->cb(nlh, t->arg);
	if (err < 0)
		t->err = err;	/* keep reading to drain the reply */
	return MNL_CB_OK;
}

static int talk_ctl_cb(const struct nlmsghdr *nlh, void *data)
{
	struct talk *t = data;
	struct nl_err_info info;

	if (nl_parse_err(nlh, &info)) {
		if (!t->err)
			t->err = -EBADMSG;
		return MNL_CB_STOP;
	}
	if (!info.error) {
		if (info.msg && *info.msg && t->nl->err)
			fprintf(t->nl->err, "rvti: Warning: %s\n", info.msg);
		return MNL_CB_STOP;
	}
	/* A kernel error overrides one of our callbacks. */
	t->err = -info.error;
	t->nl->kernel_err = true;
	snprintf(t->nl->ext_msg, sizeof(t->nl->ext_msg), "%s",
		 info.msg ? info.msg : "");
	return MNL_CB_STOP;
}

static ssize_t nl_send(struct nl_ctx *nl, const void *buf, size_t len)
{
	if (nl->tr)
		return nl->tr->send(nl->tr_priv, buf, len);
	return mnl_socket_sendto(nl->sock, buf, len);
}

static ssize_t nl_recv(struct nl_ctx *nl, void *buf, size_t len)
{
	if (nl->tr)
		return nl->tr->recv(nl->tr_priv, buf, len);
	return mnl_socket_recvfrom(nl->sock, buf, len);
}

int nl_talk(struct nl_ctx *nl, struct nlmsghdr *nlh, nl_msg_cb cb, void *arg)
{
	mnl_cb_t ctl[NLMSG_MIN_TYPE] = {
		[NLMSG_ERROR] = talk_ctl_cb,
		[NLMSG_DONE] = talk_ctl_cb,
	};
	struct talk t = {
		.nl = nl,
		.type = nlh->nlmsg_type,
		.cb = cb,
		.arg = arg,
	};
	ssize_t n;
	int ret;

	nl->kernel_err = false;
	nl->ext_msg[0] = '\0';
	nlh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;

	if (nl_send(nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;

	for (;;) {
		n = nl_recv(nl, nl->rbuf, sizeof(nl->rbuf));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		ret = mnl_cb_run2(nl->rbuf, (size_t)n, nlh->nlmsg_seq,
				  nl->portid, talk_data_cb, &t, ctl,
				  ARRAY_SIZE(ctl));
		if (ret < 0) {
			/* libmnl says EINTR when a dump was interrupted. */
			return errno == EINTR ? -EAGAIN : -errno;
		}
		if (ret == MNL_CB_STOP)
			return t.err;
	}
}

int nl_join_group(struct nl_ctx *nl, uint32_t group)
{
	if (nl->tr)
		return nl->tr->join ? nl->tr->join(nl->tr_priv, group) :
				      -EOPNOTSUPP;
	if (mnl_socket_setsockopt(nl->sock, NETLINK_ADD_MEMBERSHIP, &group,
				  sizeof(group)) < 0)
		return -errno;
	return 0;
}

struct listen {
	uint16_t type;
	nl_msg_cb cb;
	void *arg;
	int err;
};

static int listen_cb(const struct nlmsghdr *nlh, void *data)
{
	struct listen *l = data;

	if (nlh->nlmsg_type != l->type)
		return MNL_CB_OK;
	l->err = l->cb(nlh, l->arg);
	return l->err < 0 ? MNL_CB_ERROR : MNL_CB_OK;
}

/*
 * Wait until the socket has something to read or a signal of @waitmask
 * comes (then -EINTR). With a transport, recv() itself waits.
 */
static int listen_wait(struct nl_ctx *nl, const sigset_t *waitmask)
{
	struct pollfd pfd;

	if (nl->tr || !waitmask)
		return 0;
	pfd.fd = mnl_socket_get_fd(nl->sock);
	pfd.events = POLLIN;
	if (ppoll(&pfd, 1, NULL, waitmask) < 0)
		return -errno;
	return 0;
}

int nl_listen(struct nl_ctx *nl, nl_msg_cb cb, void *arg,
	      volatile sig_atomic_t *stop, const sigset_t *waitmask)
{
	struct listen l = { .type = nl->family_id, .cb = cb, .arg = arg };
	ssize_t n;
	int ret;

	while (!*stop) {
		ret = listen_wait(nl, waitmask);
		if (ret == -EINTR)
			continue;
		if (ret)
			return ret;
		n = nl_recv(nl, nl->rbuf, sizeof(nl->rbuf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == ENOBUFS) {
			if (nl->err)
				fprintf(nl->err,
					"rvti: Warning: events were lost (the socket's receive buffer overflowed)\n");
			continue;
		}
		if (n < 0)
			return -errno;
		/* Multicast messages have sequence number and port id 0. */
		ret = mnl_cb_run(nl->rbuf, (size_t)n, 0, 0, listen_cb, &l);
		if (ret < 0)
			return l.err < 0 ? l.err : -errno;
	}
	return 0;
}

void nl_perror(const struct nl_ctx *nl, int err, FILE *fp)
{
	if (err < 0)
		err = -err;
	if (nl && nl->kernel_err && nl->ext_msg[0])
		fprintf(fp, "rvti: Error: %s (%s)\n", nl->ext_msg,
			strerror(err));
	else
		fprintf(fp, "rvti: Error: %s\n", strerror(err));
}

struct nlmsghdr *nl_req(struct nl_ctx *nl, uint8_t cmd, uint16_t flags)
{
	return nl_put_genl_hdr(nl->sbuf, nl->family_id, cmd, nl->version,
			       NLM_F_REQUEST | NLM_F_ACK | flags, ++nl->seq);
}

static int family_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct nl_ctx *nl = arg;
	int err;

	err = nl_parse_family(nlh, &nl->family_id, &nl->family_version);
	if (!err)
		err = nl_parse_mcast_groups(nlh, nl->groups,
					    NL_MCAST_GROUPS_MAX, &nl->ngroups);
	return err;
}

static int resolve_family(struct nl_ctx *nl, const char *family)
{
	struct nlmsghdr *nlh;
	int err;

	if (strlen(family) >= GENL_NAMSIZ)
		return -ENAMETOOLONG;
	nlh = nl_put_genl_hdr(nl->sbuf, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1,
			      NLM_F_REQUEST | NLM_F_ACK, ++nl->seq);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, family);
	err = nl_talk(nl, nlh, family_cb, nl);
	if (err)
		return err;
	return nl->family_id ? 0 : -EBADMSG;
}

int nl_open(struct nl_ctx **nlp, const char *family, uint8_t version)
{
	struct nl_ctx *nl;
	int one = 1, err;

	*nlp = NULL;
	nl = calloc(1, sizeof(*nl));
	if (!nl)
		return -ENOMEM;
	nl->version = version;
	nl->err = stderr;
	nl->seq = (uint32_t)time(NULL);

	nl->sock = mnl_socket_open(NETLINK_GENERIC);
	if (!nl->sock) {
		err = -errno;
		goto fail;
	}
	/* Ask for extack messages; kernels before 4.12 lack them. */
	if (mnl_socket_setsockopt(nl->sock, NETLINK_EXT_ACK, &one,
				  sizeof(one)) < 0 && errno != ENOPROTOOPT) {
		err = -errno;
		goto fail;
	}
	/* Errors need not echo our request back; optional as well. */
	mnl_socket_setsockopt(nl->sock, NETLINK_CAP_ACK, &one, sizeof(one));
	if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		err = -errno;
		goto fail;
	}
	nl->portid = mnl_socket_get_portid(nl->sock);

	err = resolve_family(nl, family);
	if (err)
		goto fail;
	*nlp = nl;
	return 0;
fail:
	nl_close(nl);
	return err;
}

void nl_close(struct nl_ctx *nl)
{
	if (!nl)
		return;
	if (nl->sock)
		mnl_socket_close(nl->sock);
	/* Requests may have carried key material. */
	explicit_bzero(nl->sbuf, sizeof(nl->sbuf));
	free(nl);
}
