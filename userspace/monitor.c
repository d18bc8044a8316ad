// SPDX-License-Identifier: GPL-2.0
/*
 * rvti monitor; see monitor.h.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include <json-c/json.h>
#include <linux/rvti.h>

#include "monitor.h"
#include "output.h"
#include "parse.h"
#include "sa.h"
#include "tunnel.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

volatile sig_atomic_t monitor_stop;

static const char *const event_names[] = {
	[RVTI_EVENT_TUNNEL_NEW] = "tunnel-new",
	[RVTI_EVENT_TUNNEL_CHANGE] = "tunnel-change",
	[RVTI_EVENT_TUNNEL_DEL] = "tunnel-del",
	[RVTI_EVENT_SA_NEW] = "sa-new",
	[RVTI_EVENT_SA_DEL] = "sa-del",
	[RVTI_EVENT_SA_SOFT_EXPIRE] = "sa-soft-expire",
	[RVTI_EVENT_SA_HARD_EXPIRE] = "sa-hard-expire",
	[RVTI_EVENT_ACQUIRE] = "acquire",
	[RVTI_EVENT_NEW_MAPPING] = "new-mapping",
};

const char *event_str(uint8_t event)
{
	return event < ARRAY_SIZE(event_names) ? event_names[event] : NULL;
}

static int bad(const char **why, const char *reason)
{
	if (why)
		*why = reason;
	return -EBADMSG;
}

static int event_sa(const struct nlattr *nest, struct rvti_event_info *ev,
		    const char **why)
{
	const struct nlattr *tb[RVTI_SA_A_MAX + 1];

	if (nl_parse_nested(nest, tb, RVTI_SA_A_MAX))
		return bad(why, "RVTI_A_SA is not a valid nest");
	if (!tb[RVTI_SA_A_DIR] ||
	    mnl_attr_validate(tb[RVTI_SA_A_DIR], MNL_TYPE_U8) < 0)
		return bad(why, "SA without a valid RVTI_SA_A_DIR");
	if (!tb[RVTI_SA_A_SPI] ||
	    mnl_attr_validate(tb[RVTI_SA_A_SPI], MNL_TYPE_U32) < 0)
		return bad(why, "SA without a valid RVTI_SA_A_SPI");
	ev->dir = mnl_attr_get_u8(tb[RVTI_SA_A_DIR]);
	ev->spi = mnl_attr_get_u32(tb[RVTI_SA_A_SPI]);
	ev->has_sa = true;
	if (tb[RVTI_SA_A_LIMIT]) {
		if (mnl_attr_validate(tb[RVTI_SA_A_LIMIT], MNL_TYPE_U8) < 0)
			return bad(why, "RVTI_SA_A_LIMIT is not a u8");
		ev->limit = mnl_attr_get_u8(tb[RVTI_SA_A_LIMIT]);
		ev->has_limit = true;
	}
	if (tb[RVTI_SA_A_ENCAP_SPORT] && tb[RVTI_SA_A_ENCAP_DPORT]) {
		if (mnl_attr_validate(tb[RVTI_SA_A_ENCAP_SPORT], MNL_TYPE_U16) < 0 ||
		    mnl_attr_validate(tb[RVTI_SA_A_ENCAP_DPORT], MNL_TYPE_U16) < 0)
			return bad(why, "an SA's port is not a u16");
		ev->sport = mnl_attr_get_u16(tb[RVTI_SA_A_ENCAP_SPORT]);
		ev->dport = mnl_attr_get_u16(tb[RVTI_SA_A_ENCAP_DPORT]);
		ev->has_ports = true;
	}
	return 0;
}

int event_from_msg(const struct nlmsghdr *nlh, struct rvti_event_info *ev,
		   const char **why)
{
	const struct nlattr *tb[RVTI_A_MAX + 1];
	const char *name;

	memset(ev, 0, sizeof(*ev));
	if (nl_parse_attrs(nlh, tb, RVTI_A_MAX))
		return bad(why, "truncated message");
	if (!tb[RVTI_A_EVENT] ||
	    mnl_attr_validate(tb[RVTI_A_EVENT], MNL_TYPE_U8) < 0)
		return bad(why, "no valid RVTI_A_EVENT");
	ev->event = mnl_attr_get_u8(tb[RVTI_A_EVENT]);
	if (tb[RVTI_A_IFNAME]) {
		if (mnl_attr_validate(tb[RVTI_A_IFNAME], MNL_TYPE_NUL_STRING) < 0)
			return bad(why, "RVTI_A_IFNAME is not a string");
		name = mnl_attr_get_str(tb[RVTI_A_IFNAME]);
		if (strlen(name) >= sizeof(ev->ifname))
			return bad(why, "RVTI_A_IFNAME is too long");
		strcpy(ev->ifname, name);
	}
	if (tb[RVTI_A_IFINDEX]) {
		if (mnl_attr_validate(tb[RVTI_A_IFINDEX], MNL_TYPE_U32) < 0)
			return bad(why, "RVTI_A_IFINDEX is not a u32");
		ev->ifindex = mnl_attr_get_u32(tb[RVTI_A_IFINDEX]);
		ev->has_ifindex = true;
	}
	if (tb[RVTI_A_STATE]) {
		if (mnl_attr_validate(tb[RVTI_A_STATE], MNL_TYPE_U8) < 0)
			return bad(why, "RVTI_A_STATE is not a u8");
		ev->state = mnl_attr_get_u8(tb[RVTI_A_STATE]);
		ev->has_state = true;
	}
	if (tb[RVTI_A_SA])
		return event_sa(tb[RVTI_A_SA], ev, why);
	return 0;
}

static int event_print_text(FILE *fp, const struct rvti_event_info *ev)
{
	const char *name = event_str(ev->event);
	const char *limit = sa_limit_str(ev->limit);

	if (name)
		fprintf(fp, "%s", name);
	else	/* an event of a newer kernel */
		fprintf(fp, "event %u", (unsigned int)ev->event);
	if (ev->ifname[0])
		fprintf(fp, " dev %s", ev->ifname);
	if (ev->has_sa)
		fprintf(fp, " dir %s spi 0x%08" PRIx32, sa_dir_str(ev->dir),
			ev->spi);
	if (ev->has_limit && limit)
		fprintf(fp, " limit %s", limit);
	else if (ev->has_limit)
		fprintf(fp, " limit %u", (unsigned int)ev->limit);
	if (ev->has_ports)
		fprintf(fp, " encap espinudp %u %u", (unsigned int)ev->sport,
			(unsigned int)ev->dport);
	if (ev->has_state)
		tunnel_state_print(fp, ev->state);
	return fprintf(fp, "\n") < 0 ? -EIO : 0;
}

static int event_print_json(FILE *fp, const struct rvti_event_info *ev)
{
	json_object *obj = json_object_new_object();
	const char *name = event_str(ev->event);
	const char *limit = sa_limit_str(ev->limit);
	const char *s;
	int err;

	if (!obj)
		return -ENOMEM;
	err = name ? json_put_str(obj, "event", name) :
		     json_put_u32(obj, "event", ev->event);
	if (!err && ev->ifname[0])
		err = json_put_str(obj, "dev", ev->ifname);
	if (!err && ev->has_ifindex)
		err = json_put_u32(obj, "ifindex", ev->ifindex);
	if (!err && ev->has_sa)
		err = json_put_str(obj, "dir", sa_dir_str(ev->dir)) ||
		      json_put_u32(obj, "spi", ev->spi);
	if (!err && ev->has_limit)
		err = limit ? json_put_str(obj, "limit", limit) :
			      json_put_u32(obj, "limit", ev->limit);
	if (!err && ev->has_ports)
		err = sa_encap_json(obj, ev->sport, ev->dport);
	if (!err && ev->has_state)
		err = tunnel_state_json(obj, ev->state);
	s = err ? NULL : json_object_to_json_string_ext(obj,
			JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	if (!s)
		err = -ENOMEM;
	else if (fprintf(fp, "%s\n", s) < 0)
		err = -EIO;
	json_object_put(obj);
	return err ? (err == -EIO ? -EIO : -ENOMEM) : 0;
}

int event_print(FILE *fp, bool json, const struct rvti_event_info *ev)
{
	return json ? event_print_json(fp, ev) : event_print_text(fp, ev);
}

static int monitor_cb(const struct nlmsghdr *nlh, void *arg)
{
	const struct genlmsghdr *genl = mnl_nlmsg_get_payload(nlh);
	struct rvti_ctx *ctx = arg;
	struct rvti_event_info ev;
	const char *why = "?";
	int err;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*genl) ||
	    genl->cmd != RVTI_CMD_EVENT)
		return 0;
	if (event_from_msg(nlh, &ev, &why)) {
		/* One bad message does not end the watch. */
		fprintf(ctx->err, "rvti: malformed event from the kernel: %s\n",
			why);
		return 0;
	}
	err = event_print(ctx->out, ctx->json, &ev);
	/* Whoever reads the output sees each event when it happens. */
	if (!err && fflush(ctx->out))
		err = -EIO;
	return err;
}

static void monitor_signal(int sig)
{
	(void)sig;
	monitor_stop = 1;
}

static int monitor_args(struct rvti_ctx *ctx, int argc, char **argv)
{
	static const char *const kws[] = { "help", NULL };
	char err[160];
	int i, kw, ret;

	for (i = 0; i < argc; i++) {
		/* "rvti monitor -j" as well as "rvti -j monitor" */
		if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json")) {
			ctx->json = true;
			continue;
		}
		ret = parse_kw(argv[i], i + 1, NULL, kws, &kw, err,
			       sizeof(err));
		if (ret)
			return rvti_parse_failed(ctx, ret, err);
	}
	return -1;
}

int monitor_listen(struct nl_ctx *nl, nl_msg_cb cb, void *arg)
{
	struct sigaction sa = { .sa_handler = monitor_signal };
	struct sigaction old_int, old_term;
	sigset_t block, old_mask, waitmask;
	int ret;

	/*
	 * SIGINT and SIGTERM end the loop: blocked but while waiting, so
	 * that one that comes between two reads is not missed. No
	 * SA_RESTART: a read they interrupt returns.
	 */
	monitor_stop = 0;
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &old_mask);
	waitmask = old_mask;
	sigdelset(&waitmask, SIGINT);
	sigdelset(&waitmask, SIGTERM);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);

	ret = nl_listen(nl, cb, arg, &monitor_stop, &waitmask);

	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigprocmask(SIG_SETMASK, &old_mask, NULL);
	return ret;
}

int monitor_do(struct rvti_ctx *ctx, int argc, char **argv)
{
	struct nl_ctx *nl;
	uint32_t group;
	int ret;

	ret = monitor_args(ctx, argc, argv);
	if (ret >= 0)
		return ret;
	nl = rvti_nl(ctx);
	if (!nl)
		return RVTI_EXIT_ERROR;
	if (nl_mcast_group_id(nl, RVTI_MCGRP_EVENTS, &group)) {
		fprintf(ctx->err,
			"rvti: the rvti module has no multicast group \"%s\" (it is older than the tool)\n",
			RVTI_MCGRP_EVENTS);
		return RVTI_EXIT_ERROR;
	}
	ret = nl_join_group(nl, group);
	if (ret) {
		nl_perror(NULL, ret, ctx->err);
		return RVTI_EXIT_ERROR;
	}
	ret = monitor_listen(nl, monitor_cb, ctx);
	if (ret == -EIO) {
		fprintf(ctx->err, "rvti: cannot write the output\n");
		return RVTI_EXIT_ERROR;
	}
	if (ret) {
		nl_perror(NULL, ret, ctx->err);
		return RVTI_EXIT_ERROR;
	}
	return RVTI_EXIT_OK;
}
