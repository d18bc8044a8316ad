// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: algorithm names, key and ICV lengths, and the crypto API names
 * they map to (which must match XFRM's for the bytes on the wire to).
 */

#include <crypto/algapi.h>
#include <kunit/test.h>
#include <net/netlink.h>

#include "../alg.h"
#include "kunit.h"

static void rvti_alg_test_find(struct kunit *test)
{
	const struct rvti_alg *gcm = rvti_alg_find(RVTI_ALG_AEAD, "rfc4106(gcm(aes))");

	KUNIT_ASSERT_NOT_NULL(test, gcm);
	KUNIT_EXPECT_PTR_EQ(test, rvti_alg_find(RVTI_ALG_AEAD, "aes-gcm"), gcm);
	KUNIT_EXPECT_NOT_NULL(test, rvti_alg_find(RVTI_ALG_AEAD,
						  "rfc7539esp(chacha20,poly1305)"));
	KUNIT_EXPECT_NOT_NULL(test, rvti_alg_find(RVTI_ALG_AEAD, "chacha20-poly1305"));
	KUNIT_EXPECT_NOT_NULL(test, rvti_alg_find(RVTI_ALG_ENC, "cbc(aes)"));
	KUNIT_EXPECT_NOT_NULL(test, rvti_alg_find(RVTI_ALG_AUTH, "sha256"));
	KUNIT_EXPECT_NOT_NULL(test, rvti_alg_find(RVTI_ALG_AUTH, "hmac(sha512)"));
	/* The kind matters: cbc(aes) is no AEAD, GCM is no cipher. */
	KUNIT_EXPECT_NULL(test, rvti_alg_find(RVTI_ALG_AEAD, "cbc(aes)"));
	KUNIT_EXPECT_NULL(test, rvti_alg_find(RVTI_ALG_ENC, "rfc4106(gcm(aes))"));
	KUNIT_EXPECT_NULL(test, rvti_alg_find(RVTI_ALG_AUTH, "hmac(md5)"));
	KUNIT_EXPECT_NULL(test, rvti_alg_find(RVTI_ALG_AEAD, ""));
	KUNIT_EXPECT_NULL(test, rvti_alg_find(RVTI_ALG_AEAD, "RFC4106(GCM(AES))"));
}

struct rvti_alg_key_case {
	enum rvti_alg_kind kind;
	const char *name;
	unsigned int len;
	bool ok;
};

static const struct rvti_alg_key_case rvti_alg_key_cases[] = {
	{ RVTI_ALG_AEAD, "aes-gcm", 20, true },
	{ RVTI_ALG_AEAD, "aes-gcm", 28, true },
	{ RVTI_ALG_AEAD, "aes-gcm", 36, true },
	/* A 128-bit key without its salt. */
	{ RVTI_ALG_AEAD, "aes-gcm", 16, false },
	{ RVTI_ALG_AEAD, "aes-gcm", 32, false },
	{ RVTI_ALG_AEAD, "chacha20-poly1305", 36, true },
	{ RVTI_ALG_AEAD, "chacha20-poly1305", 32, false },
	{ RVTI_ALG_ENC, "cbc(aes)", 16, true },
	{ RVTI_ALG_ENC, "cbc(aes)", 24, true },
	{ RVTI_ALG_ENC, "cbc(aes)", 32, true },
	{ RVTI_ALG_ENC, "cbc(aes)", 20, false },
	{ RVTI_ALG_AUTH, "sha1", 20, true },
	{ RVTI_ALG_AUTH, "sha1", 16, false },
	{ RVTI_ALG_AUTH, "sha256", 32, true },
	{ RVTI_ALG_AUTH, "sha384", 48, true },
	{ RVTI_ALG_AUTH, "sha512", 64, true },
	{ RVTI_ALG_AUTH, "sha512", 32, false },
};

static void rvti_alg_test_keys(struct kunit *test)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(rvti_alg_key_cases); i++) {
		const struct rvti_alg_key_case *c = &rvti_alg_key_cases[i];
		const struct rvti_alg *alg = rvti_alg_find(c->kind, c->name);
		struct netlink_ext_ack extack = {};
		int ret;

		KUNIT_ASSERT_NOT_NULL(test, alg);
		ret = rvti_alg_check_key(alg, c->len, NULL, &extack);
		KUNIT_EXPECT_EQ_MSG(test, ret, c->ok ? 0 : -EINVAL, "%s %u",
				    c->name, c->len);
		if (!c->ok) {
			/* The message names the algorithm and what it wants. */
			KUNIT_ASSERT_NOT_NULL(test, extack._msg);
			KUNIT_EXPECT_NOT_NULL(test, strstr(extack._msg, alg->name));
			KUNIT_EXPECT_NOT_NULL(test, strstr(extack._msg, "bytes"));
		}
	}
}

static void rvti_alg_test_icv(struct kunit *test)
{
	const struct rvti_alg *gcm = rvti_alg_find(RVTI_ALG_AEAD, "aes-gcm");
	const struct rvti_alg *chacha = rvti_alg_find(RVTI_ALG_AEAD,
						      "chacha20-poly1305");
	const struct rvti_alg *sha1 = rvti_alg_find(RVTI_ALG_AUTH, "sha1");
	const struct rvti_alg *sha512 = rvti_alg_find(RVTI_ALG_AUTH, "sha512");
	struct netlink_ext_ack extack = {};

	KUNIT_EXPECT_EQ(test, gcm->icv_bits[0], 128);
	KUNIT_EXPECT_EQ(test, rvti_alg_check_icv(gcm, 128, NULL, &extack), 0);
	KUNIT_EXPECT_EQ(test, rvti_alg_check_icv(gcm, 96, NULL, &extack), 0);
	KUNIT_EXPECT_EQ(test, rvti_alg_check_icv(gcm, 64, NULL, &extack), 0);
	KUNIT_EXPECT_EQ(test, rvti_alg_check_icv(gcm, 32, NULL, &extack), -EINVAL);
	KUNIT_EXPECT_EQ(test, rvti_alg_check_icv(chacha, 96, NULL, &extack), -EINVAL);
	KUNIT_EXPECT_EQ(test, rvti_alg_check_icv(sha1, 96, NULL, &extack), 0);
	KUNIT_EXPECT_EQ(test, rvti_alg_check_icv(sha1, 128, NULL, &extack), -EINVAL);
	KUNIT_EXPECT_EQ(test, rvti_alg_check_icv(sha512, 256, NULL, &extack), 0);
	KUNIT_EXPECT_EQ(test, sha512->icv_bits[0], 256);
}

static void rvti_alg_test_tfm_name(struct kunit *test)
{
	const struct rvti_alg *gcm = rvti_alg_find(RVTI_ALG_AEAD, "aes-gcm");
	const struct rvti_alg *chacha = rvti_alg_find(RVTI_ALG_AEAD,
						      "chacha20-poly1305");
	const struct rvti_alg *cbc = rvti_alg_find(RVTI_ALG_ENC, "aes-cbc");
	const struct rvti_alg *sha256 = rvti_alg_find(RVTI_ALG_AUTH, "sha256");
	char name[CRYPTO_MAX_ALG_NAME];

	KUNIT_EXPECT_EQ(test, rvti_alg_tfm_name(name, sizeof(name), gcm, NULL,
						NULL, false), 0);
	KUNIT_EXPECT_STREQ(test, name, "seqiv(rfc4106(gcm(aes)))");
	/* ESN changes nothing for an AEAD: the AAD carries seq_hi. */
	KUNIT_EXPECT_EQ(test, rvti_alg_tfm_name(name, sizeof(name), gcm, NULL,
						NULL, true), 0);
	KUNIT_EXPECT_STREQ(test, name, "seqiv(rfc4106(gcm(aes)))");
	rvti_alg_tfm_name(name, sizeof(name), chacha, NULL, NULL, false);
	KUNIT_EXPECT_STREQ(test, name, "seqiv(rfc7539esp(chacha20,poly1305))");
	rvti_alg_tfm_name(name, sizeof(name), NULL, cbc, sha256, false);
	KUNIT_EXPECT_STREQ(test, name, "echainiv(authenc(hmac(sha256),cbc(aes)))");
	rvti_alg_tfm_name(name, sizeof(name), NULL, cbc, sha256, true);
	KUNIT_EXPECT_STREQ(test, name, "echainiv(authencesn(hmac(sha256),cbc(aes)))");
	KUNIT_EXPECT_EQ(test, rvti_alg_tfm_name(name, 10, gcm, NULL, NULL, false),
			-ENAMETOOLONG);
}

/*
 * The benchmark's null algorithms: XFRM's names and transform, and refused
 * with a message that says how to allow them (kunit.sh loads rvti without
 * bench_null_cipher).
 */
static void rvti_alg_test_null(struct kunit *test)
{
	const struct rvti_alg *enc = rvti_alg_find(RVTI_ALG_ENC, "ecb(cipher_null)");
	const struct rvti_alg *auth = rvti_alg_find(RVTI_ALG_AUTH, "digest_null");
	struct netlink_ext_ack extack = {};
	char name[CRYPTO_MAX_ALG_NAME];

	KUNIT_ASSERT_NOT_NULL(test, enc);
	KUNIT_ASSERT_NOT_NULL(test, auth);
	KUNIT_EXPECT_PTR_EQ(test, rvti_alg_find(RVTI_ALG_ENC, "cipher_null"), enc);
	KUNIT_EXPECT_NULL(test, rvti_alg_find(RVTI_ALG_AEAD, "cipher_null"));
	KUNIT_EXPECT_EQ(test, rvti_alg_tfm_name(name, sizeof(name), NULL, enc,
						auth, false), 0);
	KUNIT_EXPECT_STREQ(test, name, "authenc(digest_null,ecb(cipher_null))");
	KUNIT_EXPECT_EQ(test, rvti_alg_key_len(enc, 1), 0U);
	KUNIT_EXPECT_EQ(test, rvti_alg_check_key(enc, 1, NULL, &extack), -EPERM);
	KUNIT_ASSERT_NOT_NULL(test, extack._msg);
	KUNIT_EXPECT_NOT_NULL(test, strstr(extack._msg, "bench_null_cipher=1"));
	extack._msg = NULL;
	KUNIT_EXPECT_EQ(test, rvti_alg_check_key(auth, 1, NULL, &extack), -EPERM);
	KUNIT_EXPECT_NOT_NULL(test, extack._msg);
	KUNIT_EXPECT_EQ(test, rvti_alg_check_icv(auth, 0, NULL, &extack), 0);
	KUNIT_EXPECT_EQ(test, rvti_alg_check_icv(auth, 96, NULL, &extack), -EINVAL);
}

static struct kunit_case rvti_alg_test_cases[] = {
	KUNIT_CASE(rvti_alg_test_find),
	KUNIT_CASE(rvti_alg_test_keys),
	KUNIT_CASE(rvti_alg_test_icv),
	KUNIT_CASE(rvti_alg_test_tfm_name),
	KUNIT_CASE(rvti_alg_test_null),
	{}
};

struct kunit_suite rvti_alg_test_suite = {
	.name = "rvti_alg",
	.test_cases = rvti_alg_test_cases,
};
