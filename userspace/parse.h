/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Pure argument parsing helpers for rvti. Nothing here prints, talks to the
 * kernel or exits: every helper returns 0 or a negative errno, so that it can
 * be unit tested on its own.
 */
#ifndef RVTI_PARSE_H
#define RVTI_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Command-line parsers of subcommands (e.g. tunnel_set_parse()) return 0,
 * PARSE_HELP when the user asked for help, or -EINVAL with a message.
 */
#define PARSE_HELP 1

/* Format a message for the user into @buf (@len bytes); return -EINVAL. */
int parse_errf(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Append ": @hint" to the message in @buf (@len bytes); return -EINVAL. */
int parse_err_hint(char *buf, size_t len, const char *hint);

/*
 * What messages may repeat of the command line. A word the tool does not
 * understand could be key material typed in the wrong place (ip xfrm's
 * positional "aead ALG KEY BITS", a value shifted by a missing word), and
 * messages end up on terminals and in logs. So a message repeats a word of
 * the command line only when parse_word_is_known() says it is one of a
 * fixed vocabulary (rvti's own keywords and commands, and the keywords of
 * ip and ip xfrm that users type by habit), or when it is a prefix of
 * several of the tool's own keywords ("ambiguous"). Any other word, and any
 * invalid value, is named by its position or by the keyword before it. The
 * one exception is the FILE of "key @FILE", which the grammar makes a file
 * name.
 */
bool parse_word_is_known(const char *word);

/* Longest key accepted by parse_hex_key(), in bytes. */
#define PARSE_KEY_MAX 512

/*
 * An outer tunnel address as carried by RVTI_A_LOCAL / RVTI_A_REMOTE:
 * AF_INET with 4 bytes, AF_INET6 with 16 bytes, or AF_UNSPEC with 0 bytes
 * for the word "any" (wildcard local, no remote).
 */
struct rvti_addr {
	int family;
	size_t len;
	uint8_t bytes[16];
};

/*
 * Parse a numeric IPv4 or IPv6 address (no names, no prefix length, no
 * scope) or the word "any". Returns 0 or -EINVAL.
 */
int parse_addr(const char *s, struct rvti_addr *addr);

/*
 * Fill @addr from raw network-order bytes: 4 (IPv4), 16 (IPv6) or 0 (any).
 * Returns 0 or -EINVAL for any other length.
 */
int addr_from_bytes(struct rvti_addr *addr, const void *data, size_t len);

/* True when @addr is a real address, false for "any". */
static inline bool addr_is_set(const struct rvti_addr *addr)
{
	return addr->len != 0;
}

/*
 * Check a network device name the way the kernel's dev_valid_name() does:
 * non-empty, shorter than IFNAMSIZ, not "." or "..", no '/', ':' or white
 * space. Returns 0 or -EINVAL, and points @why (if not NULL) at a short
 * reason.
 */
int parse_ifname(const char *s, const char **why);

/*
 * The value of a "dev" keyword: check it with parse_ifname() and copy it to
 * @ifname (IFNAMSIZ bytes). Returns 0, or -EINVAL with a message for the
 * user in @err (@errlen bytes).
 */
int parse_dev_arg(const char *val, char *ifname, char *err, size_t errlen);

/*
 * Parse an unsigned 32-bit number, decimal or hexadecimal with a 0x prefix
 * ("010" is ten, not eight). No sign, no white space, no trailing garbage.
 * Returns 0, -EINVAL for garbage or -ERANGE when it does not fit.
 */
int parse_u32(const char *s, uint32_t *val);

/* The same for an unsigned 64-bit number. */
int parse_u64(const char *s, uint64_t *val);

/*
 * A byte count: parse_u64(), optionally followed by one of the suffixes K,
 * M or G (or k, m, g) for 1024, 1024^2 or 1024^3 ("10M", "0x10K"). Returns
 * 0, -EINVAL or -ERANGE (the product does not fit in 64 bits).
 */
int parse_bytes(const char *s, uint64_t *val);

/*
 * Parse key material into @key (room for @max bytes, at most PARSE_KEY_MAX
 * are ever accepted):
 *   0xHEX   an even, non-zero number of hex digits after 0x
 *   @FILE   a file that holds the hex digits, with or without 0x; white space
 *           (newlines included) around them is ignored
 * On success stores the length in @len and returns 0. Errors: -EINVAL (bad
 * syntax), -ERANGE (longer than @max or PARSE_KEY_MAX bytes) or the negative
 * errno of opening or reading FILE; @why (if not NULL) then points at a short
 * reason. Copies of the key this function makes are wiped before returning.
 */
int parse_hex_key(const char *s, uint8_t *key, size_t max, size_t *len,
		  const char **why);

/*
 * Keyword matching, ip-style: an argument selects a keyword when it is equal
 * to it or, if no keyword is equal, when it is a prefix of exactly one
 * keyword. An empty argument never matches.
 */
enum {
	KW_NONE = -1,		/* matches no keyword */
	KW_AMBIGUOUS = -2,	/* prefix of several keywords */
};

struct kw_match {
	const char *arg;
	int found;		/* index of the unique prefix match so far */
	int exact;		/* index of the exact match, or -1 */
	unsigned int nprefix;	/* number of prefix matches */
};

void kw_match_init(struct kw_match *m, const char *arg);
/* Offer keyword @word, known to the caller as @idx (>= 0). */
void kw_match_try(struct kw_match *m, const char *word, int idx);
/* The index of the matching keyword, KW_NONE or KW_AMBIGUOUS. */
int kw_match_result(const struct kw_match *m);

/* Look @arg up in the NULL-terminated @words; see kw_match_result(). */
int parse_keyword(const char *arg, const char *const *words);

/*
 * The steps of a "KEYWORD VALUE ..." loop of a command-line parser; each
 * returns 0 or -EINVAL with a message for the user in @err (@errlen bytes).
 *
 * parse_kw() looks @arg, argument number @pos (from 1) of the command, up
 * in the NULL-terminated @kws and stores its index, KW_NONE or
 * KW_AMBIGUOUS in *@kw; it returns PARSE_HELP when that keyword is "help".
 * @after is the keyword before @arg (NULL if none), to say where an unknown
 * word is without repeating it (see parse_word_is_known()).
 */
int parse_kw(const char *arg, int pos, const char *after,
	     const char *const *kws, int *kw, char *err, size_t errlen);

/*
 * The value after the keyword @kw at argv[*@i]: *@val, with *@i moved on to
 * it; an error when @kw is the last argument.
 */
int parse_kw_val(int argc, char **argv, int *i, const char *kw,
		 const char **val, char *err, size_t errlen);

/* Set *@seen for the keyword @kw; an error when it was set already. */
int parse_kw_once(bool *seen, const char *kw, char *err, size_t errlen);

/*
 * One step of a loop over "KEYWORD VALUE" pairs, each keyword at most once:
 * parse_kw() on argv[*@i] (*@after: the keyword before, updated),
 * parse_kw_once() on @seen (indexed like @kws) and parse_kw_val(), which
 * moves *@i to the value. Returns 0 with *@kw and *@val set, PARSE_HELP,
 * or -EINVAL with a message.
 */
int parse_kw_next(int argc, char **argv, int *i, const char **after,
		  const char *const *kws, bool *seen, int *kw,
		  const char **val, char *err, size_t errlen);

#endif /* RVTI_PARSE_H */
