// SPDX-License-Identifier: GPL-2.0
/*
 * The routes of rvti's prefixes, over rtnetlink; see route.h.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/rtnetlink.h>
#include <linux/rvti.h>

#include "nl.h"
#include "route.h"

static bool same_prefix(const struct rvti_prefix_info *a,
			const struct rvti_prefix_info *b)
{
	return a->family == b->family && a->len == b->len &&
	       !memcmp(a->bytes, b->bytes, a->family == AF_INET ? 4 : 16);
}

unsigned int route_plan(const struct prefix_list *l,
			bool (*is_up)(const char *ifname),
			struct route_want *want, unsigned int max)
{
	unsigned int i, j, n = 0;

	for (i = 0; i < l->n; i++) {
		const struct rvti_prefix_info *p = &l->v[i];

		if (!(p->flags & RVTI_PREFIX_F_ROUTE) || !is_up(p->ifname))
			continue;
		for (j = 0; j < n; j++)
			if (same_prefix(&want[j].prefix, p))
				break;
		if (j == n) {
			if (n == max)
				continue;
			memset(&want[n], 0, sizeof(want[n]));
			want[n].prefix = *p;
			want[n].prefix.flags = 0;
			n++;
		}
		if (want[j].noifs < sizeof(want[j].oifs) / sizeof(want[j].oifs[0]))
			want[j].oifs[want[j].noifs++] = p->ifindex;
	}
	return n;
}

static bool dev_is_up(const char *ifname)
{
	struct ifreq ifr;
	bool up = false;
	int fd;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return false;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (!ioctl(fd, SIOCGIFFLAGS, &ifr))
		up = ifr.ifr_flags & IFF_UP;
	close(fd);
	return up;
}

struct rtnl {
	struct mnl_socket *sock;
	uint32_t portid, seq;
	char buf[65536] __attribute__((aligned(8)));
	char msg[NL_EXT_MSG_MAX];
	/* Routes of protocol RVTI_RTPROT found by the dump. */
	struct prefix_list have;
};

static int rtnl_open(struct rtnl *r)
{
	int one = 1;

	r->sock = mnl_socket_open(NETLINK_ROUTE);
	if (!r->sock)
		return -errno;
	mnl_socket_setsockopt(r->sock, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(r->sock, NETLINK_CAP_ACK, &one, sizeof(one));
	if (mnl_socket_bind(r->sock, 0, MNL_SOCKET_AUTOPID) < 0)
		return -errno;
	r->portid = mnl_socket_get_portid(r->sock);
	r->seq = (uint32_t)time(NULL);
	return 0;
}

static int route_have_cb(const struct nlmsghdr *nlh, void *arg)
{
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	struct rtnl *r = arg;
	struct rvti_prefix_info p;
	const struct nlattr *a;
	struct rvti_prefix_info *v;

	if (nlh->nlmsg_type != RTM_NEWROUTE ||
	    rtm->rtm_protocol != RVTI_RTPROT || rtm->rtm_table != RT_TABLE_MAIN)
		return MNL_CB_OK;
	memset(&p, 0, sizeof(p));
	p.family = rtm->rtm_family;
	p.len = rtm->rtm_dst_len;
	mnl_attr_for_each(a, nlh, sizeof(*rtm)) {
		if (mnl_attr_get_type(a) == RTA_DST &&
		    mnl_attr_get_payload_len(a) <= sizeof(p.bytes))
			memcpy(p.bytes, mnl_attr_get_payload(a),
			       mnl_attr_get_payload_len(a));
	}
	if (r->have.n == r->have.cap) {
		v = realloc(r->have.v, (r->have.cap * 2 + 16) * sizeof(*v));
		if (!v)
			return MNL_CB_ERROR;
		r->have.v = v;
		r->have.cap = r->have.cap * 2 + 16;
	}
	r->have.v[r->have.n++] = p;
	return MNL_CB_OK;
}

static int rtnl_err_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct rtnl *r = arg;
	struct nl_err_info info;

	if (nl_parse_err(nlh, &info))
		return MNL_CB_ERROR;
	snprintf(r->msg, sizeof(r->msg), "%s", info.msg ? info.msg : "");
	if (info.error) {
		errno = info.error;
		return MNL_CB_ERROR;
	}
	return MNL_CB_STOP;
}

/* Send @nlh and read until its ack or the end of its dump. */
static int rtnl_talk(struct rtnl *r, struct nlmsghdr *nlh, mnl_cb_t cb)
{
	mnl_cb_t ctl[NLMSG_MIN_TYPE] = {
		[NLMSG_ERROR] = rtnl_err_cb,
		[NLMSG_DONE] = rtnl_err_cb,
	};
	ssize_t n;
	int ret;

	r->msg[0] = '\0';
	nlh->nlmsg_seq = ++r->seq;
	if (mnl_socket_sendto(r->sock, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	do {
		n = mnl_socket_recvfrom(r->sock, r->buf, sizeof(r->buf));
		if (n < 0)
			return -errno;
		ret = mnl_cb_run2(r->buf, (size_t)n, nlh->nlmsg_seq, r->portid,
				  cb, r, ctl, NLMSG_MIN_TYPE);
	} while (ret > MNL_CB_STOP);
	return ret < 0 ? -errno : 0;
}

static struct nlmsghdr *route_msg(char *buf, uint16_t type, uint16_t flags,
				  const struct rvti_prefix_info *p)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtmsg *rtm;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = p->family;
	rtm->rtm_dst_len = p->len;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RVTI_RTPROT;
	rtm->rtm_scope = p->family == AF_INET ? RT_SCOPE_LINK :
			 RT_SCOPE_UNIVERSE;
	rtm->rtm_type = RTN_UNICAST;
	if (p->len)
		mnl_attr_put(nlh, RTA_DST, p->family == AF_INET ? 4 : 16,
			     p->bytes);
	return nlh;
}

/*
 * IPv6 takes no device-only nexthops in a multipath route: each goes to
 * fe80::1 on its tunnel, which, having no link layer, sends there
 * directly.
 */
static void route_put_nexthops(struct nlmsghdr *nlh,
			       const struct route_want *w)
{
	static const uint8_t ll_gw[16] = { 0xfe, 0x80, [15] = 1 };
	struct rtnexthop *rtnh;
	struct nlattr *nest;
	unsigned int i;

	if (w->noifs == 1) {
		mnl_attr_put_u32(nlh, RTA_OIF, w->oifs[0]);
		return;
	}
	nest = mnl_attr_nest_start(nlh, RTA_MULTIPATH);
	for (i = 0; i < w->noifs; i++) {
		rtnh = mnl_nlmsg_get_payload_tail(nlh);
		memset(rtnh, 0, sizeof(*rtnh));
		rtnh->rtnh_ifindex = (int)w->oifs[i];
		nlh->nlmsg_len += MNL_ALIGN(sizeof(*rtnh));
		if (w->prefix.family == AF_INET6)
			mnl_attr_put(nlh, RTA_GATEWAY, sizeof(ll_gw), ll_gw);
		rtnh->rtnh_len = (char *)mnl_nlmsg_get_payload_tail(nlh) -
				 (char *)rtnh;
	}
	mnl_attr_nest_end(nlh, nest);
}

static void route_perror(struct rvti_ctx *ctx, struct rtnl *r,
			 const char *what, const struct rvti_prefix_info *p,
			 int err)
{
	char buf[PREFIX_STRLEN];

	fprintf(ctx->err, "rvti: Error: %s route %s: %s%s%s\n", what,
		prefix_str(p, buf, sizeof(buf)), r->msg, r->msg[0] ? ": " : "",
		strerror(-err));
}

static int route_apply(struct rvti_ctx *ctx, struct rtnl *r,
		       const struct route_want *want, unsigned int nwant)
{
	char req[4096] __attribute__((aligned(8)));
	static const int families[] = { AF_INET, AF_INET6 };
	struct nlmsghdr *nlh;
	unsigned int i, j;
	int ret, status = RVTI_EXIT_OK;

	for (i = 0; i < 2; i++) {
		struct rvti_prefix_info any = { .family = families[i] };

		nlh = route_msg(req, RTM_GETROUTE, NLM_F_DUMP, &any);
		/* A dump request carries the rtmsg only. */
		nlh->nlmsg_len = MNL_ALIGN(sizeof(*nlh)) +
				 MNL_ALIGN(sizeof(struct rtmsg));
		ret = rtnl_talk(r, nlh, route_have_cb);
		if (ret) {
			fprintf(ctx->err, "rvti: Error: listing routes: %s\n",
				strerror(-ret));
			return RVTI_EXIT_ERROR;
		}
	}
	for (i = 0; i < r->have.n; i++) {
		for (j = 0; j < nwant; j++)
			if (same_prefix(&r->have.v[i], &want[j].prefix))
				break;
		if (j < nwant)
			continue;
		nlh = route_msg(req, RTM_DELROUTE, 0, &r->have.v[i]);
		ret = rtnl_talk(r, nlh, NULL);
		/* Gone already (its last device went down) is fine. */
		if (ret && ret != -ESRCH) {
			route_perror(ctx, r, "removing", &r->have.v[i], ret);
			status = RVTI_EXIT_ERROR;
		}
	}
	for (j = 0; j < nwant; j++) {
		nlh = route_msg(req, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE,
				&want[j].prefix);
		route_put_nexthops(nlh, &want[j]);
		ret = rtnl_talk(r, nlh, NULL);
		if (ret) {
			route_perror(ctx, r, "installing", &want[j].prefix, ret);
			status = RVTI_EXIT_ERROR;
		}
	}
	return status;
}

int route_sync(struct rvti_ctx *ctx)
{
	struct prefix_list l = { 0 };
	struct route_want *want;
	struct rtnl *r;
	unsigned int n;
	int ret;

	if (prefix_dump(ctx, NULL, &l))
		return RVTI_EXIT_ERROR;
	want = calloc(l.n + 1, sizeof(*want));
	r = calloc(1, sizeof(*r));
	if (!want || !r) {
		fprintf(ctx->err, "rvti: out of memory\n");
		ret = RVTI_EXIT_ERROR;
		goto out;
	}
	n = route_plan(&l, dev_is_up, want, l.n);
	ret = rtnl_open(r);
	if (ret) {
		fprintf(ctx->err, "rvti: Error: rtnetlink: %s\n",
			strerror(-ret));
		ret = RVTI_EXIT_ERROR;
		goto out;
	}
	ret = route_apply(ctx, r, want, n);
out:
	if (r && r->sock)
		mnl_socket_close(r->sock);
	if (r)
		prefix_list_free(&r->have);
	free(r);
	free(want);
	prefix_list_free(&l);
	return ret;
}

static int route_do_sync(struct rvti_ctx *ctx, int argc, char **argv)
{
	if (argc == 1 && !strcmp(argv[0], "help"))
		return rvti_help(ctx);
	if (argc)
		return rvti_usage_error(ctx, "unknown argument \"%s\"", argv[0]);
	return route_sync(ctx);
}

const struct rvti_command route_cmds[] = {
	{
		.name = "sync",
		.fn = route_do_sync,
		.help = "",
		.notes = "Install, change or remove rvti's routes (protocol 86)\n"
			 "after tunnels were added, deleted, or set up or down.",
	},
	{ 0 }
};
