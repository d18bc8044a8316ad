// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of what a key manager uses (issue 8): 64-bit numbers and byte
 * counts, "sa add" with seq and lifetime limits, "sa allocspi", their
 * requests, the lifetime attributes of SA replies and their output, the
 * ALLOC_SPI and GET_SA replies, events, and the multicast groups of a
 * CTRL_CMD_NEWFAMILY reply.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/genetlink.h>
#include <linux/rvti.h>

#include "monitor.h"
#include "nl.h"
#include "sa.h"
#include "test.h"
#include "tunnel.h"
#include "util.h"

#define FAMILY_ID 0x20
#define AEAD "aead aes-gcm key 0x00112233 "
#define OUT_HEAD "dev rvti0 dir out spi 0x1004 " AEAD
#define IN_HEAD "dev rvti0 dir in spi 0x1004 " AEAD

/* --- numbers --- */

static void u64_numbers(void)
{
	static const char *const bad[] = {
		"", "-1", "+1", " 1", "1 ", "1a", "0x", "0x0x1", "1e3", "1K",
		"0x1G",
	};
	uint64_t v = 7;
	size_t i;

	CHECK_INT(parse_u64("0", &v), 0);
	CHECK_INT(v, 0);
	CHECK_INT(parse_u64("010", &v), 0);	/* decimal, not octal */
	CHECK_INT(v, 10);
	CHECK_INT(parse_u64("18446744073709551615", &v), 0);
	CHECK(v == UINT64_MAX);
	CHECK_INT(parse_u64("0xFFFFFFFFFFFFFFFF", &v), 0);
	CHECK(v == UINT64_MAX);
	CHECK_INT(parse_u64("0x100000000", &v), 0);
	CHECK(v == 0x100000000ull);
	v = 7;
	CHECK_INT(parse_u64("18446744073709551616", &v), -ERANGE);
	CHECK_INT(parse_u64("0x10000000000000000", &v), -ERANGE);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (parse_u64(bad[i], &v) != -EINVAL) {
			fprintf(stderr, "# accepted \"%s\"\n", bad[i]);
			test_failures++;
		}
	}
	CHECK_INT(parse_u64(NULL, &v), -EINVAL);
	CHECK_INT(v, 7);	/* untouched on error */
}

static void byte_counts(void)
{
	static const struct {
		const char *s;
		uint64_t v;
	} ok[] = {
		{ "0", 0 }, { "1000", 1000 }, { "1K", 1024 }, { "1k", 1024 },
		{ "10M", 10485760 }, { "2G", 2147483648ull },
		{ "0x10K", 16384 }, { "0xaM", 10485760 },
		{ "17179869183G", 17179869183ull << 30 },
	};
	static const char *const bad[] = {
		"", "K", "1KB", "1 K", "1T", "-1K", "0xK", "1.5M", "M1", "1KK",
	};
	uint64_t v = 7;
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		CHECK_INT(parse_bytes(ok[i].s, &v), 0);
		if (v != ok[i].v) {
			fprintf(stderr, "# \"%s\" is %llu\n", ok[i].s,
				(unsigned long long)v);
			test_failures++;
		}
	}
	v = 7;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (parse_bytes(bad[i], &v) != -EINVAL) {
			fprintf(stderr, "# accepted \"%s\"\n", bad[i]);
			test_failures++;
		}
	}
	/* 2^34 G is 2^64 */
	CHECK_INT(parse_bytes("17179869184G", &v), -ERANGE);
	CHECK_INT(parse_bytes("18446744073709551615K", &v), -ERANGE);
	CHECK_INT(v, 7);
}

/* --- sa add: seq and limits --- */

static int add_parse(const char *line, struct sa_add_req *req, char *err,
		     size_t errlen)
{
	char store[1024], *argv[64];
	int argc = split_line(line, store, sizeof(store), argv, 64);

	err[0] = '\0';
	return sa_add_parse(argc, argv, req, err, errlen);
}

static void sa_add_parse_limits(void)
{
	struct sa_add_req req;
	char err[256];

	CHECK_INT(add_parse(OUT_HEAD "seq 0xfffffff0 soft-bytes 1M "
			    "hard-bytes 0x200000 soft-packets 1000 "
			    "hard-packets 2000 soft-time 3000 hard-time 3600 "
			    "soft-use-time 60 hard-use-time 120",
			    &req, err, sizeof(err)), 0);
	CHECK_STR(err, "");
	CHECK(req.has_seq);
	CHECK(req.seq == 0xfffffff0u);
	CHECK_INT(req.lifetime_given, 0x1fe);	/* bits 1 to 8 */
	CHECK_INT(req.lifetime[RVTI_LIFETIME_A_SOFT_BYTES], 1048576);
	CHECK_INT(req.lifetime[RVTI_LIFETIME_A_HARD_BYTES], 0x200000);
	CHECK_INT(req.lifetime[RVTI_LIFETIME_A_SOFT_PACKETS], 1000);
	CHECK_INT(req.lifetime[RVTI_LIFETIME_A_HARD_PACKETS], 2000);
	CHECK_INT(req.lifetime[RVTI_LIFETIME_A_SOFT_ADD_SECONDS], 3000);
	CHECK_INT(req.lifetime[RVTI_LIFETIME_A_HARD_ADD_SECONDS], 3600);
	CHECK_INT(req.lifetime[RVTI_LIFETIME_A_SOFT_USE_SECONDS], 60);
	CHECK_INT(req.lifetime[RVTI_LIFETIME_A_HARD_USE_SECONDS], 120);

	/* one kind alone; a soft limit without a hard one; 64-bit values */
	CHECK_INT(add_parse(IN_HEAD "soft-packets 18446744073709551615",
			    &req, err, sizeof(err)), 0);
	CHECK(!req.has_seq);
	CHECK_INT(req.lifetime_given, 1 << RVTI_LIFETIME_A_SOFT_PACKETS);
	CHECK(req.lifetime[RVTI_LIFETIME_A_SOFT_PACKETS] == UINT64_MAX);

	/* equal limits are taken, as the kernel takes them */
	CHECK_INT(add_parse(OUT_HEAD "soft-bytes 1K hard-bytes 1024 "
			    "soft-time 3600 hard-time 3600",
			    &req, err, sizeof(err)), 0);
	CHECK_INT(req.lifetime[RVTI_LIFETIME_A_SOFT_BYTES], 1024);

	/* 0 is no limit: it never clashes with the other one */
	CHECK_INT(add_parse(IN_HEAD "soft-time 100 hard-time 0",
			    &req, err, sizeof(err)), 0);
	CHECK_INT(req.lifetime_given, 1 << RVTI_LIFETIME_A_SOFT_ADD_SECONDS |
		  1 << RVTI_LIFETIME_A_HARD_ADD_SECONDS);
	CHECK_INT(add_parse(IN_HEAD "soft-bytes 0 hard-bytes 1",
			    &req, err, sizeof(err)), 0);

	/* seq 0 is the default, given explicitly */
	CHECK_INT(add_parse(OUT_HEAD "seq 0", &req, err, sizeof(err)), 0);
	CHECK(req.has_seq);
	CHECK_INT(req.seq, 0);

	/* abbreviated, as long as unambiguous */
	CHECK_INT(add_parse(OUT_HEAD "se 5 soft-b 10 hard-b 20 soft-u 1 "
			    "hard-u 2", &req, err, sizeof(err)), 0);
	CHECK_INT(req.seq, 5);
	CHECK_INT(req.lifetime[RVTI_LIFETIME_A_HARD_BYTES], 20);
	CHECK_INT(req.lifetime[RVTI_LIFETIME_A_HARD_USE_SECONDS], 2);
	sa_add_req_wipe(&req);
}

struct bad_line {
	const char *line;
	const char *msg;
};

static void sa_add_parse_limit_errors(void)
{
	static const struct bad_line bad[] = {
		{ IN_HEAD "seq 5",
		  "\"seq\" goes with \"dir out\" only" },
		{ "seq 5 dev rvti0 dir in spi 0x1004 " AEAD,
		  "\"seq\" goes with \"dir out\" only" },
		{ OUT_HEAD "soft-bytes 2K hard-bytes 1K",
		  "soft-bytes is above hard-bytes: a soft limit must not exceed its hard limit" },
		{ OUT_HEAD "soft-bytes 1025 hard-bytes 1K",
		  "soft-bytes is above hard-bytes" },
		{ OUT_HEAD "hard-packets 10 soft-packets 11",
		  "soft-packets is above hard-packets" },
		{ OUT_HEAD "soft-time 3601 hard-time 3600",
		  "soft-time is above hard-time" },
		{ OUT_HEAD "soft-use-time 0x10 hard-use-time 15",
		  "soft-use-time is above hard-use-time" },
		{ OUT_HEAD "seq x1", "invalid seq (expected a 64-bit number" },
		{ OUT_HEAD "seq -1", "invalid seq" },
		{ OUT_HEAD "seq 18446744073709551616", "invalid seq" },
		{ OUT_HEAD "soft-bytes 1T",
		  "invalid soft-bytes (expected a 64-bit number of bytes, decimal or 0xHEX, optionally with K, M or G)" },
		{ OUT_HEAD "hard-bytes 17179869184G", "invalid hard-bytes" },
		{ OUT_HEAD "soft-packets 1K",
		  "invalid soft-packets (expected a 64-bit number, decimal or 0xHEX)" },
		{ OUT_HEAD "hard-time 1h",
		  "invalid hard-time (expected a 64-bit number of seconds" },
		{ OUT_HEAD "soft-use-time 1.5", "invalid soft-use-time" },
		{ OUT_HEAD "hard-use-time", "missing argument after \"hard-use-time\"" },
		{ OUT_HEAD "seq 1 seq 2", "\"seq\" given twice" },
		{ OUT_HEAD "soft-bytes 1 soft-bytes 2",
		  "\"soft-bytes\" given twice" },
		/* new keywords make old abbreviations ambiguous */
		{ OUT_HEAD "s 1", "ambiguous keyword \"s\"" },
		{ OUT_HEAD "soft 1", "ambiguous keyword \"soft\"" },
		{ OUT_HEAD "hard- 1", "ambiguous keyword \"hard-\"" },
		/* a value is never repeated, an unknown word located */
		{ OUT_HEAD "seq 0x5ec2e75ec2e75ec2e7", "invalid seq" },
		{ OUT_HEAD "soft-bytes 0x5ec2e75ec2e7 c2VjcmV0",
		  "unknown keyword after \"soft-bytes\" (argument 13, not shown: it could be a key)" },
	};
	struct sa_add_req req;
	char err[256];
	size_t i;
	int ret;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ret = add_parse(bad[i].line, &req, err, sizeof(err));
		if (ret != -EINVAL || !strstr(err, bad[i].msg))
			fprintf(stderr, "# \"%s\": %d \"%s\"\n", bad[i].line,
				ret, err);
		CHECK_INT(ret, -EINVAL);
		CHECK_CONTAINS(err, bad[i].msg);
		CHECK(!strstr(err, "5ec2e7") && !strstr(err, "c2VjcmV0"));
		/* the request, keys included, is wiped on error */
		CHECK_INT(req.enc_key_len, 0);
		CHECK_INT(req.enc_key[0], 0);
	}
}

/* The limits given, and only those, in a proper RVTI_SA_A_LIFETIME nest. */
static void sa_add_build_limits(void)
{
	const struct nlattr *tb[RVTI_A_MAX + 1], *sa[RVTI_SA_A_MAX + 1];
	const struct nlattr *lt[RVTI_LIFETIME_A_MAX + 1];
	struct sa_add_req req;
	struct nlmsghdr *nlh;
	char buf[2048], err[256];
	unsigned int i;

	CHECK_INT(add_parse(OUT_HEAD "seq 0x1ffffffff soft-bytes 1G "
			    "hard-bytes 2G soft-use-time 0 hard-time 86400",
			    &req, err, sizeof(err)), 0);
	nlh = nl_put_genl_hdr(buf, FAMILY_ID, RVTI_CMD_NEW_SA,
			      RVTI_GENL_VERSION, NLM_F_REQUEST, 1);
	CHECK_INT(sa_add_build(nlh, sizeof(buf), &req), 0);
	CHECK_INT(nl_parse_attrs(nlh, tb, RVTI_A_MAX), 0);
	CHECK(tb[RVTI_A_SA] &&
	      !nl_parse_nested(tb[RVTI_A_SA], sa, RVTI_SA_A_MAX));
	if (!tb[RVTI_A_SA])
		return;
	CHECK(sa[RVTI_SA_A_SEQ] &&
	      mnl_attr_get_payload_len(sa[RVTI_SA_A_SEQ]) == 8 &&
	      mnl_attr_get_u64(sa[RVTI_SA_A_SEQ]) == 0x1ffffffffull);
	CHECK(sa[RVTI_SA_A_LIFETIME] &&
	      (sa[RVTI_SA_A_LIFETIME]->nla_type & NLA_F_NESTED));
	CHECK(sa[RVTI_SA_A_LIFETIME] &&
	      !nl_parse_nested(sa[RVTI_SA_A_LIFETIME], lt,
			       RVTI_LIFETIME_A_MAX));
	if (!sa[RVTI_SA_A_LIFETIME])
		return;
	for (i = RVTI_LIFETIME_A_SOFT_BYTES; i <= RVTI_LIFETIME_A_MAX; i++) {
		bool given = i == RVTI_LIFETIME_A_SOFT_BYTES ||
			     i == RVTI_LIFETIME_A_HARD_BYTES ||
			     i == RVTI_LIFETIME_A_SOFT_USE_SECONDS ||
			     i == RVTI_LIFETIME_A_HARD_ADD_SECONDS;

		CHECK_INT(!!lt[i], given);
		if (lt[i])
			CHECK_INT(mnl_attr_get_payload_len(lt[i]), 8);
	}
	CHECK(lt[RVTI_LIFETIME_A_SOFT_BYTES] &&
	      mnl_attr_get_u64(lt[RVTI_LIFETIME_A_SOFT_BYTES]) == 1ull << 30);
	CHECK(lt[RVTI_LIFETIME_A_HARD_BYTES] &&
	      mnl_attr_get_u64(lt[RVTI_LIFETIME_A_HARD_BYTES]) == 2ull << 30);
	/* "soft-use-time 0" was given: sent, as no limit */
	CHECK(lt[RVTI_LIFETIME_A_SOFT_USE_SECONDS] &&
	      mnl_attr_get_u64(lt[RVTI_LIFETIME_A_SOFT_USE_SECONDS]) == 0);
	CHECK(lt[RVTI_LIFETIME_A_HARD_ADD_SECONDS] &&
	      mnl_attr_get_u64(lt[RVTI_LIFETIME_A_HARD_ADD_SECONDS]) == 86400);

	/* without seq and limits, neither attribute */
	CHECK_INT(add_parse(IN_HEAD, &req, err, sizeof(err)), 0);
	nlh = nl_put_genl_hdr(buf, FAMILY_ID, RVTI_CMD_NEW_SA,
			      RVTI_GENL_VERSION, NLM_F_REQUEST, 1);
	CHECK_INT(sa_add_build(nlh, sizeof(buf), &req), 0);
	CHECK_INT(nl_parse_attrs(nlh, tb, RVTI_A_MAX), 0);
	CHECK(tb[RVTI_A_SA] &&
	      !nl_parse_nested(tb[RVTI_A_SA], sa, RVTI_SA_A_MAX));
	CHECK(!sa[RVTI_SA_A_SEQ] && !sa[RVTI_SA_A_LIFETIME]);

	/* a buffer too small for the limits: the whole SA nest is taken back */
	CHECK_INT(add_parse(OUT_HEAD "soft-bytes 1 hard-bytes 2 soft-packets 3",
			    &req, err, sizeof(err)), 0);
	nlh = nl_put_genl_hdr(buf, FAMILY_ID, RVTI_CMD_NEW_SA,
			      RVTI_GENL_VERSION, NLM_F_REQUEST, 1);
	/* 112 bytes would do */
	CHECK_INT(sa_add_build(nlh, 108, &req), -EMSGSIZE);
	CHECK(nlh->nlmsg_len <= 108);
	CHECK_INT(nlh->nlmsg_len,
		  MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct genlmsghdr)) +
		  MNL_ALIGN(MNL_ATTR_HDRLEN + sizeof("rvti0")));
	sa_add_req_wipe(&req);
}

/* --- sa allocspi --- */

static int alloc_parse(const char *line, struct sa_allocspi_req *req,
		       char *err, size_t errlen)
{
	char store[512], *argv[32];
	int argc = split_line(line, store, sizeof(store), argv, 32);

	err[0] = '\0';
	return sa_allocspi_parse(argc, argv, req, err, errlen);
}

static void allocspi_parse(void)
{
	static const struct bad_line bad[] = {
		{ "", "missing \"dev NAME\"" },
		{ "min 256", "missing \"dev NAME\"" },
		{ "dev rvti0 min 255",
		  "SPIs 0 to 255 are reserved (RFC 4303)" },
		{ "dev rvti0 max 0", "SPIs 0 to 255 are reserved" },
		{ "dev rvti0 min 0x2000 max 0x1fff",
		  "empty range: \"min\" is above \"max\"" },
		{ "dev rvti0 min 0x100000000", "invalid SPI" },
		{ "dev rvti0 max x", "invalid SPI" },
		{ "dev rvti0 min", "missing argument after \"min\"" },
		{ "dev rvti0 min 300 min 400", "\"min\" given twice" },
		{ "dev rvti0 m 300", "ambiguous keyword \"m\"" },
		{ "dev rvti0 spi 300", "unknown keyword \"spi\"" },
		{ "dev rvti0 0x5ec2e75ec2e7",
		  "unknown keyword after \"dev\" (argument 3, not shown: it could be a key)" },
		{ "dev a/b", "invalid device name" },
	};
	struct sa_allocspi_req req;
	char err[160];
	size_t i;
	int ret;

	CHECK_INT(alloc_parse("dev rvti0", &req, err, sizeof(err)), 0);
	CHECK_STR(req.ifname, "rvti0");
	CHECK(!req.has_min && !req.has_max);
	CHECK_INT(alloc_parse("max 0xffffffff dev rvti1 min 256", &req, err,
			      sizeof(err)), 0);
	CHECK_STR(req.ifname, "rvti1");
	CHECK(req.has_min && req.has_max);
	CHECK_INT(req.min, 256);
	CHECK_INT(req.max, 0xffffffffu);
	/* a range of one */
	CHECK_INT(alloc_parse("dev rvti0 min 0x1000 max 4096", &req, err,
			      sizeof(err)), 0);
	CHECK_INT(alloc_parse("dev rvti0 mi 300", &req, err, sizeof(err)), 0);
	CHECK_INT(req.min, 300);
	CHECK_INT(alloc_parse("help", &req, err, sizeof(err)), PARSE_HELP);

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ret = alloc_parse(bad[i].line, &req, err, sizeof(err));
		if (ret != -EINVAL || !strstr(err, bad[i].msg))
			fprintf(stderr, "# \"%s\": %d \"%s\"\n", bad[i].line,
				ret, err);
		CHECK_INT(ret, -EINVAL);
		CHECK_CONTAINS(err, bad[i].msg);
		CHECK(!strstr(err, "5ec2e7"));
	}
}

static void allocspi_build(void)
{
	const struct nlattr *tb[RVTI_A_MAX + 1];
	struct sa_allocspi_req req;
	struct nlmsghdr *nlh;
	char buf[256], err[160];

	CHECK_INT(alloc_parse("dev rvti0 min 0x1000 max 0x1fff", &req, err,
			      sizeof(err)), 0);
	nlh = nl_put_genl_hdr(buf, FAMILY_ID, RVTI_CMD_ALLOC_SPI,
			      RVTI_GENL_VERSION, NLM_F_REQUEST, 1);
	CHECK_INT(sa_allocspi_build(nlh, sizeof(buf), &req), 0);
	CHECK_INT(nl_parse_attrs(nlh, tb, RVTI_A_MAX), 0);
	CHECK(tb[RVTI_A_IFNAME] &&
	      !strcmp(mnl_attr_get_str(tb[RVTI_A_IFNAME]), "rvti0"));
	CHECK(tb[RVTI_A_SPI_MIN] &&
	      mnl_attr_get_payload_len(tb[RVTI_A_SPI_MIN]) == 4 &&
	      mnl_attr_get_u32(tb[RVTI_A_SPI_MIN]) == 0x1000);
	CHECK(tb[RVTI_A_SPI_MAX] &&
	      mnl_attr_get_u32(tb[RVTI_A_SPI_MAX]) == 0x1fff);
	CHECK(!tb[RVTI_A_SPI] && !tb[RVTI_A_IFINDEX]);

	/* only what is given */
	CHECK_INT(alloc_parse("dev rvti0 max 0x1fff", &req, err, sizeof(err)),
		  0);
	nlh = nl_put_genl_hdr(buf, FAMILY_ID, RVTI_CMD_ALLOC_SPI,
			      RVTI_GENL_VERSION, NLM_F_REQUEST, 1);
	CHECK_INT(sa_allocspi_build(nlh, sizeof(buf), &req), 0);
	CHECK_INT(nl_parse_attrs(nlh, tb, RVTI_A_MAX), 0);
	CHECK(!tb[RVTI_A_SPI_MIN] && tb[RVTI_A_SPI_MAX]);
	CHECK_INT(sa_allocspi_build(nlh, 24, &req), -EMSGSIZE);
}

static void allocspi_reply(void)
{
	char buf[256], ifname[IFNAMSIZ];
	struct nlmsghdr *nlh;
	const char *why = NULL;
	uint32_t spi = 0;

	nlh = nl_put_genl_hdr(buf, FAMILY_ID, RVTI_CMD_ALLOC_SPI,
			      RVTI_GENL_VERSION, 0, 1);
	mnl_attr_put_u32(nlh, RVTI_A_IFINDEX, 5);
	mnl_attr_put_strz(nlh, RVTI_A_IFNAME, "rvti0");
	mnl_attr_put_u32(nlh, RVTI_A_SPI, 0xc0ffee01);
	CHECK_INT(sa_allocspi_decode(nlh, ifname, &spi, &why), 0);
	CHECK_STR(ifname, "rvti0");
	CHECK(spi == 0xc0ffee01u);

	nlh = nl_put_genl_hdr(buf, FAMILY_ID, RVTI_CMD_ALLOC_SPI,
			      RVTI_GENL_VERSION, 0, 1);
	mnl_attr_put_strz(nlh, RVTI_A_IFNAME, "rvti0");
	CHECK_INT(sa_allocspi_decode(nlh, ifname, &spi, &why), -EBADMSG);
	CHECK_STR(why, "no SPI (RVTI_A_SPI)");
	mnl_attr_put_u16(nlh, RVTI_A_SPI, 1);
	CHECK_INT(sa_allocspi_decode(nlh, ifname, &spi, &why), -EBADMSG);
	CHECK_STR(why, "RVTI_A_SPI is not a u32");

	nlh = nl_put_genl_hdr(buf, FAMILY_ID, RVTI_CMD_ALLOC_SPI,
			      RVTI_GENL_VERSION, 0, 1);
	mnl_attr_put_u32(nlh, RVTI_A_SPI, 0x1000);
	CHECK_INT(sa_allocspi_decode(nlh, ifname, &spi, &why), -EBADMSG);
	CHECK_STR(why, "no device name (RVTI_A_IFNAME)");
}

/* --- replies: lifetimes, state, times --- */

/* An outbound SA nest with everything a kernel with lifetimes sends. */
static void put_sa_lifetime(struct nlmsghdr *nlh, uint8_t dir, uint8_t active,
			    uint8_t state)
{
	struct nlattr *sa = mnl_attr_nest_start(nlh, RVTI_A_SA), *lt;

	mnl_attr_put_u8(nlh, RVTI_SA_A_DIR, dir);
	mnl_attr_put_u32(nlh, RVTI_SA_A_SPI, 0x1004);
	mnl_attr_put_strz(nlh, RVTI_SA_A_AEAD_ALG, "rfc4106(gcm(aes))");
	lt = mnl_attr_nest_start(nlh, RVTI_SA_A_LIFETIME);
	mnl_attr_put(nlh, RVTI_LIFETIME_A_PAD, 0, NULL);
	mnl_attr_put_u64(nlh, RVTI_LIFETIME_A_SOFT_BYTES, 1048576);
	mnl_attr_put_u64(nlh, RVTI_LIFETIME_A_HARD_BYTES, 2097152);
	mnl_attr_put_u64(nlh, RVTI_LIFETIME_A_SOFT_PACKETS, 0);	/* none */
	mnl_attr_put_u64(nlh, RVTI_LIFETIME_A_HARD_USE_SECONDS, 600);
	mnl_attr_put_u64(nlh, RVTI_LIFETIME_A_MAX + 1, 9);	/* newer */
	mnl_attr_nest_end(nlh, lt);
	mnl_attr_put_u8(nlh, RVTI_SA_A_ACTIVE, active);
	mnl_attr_put_u8(nlh, RVTI_SA_A_STATE, state);
	mnl_attr_put_u64(nlh, RVTI_SA_A_ADD_TIME, 1796047200);
	mnl_attr_put_u64(nlh, RVTI_SA_A_FIRST_USE, 1796047201);
	mnl_attr_put_u64(nlh, RVTI_SA_A_LAST_USE, 0);
	mnl_attr_nest_end(nlh, sa);
}

static void sa_reply_lifetime(void)
{
	char buf[1024], ifname[IFNAMSIZ];
	struct rvti_sa_info sa;
	struct nlmsghdr *nlh;
	const char *why = NULL;
	uint32_t ifindex = 9;

	nlh = nl_put_genl_hdr(buf, FAMILY_ID, RVTI_CMD_GET_SA,
			      RVTI_GENL_VERSION, 0, 1);
	mnl_attr_put_u32(nlh, RVTI_A_IFINDEX, 5);
	mnl_attr_put_strz(nlh, RVTI_A_IFNAME, "rvti0");
	put_sa_lifetime(nlh, RVTI_SA_DIR_OUT, 0, RVTI_SA_STATE_SOFT_EXPIRED);
	CHECK_INT(sa_msg_decode(nlh, ifname, &ifindex, &sa, &why), 0);
	CHECK_STR(ifname, "rvti0");
	CHECK_INT(ifindex, 5);
	CHECK_INT(sa.dir, RVTI_SA_DIR_OUT);
	CHECK_INT(sa.spi, 0x1004);
	CHECK(sa.has_lifetime);
	CHECK_INT(sa.lifetime[RVTI_LIFETIME_A_SOFT_BYTES], 1048576);
	CHECK_INT(sa.lifetime[RVTI_LIFETIME_A_HARD_BYTES], 2097152);
	CHECK_INT(sa.lifetime[RVTI_LIFETIME_A_SOFT_PACKETS], 0);
	CHECK_INT(sa.lifetime[RVTI_LIFETIME_A_HARD_USE_SECONDS], 600);
	CHECK(sa.has_active && !sa.active);
	CHECK(sa.has_state);
	CHECK_INT(sa.state, RVTI_SA_STATE_SOFT_EXPIRED);
	CHECK(sa.has_times);
	CHECK_INT(sa.add_time, 1796047200);
	CHECK_INT(sa.first_use, 1796047201);
	CHECK_INT(sa.last_use, 0);

	/* an older kernel: none of it */
	nlh = nl_put_genl_hdr(buf, FAMILY_ID, RVTI_CMD_GET_SA,
			      RVTI_GENL_VERSION, 0, 1);
	mnl_attr_put_strz(nlh, RVTI_A_IFNAME, "rvti0");
	{
		struct nlattr *n = mnl_attr_nest_start(nlh, RVTI_A_SA);

		mnl_attr_put_u8(nlh, RVTI_SA_A_DIR, RVTI_SA_DIR_IN);
		mnl_attr_put_u32(nlh, RVTI_SA_A_SPI, 0x1000);
		mnl_attr_nest_end(nlh, n);
	}
	CHECK_INT(sa_msg_decode(nlh, ifname, &ifindex, &sa, &why), 0);
	CHECK_INT(ifindex, 0);
	CHECK(!sa.has_lifetime && !sa.has_active && !sa.has_state &&
	      !sa.has_times);
}

static void sa_reply_lifetime_malformed(void)
{
	static const struct {
		uint16_t type;
		bool u16;	/* a u16 where a u64 / u8 goes */
		const char *why;
	} bad[] = {
		{ RVTI_SA_A_ACTIVE, true, "RVTI_SA_A_ACTIVE is not a u8" },
		{ RVTI_SA_A_STATE, true, "RVTI_SA_A_STATE is not a u8" },
		{ RVTI_SA_A_ADD_TIME, true, "RVTI_SA_A_ADD_TIME is not a u64" },
		{ RVTI_SA_A_FIRST_USE, true, "RVTI_SA_A_FIRST_USE is not a u64" },
		{ RVTI_SA_A_LAST_USE, true, "RVTI_SA_A_LAST_USE is not a u64" },
		{ RVTI_SA_A_LIFETIME, false,
		  "RVTI_SA_A_LIFETIME holds a limit that is not a u64" },
	};
	char buf[512], ifname[IFNAMSIZ];
	struct rvti_sa_info sa;
	struct nlmsghdr *nlh;
	struct nlattr *n, *lt;
	const char *why;
	uint32_t ifindex;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		nlh = nl_put_genl_hdr(buf, FAMILY_ID, RVTI_CMD_GET_SA,
				      RVTI_GENL_VERSION, 0, 1);
		mnl_attr_put_strz(nlh, RVTI_A_IFNAME, "rvti0");
		n = mnl_attr_nest_start(nlh, RVTI_A_SA);
		mnl_attr_put_u8(nlh, RVTI_SA_A_DIR, RVTI_SA_DIR_OUT);
		mnl_attr_put_u32(nlh, RVTI_SA_A_SPI, 0x1000);
		if (bad[i].u16) {
			mnl_attr_put_u16(nlh, bad[i].type, 1);
		} else {
			lt = mnl_attr_nest_start(nlh, bad[i].type);
			mnl_attr_put_u32(nlh, RVTI_LIFETIME_A_HARD_BYTES, 1);
			mnl_attr_nest_end(nlh, lt);
		}
		mnl_attr_nest_end(nlh, n);
		why = NULL;
		CHECK_INT(sa_msg_decode(nlh, ifname, &ifindex, &sa, &why),
			  -EBADMSG);
		CHECK_STR(why, bad[i].why);
	}
	nlh = nl_put_genl_hdr(buf, FAMILY_ID, RVTI_CMD_GET_SA,
			      RVTI_GENL_VERSION, 0, 1);
	mnl_attr_put_strz(nlh, RVTI_A_IFNAME, "rvti0");
	CHECK_INT(sa_msg_decode(nlh, ifname, &ifindex, &sa, &why), -EBADMSG);
	CHECK_STR(why, "no SA (RVTI_A_SA)");
}

static char *print_sa(const struct rvti_sa_info *sa, bool stats)
{
	char *s = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&s, &len);

	if (!fp)
		abort();
	sa_print_text(fp, "rvti0: ", "", sa, stats);
	fclose(fp);
	return s;
}

static char *sa_json_str(const struct rvti_sa_info *sa)
{
	json_object *obj = sa_to_json(sa);
	char *s;

	if (!obj)
		abort();
	s = strdup(json_object_to_json_string_ext(obj,
			JSON_C_TO_STRING_PLAIN |
			JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(obj);
	return s;
}

static void sa_output_lifetime(void)
{
	struct rvti_sa_info sa = {
		.dir = RVTI_SA_DIR_OUT, .spi = 0x1004,
		.aead = "rfc4106(gcm(aes))",
		.has_lifetime = true,
		.lifetime = {
			[RVTI_LIFETIME_A_SOFT_BYTES] = 1048576,
			[RVTI_LIFETIME_A_HARD_BYTES] = 2097152,
			[RVTI_LIFETIME_A_SOFT_ADD_SECONDS] = 3000,
			[RVTI_LIFETIME_A_HARD_USE_SECONDS] = 600,
		},
		.has_active = true, .active = false,
		.has_state = true, .state = RVTI_SA_STATE_SOFT_EXPIRED,
		.has_times = true, .add_time = 1796047200,
		.first_use = 1796047201, .last_use = 0,
	};
	char *s;

	s = print_sa(&sa, false);
	CHECK_STR(s, "rvti0: sa out spi 0x00001004 aead rfc4106(gcm(aes)) "
		  "soft-bytes 1048576 hard-bytes 2097152 soft-time 3000 "
		  "hard-use-time 600 inactive state soft-expired "
		  "added 2026-11-30T14:00:00Z first-use 2026-11-30T14:00:01Z "
		  "last-use never\n");
	free(s);
	s = sa_json_str(&sa);
	CHECK_STR(s, "{\"dir\":\"out\",\"spi\":4100,\"aead\":\"rfc4106(gcm(aes))\","
		  "\"esn\":false,\"lifetime\":{\"soft_bytes\":1048576,"
		  "\"hard_bytes\":2097152,\"soft_time\":3000,"
		  "\"hard_use_time\":600},\"state\":\"soft-expired\","
		  "\"active\":false,\"add_time\":1796047200,"
		  "\"first_use\":1796047201,\"last_use\":0}");
	free(s);

	/* the active SA, ok, without limits: nothing marked */
	memset(sa.lifetime, 0, sizeof(sa.lifetime));
	sa.active = true;
	sa.state = RVTI_SA_STATE_OK;
	sa.last_use = 1796047260;
	s = print_sa(&sa, false);
	CHECK_STR(s, "rvti0: sa out spi 0x00001004 aead rfc4106(gcm(aes)) "
		  "added 2026-11-30T14:00:00Z first-use 2026-11-30T14:00:01Z "
		  "last-use 2026-11-30T14:01:00Z\n");
	free(s);
	s = sa_json_str(&sa);
	CHECK_CONTAINS(s, "\"esn\":false,\"lifetime\":{},\"state\":\"ok\","
		       "\"active\":true,\"add_time\"");
	free(s);

	/* inbound: never "inactive", no "active" member; unknown state */
	sa.dir = RVTI_SA_DIR_IN;
	sa.active = false;
	sa.state = 7;
	sa.has_times = false;
	s = print_sa(&sa, false);
	CHECK_STR(s, "rvti0: sa in spi 0x00001004 aead rfc4106(gcm(aes)) "
		  "state 7\n");
	free(s);
	s = sa_json_str(&sa);
	CHECK_STR(s, "{\"dir\":\"in\",\"spi\":4100,\"aead\":\"rfc4106(gcm(aes))\","
		  "\"esn\":false,\"lifetime\":{},\"state\":7}");
	free(s);

	sa.state = RVTI_SA_STATE_HARD_EXPIRED;
	s = print_sa(&sa, false);
	CHECK_CONTAINS(s, " state hard-expired\n");
	free(s);
}

static void time_strings(void)
{
	char buf[SA_TIME_STRLEN];

	CHECK_STR(sa_time_str(0, buf, sizeof(buf)), "never");
	CHECK_STR(sa_time_str(1, buf, sizeof(buf)), "1970-01-01T00:00:01Z");
	CHECK_STR(sa_time_str(1796047200, buf, sizeof(buf)),
		  "2026-11-30T14:00:00Z");
	/* beyond what gmtime() takes: the number */
	CHECK_STR(sa_time_str(UINT64_MAX, buf, sizeof(buf)),
		  "18446744073709551615");
}

static void tunnel_last_rx(void)
{
	char buf[512];
	struct nlmsghdr *nlh;
	struct rvti_tunnel t;
	struct rvti_out o;
	const char *why = NULL;
	char *s = NULL;
	size_t len = 0;

	nlh = nl_put_genl_hdr(buf, FAMILY_ID, RVTI_CMD_GET_TUNNEL,
			      RVTI_GENL_VERSION, 0, 1);
	mnl_attr_put_u32(nlh, RVTI_A_IFINDEX, 5);
	mnl_attr_put_strz(nlh, RVTI_A_IFNAME, "rvti0");
	mnl_attr_put_u64(nlh, RVTI_A_LAST_RX, 1796047259);
	CHECK_INT(tunnel_from_msg(nlh, &t, &why), 0);
	CHECK(t.has_last_rx);
	CHECK_INT(t.last_rx, 1796047259);

	out_init(&o, open_memstream(&s, &len), false, false, false);
	CHECK_INT(tunnel_print(&o, &t), 0);
	t.last_rx = 0;
	CHECK_INT(tunnel_print(&o, &t), 0);
	fclose(o.fp);
	CHECK_STR(s, "rvti0: local any remote none last-rx 2026-11-30T14:00:59Z\n"
		  "rvti0: local any remote none last-rx never\n");
	free(s);
	tunnel_free(&t);

	nlh = nl_put_genl_hdr(buf, FAMILY_ID, RVTI_CMD_GET_TUNNEL,
			      RVTI_GENL_VERSION, 0, 1);
	mnl_attr_put_strz(nlh, RVTI_A_IFNAME, "rvti0");
	mnl_attr_put_u32(nlh, RVTI_A_LAST_RX, 1);
	CHECK_INT(tunnel_from_msg(nlh, &t, &why), -EBADMSG);
	CHECK_STR(why, "RVTI_A_LAST_RX is not a u64");
}

/* --- events --- */

static struct nlmsghdr *event_start(char *buf, uint8_t event,
				    const char *dev, uint32_t ifindex)
{
	struct nlmsghdr *nlh;

	nlh = nl_put_genl_hdr(buf, FAMILY_ID, RVTI_CMD_EVENT,
			      RVTI_GENL_VERSION, 0, 0);
	mnl_attr_put_u8(nlh, RVTI_A_EVENT, event);
	if (ifindex)
		mnl_attr_put_u32(nlh, RVTI_A_IFINDEX, ifindex);
	if (dev)
		mnl_attr_put_strz(nlh, RVTI_A_IFNAME, dev);
	return nlh;
}

static void event_put_sa(struct nlmsghdr *nlh, uint8_t dir, uint32_t spi,
			 int limit)
{
	struct nlattr *n = mnl_attr_nest_start(nlh, RVTI_A_SA);

	mnl_attr_put_u8(nlh, RVTI_SA_A_DIR, dir);
	mnl_attr_put_u32(nlh, RVTI_SA_A_SPI, spi);
	if (limit >= 0)
		mnl_attr_put_u8(nlh, RVTI_SA_A_LIMIT, (uint8_t)limit);
	mnl_attr_nest_end(nlh, n);
}

/* Decode the event in @nlh and print it as text and as JSON. */
static void check_event(const struct nlmsghdr *nlh, const char *text,
			const char *json)
{
	struct rvti_event_info ev;
	const char *why = NULL;
	char *s = NULL;
	size_t len = 0;
	FILE *fp;

	CHECK_INT(event_from_msg(nlh, &ev, &why), 0);
	fp = open_memstream(&s, &len);
	CHECK_INT(event_print(fp, false, &ev), 0);
	fclose(fp);
	CHECK_STR(s, text);
	free(s);
	s = NULL;
	fp = open_memstream(&s, &len);
	CHECK_INT(event_print(fp, true, &ev), 0);
	fclose(fp);
	CHECK_STR(s, json);
	free(s);
}

static void events_decode_print(void)
{
	static const struct {
		uint8_t event;
		const char *name;
	} names[] = {
		{ RVTI_EVENT_TUNNEL_NEW, "tunnel-new" },
		{ RVTI_EVENT_TUNNEL_CHANGE, "tunnel-change" },
		{ RVTI_EVENT_TUNNEL_DEL, "tunnel-del" },
		{ RVTI_EVENT_SA_NEW, "sa-new" },
		{ RVTI_EVENT_SA_DEL, "sa-del" },
		{ RVTI_EVENT_SA_SOFT_EXPIRE, "sa-soft-expire" },
		{ RVTI_EVENT_SA_HARD_EXPIRE, "sa-hard-expire" },
		{ RVTI_EVENT_ACQUIRE, "acquire" },
		{ RVTI_EVENT_NEW_MAPPING, "new-mapping" },
	};
	static const char *const limits[] = {
		[RVTI_LIMIT_BYTES] = "bytes",
		[RVTI_LIMIT_PACKETS] = "packets",
		[RVTI_LIMIT_ADD_SECONDS] = "add-time",
		[RVTI_LIMIT_USE_SECONDS] = "use-time",
		[RVTI_LIMIT_SEQ] = "seq",
	};
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	char buf[512], text[128], json[256];
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		CHECK_STR(event_str(names[i].event), names[i].name);
	CHECK(!event_str(0) && !event_str(RVTI_EVENT_MAX + 1));
	for (i = RVTI_LIMIT_BYTES; i <= RVTI_LIMIT_MAX; i++)
		CHECK_STR(sa_limit_str((uint8_t)i), limits[i]);
	CHECK(!sa_limit_str(0) && !sa_limit_str(RVTI_LIMIT_MAX + 1));

	nlh = event_start(buf, RVTI_EVENT_SA_SOFT_EXPIRE, "rvti0", 3);
	event_put_sa(nlh, RVTI_SA_DIR_OUT, 0x1004, RVTI_LIMIT_BYTES);
	check_event(nlh,
		    "sa-soft-expire dev rvti0 dir out spi 0x00001004 limit bytes\n",
		    "{\"event\":\"sa-soft-expire\",\"dev\":\"rvti0\",\"ifindex\":3,"
		    "\"dir\":\"out\",\"spi\":4100,\"limit\":\"bytes\"}\n");

	for (i = RVTI_LIMIT_BYTES; i <= RVTI_LIMIT_MAX; i++) {
		nlh = event_start(buf, RVTI_EVENT_SA_HARD_EXPIRE, "rvti0", 3);
		event_put_sa(nlh, RVTI_SA_DIR_IN, 0xffffffff, (int)i);
		snprintf(text, sizeof(text),
			 "sa-hard-expire dev rvti0 dir in spi 0xffffffff limit %s\n",
			 limits[i]);
		snprintf(json, sizeof(json),
			 "{\"event\":\"sa-hard-expire\",\"dev\":\"rvti0\",\"ifindex\":3,"
			 "\"dir\":\"in\",\"spi\":4294967295,\"limit\":\"%s\"}\n",
			 limits[i]);
		check_event(nlh, text, json);
	}

	nlh = event_start(buf, RVTI_EVENT_SA_NEW, "rvti0", 3);
	event_put_sa(nlh, RVTI_SA_DIR_IN, 0x100, -1);
	check_event(nlh, "sa-new dev rvti0 dir in spi 0x00000100\n",
		    "{\"event\":\"sa-new\",\"dev\":\"rvti0\",\"ifindex\":3,"
		    "\"dir\":\"in\",\"spi\":256}\n");

	nlh = event_start(buf, RVTI_EVENT_TUNNEL_NEW, "rvti1", 4);
	check_event(nlh, "tunnel-new dev rvti1\n",
		    "{\"event\":\"tunnel-new\",\"dev\":\"rvti1\",\"ifindex\":4}\n");

	nlh = event_start(buf, RVTI_EVENT_TUNNEL_CHANGE, "rvti0", 3);
	mnl_attr_put_u8(nlh, RVTI_A_STATE, RVTI_STATE_NO_OUT_SA);
	check_event(nlh, "tunnel-change dev rvti0 state no-out-sa\n",
		    "{\"event\":\"tunnel-change\",\"dev\":\"rvti0\",\"ifindex\":3,"
		    "\"state\":\"no-out-sa\"}\n");
	nlh = event_start(buf, RVTI_EVENT_TUNNEL_CHANGE, "rvti0", 3);
	mnl_attr_put_u8(nlh, RVTI_A_STATE, 99);
	check_event(nlh, "tunnel-change dev rvti0 state 99\n",
		    "{\"event\":\"tunnel-change\",\"dev\":\"rvti0\",\"ifindex\":3,"
		    "\"state\":99}\n");

	nlh = event_start(buf, RVTI_EVENT_NEW_MAPPING, "rvti0", 3);
	nest = mnl_attr_nest_start(nlh, RVTI_A_SA);
	mnl_attr_put_u8(nlh, RVTI_SA_A_DIR, RVTI_SA_DIR_IN);
	mnl_attr_put_u32(nlh, RVTI_SA_A_SPI, 0x4001);
	mnl_attr_put_u16(nlh, RVTI_SA_A_ENCAP_SPORT, 31007);
	mnl_attr_put_u16(nlh, RVTI_SA_A_ENCAP_DPORT, 4500);
	mnl_attr_nest_end(nlh, nest);
	check_event(nlh, "new-mapping dev rvti0 dir in spi 0x00004001 encap espinudp 31007 4500\n",
		    "{\"event\":\"new-mapping\",\"dev\":\"rvti0\",\"ifindex\":3,"
		    "\"dir\":\"in\",\"spi\":16385,\"encap\":{\"type\":\"espinudp\","
		    "\"sport\":31007,\"dport\":4500}}\n");

	nlh = event_start(buf, RVTI_EVENT_ACQUIRE, "rvti0", 3);
	mnl_attr_put_u32(nlh, RVTI_A_MAX + 1, 1);	/* newer: ignored */
	check_event(nlh, "acquire dev rvti0\n",
		    "{\"event\":\"acquire\",\"dev\":\"rvti0\",\"ifindex\":3}\n");

	/* values of a newer kernel: numbers */
	nlh = event_start(buf, 42, "rvti0", 0);
	event_put_sa(nlh, RVTI_SA_DIR_OUT, 0x1000, 99);
	check_event(nlh, "event 42 dev rvti0 dir out spi 0x00001000 limit 99\n",
		    "{\"event\":42,\"dev\":\"rvti0\",\"dir\":\"out\","
		    "\"spi\":4096,\"limit\":99}\n");
}

static void events_malformed(void)
{
	struct rvti_event_info ev;
	struct nlmsghdr *nlh;
	struct nlattr *n;
	const char *why;
	char buf[256];

	nlh = nl_put_genl_hdr(buf, FAMILY_ID, RVTI_CMD_EVENT,
			      RVTI_GENL_VERSION, 0, 0);
	mnl_attr_put_strz(nlh, RVTI_A_IFNAME, "rvti0");
	CHECK_INT(event_from_msg(nlh, &ev, &why), -EBADMSG);
	CHECK_STR(why, "no valid RVTI_A_EVENT");

	nlh = nl_put_genl_hdr(buf, FAMILY_ID, RVTI_CMD_EVENT,
			      RVTI_GENL_VERSION, 0, 0);
	mnl_attr_put_u32(nlh, RVTI_A_EVENT, RVTI_EVENT_SA_NEW);
	CHECK_INT(event_from_msg(nlh, &ev, &why), -EBADMSG);
	CHECK_STR(why, "no valid RVTI_A_EVENT");

	nlh = event_start(buf, RVTI_EVENT_SA_NEW, "rvti0", 3);
	n = mnl_attr_nest_start(nlh, RVTI_A_SA);
	mnl_attr_put_u8(nlh, RVTI_SA_A_DIR, RVTI_SA_DIR_IN);
	mnl_attr_nest_end(nlh, n);
	CHECK_INT(event_from_msg(nlh, &ev, &why), -EBADMSG);
	CHECK_STR(why, "SA without a valid RVTI_SA_A_SPI");

	nlh = event_start(buf, RVTI_EVENT_SA_SOFT_EXPIRE, "rvti0", 3);
	n = mnl_attr_nest_start(nlh, RVTI_A_SA);
	mnl_attr_put_u8(nlh, RVTI_SA_A_DIR, RVTI_SA_DIR_IN);
	mnl_attr_put_u32(nlh, RVTI_SA_A_SPI, 0x100);
	mnl_attr_put_u32(nlh, RVTI_SA_A_LIMIT, RVTI_LIMIT_BYTES);
	mnl_attr_nest_end(nlh, n);
	CHECK_INT(event_from_msg(nlh, &ev, &why), -EBADMSG);
	CHECK_STR(why, "RVTI_SA_A_LIMIT is not a u8");

	nlh = event_start(buf, RVTI_EVENT_TUNNEL_DEL, NULL, 3);
	mnl_attr_put_u32(nlh, RVTI_A_IFNAME, 0x41414141);	/* no NUL */
	CHECK_INT(event_from_msg(nlh, &ev, &why), -EBADMSG);
	CHECK_STR(why, "RVTI_A_IFNAME is not a string");
}

/* --- multicast groups --- */

static void mcast_groups(void)
{
	struct nl_mcast_group groups[2];
	struct nlattr *list, *g;
	struct nlmsghdr *nlh;
	unsigned int n = 9;
	char buf[512];

	nlh = nl_put_genl_hdr(buf, GENL_ID_CTRL, CTRL_CMD_NEWFAMILY, 2, 0, 1);
	mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, 0x1b);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, "rvti");
	CHECK_INT(nl_parse_mcast_groups(nlh, groups, 2, &n), 0);
	CHECK_INT(n, 0);	/* an older module: none */

	list = mnl_attr_nest_start(nlh, CTRL_ATTR_MCAST_GROUPS);
	g = mnl_attr_nest_start(nlh, 1);
	mnl_attr_put_u32(nlh, CTRL_ATTR_MCAST_GRP_ID, 23);
	mnl_attr_put_strz(nlh, CTRL_ATTR_MCAST_GRP_NAME, "events");
	mnl_attr_nest_end(nlh, g);
	g = mnl_attr_nest_start(nlh, 2);	/* no id: left out */
	mnl_attr_put_strz(nlh, CTRL_ATTR_MCAST_GRP_NAME, "broken");
	mnl_attr_nest_end(nlh, g);
	g = mnl_attr_nest_start(nlh, 3);
	mnl_attr_put_strz(nlh, CTRL_ATTR_MCAST_GRP_NAME, "other");
	mnl_attr_put_u32(nlh, CTRL_ATTR_MCAST_GRP_ID, 24);
	mnl_attr_nest_end(nlh, g);
	g = mnl_attr_nest_start(nlh, 4);	/* beyond the room */
	mnl_attr_put_strz(nlh, CTRL_ATTR_MCAST_GRP_NAME, "third");
	mnl_attr_put_u32(nlh, CTRL_ATTR_MCAST_GRP_ID, 25);
	mnl_attr_nest_end(nlh, g);
	mnl_attr_nest_end(nlh, list);
	CHECK_INT(nl_parse_mcast_groups(nlh, groups, 2, &n), 0);
	CHECK_INT(n, 2);
	CHECK_STR(groups[0].name, "events");
	CHECK_INT(groups[0].id, 23);
	CHECK_STR(groups[1].name, "other");
	CHECK_INT(groups[1].id, 24);

	/* a group that is not a nest */
	nlh = nl_put_genl_hdr(buf, GENL_ID_CTRL, CTRL_CMD_NEWFAMILY, 2, 0, 1);
	list = mnl_attr_nest_start(nlh, CTRL_ATTR_MCAST_GROUPS);
	mnl_attr_put_u16(nlh, 1, 5);
	mnl_attr_nest_end(nlh, list);
	CHECK_INT(nl_parse_mcast_groups(nlh, groups, 2, &n), -EBADMSG);
}

static void mcast_group_lookup(void)
{
	struct nl_ctx *nl = calloc(1, sizeof(*nl));
	uint32_t id = 0;

	if (!nl)
		abort();
	CHECK_INT(nl_mcast_group_id(nl, "events", &id), -ENOENT);
	strcpy(nl->groups[0].name, "other");
	nl->groups[0].id = 3;
	strcpy(nl->groups[1].name, "events");
	nl->groups[1].id = 4;
	nl->ngroups = 2;
	CHECK_INT(nl_mcast_group_id(nl, "events", &id), 0);
	CHECK_INT(id, 4);
	CHECK_INT(nl_mcast_group_id(nl, "event", &id), -ENOENT);
	free(nl);
}

static int count_cb(const struct nlmsghdr *nlh, void *arg)
{
	(void)nlh;
	++*(unsigned int *)arg;
	return 0;
}

/*
 * The real thing, with the family every kernel has (nlctrl, group
 * "notify"): the group id from the family lookup, the join, and the
 * listen loop ended by SIGTERM, whether it comes while waiting or before.
 */
static void listen_real_socket(void)
{
	unsigned int n = 0;
	struct nl_ctx *nl;
	uint32_t group = 0;
	sigset_t block, old;
	pid_t pid;
	int status;

	if (nl_open(&nl, "nlctrl", 2))
		TEST_SKIP("no generic netlink here");
	CHECK(nl->ngroups > 0);
	CHECK_INT(nl_mcast_group_id(nl, "notify", &group), 0);
	CHECK(group != 0);
	CHECK_INT(nl_join_group(nl, group), 0);

	/* SIGTERM while the loop waits */
	pid = fork();
	if (pid == 0) {
		usleep(200000);
		kill(getppid(), SIGTERM);
		_exit(0);
	}
	CHECK(pid > 0);
	CHECK_INT(monitor_listen(nl, count_cb, &n), 0);
	CHECK_INT(monitor_stop, 1);
	if (pid > 0)
		waitpid(pid, &status, 0);

	/* SIGTERM before the loop: pending, not missed */
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &old);
	kill(getpid(), SIGTERM);
	CHECK_INT(monitor_listen(nl, count_cb, &n), 0);
	CHECK_INT(monitor_stop, 1);
	sigprocmask(SIG_SETMASK, &old, NULL);
	/* the handler was taken back: the default action again */
	CHECK(signal(SIGTERM, SIG_DFL) == SIG_DFL);
	nl_close(nl);
}

const struct test_case km_tests[] = {
	TEST_CASE(u64_numbers),
	TEST_CASE(byte_counts),
	TEST_CASE(sa_add_parse_limits),
	TEST_CASE(sa_add_parse_limit_errors),
	TEST_CASE(sa_add_build_limits),
	TEST_CASE(allocspi_parse),
	TEST_CASE(allocspi_build),
	TEST_CASE(allocspi_reply),
	TEST_CASE(sa_reply_lifetime),
	TEST_CASE(sa_reply_lifetime_malformed),
	TEST_CASE(sa_output_lifetime),
	TEST_CASE(time_strings),
	TEST_CASE(tunnel_last_rx),
	TEST_CASE(events_decode_print),
	TEST_CASE(events_malformed),
	TEST_CASE(mcast_groups),
	TEST_CASE(mcast_group_lookup),
	TEST_CASE(listen_real_socket),
	{ NULL, NULL }
};
