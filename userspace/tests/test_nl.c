// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for nl.c: message helpers and error/extack decoding on
 * hand-made messages, then the request and dump loops against the kernel's
 * own generic netlink controller ("nlctrl"), which every kernel has.
 */
#include <errno.h>
#include <stdlib.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/rvti.h>

#include "nl.h"
#include "test.h"

static void genl_hdr(void)
{
	char buf[256];
	struct nlmsghdr *nlh;
	struct genlmsghdr *genl;

	nlh = nl_put_genl_hdr(buf, 0x1234, 7, 3, NLM_F_REQUEST | NLM_F_DUMP,
			      99);
	CHECK_INT(nlh->nlmsg_type, 0x1234);
	CHECK_INT(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_DUMP);
	CHECK_INT(nlh->nlmsg_seq, 99);
	CHECK_INT(nlh->nlmsg_len, NLMSG_HDRLEN + GENL_HDRLEN);
	genl = mnl_nlmsg_get_payload(nlh);
	CHECK_INT(genl->cmd, 7);
	CHECK_INT(genl->version, 3);
}

static void attrs_index(void)
{
	const struct nlattr *tb[RVTI_A_MAX + 1];
	char buf[256];
	struct nlmsghdr *nlh = nl_put_genl_hdr(buf, 0x20, 1, 1, 0, 1);

	mnl_attr_put_u32(nlh, RVTI_A_IFINDEX, 1);
	mnl_attr_put_u32(nlh, RVTI_A_MAX + 5, 2);	/* unknown */
	mnl_attr_put_u32(nlh, RVTI_A_IFINDEX, 3);	/* repeated */
	CHECK_INT(nl_parse_attrs(nlh, tb, RVTI_A_MAX), 0);
	CHECK(tb[RVTI_A_IFINDEX] && mnl_attr_get_u32(tb[RVTI_A_IFINDEX]) == 3);
	CHECK(!tb[RVTI_A_IFNAME] && !tb[RVTI_A_LOCAL] && !tb[RVTI_A_REMOTE]);

	/* shorter than a genetlink header */
	nlh = mnl_nlmsg_put_header(buf);
	CHECK_INT(nl_parse_attrs(nlh, tb, RVTI_A_MAX), -EBADMSG);
}

static void nested_index(void)
{
	const struct nlattr *tb[RVTI_SA_A_MAX + 1], *top[RVTI_A_MAX + 1];
	char buf[256];
	struct nlmsghdr *nlh = nl_put_genl_hdr(buf, 0x20, 1, 1, 0, 1);
	struct nlattr *nest;
	static const uint8_t two[2] = { 1, 2 };

	nest = mnl_attr_nest_start(nlh, RVTI_A_SA);
	mnl_attr_put_u8(nlh, RVTI_SA_A_DIR, 1);
	mnl_attr_put_u32(nlh, RVTI_SA_A_MAX + 1, 5);	/* unknown */
	mnl_attr_put_u32(nlh, RVTI_SA_A_SPI, 7);
	mnl_attr_nest_end(nlh, nest);
	mnl_attr_put(nlh, RVTI_A_SAS, sizeof(two), two);	/* not a nest */
	CHECK_INT(nl_parse_attrs(nlh, top, RVTI_A_MAX), 0);
	CHECK(top[RVTI_A_SA] != NULL);
	if (!top[RVTI_A_SA])
		return;
	CHECK_INT(nl_parse_nested(top[RVTI_A_SA], tb, RVTI_SA_A_MAX), 0);
	CHECK(tb[RVTI_SA_A_DIR] && mnl_attr_get_u8(tb[RVTI_SA_A_DIR]) == 1);
	CHECK(tb[RVTI_SA_A_SPI] && mnl_attr_get_u32(tb[RVTI_SA_A_SPI]) == 7);
	CHECK(!tb[RVTI_SA_A_AEAD_ALG] && !tb[RVTI_SA_A_STATS]);
	CHECK_INT(nl_parse_nested(top[RVTI_A_SAS], tb, RVTI_SA_A_MAX),
		  -EBADMSG);
	CHECK(!tb[RVTI_SA_A_DIR]);
}

/*
 * An NLMSG_ERROR for @req as the kernel builds it: the request echoed
 * unless @capped, then the extack message @msg if not NULL.
 */
static struct nlmsghdr *make_err(char *buf, int error,
				 const struct nlmsghdr *req, bool capped,
				 const char *msg)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nlmsgerr *err;

	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_seq = req->nlmsg_seq;
	if (capped) {
		err = mnl_nlmsg_put_extra_header(nlh, sizeof(*err));
		err->msg = *req;
		nlh->nlmsg_flags |= NLM_F_CAPPED;
	} else {
		err = mnl_nlmsg_put_extra_header(nlh, sizeof(err->error) +
						 req->nlmsg_len);
		memcpy(&err->msg, req, req->nlmsg_len);
	}
	err->error = error;
	if (msg) {
		mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, msg);
		mnl_attr_put_u32(nlh, NLMSGERR_ATTR_OFFS, 20);
		nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
	}
	return nlh;
}

/*
 * A request whose attributes would read as a different extack if the
 * decoder took them for the error's TLVs (type 1 is NLMSGERR_ATTR_MSG).
 */
static struct nlmsghdr *decoy_request(char *buf)
{
	struct nlmsghdr *nlh = nl_put_genl_hdr(buf, 0x20,
					       RVTI_CMD_SET_TUNNEL, 1,
					       NLM_F_REQUEST | NLM_F_ACK, 42);

	mnl_attr_put_strz(nlh, 1, "WRONG: the request echoed");
	mnl_attr_put_strz(nlh, RVTI_A_IFNAME, "rvti0");
	return nlh;
}

static void err_plain(void)
{
	char rbuf[256], buf[1024];
	struct nl_err_info info;
	struct nlmsghdr *nlh;

	nlh = make_err(buf, -EINVAL, decoy_request(rbuf), true, NULL);
	CHECK_INT(nl_parse_err(nlh, &info), 0);
	CHECK_INT(info.error, EINVAL);
	CHECK(info.msg == NULL);

	nlh = make_err(buf, -ENODEV, decoy_request(rbuf), false, NULL);
	CHECK_INT(nl_parse_err(nlh, &info), 0);
	CHECK_INT(info.error, ENODEV);
	CHECK(info.msg == NULL);

	/* an ack */
	nlh = make_err(buf, 0, decoy_request(rbuf), true, NULL);
	CHECK_INT(nl_parse_err(nlh, &info), 0);
	CHECK_INT(info.error, 0);
	CHECK(info.msg == NULL);
}

static void err_extack_capped(void)
{
	char rbuf[256], buf[1024];
	struct nl_err_info info;
	struct nlmsghdr *nlh;

	nlh = make_err(buf, -EINVAL, decoy_request(rbuf), true,
		       "local and remote differ in family");
	CHECK_INT(nl_parse_err(nlh, &info), 0);
	CHECK_INT(info.error, EINVAL);
	CHECK_STR(info.msg, "local and remote differ in family");
}

static void err_extack_uncapped(void)
{
	char rbuf[256], buf[1024];
	struct nl_err_info info;
	struct nlmsghdr *nlh;

	nlh = make_err(buf, -EOPNOTSUPP, decoy_request(rbuf), false,
		       "not an rvti device");
	CHECK_INT(nl_parse_err(nlh, &info), 0);
	CHECK_INT(info.error, EOPNOTSUPP);
	CHECK_STR(info.msg, "not an rvti device");
}

static void err_extack_warning(void)
{
	char rbuf[256], buf[1024];
	struct nl_err_info info;
	struct nlmsghdr *nlh;

	nlh = make_err(buf, 0, decoy_request(rbuf), true, "just so you know");
	CHECK_INT(nl_parse_err(nlh, &info), 0);
	CHECK_INT(info.error, 0);
	CHECK_STR(info.msg, "just so you know");
}

static void err_extack_bad_msg_attr(void)
{
	char rbuf[256], buf[1024];
	struct nl_err_info info;
	struct nlmsghdr *nlh = make_err(buf, -EINVAL, decoy_request(rbuf),
					true, NULL);

	/* a message without its NUL is dropped, the error kept */
	mnl_attr_put(nlh, NLMSGERR_ATTR_MSG, 3, "abc");
	nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
	CHECK_INT(nl_parse_err(nlh, &info), 0);
	CHECK_INT(info.error, EINVAL);
	CHECK(info.msg == NULL);
}

static void err_truncated(void)
{
	char buf[256];
	struct nl_err_info info;
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

	nlh->nlmsg_type = NLMSG_ERROR;
	mnl_nlmsg_put_extra_header(nlh, 4);
	CHECK_INT(nl_parse_err(nlh, &info), -EBADMSG);

	nlh->nlmsg_type = 0x20;
	CHECK_INT(nl_parse_err(nlh, &info), -EBADMSG);
}

static void err_done(void)
{
	char buf[256];
	struct nl_err_info info;
	struct nlmsghdr *nlh;
	int *error;

	/* old kernels: no payload */
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = NLMSG_DONE;
	CHECK_INT(nl_parse_err(nlh, &info), 0);
	CHECK_INT(info.error, 0);

	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = NLMSG_DONE;
	error = mnl_nlmsg_put_extra_header(nlh, sizeof(*error));
	*error = 0;
	CHECK_INT(nl_parse_err(nlh, &info), 0);
	CHECK_INT(info.error, 0);

	/* a dump that failed half way, with extack */
	*error = -EMSGSIZE;
	mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, "dump failed");
	/* TLVs count only with NLM_F_ACK_TLVS */
	CHECK_INT(nl_parse_err(nlh, &info), 0);
	CHECK_INT(info.error, EMSGSIZE);
	CHECK(info.msg == NULL);
	nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
	CHECK_INT(nl_parse_err(nlh, &info), 0);
	CHECK_INT(info.error, EMSGSIZE);
	CHECK_STR(info.msg, "dump failed");
}

static void family_reply(void)
{
	char buf[256];
	struct nlmsghdr *nlh;
	uint32_t version = 99;
	uint16_t id = 0;

	nlh = nl_put_genl_hdr(buf, GENL_ID_CTRL, CTRL_CMD_NEWFAMILY, 2, 0, 1);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, "rvti");
	mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, 0x1b);
	mnl_attr_put_u32(nlh, CTRL_ATTR_VERSION, 1);
	mnl_attr_put_u32(nlh, CTRL_ATTR_HDRSIZE, 0);
	CHECK_INT(nl_parse_family(nlh, &id, &version), 0);
	CHECK_INT(id, 0x1b);
	CHECK_INT(version, 1);

	nlh = nl_put_genl_hdr(buf, GENL_ID_CTRL, CTRL_CMD_NEWFAMILY, 2, 0, 1);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, "rvti");
	CHECK_INT(nl_parse_family(nlh, &id, &version), -EBADMSG);

	nlh = nl_put_genl_hdr(buf, GENL_ID_CTRL, CTRL_CMD_NEWFAMILY, 2, 0, 1);
	mnl_attr_put_u32(nlh, CTRL_ATTR_FAMILY_ID, 0x1b);	/* wrong size */
	CHECK_INT(nl_parse_family(nlh, &id, &version), -EBADMSG);
}

/* Output of nl_perror() for a context in the given state. */
static char *perror_str(bool kernel_err, const char *msg, int err)
{
	struct nl_ctx *nl = calloc(1, sizeof(*nl));
	char *s = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&s, &len);

	if (!nl || !fp) {
		free(nl);
		if (fp)
			fclose(fp);
		free(s);
		return NULL;
	}
	nl->kernel_err = kernel_err;
	snprintf(nl->ext_msg, sizeof(nl->ext_msg), "%s", msg);
	nl_perror(nl, err, fp);
	fclose(fp);
	free(nl);
	return s;
}

static void perror_format(void)
{
	char *s;

	s = perror_str(true, "device rvti9 not found", -ENODEV);
	CHECK_STR(s, "rvti: Error: device rvti9 not found (No such device)\n");
	free(s);
	s = perror_str(true, "", -EPERM);
	CHECK_STR(s, "rvti: Error: Operation not permitted\n");
	free(s);
	/* a message left over must not be blamed on a local error */
	s = perror_str(false, "stale", -ENOMEM);
	CHECK_STR(s, "rvti: Error: Cannot allocate memory\n");
	free(s);
}

/* --- against the running kernel --- */

static struct nl_ctx *open_nlctrl(void)
{
	struct nl_ctx *nl = NULL;
	int err = nl_open(&nl, "nlctrl", 2);

	if (err) {
		fprintf(stderr, "# nl_open(nlctrl): %s\n", strerror(-err));
		return NULL;
	}
	return nl;
}

static void live_family_missing(void)
{
	struct nl_ctx *nl = (struct nl_ctx *)1;
	int err;

	err = nl_open(&nl, "rvti-test-none", 1);
	if (err == -EPROTONOSUPPORT || err == -EAFNOSUPPORT ||
	    err == -EACCES)
		TEST_SKIP("no generic netlink here");
	CHECK_INT(err, -ENOENT);
	CHECK(nl == NULL);

	CHECK_INT(nl_open(&nl, "a-family-name-longer-than-genl-namsiz", 1),
		  -ENAMETOOLONG);
}

static void live_family_resolve(void)
{
	struct nl_ctx *nl = open_nlctrl();

	if (!nl)
		TEST_SKIP("no generic netlink here");
	CHECK_INT(nl->family_id, GENL_ID_CTRL);
	CHECK(nl->family_version >= 1);
	CHECK(nl->portid != 0);
	nl_close(nl);
}

struct dump_state {
	unsigned int n;
	bool saw_nlctrl;
	int fail_with;
};

static int dump_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct dump_state *st = arg;
	const struct nlattr *tb[CTRL_ATTR_MAX + 1];

	st->n++;
	if (st->fail_with)
		return st->fail_with;
	if (nl_parse_attrs(nlh, tb, CTRL_ATTR_MAX))
		return -EBADMSG;
	if (tb[CTRL_ATTR_FAMILY_NAME] &&
	    !strcmp(mnl_attr_get_str(tb[CTRL_ATTR_FAMILY_NAME]), "nlctrl"))
		st->saw_nlctrl = true;
	return 0;
}

static void live_dump_and_do(void)
{
	struct nl_ctx *nl = open_nlctrl();
	struct dump_state st = { 0 };
	struct nlmsghdr *nlh;

	if (!nl)
		TEST_SKIP("no generic netlink here");

	/* dump: every family, nlctrl among them */
	nlh = nl_req(nl, CTRL_CMD_GETFAMILY, NLM_F_DUMP);
	CHECK_INT(nl_talk(nl, nlh, dump_cb, &st), 0);
	CHECK(st.n >= 1);
	CHECK(st.saw_nlctrl);

	/* a callback error is returned once the reply is drained... */
	memset(&st, 0, sizeof(st));
	st.fail_with = -ENOTSUP;
	nlh = nl_req(nl, CTRL_CMD_GETFAMILY, NLM_F_DUMP);
	CHECK_INT(nl_talk(nl, nlh, dump_cb, &st), -ENOTSUP);
	CHECK_INT(st.n, 1);
	CHECK(!nl->kernel_err);

	/* ...so the socket is clean for the next request (do + ack) */
	memset(&st, 0, sizeof(st));
	nlh = nl_req(nl, CTRL_CMD_GETFAMILY, 0);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, "nlctrl");
	CHECK_INT(nl_talk(nl, nlh, dump_cb, &st), 0);
	CHECK_INT(st.n, 1);
	CHECK(st.saw_nlctrl);
	nl_close(nl);
}

static void live_kernel_error_extack(void)
{
	struct nl_ctx *nl = open_nlctrl();
	struct nlmsghdr *nlh;
	int err;

	if (!nl)
		TEST_SKIP("no generic netlink here");

	/* unknown family: a plain error */
	nlh = nl_req(nl, CTRL_CMD_GETFAMILY, 0);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, "rvti-test-none");
	CHECK_INT(nl_talk(nl, nlh, NULL, NULL), -ENOENT);
	CHECK(nl->kernel_err);

	/*
	 * A name longer than the policy allows (GENL_NAMSIZ - 1) fails policy
	 * validation, which comes with an extack message.
	 */
	nlh = nl_req(nl, CTRL_CMD_GETFAMILY, 0);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME,
			  "a-family-name-much-longer-than-genl-namsiz");
	err = nl_talk(nl, nlh, NULL, NULL);
	CHECK(err < 0);
	CHECK(nl->kernel_err);
	CHECK(nl->ext_msg[0] != '\0');
	if (test_failures)
		fprintf(stderr, "# kernel said: %d \"%s\"\n", err,
			nl->ext_msg);

	/* and the socket still works */
	nlh = nl_req(nl, CTRL_CMD_GETFAMILY, 0);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, "nlctrl");
	CHECK_INT(nl_talk(nl, nlh, NULL, NULL), 0);
	CHECK(!nl->kernel_err);
	CHECK_STR(nl->ext_msg, "");
	nl_close(nl);
}

const struct test_case nl_tests[] = {
	TEST_CASE(genl_hdr),
	TEST_CASE(attrs_index),
	TEST_CASE(nested_index),
	TEST_CASE(err_plain),
	TEST_CASE(err_extack_capped),
	TEST_CASE(err_extack_uncapped),
	TEST_CASE(err_extack_warning),
	TEST_CASE(err_extack_bad_msg_attr),
	TEST_CASE(err_truncated),
	TEST_CASE(err_done),
	TEST_CASE(family_reply),
	TEST_CASE(perror_format),
	TEST_CASE(live_family_missing),
	TEST_CASE(live_family_resolve),
	TEST_CASE(live_dump_and_do),
	TEST_CASE(live_kernel_error_extack),
	{ NULL, NULL }
};
