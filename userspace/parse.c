// SPDX-License-Identifier: GPL-2.0
/*
 * Pure argument parsing helpers for rvti; see parse.h.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "parse.h"

int parse_errf(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (buf && len) {
		va_start(ap, fmt);
		vsnprintf(buf, len, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

int parse_err_hint(char *buf, size_t len, const char *hint)
{
	size_t n;

	if (buf && len) {
		n = strnlen(buf, len);
		if (n < len)
			snprintf(buf + n, len - n, ": %s", hint);
	}
	return -EINVAL;
}

/*
 * The words a message may repeat: plain lowercase words, none of them key
 * material. Keep it a fixed list; never add a pattern.
 */
static const char *const known_words[] = {
	/* rvti's commands, keywords and value words */
	"tunnel", "sa", "show", "set", "add", "del", "list", "help",
	"get", "flush", "allocspi", "monitor", "min", "max",
	"soft-bytes", "hard-bytes", "soft-packets", "hard-packets",
	"soft-time", "hard-time", "soft-use-time", "hard-use-time",
	"dev", "local", "remote", "ttl", "df", "dir", "spi", "aead", "enc",
	"auth", "key", "icv", "esn", "replay-window", "in", "out", "any",
	"inherit", "copy", "clear",
	/* ip link / ip xfrm keywords typed by habit */
	"link", "name", "type", "peer", "mtu", "up", "down", "state",
	"policy", "src", "dst", "proto", "esp", "ah", "mode", "transport",
	"reqid", "seq", "auth-trunc", "comp", "encap", "flag", "sel",
	"mark", "if_id", "replay-seq", "replay-oseq", "limit", "tmpl",
	"ipsec", "ipv4", "ipv6", "inet", "inet6",
	NULL
};

bool parse_word_is_known(const char *word)
{
	unsigned int i;

	if (!word)
		return false;
	for (i = 0; known_words[i]; i++) {
		if (!strcmp(word, known_words[i]))
			return true;
	}
	return false;
}

int parse_addr(const char *s, struct rvti_addr *addr)
{
	memset(addr, 0, sizeof(*addr));
	if (!s)
		return -EINVAL;
	if (!strcmp(s, "any")) {
		addr->family = AF_UNSPEC;
		return 0;
	}
	/* inet_pton() takes only the strict numeric forms. */
	if (inet_pton(AF_INET, s, addr->bytes) == 1) {
		addr->family = AF_INET;
		addr->len = 4;
		return 0;
	}
	if (inet_pton(AF_INET6, s, addr->bytes) == 1) {
		addr->family = AF_INET6;
		addr->len = 16;
		return 0;
	}
	memset(addr, 0, sizeof(*addr));
	return -EINVAL;
}

int addr_from_bytes(struct rvti_addr *addr, const void *data, size_t len)
{
	memset(addr, 0, sizeof(*addr));
	switch (len) {
	case 0:
		addr->family = AF_UNSPEC;
		return 0;
	case 4:
		addr->family = AF_INET;
		break;
	case 16:
		addr->family = AF_INET6;
		break;
	default:
		return -EINVAL;
	}
	memcpy(addr->bytes, data, len);
	addr->len = len;
	return 0;
}

static int fail(const char **why, const char *reason, int err)
{
	if (why)
		*why = reason;
	return err;
}

int parse_ifname(const char *s, const char **why)
{
	const char *p;

	if (!s || !*s)
		return fail(why, "empty device name", -EINVAL);
	if (strnlen(s, IFNAMSIZ) >= IFNAMSIZ)
		return fail(why, "device name longer than 15 characters",
			    -EINVAL);
	if (!strcmp(s, ".") || !strcmp(s, ".."))
		return fail(why, "\".\" and \"..\" are not device names",
			    -EINVAL);
	for (p = s; *p; p++) {
		if (*p == '/' || *p == ':' || isspace((unsigned char)*p))
			return fail(why,
				    "device name contains '/', ':' or white space",
				    -EINVAL);
	}
	return 0;
}

int parse_dev_arg(const char *val, char *ifname, char *err, size_t errlen)
{
	const char *why = "invalid";

	/* Not repeated: it could be a key shifted into its place. */
	if (parse_ifname(val, &why))
		return parse_errf(err, errlen, "invalid device name: %s", why);
	strcpy(ifname, val);	/* parse_ifname() checked the length */
	return 0;
}

static bool has_hex_prefix(const char *s)
{
	return s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
}

int parse_u64(const char *s, uint64_t *val)
{
	unsigned long long v;
	const char *digits, *p;
	char *end;
	int base;

	if (!s || !*s)
		return -EINVAL;
	if (has_hex_prefix(s)) {
		base = 16;
		digits = s + 2;
	} else {
		base = 10;
		digits = s;
	}
	/*
	 * Check every character ourselves: strtoull() would also take white
	 * space, a sign, and a second 0x prefix.
	 */
	if (!*digits)
		return -EINVAL;
	for (p = digits; *p; p++) {
		if (base == 16 ? !isxdigit((unsigned char)*p) :
				 !isdigit((unsigned char)*p))
			return -EINVAL;
	}

	errno = 0;
	v = strtoull(digits, &end, base);
	if (*end)
		return -EINVAL;
	if (errno == ERANGE)
		return -ERANGE;
	*val = (uint64_t)v;
	return 0;
}

int parse_u32(const char *s, uint32_t *val)
{
	uint64_t v;
	int ret;

	ret = parse_u64(s, &v);
	if (ret)
		return ret;
	if (v > UINT32_MAX)
		return -ERANGE;
	*val = (uint32_t)v;
	return 0;
}

int parse_bytes(const char *s, uint64_t *val)
{
	static const char suffixes[] = "KMG";
	char num[32];
	const char *sfx;
	unsigned int shift;
	size_t n;
	uint64_t v;
	int ret;

	if (!s || !*s)
		return -EINVAL;
	n = strlen(s);
	sfx = strchr(suffixes, toupper((unsigned char)s[n - 1]));
	/* K, M and G are no hex digits: "0x10K" is 0x10 kibibytes. */
	if (!sfx || n < 2 || n > sizeof(num))
		return parse_u64(s, val);
	memcpy(num, s, n - 1);
	num[n - 1] = '\0';
	ret = parse_u64(num, &v);
	if (ret)
		return ret;
	shift = 10 * (unsigned int)(sfx - suffixes + 1);
	if (v > UINT64_MAX >> shift)
		return -ERANGE;
	*val = v << shift;
	return 0;
}

static int hex_val(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode exactly @n hex digits at @s; nothing is written on error. */
static int decode_hex(const char *s, size_t n, uint8_t *key, size_t max,
		      size_t *len, const char **why)
{
	size_t i;

	if (n == 0)
		return fail(why, "no hex digits", -EINVAL);
	for (i = 0; i < n; i++) {
		if (hex_val((unsigned char)s[i]) < 0)
			return fail(why, "not a hex digit", -EINVAL);
	}
	if (n % 2)
		return fail(why, "odd number of hex digits", -EINVAL);
	if (n / 2 > max)
		return fail(why, "key too long", -ERANGE);
	for (i = 0; i < n / 2; i++)
		key[i] = (uint8_t)(hex_val((unsigned char)s[2 * i]) << 4 |
				   hex_val((unsigned char)s[2 * i + 1]));
	*len = n / 2;
	return 0;
}

/* Room for a maximal key written with 0x and generous white space. */
#define KEY_FILE_MAX (4 * PARSE_KEY_MAX + 64)

static int parse_key_file(const char *path, uint8_t *key, size_t max,
			  size_t *len, const char **why)
{
	char buf[KEY_FILE_MAX + 1];
	size_t total = 0, start, end;
	ssize_t n;
	int fd, err;

	if (!*path)
		return fail(why, "missing file name after @", -EINVAL);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = errno;
		return fail(why, strerror(err), -err);
	}
	/* Read one byte more than we accept to tell "too long". */
	while (total < sizeof(buf)) {
		n = read(fd, buf + total, sizeof(buf) - total);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = errno;
			close(fd);
			explicit_bzero(buf, sizeof(buf));
			return fail(why, strerror(err), -err);
		}
		if (n == 0)
			break;
		total += (size_t)n;
	}
	close(fd);

	if (total > KEY_FILE_MAX) {
		err = fail(why, "key file too long", -ERANGE);
		goto out;
	}
	start = 0;
	end = total;
	while (start < end && isspace((unsigned char)buf[start]))
		start++;
	while (end > start && isspace((unsigned char)buf[end - 1]))
		end--;
	if (end - start >= 2 && has_hex_prefix(buf + start))
		start += 2;
	err = decode_hex(buf + start, end - start, key, max, len, why);
out:
	explicit_bzero(buf, sizeof(buf));
	return err;
}

int parse_hex_key(const char *s, uint8_t *key, size_t max, size_t *len,
		  const char **why)
{
	if (!s || !*s)
		return fail(why, "empty key", -EINVAL);
	if (max > PARSE_KEY_MAX)
		max = PARSE_KEY_MAX;
	if (s[0] == '@')
		return parse_key_file(s + 1, key, max, len, why);
	if (!has_hex_prefix(s))
		return fail(why, "expected 0xHEX or @FILE", -EINVAL);
	return decode_hex(s + 2, strlen(s + 2), key, max, len, why);
}

void kw_match_init(struct kw_match *m, const char *arg)
{
	m->arg = arg;
	m->found = KW_NONE;
	m->exact = -1;
	m->nprefix = 0;
}

void kw_match_try(struct kw_match *m, const char *word, int idx)
{
	size_t n;

	if (!m->arg || !*m->arg)
		return;
	if (!strcmp(m->arg, word)) {
		if (m->exact < 0)
			m->exact = idx;
		return;
	}
	n = strlen(m->arg);
	if (!strncmp(m->arg, word, n)) {
		m->nprefix++;
		m->found = idx;
	}
}

int kw_match_result(const struct kw_match *m)
{
	if (m->exact >= 0)
		return m->exact;
	if (m->nprefix > 1)
		return KW_AMBIGUOUS;
	if (m->nprefix == 1)
		return m->found;
	return KW_NONE;
}

int parse_keyword(const char *arg, const char *const *words)
{
	struct kw_match m;
	int i;

	kw_match_init(&m, arg);
	for (i = 0; words[i]; i++)
		kw_match_try(&m, words[i], i);
	return kw_match_result(&m);
}

int parse_kw(const char *arg, int pos, const char *after,
	     const char *const *kws, int *kw, char *err, size_t errlen)
{
	*kw = parse_keyword(arg, kws);
	if (*kw == KW_NONE && parse_word_is_known(arg))
		return parse_errf(err, errlen, "unknown keyword \"%s\"", arg);
	if (*kw == KW_NONE && after)
		return parse_errf(err, errlen,
				  "unknown keyword after \"%s\" (argument %d, not shown: it could be a key)",
				  after, pos);
	if (*kw == KW_NONE)
		return parse_errf(err, errlen,
				  "unknown keyword (argument %d, not shown: it could be a key)",
				  pos);
	/* A prefix of several of our keywords: safe to repeat. */
	if (*kw == KW_AMBIGUOUS)
		return parse_errf(err, errlen, "ambiguous keyword \"%s\"", arg);
	if (!strcmp(kws[*kw], "help"))
		return PARSE_HELP;
	return 0;
}

int parse_kw_val(int argc, char **argv, int *i, const char *kw,
		 const char **val, char *err, size_t errlen)
{
	if (*i + 1 >= argc)
		return parse_errf(err, errlen, "missing argument after \"%s\"",
				  kw);
	*val = argv[++*i];
	return 0;
}

int parse_kw_once(bool *seen, const char *kw, char *err, size_t errlen)
{
	if (*seen)
		return parse_errf(err, errlen, "\"%s\" given twice", kw);
	*seen = true;
	return 0;
}

int parse_kw_next(int argc, char **argv, int *i, const char **after,
		  const char *const *kws, bool *seen, int *kw,
		  const char **val, char *err, size_t errlen)
{
	int ret;

	ret = parse_kw(argv[*i], *i + 1, *after, kws, kw, err, errlen);
	if (ret)
		return ret;
	*after = kws[*kw];
	ret = parse_kw_once(&seen[*kw], kws[*kw], err, errlen);
	if (!ret)
		ret = parse_kw_val(argc, argv, i, kws[*kw], val, err, errlen);
	return ret;
}
