// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: ESP trailer construction and validation (RFC 4303 section 2.4).
 */

#include <kunit/test.h>

#include "../esp.h"
#include "../sa.h"
#include "kunit.h"

static void rvti_esp_test_pad_len(struct kunit *test)
{
	unsigned int len;

	/* AEADs pad to 4 bytes: payload + pad + 2 is a multiple of 4. */
	for (len = 1; len < 100; len++) {
		unsigned int pad = rvti_esp_pad_len(len, 4);

		KUNIT_EXPECT_EQ(test, (len + pad + 2) % 4, 0);
		KUNIT_EXPECT_LT(test, pad, 4);
	}
	/* CBC pads to the AES block. */
	for (len = 1; len < 100; len++) {
		unsigned int pad = rvti_esp_pad_len(len, 16);

		KUNIT_EXPECT_EQ(test, (len + pad + 2) % 16, 0);
		KUNIT_EXPECT_LT(test, pad, 16);
	}
	KUNIT_EXPECT_EQ(test, rvti_esp_pad_len(84, 4), 2);
	KUNIT_EXPECT_EQ(test, rvti_esp_pad_len(86, 4), 0);
	KUNIT_EXPECT_EQ(test, rvti_esp_pad_len(1400, 16), 6);
}

static void rvti_esp_test_trailer(struct kunit *test)
{
	u8 tail[20];

	memset(tail, 0xee, sizeof(tail));
	rvti_esp_fill_trailer(tail, 5, IPPROTO_IPIP);
	KUNIT_EXPECT_EQ(test, tail[0], 1);
	KUNIT_EXPECT_EQ(test, tail[4], 5);
	KUNIT_EXPECT_EQ(test, tail[5], 5);		/* pad length */
	KUNIT_EXPECT_EQ(test, tail[6], IPPROTO_IPIP);	/* next header */
	KUNIT_EXPECT_EQ(test, tail[7], 0xee);		/* nothing past it */
	KUNIT_EXPECT_TRUE(test, rvti_esp_pad_ok(tail, 5));

	rvti_esp_fill_trailer(tail, 0, IPPROTO_IPV6);
	KUNIT_EXPECT_EQ(test, tail[0], 0);
	KUNIT_EXPECT_EQ(test, tail[1], IPPROTO_IPV6);
}

static void rvti_esp_test_pad_check(struct kunit *test)
{
	u8 pad[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };

	KUNIT_EXPECT_TRUE(test, rvti_esp_pad_ok(pad, 0));
	KUNIT_EXPECT_TRUE(test, rvti_esp_pad_ok(pad, 15));
	pad[3] = 0;
	KUNIT_EXPECT_FALSE(test, rvti_esp_pad_ok(pad, 15));
	KUNIT_EXPECT_TRUE(test, rvti_esp_pad_ok(pad, 3));
	pad[0] = 2;
	KUNIT_EXPECT_FALSE(test, rvti_esp_pad_ok(pad, 1));
}

static void rvti_esp_test_seq_exhausted(struct kunit *test)
{
	struct rvti_sa *sa = kunit_kzalloc(test, sizeof(*sa), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, sa);
	KUNIT_EXPECT_EQ(test, rvti_sa_next_seq(sa), 1);
	KUNIT_EXPECT_EQ(test, rvti_sa_next_seq(sa), 2);

	/* 32-bit: the last number is 2^32 - 1, then nothing, never 0 or 1. */
	atomic64_set(&sa->tx_seq, U32_MAX - 2);
	KUNIT_EXPECT_EQ(test, rvti_sa_next_seq(sa), U32_MAX - 1);
	KUNIT_EXPECT_EQ(test, rvti_sa_next_seq(sa), U32_MAX);
	KUNIT_EXPECT_EQ(test, atomic64_read(&sa->seq_exhausted), 0);
	KUNIT_EXPECT_EQ(test, rvti_sa_next_seq(sa), 0);
	KUNIT_EXPECT_EQ(test, rvti_sa_next_seq(sa), 0);
	KUNIT_EXPECT_EQ(test, atomic64_read(&sa->seq_exhausted), 2);

	/* ESN: the count goes on into the high 32 bits. */
	sa->flags = RVTI_SA_F_ESN;
	atomic64_set(&sa->tx_seq, U32_MAX - 1);
	KUNIT_EXPECT_EQ(test, rvti_sa_next_seq(sa), U32_MAX);
	KUNIT_EXPECT_EQ(test, rvti_sa_next_seq(sa), 1ULL << 32);
	KUNIT_EXPECT_EQ(test, atomic64_read(&sa->seq_exhausted), 2);
}

static struct kunit_case rvti_esp_test_cases[] = {
	KUNIT_CASE(rvti_esp_test_pad_len),
	KUNIT_CASE(rvti_esp_test_trailer),
	KUNIT_CASE(rvti_esp_test_pad_check),
	KUNIT_CASE(rvti_esp_test_seq_exhausted),
	{}
};

struct kunit_suite rvti_esp_test_suite = {
	.name = "rvti_esp",
	.test_cases = rvti_esp_test_cases,
};
