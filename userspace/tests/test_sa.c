// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for sa.c: "sa add" / "sa del" command lines into requests,
 * the RVTI_A_SA nests built from them, decoding of the SAs and counters of
 * GET_TUNNEL replies, and their text and JSON output.
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include <linux/genetlink.h>
#include <linux/rvti.h>

#include "nl.h"
#include "sa.h"
#include "test.h"
#include "tunnel.h"
#include "util.h"

#define FAMILY_ID 0x20
#define SPI_RESERVED \
	"SPIs 0 to 255 are reserved (RFC 4303): use 256 to 4294967295"

static int add_parse(const char *line, struct sa_add_req *req, char *err,
		     size_t errlen)
{
	char store[1024], *argv[48];
	int argc = split_line(line, store, sizeof(store), argv, 48);

	err[0] = '\0';
	return sa_add_parse(argc, argv, req, err, errlen);
}

static int del_parse(const char *line, struct sa_del_req *req, char *err,
		     size_t errlen)
{
	char store[512], *argv[32];
	int argc = split_line(line, store, sizeof(store), argv, 32);

	err[0] = '\0';
	return sa_del_parse(argc, argv, req, err, errlen);
}

static int set_parse(const char *line, struct sa_set_req *req, char *err,
		     size_t errlen)
{
	char store[512], *argv[32];
	int argc = split_line(line, store, sizeof(store), argv, 32);

	err[0] = '\0';
	return sa_set_parse(argc, argv, req, err, errlen);
}

static bool all_zero(const void *p, size_t n)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

/* --- sa add: command line --- */

static void sa_add_parse_aead(void)
{
	static const uint8_t key[20] = {
		0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99,
		0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0xde, 0xad, 0xbe, 0xef,
	};
	struct sa_add_req req;
	char err[256];

	CHECK_INT(add_parse("dev rvti0 dir in spi 0x1000 aead rfc4106(gcm(aes)) "
			    "key 0x00112233445566778899aabbccddeeffdeadbeef "
			    "icv 128 esn replay-window 2048",
			    &req, err, sizeof(err)), 0);
	CHECK_STR(err, "");
	CHECK_STR(req.ifname, "rvti0");
	CHECK_INT(req.dir, RVTI_SA_DIR_IN);
	CHECK_INT(req.spi, 0x1000);
	CHECK_STR(req.aead, "rfc4106(gcm(aes))");
	CHECK_STR(req.enc, "");
	CHECK_STR(req.auth, "");
	CHECK_INT(req.enc_key_len, 20);
	CHECK_MEM(req.enc_key, key, 20);
	CHECK_INT(req.auth_key_len, 0);
	CHECK(req.has_icv);
	CHECK_INT(req.icv_bits, 128);
	CHECK_INT(req.flags, RVTI_SA_F_ESN);
	CHECK(req.has_replay_window);
	CHECK_INT(req.replay_window, 2048);

	/* the minimum; other order; decimal SPI */
	CHECK_INT(add_parse("aead aes-gcm key 0x0102 spi 4294967295 dir out dev x",
			    &req, err, sizeof(err)), 0);
	CHECK_STR(req.ifname, "x");
	CHECK_INT(req.dir, RVTI_SA_DIR_OUT);
	CHECK_INT(req.spi, 4294967295u);
	CHECK_STR(req.aead, "aes-gcm");
	CHECK_INT(req.enc_key_len, 2);
	CHECK(!req.has_icv);
	CHECK_INT(req.flags, 0);
	CHECK(!req.has_replay_window);
}

/* RFC 4303 reserves 0 to 255: the first SPI is 256, the last 2^32 - 1. */
static void sa_spi_bounds(void)
{
	static const struct {
		const char *spi;
		uint32_t val;
	} ok[] = {
		{ "256", 256 }, { "0x100", 256 }, { "0x00000100", 256 },
		{ "4294967295", 0xffffffffu }, { "0xffffffff", 0xffffffffu },
		{ "0xFFFFFFFF", 0xffffffffu },
	};
	static const char *const reserved[] = {
		"0", "1", "255", "0x0", "0xff", "0x00ff", "00255",
	};
	struct sa_add_req req;
	struct sa_del_req del;
	char line[128], err[256];
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		snprintf(line, sizeof(line),
			 "dev rvti0 dir in spi %s aead aes-gcm key 0x00",
			 ok[i].spi);
		CHECK_INT(add_parse(line, &req, err, sizeof(err)), 0);
		CHECK_INT(req.spi, ok[i].val);
		snprintf(line, sizeof(line), "dev rvti0 dir in spi %s",
			 ok[i].spi);
		CHECK_INT(del_parse(line, &del, err, sizeof(err)), 0);
		CHECK_INT(del.spi, ok[i].val);
	}
	for (i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++) {
		snprintf(line, sizeof(line),
			 "dev rvti0 dir in spi %s aead aes-gcm key 0x00",
			 reserved[i]);
		CHECK_INT(add_parse(line, &req, err, sizeof(err)), -EINVAL);
		CHECK_STR(err, SPI_RESERVED);
		snprintf(line, sizeof(line), "dev rvti0 dir in spi %s",
			 reserved[i]);
		CHECK_INT(del_parse(line, &del, err, sizeof(err)), -EINVAL);
		CHECK_STR(err, SPI_RESERVED);
	}
	/* one more than 2^32 - 1 is not a 32-bit number */
	CHECK_INT(add_parse("dev rvti0 dir in spi 4294967296 aead aes-gcm "
			    "key 0x00", &req, err, sizeof(err)), -EINVAL);
	CHECK_CONTAINS(err, "invalid SPI");
}

static void sa_add_parse_enc_auth(void)
{
	static const uint8_t ek[16] = { 0x10, [15] = 0x1f };
	static const uint8_t ak[32] = { 0x20, [31] = 0x3f };
	struct sa_add_req req;
	char err[256];

	CHECK_INT(add_parse("dev rvti0 dir out spi 0x2000 enc cbc(aes) "
			    "key 0x1000000000000000000000000000001f "
			    "auth hmac(sha256) key "
			    "0x200000000000000000000000000000000000000000000000000000000000003f "
			    "icv 128",
			    &req, err, sizeof(err)), 0);
	CHECK_STR(req.aead, "");
	CHECK_STR(req.enc, "cbc(aes)");
	CHECK_STR(req.auth, "hmac(sha256)");
	CHECK_INT(req.enc_key_len, 16);
	CHECK_MEM(req.enc_key, ek, 16);
	CHECK_INT(req.auth_key_len, 32);
	CHECK_MEM(req.auth_key, ak, 32);
	CHECK_INT(req.icv_bits, 128);

	/* "key" belongs to the algorithm named last: auth first works too */
	CHECK_INT(add_parse("auth sha1 key 0xaaaa dev rvti0 enc aes-cbc "
			    "spi 300 key 0xeeee dir in",
			    &req, err, sizeof(err)), 0);
	CHECK_STR(req.enc, "aes-cbc");
	CHECK_STR(req.auth, "sha1");
	CHECK_INT(req.enc_key_len, 2);
	CHECK_INT(req.enc_key[0], 0xee);
	CHECK_INT(req.auth_key_len, 2);
	CHECK_INT(req.auth_key[0], 0xaa);
	CHECK_INT(req.spi, 300);
}

static void sa_add_parse_abbrev(void)
{
	struct sa_add_req req;
	char err[256];

	CHECK_INT(add_parse("de rvti0 di o sp 0x110 ae aes-gcm k 0x0102 i 64 "
			    "es r 128",
			    &req, err, sizeof(err)), 0);
	CHECK_STR(req.ifname, "rvti0");
	CHECK_INT(req.dir, RVTI_SA_DIR_OUT);
	CHECK_INT(req.spi, 0x110);
	CHECK_STR(req.aead, "aes-gcm");
	CHECK_INT(req.icv_bits, 64);
	CHECK_INT(req.flags, RVTI_SA_F_ESN);
	CHECK_INT(req.replay_window, 128);

	CHECK_INT(add_parse("dev rvti0 dir i spi 256 enc aes-cbc k 0x01 au sha1 "
			    "k 0x02",
			    &req, err, sizeof(err)), 0);
	CHECK_INT(req.dir, RVTI_SA_DIR_IN);
	CHECK_STR(req.enc, "aes-cbc");
	CHECK_STR(req.auth, "sha1");

	/* "en": "enc" or "encap" */
	CHECK_INT(add_parse("dev rvti0 dir i spi 256 en aes-cbc k 0x01 au sha1 "
			    "k 0x02",
			    &req, err, sizeof(err)), -EINVAL);
	CHECK_STR(err, "ambiguous keyword \"en\"");
}

static void sa_add_parse_key_file(void)
{
	char path[] = "/tmp/rvti-test-key-XXXXXX", line[256];
	static const char text[] = "  0x0011223344556677\n";
	struct sa_add_req req;
	char err[256];
	int fd = mkstemp(path);

	CHECK(fd >= 0);
	if (fd < 0)
		return;
	CHECK_INT(write(fd, text, sizeof(text) - 1), sizeof(text) - 1);
	close(fd);
	snprintf(line, sizeof(line),
		 "dev rvti0 dir in spi 256 enc aes-cbc key @%s auth sha1 key @%s",
		 path, path);
	CHECK_INT(add_parse(line, &req, err, sizeof(err)), 0);
	CHECK_INT(req.enc_key_len, 8);
	CHECK_INT(req.enc_key[0], 0x00);
	CHECK_INT(req.enc_key[7], 0x77);
	CHECK_INT(req.auth_key_len, 8);
	CHECK_INT(req.auth_key[1], 0x11);
	unlink(path);

	/* an unreadable file is a system error, not a usage error */
	CHECK_INT(add_parse(line, &req, err, sizeof(err)), -ENOENT);
	CHECK_CONTAINS(err, "cannot read the enc key from \"/tmp/rvti-test-key-");
	CHECK_CONTAINS(err, "No such file or directory");
	CHECK(all_zero(&req, sizeof(req)));
}

struct bad_line {
	const char *line;
	const char *msg;
};

#define SA_HEAD "dev rvti0 dir in spi 0x1000 "
#define AEAD "aead aes-gcm key 0x00112233 "

static void sa_add_parse_errors(void)
{
	static const struct bad_line bad[] = {
		{ "", "missing \"dev NAME\"" },
		{ "dir in spi 256 " AEAD, "missing \"dev NAME\"" },
		{ "dev rvti0 spi 256 " AEAD, "missing \"dir in|out\"" },
		{ "dev rvti0 dir in " AEAD, "missing \"spi SPI\"" },
		{ SA_HEAD, "missing algorithm" },
		{ SA_HEAD "icv 128 esn", "missing algorithm" },
		{ SA_HEAD AEAD "enc cbc(aes) key 0x00",
		  "\"aead\" cannot be combined with \"enc\" or \"auth\"" },
		{ SA_HEAD "auth sha1 key 0x00 " AEAD,
		  "\"aead\" cannot be combined" },
		{ SA_HEAD "enc cbc(aes) key 0x00",
		  "\"enc\" needs \"auth ALG key KEY\" as well" },
		{ SA_HEAD "auth sha1 key 0x00",
		  "\"auth\" needs \"enc ALG key KEY\" as well" },
		{ SA_HEAD "aead aes-gcm", "missing \"key KEY\" after \"aead ALG\"" },
		{ SA_HEAD "aead aes-gcm icv 64", "missing \"key KEY\" after \"aead ALG\"" },
		{ SA_HEAD "enc aes-cbc auth sha1 key 0x00",
		  "missing \"key KEY\" after \"enc ALG\"" },
		{ SA_HEAD "enc aes-cbc key 0x00 auth sha1",
		  "missing \"key KEY\" after \"auth ALG\"" },
		{ SA_HEAD "key 0x00 aead aes-gcm",
		  "\"key\" must follow \"aead ALG\", \"enc ALG\" or \"auth ALG\"" },
		{ SA_HEAD AEAD "key 0x11", "\"key\" given twice for \"aead\"" },
		{ SA_HEAD "enc aes-cbc key 0x00 key 0x01 auth sha1 key 0x02",
		  "\"key\" given twice for \"enc\"" },
		{ SA_HEAD "enc aes-cbc auth sha1 key 0x00 key 0x01",
		  "\"key\" given twice for \"auth\"" },
		{ "dev rvti0 dir sideways spi 256 " AEAD,
		  "invalid direction (expected \"in\" or \"out\")" },
		{ "dev rvti0 dir inout spi 256 " AEAD, "invalid direction" },
		{ "dev rvti0 dir in spi zz " AEAD,
		  "invalid SPI (expected a 32-bit number, decimal or 0xHEX)" },
		{ "dev rvti0 dir in spi -1 " AEAD, "invalid SPI" },
		{ "dev rvti0 dir in spi 0x100000000 " AEAD, "invalid SPI" },
		{ "dev rvti0 dir in spi 0 " AEAD, SPI_RESERVED },
		{ "dev rvti0 dir in spi 0x0 " AEAD, SPI_RESERVED },
		{ "dev rvti0 dir in spi 1 " AEAD, SPI_RESERVED },
		{ "dev rvti0 dir in spi 255 " AEAD, SPI_RESERVED },
		{ "dev rvti0 dir in spi 0xff " AEAD, SPI_RESERVED },
		{ "dev rvti0 dir in spi 0x000000ff " AEAD, SPI_RESERVED },
		{ SA_HEAD AEAD "icv 12x",
		  "invalid ICV length (expected a 32-bit number)" },
		{ SA_HEAD AEAD "replay-window -5", "invalid replay window" },
		{ SA_HEAD AEAD "replay-window 99999999999",
		  "invalid replay window" },
		{ SA_HEAD AEAD "dev rvti1", "\"dev\" given twice" },
		{ SA_HEAD AEAD "dir out", "\"dir\" given twice" },
		{ SA_HEAD AEAD "spi 2", "\"spi\" given twice" },
		{ SA_HEAD AEAD "aead aes-gcm", "\"aead\" given twice" },
		{ SA_HEAD "enc a key 0x00 enc b auth c key 0x00",
		  "\"enc\" given twice" },
		{ SA_HEAD "enc a key 0x00 auth b key 0x00 auth c",
		  "\"auth\" given twice" },
		{ SA_HEAD AEAD "icv 64 icv 96", "\"icv\" given twice" },
		{ SA_HEAD AEAD "esn esn", "\"esn\" given twice" },
		{ SA_HEAD AEAD "replay-window 64 replay-window 64",
		  "\"replay-window\" given twice" },
		{ SA_HEAD AEAD "proto esp", "unknown keyword \"proto\"" },
		{ SA_HEAD AEAD "a x", "ambiguous keyword \"a\"" },
		{ SA_HEAD AEAD "e", "ambiguous keyword \"e\"" },
		{ "d rvti0 dir in spi 256 " AEAD, "ambiguous keyword \"d\"" },
		/* words of no vocabulary are located, not repeated */
		{ SA_HEAD AEAD "bogus",
		  "unknown keyword after \"key\" (argument 11, not shown: it could be a key)" },
		{ "bogus",
		  "unknown keyword (argument 1, not shown: it could be a key)" },
		{ SA_HEAD AEAD "esn bogus",
		  "unknown keyword after \"esn\" (argument 12, not shown" },
		/* ip xfrm's positional key and ICV length */
		{ SA_HEAD "aead aes-gcm 0x0011 128",
		  "unknown keyword after \"aead\" (argument 9, not shown: it could be a key): "
		  "the key goes after the keyword \"key\" (key 0xHEX or key @FILE)" },
		{ SA_HEAD "enc cbc(aes) 0x0011 auth sha1 key 0x00",
		  "unknown keyword after \"enc\" (argument 9, not shown: it could be a key): "
		  "the key goes after the keyword \"key\"" },
		{ SA_HEAD "enc aes-cbc key 0x00 auth sha1 0x0011",
		  "after \"auth\" (argument 13, not shown: it could be a key): "
		  "the key goes after the keyword \"key\"" },
		{ SA_HEAD AEAD "128",
		  "unknown keyword after \"key\" (argument 11, not shown: it could be a key): "
		  "the ICV length goes after the keyword \"icv\" (icv BITS)" },
		{ SA_HEAD AEAD "icv", "missing argument after \"icv\"" },
		{ SA_HEAD "aead aes-gcm key", "missing argument after \"key\"" },
		{ SA_HEAD "aead", "missing argument after \"aead\"" },
		{ SA_HEAD "aead aes-gcm key 0x001", "invalid aead key: odd number of hex digits" },
		{ SA_HEAD "aead aes-gcm key 00112233", "invalid aead key: expected 0xHEX or @FILE" },
		{ SA_HEAD "enc aes-cbc key 0xzz auth sha1 key 0x00",
		  "invalid enc key: not a hex digit" },
		{ SA_HEAD "enc aes-cbc key 0x00 auth sha1 key 0x",
		  "invalid auth key: no hex digits" },
		{ SA_HEAD "aead aes-gcm key @", "invalid aead key: missing file name after @" },
		{ "dev 0123456789abcdef dir in spi 256 " AEAD,
		  "invalid device name: device name longer than 15 characters" },
		{ SA_HEAD "aead "
		  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		  " key 0x00", "aead algorithm name longer than 127 characters" },
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
		/* nothing, keys least of all, is left behind */
		CHECK(all_zero(&req, sizeof(req)));
	}
}

static void sa_add_parse_longest_alg_and_key(void)
{
	char line[2048], alg[128], hex[2 * PARSE_KEY_MAX + 1];
	struct sa_add_req req;
	char err[256];
	int argc;
	char *argv[16];

	memset(alg, 'a', 127);
	alg[127] = '\0';
	memset(hex, 'f', 2 * PARSE_KEY_MAX);
	hex[2 * PARSE_KEY_MAX] = '\0';
	/* too long for split_line()'s store: build argv by hand */
	argv[0] = "dev";
	argv[1] = "rvti0";
	argv[2] = "dir";
	argv[3] = "in";
	argv[4] = "spi";
	argv[5] = "256";
	argv[6] = "aead";
	argv[7] = alg;
	argv[8] = "key";
	snprintf(line, sizeof(line), "0x%s", hex);
	argv[9] = line;
	argv[10] = NULL;
	argc = 10;
	CHECK_INT(sa_add_parse(argc, argv, &req, err, sizeof(err)), 0);
	CHECK_INT(strlen(req.aead), 127);
	CHECK_INT(req.enc_key_len, PARSE_KEY_MAX);
	CHECK_INT(req.enc_key[PARSE_KEY_MAX - 1], 0xff);
	sa_add_req_wipe(&req);
	CHECK(all_zero(&req, sizeof(req)));

	snprintf(line, sizeof(line), "0x%s00", hex);
	CHECK_INT(sa_add_parse(argc, argv, &req, err, sizeof(err)), -EINVAL);
	CHECK_CONTAINS(err, "invalid aead key: key too long");
}

static void sa_add_parse_help(void)
{
	struct sa_add_req req;
	char err[256];

	CHECK_INT(add_parse("help", &req, err, sizeof(err)), PARSE_HELP);
	CHECK_INT(add_parse(SA_HEAD "aead x key 0x00 help", &req, err,
			    sizeof(err)), PARSE_HELP);
	CHECK(all_zero(&req, sizeof(req)));
}

/* --- sa del: command line --- */

static void sa_del_parse_ok(void)
{
	struct sa_del_req req;
	char err[160];

	CHECK_INT(del_parse("dev rvti0 dir in spi 0x1000", &req, err,
			    sizeof(err)), 0);
	CHECK_STR(req.ifname, "rvti0");
	CHECK_INT(req.dir, RVTI_SA_DIR_IN);
	CHECK_INT(req.spi, 0x1000);

	CHECK_INT(del_parse("spi 265 di out de rvti3", &req, err, sizeof(err)),
		  0);
	CHECK_STR(req.ifname, "rvti3");
	CHECK_INT(req.dir, RVTI_SA_DIR_OUT);
	CHECK_INT(req.spi, 265);

	CHECK_INT(del_parse("help", &req, err, sizeof(err)), PARSE_HELP);
	CHECK_INT(del_parse("dev rvti0 help", &req, err, sizeof(err)),
		  PARSE_HELP);
}

static void sa_del_parse_errors(void)
{
	static const struct bad_line bad[] = {
		{ "", "missing \"dev NAME\"" },
		{ "dir in spi 256", "missing \"dev NAME\"" },
		{ "dev rvti0 spi 256", "missing \"dir in|out\"" },
		{ "dev rvti0 dir out", "missing \"spi SPI\"" },
		{ "dev rvti0 dir up spi 256", "invalid direction (expected" },
		{ "dev rvti0 dir in spi 0", SPI_RESERVED },
		{ "dev rvti0 dir in spi 255", SPI_RESERVED },
		{ "dev rvti0 dir in spi 1x", "invalid SPI (expected" },
		{ "dev rvti0 dir in spi 256 spi 257", "\"spi\" given twice" },
		{ "dev rvti0 dir in dir in spi 256", "\"dir\" given twice" },
		{ "dev rvti0 dev rvti0 dir in spi 256", "\"dev\" given twice" },
		{ "dev rvti0 dir in spi 256 key 0x00", "unknown keyword \"key\"" },
		{ "dev rvti0 dir in spi 256 0x0011",
		  "unknown keyword after \"spi\" (argument 7, not shown: it could be a key)" },
		{ "dev rvti0 dir in spi", "missing argument after \"spi\"" },
		{ "d rvti0 dir in spi 256", "ambiguous keyword \"d\"" },
		{ "dev a/b dir in spi 256", "invalid device name" },
	};
	struct sa_del_req req;
	char err[160];
	size_t i;
	int ret;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ret = del_parse(bad[i].line, &req, err, sizeof(err));
		if (ret != -EINVAL || !strstr(err, bad[i].msg))
			fprintf(stderr, "# \"%s\": %d \"%s\"\n", bad[i].line,
				ret, err);
		CHECK_INT(ret, -EINVAL);
		CHECK_CONTAINS(err, bad[i].msg);
	}
}

/* --- requests --- */

/* The top-level attributes of @nlh in @tb, and those of its RVTI_A_SA. */
static int index_req(const struct nlmsghdr *nlh, const struct nlattr **tb,
		     const struct nlattr **sa)
{
	int ret = nl_parse_attrs(nlh, tb, RVTI_A_MAX);

	if (ret)
		return ret;
	if (!tb[RVTI_A_SA])
		return -ENOENT;
	return nl_parse_nested(tb[RVTI_A_SA], sa, RVTI_SA_A_MAX);
}

static void sa_add_build_aead(void)
{
	static const uint8_t key[6] = { 0, 0x11, 0x22, 0x33, 0x44, 0x55 };
	const struct nlattr *tb[RVTI_A_MAX + 1], *sa[RVTI_SA_A_MAX + 1];
	struct sa_add_req req;
	struct nlmsghdr *nlh;
	char buf[2048], err[256];

	CHECK_INT(add_parse("dev rvti0 dir in spi 0x1000 aead rfc4106(gcm(aes)) "
			    "key 0x001122334455 icv 96 esn replay-window 64",
			    &req, err, sizeof(err)), 0);
	nlh = nl_put_genl_hdr(buf, FAMILY_ID, RVTI_CMD_NEW_SA,
			      RVTI_GENL_VERSION, NLM_F_REQUEST, 1);
	CHECK_INT(sa_add_build(nlh, sizeof(buf), &req), 0);
	CHECK_INT(index_req(nlh, tb, sa), 0);
	CHECK(tb[RVTI_A_IFNAME] &&
	      !strcmp(mnl_attr_get_str(tb[RVTI_A_IFNAME]), "rvti0"));
	CHECK(!tb[RVTI_A_IFINDEX] && !tb[RVTI_A_LOCAL] && !tb[RVTI_A_SAS]);
	/* a proper nest, as strict kernel validation wants */
	CHECK(tb[RVTI_A_SA] && (tb[RVTI_A_SA]->nla_type & NLA_F_NESTED));
	CHECK(sa[RVTI_SA_A_DIR] &&
	      mnl_attr_get_payload_len(sa[RVTI_SA_A_DIR]) == 1 &&
	      mnl_attr_get_u8(sa[RVTI_SA_A_DIR]) == RVTI_SA_DIR_IN);
	CHECK(sa[RVTI_SA_A_SPI] &&
	      mnl_attr_get_payload_len(sa[RVTI_SA_A_SPI]) == 4 &&
	      mnl_attr_get_u32(sa[RVTI_SA_A_SPI]) == 0x1000);
	CHECK(sa[RVTI_SA_A_AEAD_ALG] &&
	      mnl_attr_validate(sa[RVTI_SA_A_AEAD_ALG],
				MNL_TYPE_NUL_STRING) == 0 &&
	      !strcmp(mnl_attr_get_str(sa[RVTI_SA_A_AEAD_ALG]),
		      "rfc4106(gcm(aes))"));
	CHECK(sa[RVTI_SA_A_ENC_KEY] &&
	      mnl_attr_get_payload_len(sa[RVTI_SA_A_ENC_KEY]) == 6 &&
	      !memcmp(mnl_attr_get_payload(sa[RVTI_SA_A_ENC_KEY]), key, 6));
	CHECK(!sa[RVTI_SA_A_ENC_ALG] && !sa[RVTI_SA_A_AUTH_ALG] &&
	      !sa[RVTI_SA_A_AUTH_KEY] && !sa[RVTI_SA_A_STATS]);
	CHECK(sa[RVTI_SA_A_ICV_BITS] &&
	      mnl_attr_get_u32(sa[RVTI_SA_A_ICV_BITS]) == 96);
	CHECK(sa[RVTI_SA_A_FLAGS] &&
	      mnl_attr_get_u32(sa[RVTI_SA_A_FLAGS]) == RVTI_SA_F_ESN);
	CHECK(sa[RVTI_SA_A_REPLAY_WINDOW] &&
	      mnl_attr_get_u32(sa[RVTI_SA_A_REPLAY_WINDOW]) == 64);
	sa_add_req_wipe(&req);
}

static void sa_add_build_enc_auth(void)
{
	static const uint8_t ek[2] = { 0xee, 0x01 }, ak[3] = { 0xaa, 2, 3 };
	const struct nlattr *tb[RVTI_A_MAX + 1], *sa[RVTI_SA_A_MAX + 1];
	struct sa_add_req req;
	struct nlmsghdr *nlh;
	char buf[2048], err[256];

	CHECK_INT(add_parse("dev rvti1 dir out spi 0x2000 enc cbc(aes) key 0xee01 "
			    "auth hmac(sha256) key 0xaa0203",
			    &req, err, sizeof(err)), 0);
	nlh = nl_put_genl_hdr(buf, FAMILY_ID, RVTI_CMD_NEW_SA,
			      RVTI_GENL_VERSION, NLM_F_REQUEST, 1);
	CHECK_INT(sa_add_build(nlh, sizeof(buf), &req), 0);
	CHECK_INT(index_req(nlh, tb, sa), 0);
	CHECK(sa[RVTI_SA_A_DIR] &&
	      mnl_attr_get_u8(sa[RVTI_SA_A_DIR]) == RVTI_SA_DIR_OUT);
	CHECK(sa[RVTI_SA_A_SPI] &&
	      mnl_attr_get_u32(sa[RVTI_SA_A_SPI]) == 0x2000);
	CHECK(!sa[RVTI_SA_A_AEAD_ALG]);
	CHECK(sa[RVTI_SA_A_ENC_ALG] &&
	      !strcmp(mnl_attr_get_str(sa[RVTI_SA_A_ENC_ALG]), "cbc(aes)"));
	CHECK(sa[RVTI_SA_A_AUTH_ALG] &&
	      !strcmp(mnl_attr_get_str(sa[RVTI_SA_A_AUTH_ALG]),
		      "hmac(sha256)"));
	CHECK(sa[RVTI_SA_A_ENC_KEY] &&
	      mnl_attr_get_payload_len(sa[RVTI_SA_A_ENC_KEY]) == 2 &&
	      !memcmp(mnl_attr_get_payload(sa[RVTI_SA_A_ENC_KEY]), ek, 2));
	CHECK(sa[RVTI_SA_A_AUTH_KEY] &&
	      mnl_attr_get_payload_len(sa[RVTI_SA_A_AUTH_KEY]) == 3 &&
	      !memcmp(mnl_attr_get_payload(sa[RVTI_SA_A_AUTH_KEY]), ak, 3));
	/* not given, not sent: the kernel's defaults apply */
	CHECK(!sa[RVTI_SA_A_ICV_BITS] && !sa[RVTI_SA_A_FLAGS] &&
	      !sa[RVTI_SA_A_REPLAY_WINDOW]);
	sa_add_req_wipe(&req);
}

static void sa_add_build_too_small(void)
{
	struct sa_add_req req;
	struct nlmsghdr *nlh;
	char buf[96], err[256];
	size_t len;

	CHECK_INT(add_parse("dev rvti1 dir out spi 0x2000 enc cbc(aes) "
			    "key 0x00112233445566778899aabbccddeeff "
			    "auth hmac(sha256) key 0x00112233445566778899aabbccddeeff",
			    &req, err, sizeof(err)), 0);
	nlh = nl_put_genl_hdr(buf, FAMILY_ID, RVTI_CMD_NEW_SA,
			      RVTI_GENL_VERSION, NLM_F_REQUEST, 1);
	len = nlh->nlmsg_len;
	CHECK_INT(sa_add_build(nlh, sizeof(buf), &req), -EMSGSIZE);
	CHECK(nlh->nlmsg_len <= sizeof(buf));
	/* the partial nest was taken back: only the name is left */
	CHECK_INT(nlh->nlmsg_len,
		  len + MNL_ALIGN(MNL_ATTR_HDRLEN + sizeof("rvti1")));
	sa_add_req_wipe(&req);
}

static void sa_del_build_attrs(void)
{
	const struct nlattr *tb[RVTI_A_MAX + 1], *sa[RVTI_SA_A_MAX + 1];
	struct sa_del_req req;
	struct nlmsghdr *nlh;
	char buf[512], err[160];
	int i;

	CHECK_INT(del_parse("dev rvti0 dir out spi 0xdeadbeef", &req, err,
			    sizeof(err)), 0);
	nlh = nl_put_genl_hdr(buf, FAMILY_ID, RVTI_CMD_DEL_SA,
			      RVTI_GENL_VERSION, NLM_F_REQUEST, 1);
	CHECK_INT(sa_del_build(nlh, sizeof(buf), &req), 0);
	CHECK_INT(index_req(nlh, tb, sa), 0);
	CHECK(tb[RVTI_A_IFNAME] &&
	      !strcmp(mnl_attr_get_str(tb[RVTI_A_IFNAME]), "rvti0"));
	CHECK(tb[RVTI_A_SA] && (tb[RVTI_A_SA]->nla_type & NLA_F_NESTED));
	CHECK(sa[RVTI_SA_A_DIR] &&
	      mnl_attr_get_u8(sa[RVTI_SA_A_DIR]) == RVTI_SA_DIR_OUT);
	CHECK(sa[RVTI_SA_A_SPI] &&
	      mnl_attr_get_u32(sa[RVTI_SA_A_SPI]) == 0xdeadbeef);
	/* nothing else: no algorithm, no key */
	for (i = RVTI_SA_A_SPI + 1; i <= RVTI_SA_A_MAX; i++)
		CHECK(!sa[i]);

	CHECK_INT(sa_del_build(nlh, 24, &req), -EMSGSIZE);
}

/* --- replies --- */

/* Put a u64 as nla_put_u64_64bit() may: after a zero-length pad. */
static void put_u64_pad(struct nlmsghdr *nlh, uint16_t type, uint64_t v,
			uint16_t pad)
{
	static const uint8_t none;

	mnl_attr_put(nlh, pad, 0, &none);
	mnl_attr_put_u64(nlh, type, v);
}

static struct nlmsghdr *reply_start(char *buf)
{
	return nl_put_genl_hdr(buf, FAMILY_ID, RVTI_CMD_GET_TUNNEL,
			       RVTI_GENL_VERSION, 0, 1);
}

static void put_sa_in(struct nlmsghdr *nlh, bool junk)
{
	struct nlattr *sa = mnl_attr_nest_start(nlh, RVTI_A_SA), *st;
	uint64_t i;

	if (junk)
		mnl_attr_put_u32(nlh, RVTI_SA_A_MAX + 3, 77);
	mnl_attr_put_u8(nlh, RVTI_SA_A_DIR, RVTI_SA_DIR_IN);
	mnl_attr_put_u32(nlh, RVTI_SA_A_SPI, 0x1000);
	mnl_attr_put_strz(nlh, RVTI_SA_A_AEAD_ALG, "rfc4106(gcm(aes))");
	mnl_attr_put_u32(nlh, RVTI_SA_A_ICV_BITS, 128);
	mnl_attr_put_u32(nlh, RVTI_SA_A_FLAGS, RVTI_SA_F_ESN);
	mnl_attr_put_u32(nlh, RVTI_SA_A_REPLAY_WINDOW, 1024);
	st = mnl_attr_nest_start(nlh, RVTI_SA_A_STATS);
	for (i = RVTI_SA_STAT_PACKETS; i <= RVTI_SA_STAT_SEQ; i++)
		put_u64_pad(nlh, (uint16_t)i, 100 * i, RVTI_SA_STAT_PAD);
	put_u64_pad(nlh, RVTI_SA_STAT_OVERLOAD, 1000, RVTI_SA_STAT_PAD);
	if (junk)
		mnl_attr_put_u64(nlh, RVTI_SA_STAT_MAX + 1, 5);
	mnl_attr_nest_end(nlh, st);
	mnl_attr_nest_end(nlh, sa);
}

static void put_sa_out(struct nlmsghdr *nlh)
{
	struct nlattr *sa = mnl_attr_nest_start(nlh, RVTI_A_SA);

	mnl_attr_put_u8(nlh, RVTI_SA_A_DIR, RVTI_SA_DIR_OUT);
	mnl_attr_put_u32(nlh, RVTI_SA_A_SPI, 0xfffffffe);
	mnl_attr_put_strz(nlh, RVTI_SA_A_ENC_ALG, "cbc(aes)");
	mnl_attr_put_strz(nlh, RVTI_SA_A_AUTH_ALG, "hmac(sha256)");
	mnl_attr_put_u32(nlh, RVTI_SA_A_ICV_BITS, 128);
	mnl_attr_put_u32(nlh, RVTI_SA_A_FLAGS, 0);
	mnl_attr_nest_end(nlh, sa);
}

static void sa_reply_decode(void)
{
	char buf[2048];
	struct nlmsghdr *nlh = reply_start(buf);
	struct nlattr *nest;
	struct rvti_tunnel t;
	const char *why = NULL;

	mnl_attr_put_strz(nlh, RVTI_A_IFNAME, "rvti0");
	nest = mnl_attr_nest_start(nlh, RVTI_A_STATS);
	put_u64_pad(nlh, RVTI_TSTAT_NO_TX_SA, 1, RVTI_TSTAT_PAD);
	put_u64_pad(nlh, RVTI_TSTAT_NO_ENDPOINT, 2, RVTI_TSTAT_PAD);
	put_u64_pad(nlh, RVTI_TSTAT_WRONG_SOURCE, UINT64_MAX, RVTI_TSTAT_PAD);
	mnl_attr_put_u64(nlh, RVTI_TSTAT_MAX + 4, 9);	/* unknown */
	mnl_attr_nest_end(nlh, nest);
	nest = mnl_attr_nest_start(nlh, RVTI_A_SAS);
	put_sa_in(nlh, true);
	mnl_attr_put_u32(nlh, RVTI_A_SA + 40, 1);	/* not an SA */
	put_sa_out(nlh);
	mnl_attr_nest_end(nlh, nest);

	CHECK_INT(tunnel_from_msg(nlh, &t, &why), 0);
	CHECK(t.has_stats);
	CHECK_INT(t.stats.no_tx_sa, 1);
	CHECK_INT(t.stats.no_endpoint, 2);
	CHECK(t.stats.wrong_source == UINT64_MAX);
	CHECK(t.has_sas);
	CHECK_INT(t.nsas, 2);
	if (t.nsas == 2) {
		CHECK_INT(t.sas[0].dir, RVTI_SA_DIR_IN);
		CHECK_INT(t.sas[0].spi, 0x1000);
		CHECK_STR(t.sas[0].aead, "rfc4106(gcm(aes))");
		CHECK_STR(t.sas[0].enc, "");
		CHECK(t.sas[0].has_icv);
		CHECK_INT(t.sas[0].icv_bits, 128);
		CHECK_INT(t.sas[0].flags, RVTI_SA_F_ESN);
		CHECK(t.sas[0].has_replay_window);
		CHECK_INT(t.sas[0].replay_window, 1024);
		CHECK(t.sas[0].has_stats);
		CHECK_INT(t.sas[0].stats.packets, 100);
		CHECK_INT(t.sas[0].stats.bytes, 200);
		CHECK_INT(t.sas[0].stats.replayed, 300);
		CHECK_INT(t.sas[0].stats.outside_window, 400);
		CHECK_INT(t.sas[0].stats.icv_fail, 500);
		CHECK_INT(t.sas[0].stats.malformed, 600);
		CHECK_INT(t.sas[0].stats.seq_exhausted, 700);
		CHECK_INT(t.sas[0].stats.seq, 800);
		CHECK_INT(t.sas[0].stats.overload, 1000);
		CHECK_INT(t.sas[1].dir, RVTI_SA_DIR_OUT);
		CHECK_INT(t.sas[1].spi, 0xfffffffe);
		CHECK_STR(t.sas[1].aead, "");
		CHECK_STR(t.sas[1].enc, "cbc(aes)");
		CHECK_STR(t.sas[1].auth, "hmac(sha256)");
		CHECK_INT(t.sas[1].flags, 0);
		CHECK(!t.sas[1].has_replay_window);
		CHECK(!t.sas[1].has_stats);
	}
	tunnel_free(&t);

	/* an empty list; no stats */
	nlh = reply_start(buf);
	mnl_attr_put_strz(nlh, RVTI_A_IFNAME, "rvti1");
	nest = mnl_attr_nest_start(nlh, RVTI_A_SAS);
	mnl_attr_nest_end(nlh, nest);
	CHECK_INT(tunnel_from_msg(nlh, &t, &why), 0);
	CHECK(t.has_sas);
	CHECK_INT(t.nsas, 0);
	CHECK(t.sas == NULL);
	CHECK(!t.has_stats);
	tunnel_free(&t);
}

static void sa_reply_malformed(void)
{
	static const struct {
		int what;
		const char *why;
	} cases[] = {
		{ 0, "SA without a valid RVTI_SA_A_DIR" },
		{ 1, "RVTI_SA_A_DIR is neither in nor out" },
		{ 2, "SA without RVTI_SA_A_SPI" },
		{ 3, "RVTI_SA_A_SPI is not a u32" },
		{ 4, "RVTI_SA_A_AEAD_ALG is not a valid name" },
		{ 5, "RVTI_SA_A_STATS holds a counter that is not a u64" },
		{ 6, "RVTI_A_STATS holds a counter that is not a u64" },
		{ 7, "RVTI_SA_A_ICV_BITS is not a u32" },
	};
	char buf[1024];
	struct nlmsghdr *nlh;
	struct nlattr *list, *sa, *st;
	struct rvti_tunnel t;
	const char *why;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		nlh = reply_start(buf);
		mnl_attr_put_strz(nlh, RVTI_A_IFNAME, "rvti0");
		if (cases[i].what == 6) {
			st = mnl_attr_nest_start(nlh, RVTI_A_STATS);
			mnl_attr_put_u32(nlh, RVTI_TSTAT_NO_TX_SA, 1);
			mnl_attr_nest_end(nlh, st);
		}
		list = mnl_attr_nest_start(nlh, RVTI_A_SAS);
		put_sa_out(nlh);	/* a good one first: freed on error */
		sa = mnl_attr_nest_start(nlh, RVTI_A_SA);
		if (cases[i].what == 1)
			mnl_attr_put_u8(nlh, RVTI_SA_A_DIR, 3);
		else if (cases[i].what != 0)
			mnl_attr_put_u8(nlh, RVTI_SA_A_DIR, RVTI_SA_DIR_IN);
		if (cases[i].what == 3)
			mnl_attr_put_u16(nlh, RVTI_SA_A_SPI, 1);
		else if (cases[i].what != 2)
			mnl_attr_put_u32(nlh, RVTI_SA_A_SPI, 1);
		if (cases[i].what == 4)
			mnl_attr_put(nlh, RVTI_SA_A_AEAD_ALG, 3, "abc");
		if (cases[i].what == 7)
			mnl_attr_put_u8(nlh, RVTI_SA_A_ICV_BITS, 1);
		if (cases[i].what == 5) {
			st = mnl_attr_nest_start(nlh, RVTI_SA_A_STATS);
			mnl_attr_put_u32(nlh, RVTI_SA_STAT_BYTES, 1);
			mnl_attr_nest_end(nlh, st);
		}
		mnl_attr_nest_end(nlh, sa);
		mnl_attr_nest_end(nlh, list);
		why = NULL;
		CHECK_INT(tunnel_from_msg(nlh, &t, &why), -EBADMSG);
		CHECK_STR(why, cases[i].why);
		CHECK(t.sas == NULL);
	}
}

/* --- output --- */

static void sa_fill(struct rvti_sa_info *in, struct rvti_sa_info *out)
{
	memset(in, 0, sizeof(*in));
	in->dir = RVTI_SA_DIR_IN;
	in->spi = 0x1000;
	strcpy(in->aead, "rfc4106(gcm(aes))");
	in->has_icv = true;
	in->icv_bits = 128;
	in->flags = RVTI_SA_F_ESN;
	in->has_replay_window = true;
	in->replay_window = 1024;
	in->has_stats = true;
	in->stats.packets = 10;
	in->stats.bytes = 840;
	in->stats.seq = 10;

	memset(out, 0, sizeof(*out));
	out->dir = RVTI_SA_DIR_OUT;
	out->spi = 0x2000;
	strcpy(out->enc, "cbc(aes)");
	strcpy(out->auth, "hmac(sha256)");
	out->has_icv = true;
	out->icv_bits = 128;
	out->has_stats = true;
	out->stats.packets = 18446744073709551615ull;
	out->stats.seq_exhausted = 3;
	out->stats.overload = 4;
}

static char *sa_text(const struct rvti_sa_info *sa, const char *lead,
		     const char *indent, bool stats)
{
	char *s = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&s, &len);

	if (!fp)
		return NULL;
	sa_print_text(fp, lead, indent, sa, stats);
	fclose(fp);
	return s;
}

static void sa_output_text(void)
{
	struct rvti_sa_info in, out;
	char *s;

	sa_fill(&in, &out);
	s = sa_text(&in, "    ", "    ", false);
	CHECK_STR(s, "    sa in spi 0x00001000 aead rfc4106(gcm(aes)) icv 128 "
		  "esn replay-window 1024\n");
	free(s);
	s = sa_text(&out, "    ", "    ", false);
	CHECK_STR(s, "    sa out spi 0x00002000 enc cbc(aes) auth hmac(sha256) "
		  "icv 128\n");
	free(s);
	s = sa_text(&in, "    ", "    ", true);
	CHECK_STR(s, "    sa in spi 0x00001000 aead rfc4106(gcm(aes)) icv 128 "
		  "esn replay-window 1024\n"
		  "        packets 10 bytes 840 replayed 0 outside-window 0 "
		  "icv-fail 0 malformed 0 seq-exhausted 0 seq 10 overload 0 encap-mismatch 0\n");
	free(s);
	s = sa_text(&out, "rvti0: ", "", true);
	CHECK_STR(s, "rvti0: sa out spi 0x00002000 enc cbc(aes) auth "
		  "hmac(sha256) icv 128\n"
		  "    packets 18446744073709551615 bytes 0 replayed 0 "
		  "outside-window 0 icv-fail 0 malformed 0 seq-exhausted 3 "
		  "seq 0 overload 4 encap-mismatch 0\n");
	free(s);

	/* no counters from the kernel: no counter line even with -s */
	out.has_stats = false;
	out.has_icv = false;
	s = sa_text(&out, "", "", true);
	CHECK_STR(s, "sa out spi 0x00002000 enc cbc(aes) auth hmac(sha256)\n");
	free(s);
}

static void sa_output_json(void)
{
	struct rvti_sa_info in, out;
	json_object *obj;
	const char *s;

	sa_fill(&in, &out);
	obj = sa_to_json(&in);
	s = obj ? json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN |
						 JSON_C_TO_STRING_NOSLASHESCAPE) :
		  NULL;
	CHECK_STR(s, "{\"dir\":\"in\",\"spi\":4096,\"aead\":\"rfc4106(gcm(aes))\","
		  "\"icv\":128,\"esn\":true,\"replay_window\":1024,"
		  "\"stats\":{\"packets\":10,\"bytes\":840,\"replayed\":0,"
		  "\"outside_window\":0,\"icv_fail\":0,\"malformed\":0,"
		  "\"seq_exhausted\":0,\"seq\":10,\"overload\":0,\"encap_mismatch\":0}}");
	json_object_put(obj);

	out.spi = 0xffffffff;
	obj = sa_to_json(&out);
	s = obj ? json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN |
						 JSON_C_TO_STRING_NOSLASHESCAPE) :
		  NULL;
	CHECK_STR(s, "{\"dir\":\"out\",\"spi\":4294967295,\"enc\":\"cbc(aes)\","
		  "\"auth\":\"hmac(sha256)\",\"icv\":128,\"esn\":false,"
		  "\"stats\":{\"packets\":18446744073709551615,\"bytes\":0,"
		  "\"replayed\":0,\"outside_window\":0,\"icv_fail\":0,"
		  "\"malformed\":0,\"seq_exhausted\":3,\"seq\":0,"
		  "\"overload\":4,\"encap_mismatch\":0}}");
	json_object_put(obj);
}

/* ESP in UDP: "encap espinudp SPORT DPORT", as ip xfrm state takes it. */
/* "sa set ... encap espinudp SPORT DPORT": the SA named, both ports sent. */
static void sa_set_ports(void)
{
	const struct nlattr *tb[RVTI_A_MAX + 1], *sa[RVTI_SA_A_MAX + 1];
	struct sa_set_req req;
	struct nlmsghdr *nlh;
	char buf[1024], err[256];

	CHECK_INT(set_parse("dev rvti0 dir out spi 0x1004 encap espinudp 4500 31007",
			    &req, err, sizeof(err)), 0);
	CHECK_STR(req.ifname, "rvti0");
	CHECK_INT(req.dir, RVTI_SA_DIR_OUT);
	CHECK_INT(req.spi, 0x1004);
	CHECK_INT(req.encap_sport, 4500);
	CHECK_INT(req.encap_dport, 31007);
	nlh = nl_put_genl_hdr(buf, FAMILY_ID, RVTI_CMD_SET_SA,
			      RVTI_GENL_VERSION, NLM_F_REQUEST, 1);
	CHECK_INT(sa_set_build(nlh, sizeof(buf), &req), 0);
	CHECK_INT(index_req(nlh, tb, sa), 0);
	CHECK(sa[RVTI_SA_A_DIR] && mnl_attr_get_u8(sa[RVTI_SA_A_DIR]) ==
	      RVTI_SA_DIR_OUT);
	CHECK(sa[RVTI_SA_A_SPI] && mnl_attr_get_u32(sa[RVTI_SA_A_SPI]) == 0x1004);
	CHECK(sa[RVTI_SA_A_ENCAP_SPORT] &&
	      mnl_attr_get_u16(sa[RVTI_SA_A_ENCAP_SPORT]) == 4500);
	CHECK(sa[RVTI_SA_A_ENCAP_DPORT] &&
	      mnl_attr_get_u16(sa[RVTI_SA_A_ENCAP_DPORT]) == 31007);
	CHECK(!sa[RVTI_SA_A_AEAD_ALG] && !sa[RVTI_SA_A_ENC_KEY]);

	CHECK_INT(set_parse("dev rvti0 dir in spi 0x4001", &req, err,
			    sizeof(err)), -EINVAL);
	CHECK_STR(err, "nothing to set: give \"encap espinudp SPORT DPORT\"");
	CHECK_INT(set_parse("dev rvti0 spi 0x4001 encap espinudp 1 2", &req, err,
			    sizeof(err)), -EINVAL);
	CHECK_STR(err, "missing \"dir in|out\"");
	CHECK_INT(set_parse("dev rvti0 dir in spi 0x4001 encap espinudp 0 2",
			    &req, err, sizeof(err)), -EINVAL);
	CHECK_STR(err, "invalid encap source port \"0\" (expected 1 to 65535)");
	CHECK_INT(set_parse("dev rvti0 dir in spi 0x4001 encap esp 1 2",
			    &req, err, sizeof(err)), -EINVAL);
	CHECK_INT(set_parse("dev rvti0 dir in spi 0x4001 key 0x00", &req, err,
			    sizeof(err)), -EINVAL);
}

static void sa_add_encap(void)
{
	const struct nlattr *tb[RVTI_A_MAX + 1], *sa[RVTI_SA_A_MAX + 1];
	struct rvti_sa_info info, in, out;
	struct sa_add_req req;
	struct nlmsghdr *nlh;
	char buf[2048], err[256], *s;
	json_object *obj;

	CHECK_INT(add_parse("dev rvti0 dir out spi 0x1000 aead aes-gcm key 0x00 "
			    "encap espinudp 4500 61000",
			    &req, err, sizeof(err)), 0);
	CHECK_INT(req.encap_sport, 4500);
	CHECK_INT(req.encap_dport, 61000);
	nlh = nl_put_genl_hdr(buf, FAMILY_ID, RVTI_CMD_NEW_SA,
			      RVTI_GENL_VERSION, NLM_F_REQUEST, 1);
	CHECK_INT(sa_add_build(nlh, sizeof(buf), &req), 0);
	CHECK_INT(index_req(nlh, tb, sa), 0);
	CHECK(sa[RVTI_SA_A_ENCAP_SPORT] &&
	      mnl_attr_get_payload_len(sa[RVTI_SA_A_ENCAP_SPORT]) == 2 &&
	      mnl_attr_get_u16(sa[RVTI_SA_A_ENCAP_SPORT]) == 4500);
	CHECK(sa[RVTI_SA_A_ENCAP_DPORT] &&
	      mnl_attr_get_u16(sa[RVTI_SA_A_ENCAP_DPORT]) == 61000);

	/* The reply's ports come back as the SA's, in text and JSON. */
	CHECK_INT(sa_from_attr(tb[RVTI_A_SA], &info, (const char **)&s), 0);
	CHECK_INT(info.encap_sport, 4500);
	CHECK_INT(info.encap_dport, 61000);
	s = sa_text(&info, "", "", false);
	CHECK_STR(s, "sa out spi 0x00001000 aead aes-gcm encap espinudp 4500 61000\n");
	free(s);
	obj = sa_to_json(&info);
	CHECK_STR(obj ? json_object_to_json_string_ext(obj,
			JSON_C_TO_STRING_PLAIN) : NULL,
		  "{\"dir\":\"out\",\"spi\":4096,\"aead\":\"aes-gcm\","
		  "\"esn\":false,\"encap\":{\"type\":\"espinudp\","
		  "\"sport\":4500,\"dport\":61000}}");
	json_object_put(obj);
	sa_add_req_wipe(&req);

	/* Without it: no ports sent, none shown. */
	CHECK_INT(add_parse("dev rvti0 dir in spi 0x1000 aead aes-gcm key 0x00",
			    &req, err, sizeof(err)), 0);
	nlh = nl_put_genl_hdr(buf, FAMILY_ID, RVTI_CMD_NEW_SA,
			      RVTI_GENL_VERSION, NLM_F_REQUEST, 1);
	CHECK_INT(sa_add_build(nlh, sizeof(buf), &req), 0);
	CHECK_INT(index_req(nlh, tb, sa), 0);
	CHECK(!sa[RVTI_SA_A_ENCAP_SPORT] && !sa[RVTI_SA_A_ENCAP_DPORT]);
	sa_fill(&in, &out);
	CHECK_INT(in.encap_sport, 0);
	sa_add_req_wipe(&req);

	CHECK_INT(add_parse("dev rvti0 dir in spi 256 aead aes-gcm key 0x00 "
			    "encap espinudp 4500", &req, err, sizeof(err)),
		  -EINVAL);
	CHECK_STR(err, "missing argument after \"encap espinudp\"");
	CHECK_INT(add_parse("dev rvti0 dir in spi 256 aead aes-gcm key 0x00 "
			    "encap espinudp 0 4500", &req, err, sizeof(err)),
		  -EINVAL);
	CHECK_STR(err, "invalid encap source port \"0\" (expected 1 to 65535)");
	CHECK_INT(add_parse("dev rvti0 dir in spi 256 aead aes-gcm key 0x00 "
			    "encap espinudp 4500 65536", &req, err, sizeof(err)),
		  -EINVAL);
	CHECK_STR(err, "invalid encap destination port \"65536\" (expected 1 to 65535)");
	CHECK_INT(add_parse("dev rvti0 dir in spi 256 aead aes-gcm key 0x00 "
			    "encap espinudp-nonike 4500 4500", &req, err,
			    sizeof(err)), -EINVAL);
	CHECK_STR(err, "invalid encap \"espinudp-nonike\" (expected espinudp: ESP in UDP, RFC 3948)");
}

const struct test_case sa_tests[] = {
	TEST_CASE(sa_add_parse_aead),
	TEST_CASE(sa_spi_bounds),
	TEST_CASE(sa_add_parse_enc_auth),
	TEST_CASE(sa_add_parse_abbrev),
	TEST_CASE(sa_add_parse_key_file),
	TEST_CASE(sa_add_parse_errors),
	TEST_CASE(sa_add_parse_longest_alg_and_key),
	TEST_CASE(sa_add_parse_help),
	TEST_CASE(sa_del_parse_ok),
	TEST_CASE(sa_del_parse_errors),
	TEST_CASE(sa_add_build_aead),
	TEST_CASE(sa_add_build_enc_auth),
	TEST_CASE(sa_add_build_too_small),
	TEST_CASE(sa_del_build_attrs),
	TEST_CASE(sa_reply_decode),
	TEST_CASE(sa_reply_malformed),
	TEST_CASE(sa_output_text),
	TEST_CASE(sa_output_json),
	TEST_CASE(sa_add_encap),
	TEST_CASE(sa_set_ports),
	{ NULL, NULL }
};
