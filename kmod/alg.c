// SPDX-License-Identifier: GPL-2.0
/*
 * Algorithm names, key and ICV lengths. Everything here checks input from
 * netlink before it reaches the crypto API, so that a wrong key length is
 * answered with what was expected rather than with a bare -EINVAL; the
 * KUnit suite in tests/alg_test.c covers it.
 */

#include <crypto/algapi.h>
#include <kunit/visibility.h>
#include <linux/string.h>
#include <net/netlink.h>

#include "alg.h"

static const struct rvti_alg rvti_algs[] = {
	{
		.name = "rfc4106(gcm(aes))", .alias = "aes-gcm",
		.kind = RVTI_ALG_AEAD,
		.key_lens = { 16 + 4, 24 + 4, 32 + 4 },
		.icv_bits = { 128, 96, 64 },
		/* A counter IV, unique under a key: RFC 4106 section 3.1. */
		.geniv = "seqiv",
		.key_msg =
		"rfc4106(gcm(aes)) key must be 16, 24 or 32 bytes followed by a 4-byte salt (160, 224 or 288 bits)",
		.icv_msg = "rfc4106(gcm(aes)) ICV must be 128, 96 or 64 bits",
	},
	{
		.name = "rfc7539esp(chacha20,poly1305)", .alias = "chacha20-poly1305",
		.kind = RVTI_ALG_AEAD,
		.key_lens = { 32 + 4 },
		.icv_bits = { 128 },
		.geniv = "seqiv",
		.key_msg =
		"rfc7539esp(chacha20,poly1305) key must be 32 bytes followed by a 4-byte salt (288 bits)",
		.icv_msg = "rfc7539esp(chacha20,poly1305) ICV must be 128 bits",
	},
	{
		.name = "cbc(aes)", .alias = "aes-cbc",
		.kind = RVTI_ALG_ENC,
		.key_lens = { 16, 24, 32 },
		/* CBC needs unpredictable IVs: RFC 3602 section 3. */
		.geniv = "echainiv",
		.key_msg = "cbc(aes) key must be 16, 24 or 32 bytes",
	},
	{
		.name = "hmac(sha1)", .alias = "sha1",
		.kind = RVTI_ALG_AUTH,
		.key_lens = { 20 },
		.icv_bits = { 96 },
		.key_msg = "hmac(sha1) key must be 20 bytes",
		.icv_msg = "hmac(sha1) ICV must be 96 bits",
	},
	{
		.name = "hmac(sha256)", .alias = "sha256",
		.kind = RVTI_ALG_AUTH,
		.key_lens = { 32 },
		.icv_bits = { 128 },
		.key_msg = "hmac(sha256) key must be 32 bytes",
		.icv_msg = "hmac(sha256) ICV must be 128 bits",
	},
	{
		.name = "hmac(sha384)", .alias = "sha384",
		.kind = RVTI_ALG_AUTH,
		.key_lens = { 48 },
		.icv_bits = { 192 },
		.key_msg = "hmac(sha384) key must be 48 bytes",
		.icv_msg = "hmac(sha384) ICV must be 192 bits",
	},
	{
		.name = "hmac(sha512)", .alias = "sha512",
		.kind = RVTI_ALG_AUTH,
		.key_lens = { 64 },
		.icv_bits = { 256 },
		.key_msg = "hmac(sha512) key must be 64 bytes",
		.icv_msg = "hmac(sha512) ICV must be 256 bits",
	},
};

const struct rvti_alg *rvti_alg_find(enum rvti_alg_kind kind, const char *name)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(rvti_algs); i++) {
		const struct rvti_alg *alg = &rvti_algs[i];

		if (alg->kind == kind &&
		    (!strcmp(name, alg->name) || !strcmp(name, alg->alias)))
			return alg;
	}
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(rvti_alg_find);

/*
 * NL_SET_ERR_MSG_ATTR() wants a literal; the table's messages are literals
 * too, and spell out the expected lengths: an operator who pasted a key
 * without its salt should be told so.
 */
static int rvti_alg_err(struct netlink_ext_ack *extack,
			const struct nlattr *nla, const char *msg)
{
	do_trace_netlink_extack(msg);
	if (extack) {
		extack->_msg = msg;
		extack->bad_attr = nla;
	}
	return -EINVAL;
}

int rvti_alg_check_key(const struct rvti_alg *alg, unsigned int key_len,
		       const struct nlattr *nla, struct netlink_ext_ack *extack)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(alg->key_lens) && alg->key_lens[i]; i++)
		if (key_len == alg->key_lens[i])
			return 0;
	return rvti_alg_err(extack, nla, alg->key_msg);
}
EXPORT_SYMBOL_IF_KUNIT(rvti_alg_check_key);

int rvti_alg_check_icv(const struct rvti_alg *alg, u32 icv_bits,
		       const struct nlattr *nla, struct netlink_ext_ack *extack)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(alg->icv_bits) && alg->icv_bits[i]; i++)
		if (icv_bits == alg->icv_bits[i])
			return 0;
	return rvti_alg_err(extack, nla, alg->icv_msg);
}
EXPORT_SYMBOL_IF_KUNIT(rvti_alg_check_icv);

/*
 * The crypto API name of the transform, exactly as XFRM composes it, so
 * that both produce the same bytes on the wire: the IV generator wraps
 * the AEAD, and CBC+HMAC goes through authenc (authencesn with ESN, which
 * authenticates the high sequence bits without sending them).
 */
int rvti_alg_tfm_name(char *buf, size_t len, const struct rvti_alg *aead,
		      const struct rvti_alg *enc, const struct rvti_alg *auth,
		      bool esn)
{
	int n;

	if (aead)
		n = snprintf(buf, len, "%s(%s)", aead->geniv, aead->name);
	else
		n = snprintf(buf, len, "%s(%s(%s,%s))", enc->geniv,
			     esn ? "authencesn" : "authenc", auth->name,
			     enc->name);
	return n < len ? 0 : -ENAMETOOLONG;
}
EXPORT_SYMBOL_IF_KUNIT(rvti_alg_tfm_name);
