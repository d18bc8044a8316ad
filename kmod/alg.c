// SPDX-License-Identifier: GPL-2.0
/*
 * Algorithm names, key and ICV lengths. Everything here checks input from
 * netlink before it reaches the crypto API, so that a wrong key length is
 * answered with what was expected rather than with a bare -EINVAL; the
 * KUnit suite in tests/alg_test.c covers it.
 */

#include <crypto/algapi.h>
#include <kunit/visibility.h>
#include <linux/moduleparam.h>
#include <linux/string.h>
#include <net/netlink.h>

#include "alg.h"

/*
 * Read when an SA is created. The null algorithms exist to measure the
 * data path without the cost of the cipher (tests/bench/); nobody may use
 * them by accident, so a module parameter has to allow them first.
 */
static bool bench_null_cipher;
module_param(bench_null_cipher, bool, 0444);
MODULE_PARM_DESC(bench_null_cipher,
		 "Allow ecb(cipher_null) and digest_null SAs (no protection; benchmarks only)");

/*
 * The extack macros want literals; one small function per message keeps
 * the messages in the table. They spell out the expected lengths: an
 * operator who pasted a key without its salt should be told so.
 */
#define RVTI_ALG_ERR(fn, msg)						\
	static void fn(struct netlink_ext_ack *extack,			\
		       const struct nlattr *nla)			\
	{								\
		NL_SET_ERR_MSG_ATTR(extack, nla, msg);			\
	}

RVTI_ALG_ERR(rvti_alg_gcm_key_err,
	     "rfc4106(gcm(aes)) key must be 16, 24 or 32 bytes followed by a 4-byte salt")
RVTI_ALG_ERR(rvti_alg_gcm_icv_err,
	     "rfc4106(gcm(aes)) ICV must be 128, 96 or 64 bits")
RVTI_ALG_ERR(rvti_alg_chacha_key_err,
	     "rfc7539esp(chacha20,poly1305) key must be 32 bytes followed by a 4-byte salt")
RVTI_ALG_ERR(rvti_alg_chacha_icv_err,
	     "rfc7539esp(chacha20,poly1305) ICV must be 128 bits")
RVTI_ALG_ERR(rvti_alg_cbc_key_err,
	     "cbc(aes) key must be 16, 24 or 32 bytes")
RVTI_ALG_ERR(rvti_alg_sha1_key_err,
	     "hmac(sha1) key must be 20 bytes")
RVTI_ALG_ERR(rvti_alg_sha1_icv_err,
	     "hmac(sha1) ICV must be 96 bits")
RVTI_ALG_ERR(rvti_alg_sha256_key_err,
	     "hmac(sha256) key must be 32 bytes")
RVTI_ALG_ERR(rvti_alg_sha256_icv_err,
	     "hmac(sha256) ICV must be 128 bits")
RVTI_ALG_ERR(rvti_alg_sha384_key_err,
	     "hmac(sha384) key must be 48 bytes")
RVTI_ALG_ERR(rvti_alg_sha384_icv_err,
	     "hmac(sha384) ICV must be 192 bits")
RVTI_ALG_ERR(rvti_alg_sha512_key_err,
	     "hmac(sha512) key must be 64 bytes")
RVTI_ALG_ERR(rvti_alg_sha512_icv_err,
	     "hmac(sha512) ICV must be 256 bits")
RVTI_ALG_ERR(rvti_alg_null_key_err,
	     "ecb(cipher_null) and digest_null take a 1-byte key, which is ignored")
RVTI_ALG_ERR(rvti_alg_null_icv_err,
	     "digest_null has no ICV: 0 bits")
RVTI_ALG_ERR(rvti_alg_null_refused,
	     "null algorithms protect nothing: benchmarks only, load rvti with bench_null_cipher=1")

static const struct rvti_alg rvti_algs[] = {
	{
		.name = "rfc4106(gcm(aes))", .alias = "aes-gcm",
		.kind = RVTI_ALG_AEAD,
		.key_lens = { 16 + 4, 24 + 4, 32 + 4 },
		.icv_bits = { 128, 96, 64 },
		/* A counter IV, unique under a key: RFC 4106 section 3.1. */
		.geniv = "seqiv",
		.key_err = rvti_alg_gcm_key_err,
		.icv_err = rvti_alg_gcm_icv_err,
	},
	{
		.name = "rfc7539esp(chacha20,poly1305)", .alias = "chacha20-poly1305",
		.kind = RVTI_ALG_AEAD,
		.key_lens = { 32 + 4 },
		.icv_bits = { 128 },
		.geniv = "seqiv",
		.key_err = rvti_alg_chacha_key_err,
		.icv_err = rvti_alg_chacha_icv_err,
	},
	{
		.name = "cbc(aes)", .alias = "aes-cbc",
		.kind = RVTI_ALG_ENC,
		.key_lens = { 16, 24, 32 },
		/* CBC needs unpredictable IVs: RFC 3602 section 3. */
		.geniv = "echainiv",
		.key_err = rvti_alg_cbc_key_err,
	},
	{
		.name = "hmac(sha1)", .alias = "sha1",
		.kind = RVTI_ALG_AUTH,
		.key_lens = { 20 },
		.icv_bits = { 96 },
		.key_err = rvti_alg_sha1_key_err,
		.icv_err = rvti_alg_sha1_icv_err,
	},
	{
		.name = "hmac(sha256)", .alias = "sha256",
		.kind = RVTI_ALG_AUTH,
		.key_lens = { 32 },
		.icv_bits = { 128 },
		.key_err = rvti_alg_sha256_key_err,
		.icv_err = rvti_alg_sha256_icv_err,
	},
	{
		.name = "hmac(sha384)", .alias = "sha384",
		.kind = RVTI_ALG_AUTH,
		.key_lens = { 48 },
		.icv_bits = { 192 },
		.key_err = rvti_alg_sha384_key_err,
		.icv_err = rvti_alg_sha384_icv_err,
	},
	{
		.name = "hmac(sha512)", .alias = "sha512",
		.kind = RVTI_ALG_AUTH,
		.key_lens = { 64 },
		.icv_bits = { 256 },
		.key_err = rvti_alg_sha512_key_err,
		.icv_err = rvti_alg_sha512_icv_err,
	},
	/* Benchmarks only, as XFRM names them; no IV, a 4-byte block. */
	{
		.name = "ecb(cipher_null)", .alias = "cipher_null",
		.kind = RVTI_ALG_ENC,
		.key_lens = { 1 },
		.bench_only = true,
		.key_err = rvti_alg_null_key_err,
	},
	{
		.name = "digest_null", .alias = "digest_null",
		.kind = RVTI_ALG_AUTH,
		.key_lens = { 1 },
		.icv_bits = { 0 },
		.bench_only = true,
		.key_err = rvti_alg_null_key_err,
		.icv_err = rvti_alg_null_icv_err,
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

int rvti_alg_check_key(const struct rvti_alg *alg, unsigned int key_len,
		       const struct nlattr *nla, struct netlink_ext_ack *extack)
{
	int i;

	if (alg->bench_only && !bench_null_cipher) {
		rvti_alg_null_refused(extack, nla);
		return -EPERM;
	}
	for (i = 0; i < ARRAY_SIZE(alg->key_lens) && alg->key_lens[i]; i++)
		if (key_len == alg->key_lens[i])
			return 0;
	alg->key_err(extack, nla);
	return -EINVAL;
}
EXPORT_SYMBOL_IF_KUNIT(rvti_alg_check_key);

int rvti_alg_check_icv(const struct rvti_alg *alg, u32 icv_bits,
		       const struct nlattr *nla, struct netlink_ext_ack *extack)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(alg->icv_bits) && alg->icv_bits[i]; i++)
		if (icv_bits == alg->icv_bits[i])
			return 0;
	/* digest_null's list is { 0 }: its one ICV length ends the list. */
	if (alg->bench_only && !icv_bits)
		return 0;
	if (alg->icv_err)
		alg->icv_err(extack, nla);
	return -EINVAL;
}
EXPORT_SYMBOL_IF_KUNIT(rvti_alg_check_icv);

/*
 * The crypto API name of the transform, exactly as XFRM composes it, so
 * that both produce the same bytes on the wire: the IV generator wraps
 * the AEAD, and CBC+HMAC goes through authenc (authencesn with ESN, which
 * authenticates the high sequence bits without sending them). The null
 * cipher has no IV, hence no generator.
 */
int rvti_alg_tfm_name(char *buf, size_t len, const struct rvti_alg *aead,
		      const struct rvti_alg *enc, const struct rvti_alg *auth,
		      bool esn)
{
	int n;

	if (aead)
		n = snprintf(buf, len, "%s(%s)", aead->geniv, aead->name);
	else if (enc->geniv)
		n = snprintf(buf, len, "%s(%s(%s,%s))", enc->geniv,
			     esn ? "authencesn" : "authenc", auth->name,
			     enc->name);
	else
		n = snprintf(buf, len, "%s(%s,%s)",
			     esn ? "authencesn" : "authenc", auth->name,
			     enc->name);
	return n < len ? 0 : -ENAMETOOLONG;
}
EXPORT_SYMBOL_IF_KUNIT(rvti_alg_tfm_name);
