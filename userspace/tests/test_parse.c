// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for parse.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "parse.h"
#include "test.h"

/* --- addresses --- */

static void addr_ipv4_good(void)
{
	static const uint8_t want[4] = { 192, 0, 2, 1 };
	struct rvti_addr a;

	CHECK_INT(parse_addr("192.0.2.1", &a), 0);
	CHECK_INT(a.family, AF_INET);
	CHECK_INT(a.len, 4);
	CHECK_MEM(a.bytes, want, 4);
	CHECK(addr_is_set(&a));

	CHECK_INT(parse_addr("0.0.0.0", &a), 0);
	CHECK_INT(a.len, 4);
	CHECK_INT(parse_addr("255.255.255.255", &a), 0);
	CHECK_INT(a.bytes[3], 255);
}

static void addr_ipv4_bad(void)
{
	static const char *const bad[] = {
		"", "1.2.3", "1.2.3.4.5", "1.2.3.256", "1.2.3.4/24",
		" 1.2.3.4", "1.2.3.4 ", "1.2.3.-4", "a.b.c.d", "1..2.3",
		"192.0.2.1x", "localhost", "0x01020304", "16909060",
	};
	struct rvti_addr a;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		a.family = 12345;
		if (parse_addr(bad[i], &a) != -EINVAL) {
			fprintf(stderr, "# accepted \"%s\"\n", bad[i]);
			test_failures++;
		}
		CHECK_INT(a.family, AF_UNSPEC);
		CHECK_INT(a.len, 0);
	}
	CHECK_INT(parse_addr(NULL, &a), -EINVAL);
}

static void addr_ipv6_good(void)
{
	static const uint8_t doc[16] = {
		0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1
	};
	static const uint8_t mapped[16] = {
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 1
	};
	struct rvti_addr a;

	CHECK_INT(parse_addr("2001:db8::1", &a), 0);
	CHECK_INT(a.family, AF_INET6);
	CHECK_INT(a.len, 16);
	CHECK_MEM(a.bytes, doc, 16);

	CHECK_INT(parse_addr("2001:DB8:0:0:0:0:0:1", &a), 0);
	CHECK_MEM(a.bytes, doc, 16);

	CHECK_INT(parse_addr("::ffff:192.0.2.1", &a), 0);
	CHECK_INT(a.family, AF_INET6);
	CHECK_MEM(a.bytes, mapped, 16);

	CHECK_INT(parse_addr("::", &a), 0);
	CHECK_INT(a.len, 16);
}

static void addr_ipv6_bad(void)
{
	static const char *const bad[] = {
		"2001:db8::g", "2001:db8:::1", "2001:db8::1::2", ":::",
		"2001:db8::1/64", "fe80::1%eth0", "[2001:db8::1]",
		"1:2:3:4:5:6:7:8:9", "12345::1",
	};
	struct rvti_addr a;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (parse_addr(bad[i], &a) != -EINVAL) {
			fprintf(stderr, "# accepted \"%s\"\n", bad[i]);
			test_failures++;
		}
	}
}

static void addr_any(void)
{
	struct rvti_addr a;

	memset(&a, 0xaa, sizeof(a));
	CHECK_INT(parse_addr("any", &a), 0);
	CHECK_INT(a.family, AF_UNSPEC);
	CHECK_INT(a.len, 0);
	CHECK(!addr_is_set(&a));

	/* Only the exact word. */
	CHECK_INT(parse_addr("ANY", &a), -EINVAL);
	CHECK_INT(parse_addr("an", &a), -EINVAL);
	CHECK_INT(parse_addr("anything", &a), -EINVAL);
	CHECK_INT(parse_addr("any ", &a), -EINVAL);
}

static void addr_from_raw_bytes(void)
{
	static const uint8_t v4[4] = { 198, 51, 100, 1 };
	static const uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };
	struct rvti_addr a;

	CHECK_INT(addr_from_bytes(&a, v4, 4), 0);
	CHECK_INT(a.family, AF_INET);
	CHECK_MEM(a.bytes, v4, 4);
	CHECK_INT(addr_from_bytes(&a, v6, 16), 0);
	CHECK_INT(a.family, AF_INET6);
	CHECK_MEM(a.bytes, v6, 16);
	CHECK_INT(addr_from_bytes(&a, v6, 0), 0);
	CHECK_INT(a.family, AF_UNSPEC);
	CHECK(!addr_is_set(&a));
	CHECK_INT(addr_from_bytes(&a, v6, 5), -EINVAL);
	CHECK_INT(addr_from_bytes(&a, v6, 3), -EINVAL);
	CHECK_INT(addr_from_bytes(&a, v6, 15), -EINVAL);
}

/* --- device names --- */

static void ifname_good(void)
{
	const char *why = NULL;

	CHECK_INT(parse_ifname("rvti0", &why), 0);
	CHECK_INT(parse_ifname("a", NULL), 0);
	CHECK_INT(parse_ifname("123456789012345", &why), 0);	/* 15 */
	CHECK_INT(parse_ifname("vti-x.100_a@b", &why), 0);
	CHECK(why == NULL);
}

static void ifname_bad(void)
{
	const char *why;

	why = NULL;
	CHECK_INT(parse_ifname("", &why), -EINVAL);
	CHECK_CONTAINS(why, "empty");
	CHECK_INT(parse_ifname(NULL, NULL), -EINVAL);

	why = NULL;
	CHECK_INT(parse_ifname("1234567890123456", &why), -EINVAL);	/* 16 */
	CHECK_CONTAINS(why, "longer");
	CHECK_INT(parse_ifname("a-very-long-interface-name", &why), -EINVAL);

	CHECK_INT(parse_ifname(".", &why), -EINVAL);
	CHECK_INT(parse_ifname("..", &why), -EINVAL);
	CHECK_INT(parse_ifname("a/b", &why), -EINVAL);
	CHECK_INT(parse_ifname("a:b", &why), -EINVAL);
	CHECK_INT(parse_ifname("a b", &why), -EINVAL);
	CHECK_INT(parse_ifname("a\tb", &why), -EINVAL);
	CHECK_INT(parse_ifname("rvti0\n", &why), -EINVAL);
}

/* --- keywords --- */

static void keyword_match(void)
{
	static const char *const w[] = { "dev", "local", "remote", "help",
					 NULL };
	static const char *const w2[] = { "set", "settings", "show", NULL };

	CHECK_INT(parse_keyword("dev", w), 0);
	CHECK_INT(parse_keyword("local", w), 1);
	CHECK_INT(parse_keyword("remote", w), 2);
	CHECK_INT(parse_keyword("help", w), 3);
	/* unambiguous abbreviations */
	CHECK_INT(parse_keyword("d", w), 0);
	CHECK_INT(parse_keyword("loc", w), 1);
	CHECK_INT(parse_keyword("r", w), 2);
	CHECK_INT(parse_keyword("h", w), 3);
	/* no match */
	CHECK_INT(parse_keyword("", w), KW_NONE);
	CHECK_INT(parse_keyword("devx", w), KW_NONE);
	CHECK_INT(parse_keyword("x", w), KW_NONE);
	CHECK_INT(parse_keyword("Dev", w), KW_NONE);
	CHECK_INT(parse_keyword(NULL, w), KW_NONE);
	/* ambiguous, and an exact match beats prefixes */
	CHECK_INT(parse_keyword("s", w2), KW_AMBIGUOUS);
	CHECK_INT(parse_keyword("se", w2), KW_AMBIGUOUS);
	CHECK_INT(parse_keyword("set", w2), 0);
	CHECK_INT(parse_keyword("sett", w2), 1);
	CHECK_INT(parse_keyword("sh", w2), 2);
}

/* --- u32 --- */

static void u32_good(void)
{
	uint32_t v;

	v = 1;
	CHECK_INT(parse_u32("0", &v), 0);
	CHECK_INT(v, 0);
	CHECK_INT(parse_u32("256", &v), 0);
	CHECK_INT(v, 256);
	CHECK_INT(parse_u32("4294967295", &v), 0);
	CHECK_INT(v, 4294967295u);
	CHECK_INT(parse_u32("010", &v), 0);	/* decimal, not octal */
	CHECK_INT(v, 10);
	CHECK_INT(parse_u32("0x0", &v), 0);
	CHECK_INT(v, 0);
	CHECK_INT(parse_u32("0x1F", &v), 0);
	CHECK_INT(v, 31);
	CHECK_INT(parse_u32("0Xdeadbeef", &v), 0);
	CHECK_INT(v, 0xdeadbeefu);
	CHECK_INT(parse_u32("0xffffffff", &v), 0);
	CHECK_INT(v, 0xffffffffu);
	CHECK_INT(parse_u32("0x00000000000000001", &v), 0);
	CHECK_INT(v, 1);
}

static void u32_overflow(void)
{
	uint32_t v = 7;

	CHECK_INT(parse_u32("4294967296", &v), -ERANGE);
	CHECK_INT(parse_u32("0x100000000", &v), -ERANGE);
	CHECK_INT(parse_u32("18446744073709551616", &v), -ERANGE);
	CHECK_INT(parse_u32("99999999999999999999999999", &v), -ERANGE);
	CHECK_INT(parse_u32("0xffffffffffffffffff", &v), -ERANGE);
	CHECK_INT(v, 7);	/* untouched on error */
}

static void u32_garbage(void)
{
	static const char *const bad[] = {
		"", "-1", "+1", " 1", "1 ", "1a", "a", "0x", "0x-1", "0x 1",
		"0xg", "0x0x1", "1e3", "1.0", "--1", "0b101", "12345678901x",
	};
	uint32_t v = 7;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (parse_u32(bad[i], &v) != -EINVAL) {
			fprintf(stderr, "# accepted \"%s\"\n", bad[i]);
			test_failures++;
		}
	}
	CHECK_INT(parse_u32(NULL, &v), -EINVAL);
	CHECK_INT(v, 7);
}

/* --- keys --- */

/* A temporary file holding @content; returns its malloc()ed path. */
static char *tmp_file(const char *content, size_t len)
{
	const char *dir = getenv("TMPDIR");
	char *path;
	int fd;

	if (asprintf(&path, "%s/rvti-test-key.XXXXXX", dir ? dir : "/tmp") < 0)
		return NULL;
	fd = mkstemp(path);
	if (fd < 0) {
		free(path);
		return NULL;
	}
	if (write(fd, content, len) != (ssize_t)len) {
		close(fd);
		unlink(path);
		free(path);
		return NULL;
	}
	close(fd);
	return path;
}

/* parse_hex_key("@" + a file holding @content) */
static int key_from_file(const char *content, uint8_t *key, size_t max,
			 size_t *len, const char **why)
{
	char *path = tmp_file(content, strlen(content)), *arg;
	int ret;

	if (!path || asprintf(&arg, "@%s", path) < 0) {
		fprintf(stderr, "# cannot create a temporary file\n");
		test_failures++;
		free(path);
		return -9999;
	}
	ret = parse_hex_key(arg, key, max, len, why);
	unlink(path);
	free(path);
	free(arg);
	return ret;
}

static void key_hex_good(void)
{
	static const uint8_t want[] = { 0x00, 0x11, 0xaa, 0xff };
	uint8_t key[PARSE_KEY_MAX];
	size_t len = 0;

	CHECK_INT(parse_hex_key("0x0011aaff", key, sizeof(key), &len, NULL),
		  0);
	CHECK_INT(len, 4);
	CHECK_MEM(key, want, 4);

	CHECK_INT(parse_hex_key("0X0011AAfF", key, sizeof(key), &len, NULL),
		  0);
	CHECK_INT(len, 4);
	CHECK_MEM(key, want, 4);

	CHECK_INT(parse_hex_key("0x7f", key, sizeof(key), &len, NULL), 0);
	CHECK_INT(len, 1);
	CHECK_INT(key[0], 0x7f);
}

static void key_hex_bad(void)
{
	uint8_t key[PARSE_KEY_MAX];
	const char *why;
	size_t len = 99;

	why = NULL;
	CHECK_INT(parse_hex_key("0x123", key, sizeof(key), &len, &why),
		  -EINVAL);
	CHECK_CONTAINS(why, "odd");
	why = NULL;
	CHECK_INT(parse_hex_key("0x12zz", key, sizeof(key), &len, &why),
		  -EINVAL);
	CHECK_CONTAINS(why, "hex digit");
	why = NULL;
	CHECK_INT(parse_hex_key("0011aaff", key, sizeof(key), &len, &why),
		  -EINVAL);
	CHECK_CONTAINS(why, "0x");
	CHECK_INT(parse_hex_key("0x", key, sizeof(key), &len, &why), -EINVAL);
	CHECK_INT(parse_hex_key("", key, sizeof(key), &len, &why), -EINVAL);
	CHECK_INT(parse_hex_key(NULL, key, sizeof(key), &len, &why), -EINVAL);
	CHECK_INT(parse_hex_key("0x 0011", key, sizeof(key), &len, &why),
		  -EINVAL);
	CHECK_INT(parse_hex_key("0x0011 ", key, sizeof(key), &len, &why),
		  -EINVAL);
	CHECK_INT(parse_hex_key("0x-011", key, sizeof(key), &len, &why),
		  -EINVAL);
	CHECK_INT(parse_hex_key("0x0x11", key, sizeof(key), &len, &why),
		  -EINVAL);
	CHECK_INT(len, 99);	/* untouched on error */
}

/* "0x" followed by @n bytes of hex, malloc()ed. */
static char *hex_of_len(size_t n, bool prefix)
{
	char *s = malloc(2 * n + 3), *p = s;
	size_t i;

	if (!s)
		return NULL;
	if (prefix) {
		*p++ = '0';
		*p++ = 'x';
	}
	for (i = 0; i < n; i++) {
		*p++ = "0123456789abcdef"[i % 16];
		*p++ = "fedcba9876543210"[i % 16];
	}
	*p = '\0';
	return s;
}

static void key_hex_length_limit(void)
{
	uint8_t key[PARSE_KEY_MAX + 16];
	char *max = hex_of_len(PARSE_KEY_MAX, true);
	char *over = hex_of_len(PARSE_KEY_MAX + 1, true);
	const char *why = NULL;
	size_t len = 0;

	CHECK(max && over);
	if (!max || !over)
		goto out;
	CHECK_INT(parse_hex_key(max, key, sizeof(key), &len, &why), 0);
	CHECK_INT(len, PARSE_KEY_MAX);
	CHECK_INT(key[0], 0x0f);
	CHECK_INT(key[PARSE_KEY_MAX - 1], 0xf0);
	/* PARSE_KEY_MAX caps even a bigger buffer */
	CHECK_INT(parse_hex_key(over, key, sizeof(key), &len, &why), -ERANGE);
	CHECK_CONTAINS(why, "too long");
	/* and a smaller buffer caps below it */
	CHECK_INT(parse_hex_key("0x0102030405", key, 4, &len, &why), -ERANGE);
	CHECK_INT(parse_hex_key("0x01020304", key, 4, &len, &why), 0);
	CHECK_INT(len, 4);
out:
	free(max);
	free(over);
}

static void key_file_good(void)
{
	static const uint8_t want[] = { 0xde, 0xad, 0xbe, 0xef };
	uint8_t key[PARSE_KEY_MAX];
	size_t len = 0;

	/* with 0x and a trailing newline, as `echo 0x... > file` writes */
	CHECK_INT(key_from_file("0xdeadbeef\n", key, sizeof(key), &len,
				NULL), 0);
	CHECK_INT(len, 4);
	CHECK_MEM(key, want, 4);

	/* bare hex and white space on both sides */
	len = 0;
	memset(key, 0, sizeof(key));
	CHECK_INT(key_from_file("  \n\tDEADbeef \r\n\n", key, sizeof(key),
				&len, NULL), 0);
	CHECK_INT(len, 4);
	CHECK_MEM(key, want, 4);
}

static void key_file_max(void)
{
	uint8_t key[PARSE_KEY_MAX];
	char *hex = hex_of_len(PARSE_KEY_MAX, true), *content = NULL;
	size_t len = 0;

	CHECK(hex != NULL);
	if (!hex || asprintf(&content, "%s\n", hex) < 0) {
		test_failures++;
		goto out;
	}
	CHECK_INT(key_from_file(content, key, sizeof(key), &len, NULL), 0);
	CHECK_INT(len, PARSE_KEY_MAX);
out:
	free(hex);
	free(content);
}

static void key_file_bad(void)
{
	uint8_t key[PARSE_KEY_MAX];
	char *over = hex_of_len(PARSE_KEY_MAX + 1, false);
	char *huge = malloc(64 * 1024);
	const char *why;
	size_t len = 0;

	why = NULL;
	CHECK_INT(parse_hex_key("@/nonexistent/rvti/key", key, sizeof(key),
				&len, &why), -ENOENT);
	CHECK_CONTAINS(why, "No such file");
	why = NULL;
	CHECK_INT(parse_hex_key("@", key, sizeof(key), &len, &why), -EINVAL);
	CHECK(why != NULL);
	CHECK_INT(parse_hex_key("@/", key, sizeof(key), &len, &why),
		  -EISDIR);

	why = NULL;
	CHECK_INT(key_from_file("0xabc\n", key, sizeof(key), &len, &why),
		  -EINVAL);
	CHECK_CONTAINS(why, "odd");
	CHECK_INT(key_from_file("0xnothex\n", key, sizeof(key), &len, &why),
		  -EINVAL);
	CHECK_INT(key_from_file("", key, sizeof(key), &len, &why), -EINVAL);
	CHECK_INT(key_from_file(" \n\n", key, sizeof(key), &len, &why),
		  -EINVAL);
	CHECK_INT(key_from_file("0x\n", key, sizeof(key), &len, &why),
		  -EINVAL);
	/* one key per file: no white space inside */
	CHECK_INT(key_from_file("dead\nbeef\n", key, sizeof(key), &len, &why),
		  -EINVAL);

	CHECK(over != NULL);
	if (over) {
		why = NULL;
		CHECK_INT(key_from_file(over, key, sizeof(key), &len, &why),
			  -ERANGE);
		CHECK_CONTAINS(why, "too long");
	}
	CHECK(huge != NULL);
	if (huge) {
		memset(huge, 'a', 64 * 1024 - 1);
		huge[64 * 1024 - 1] = '\0';
		CHECK_INT(key_from_file(huge, key, sizeof(key), &len, &why),
			  -ERANGE);
	}
	free(over);
	free(huge);
}

static void errf_message(void)
{
	char buf[16];

	CHECK_INT(parse_errf(buf, sizeof(buf), "bad %s", "thing"), -EINVAL);
	CHECK_STR(buf, "bad thing");
	CHECK_INT(parse_errf(buf, sizeof(buf), "%s", "a message too long"),
		  -EINVAL);
	CHECK_INT(strlen(buf), sizeof(buf) - 1);
	CHECK_INT(parse_errf(NULL, 0, "x"), -EINVAL);
}

const struct test_case parse_tests[] = {
	TEST_CASE(addr_ipv4_good),
	TEST_CASE(addr_ipv4_bad),
	TEST_CASE(addr_ipv6_good),
	TEST_CASE(addr_ipv6_bad),
	TEST_CASE(addr_any),
	TEST_CASE(addr_from_raw_bytes),
	TEST_CASE(ifname_good),
	TEST_CASE(ifname_bad),
	TEST_CASE(keyword_match),
	TEST_CASE(u32_good),
	TEST_CASE(u32_overflow),
	TEST_CASE(u32_garbage),
	TEST_CASE(key_hex_good),
	TEST_CASE(key_hex_bad),
	TEST_CASE(key_hex_length_limit),
	TEST_CASE(key_file_good),
	TEST_CASE(key_file_max),
	TEST_CASE(key_file_bad),
	TEST_CASE(errf_message),
	{ NULL, NULL }
};
