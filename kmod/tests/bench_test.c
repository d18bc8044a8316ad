// SPDX-License-Identifier: GPL-2.0
/*
 * rvti_bench: the in-kernel microbenchmark of `make bench`, a KUnit suite in
 * a module of its own (make check does not load it; tests/bench/guest.sh
 * does, in the non-debug kernel). For each algorithm and packet size it
 * prints the nanoseconds per packet of
 *   - rvti's encapsulation and encryption (rvti_esp_encap() and
 *     rvti_esp_encrypt(): trailer, ESP header, request, scatterlist, AEAD),
 *   - rvti's decryption and decapsulation (rvti_esp_decrypt() and
 *     rvti_rx_strip_trailer(): request, scatterlist, AEAD, trailer checks),
 *   - the bare AEAD call on the same bytes, with a request and scatterlist
 *     prepared in advance: what no ESP implementation can go below.
 * Batches of packets are timed as a whole and the fastest batch counts, so
 * that other work on a shared machine disturbs the figures less. The
 * checks only assert that every packet went through intact: no time is
 * asserted.
 */

#include <crypto/aead.h>
#include <crypto/authenc.h>
#include <kunit/test.h>
#include <linux/ip.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/random.h>
#include <linux/rtnetlink.h>
#include <linux/scatterlist.h>
#include <linux/skbuff.h>

#include "../esp.h"
#include "../receive.h"
#include "../sa.h"

static unsigned int batches = 16;
module_param(batches, uint, 0444);
MODULE_PARM_DESC(batches, "Timed batches per measurement (the fastest counts)");

#define RVTI_BENCH_PKTS 64

struct rvti_bench_suite {
	const char *label;
	const char *tfm;	/* as rvti_alg_tfm_name() composes it */
	unsigned int key_len;	/* 0: authenc with empty keys */
	unsigned int icv_len;
};

static const struct rvti_bench_suite rvti_bench_suites[] = {
	{ "gcm128", "seqiv(rfc4106(gcm(aes)))", 20, 16 },
	{ "chacha", "seqiv(rfc7539esp(chacha20,poly1305))", 36, 16 },
	{ "null", "authenc(digest_null,ecb(cipher_null))", 0, 0 },
};

static const unsigned int rvti_bench_sizes[] = { 64, 512, 1400 };

static atomic_t rvti_bench_errors;

static void rvti_bench_enc_done(struct sk_buff *skb, int err)
{
	if (err)
		atomic_inc(&rvti_bench_errors);
}

static void rvti_bench_dec_done(struct sk_buff *skb, int err)
{
	struct rvti_sa *sa = rvti_esp_cb(skb)->sa;

	if (err || rvti_rx_strip_trailer(sa, skb) != IPPROTO_IPIP) {
		atomic_inc(&rvti_bench_errors);
		return;
	}
	__skb_pull(skb, sizeof(struct ip_esp_hdr) + sa->iv_len);
}

static struct rvti_sa *rvti_bench_sa(struct kunit *test,
				     const struct rvti_bench_suite *s)
{
	struct rvti_sa *sa = kunit_kzalloc(test, sizeof(*sa), GFP_KERNEL);
	u8 key[RTA_SPACE(sizeof(struct crypto_authenc_key_param)) + 36];
	int ret;

	KUNIT_ASSERT_NOT_NULL(test, sa);
	/* Synchronous, as the data path gets it on this machine. */
	sa->aead = crypto_alloc_aead(s->tfm, 0, CRYPTO_ALG_ASYNC);
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(sa->aead), "%s: %ld", s->tfm,
			       PTR_ERR(sa->aead));
	if (s->key_len) {
		get_random_bytes(key, s->key_len);
		ret = crypto_aead_setkey(sa->aead, key, s->key_len);
	} else {
		struct rtattr *rta = (struct rtattr *)key;
		struct crypto_authenc_key_param *param = RTA_DATA(rta);

		rta->rta_type = CRYPTO_AUTHENC_KEYA_PARAM;
		rta->rta_len = RTA_LENGTH(sizeof(*param));
		param->enckeylen = 0;
		ret = crypto_aead_setkey(sa->aead, key, RTA_SPACE(sizeof(*param)));
	}
	KUNIT_ASSERT_EQ(test, ret, 0);
	KUNIT_ASSERT_EQ(test, crypto_aead_setauthsize(sa->aead, s->icv_len), 0);
	sa->icv_len = s->icv_len;
	sa->iv_len = crypto_aead_ivsize(sa->aead);
	sa->block_len = ALIGN(crypto_aead_blocksize(sa->aead), 4);
	sa->spi = htonl(0x100);
	return sa;
}

/* An inner IPv4 packet of @len bytes as the stack hands it to the device. */
static struct sk_buff *rvti_bench_inner(unsigned int len)
{
	struct sk_buff *skb;
	struct iphdr *iph;

	skb = alloc_skb(LL_MAX_HEADER + RVTI_MAX_HEADROOM + len + RVTI_MAX_TAILROOM,
			GFP_KERNEL);
	if (!skb)
		return NULL;
	skb_reserve(skb, LL_MAX_HEADER + RVTI_MAX_HEADROOM);
	iph = skb_put_zero(skb, len);
	iph->version = 4;
	iph->ihl = 5;
	iph->tot_len = htons(len);
	iph->protocol = IPPROTO_UDP;
	return skb;
}

static u64 rvti_bench_min(u64 a, u64 b)
{
	return a < b ? a : b;
}

/*
 * A copy of the ESP packet @esp as a NIC delivers it: 40 bytes in the
 * linear area, the rest in a page frag; with @clone, also a clone of it
 * in *@clone (as a capture holds one), which makes decryption copy.
 */
static struct sk_buff *rvti_bench_paged(struct sk_buff *esp,
					struct sk_buff **clone)
{
	struct sk_buff *skb = alloc_skb(40, GFP_KERNEL);
	struct page *page = alloc_page(GFP_KERNEL);

	if (!skb || !page || esp->len - 40 > PAGE_SIZE) {
		kfree_skb(skb);
		if (page)
			__free_page(page);
		return NULL;
	}
	skb_put_data(skb, esp->data, 40);
	memcpy(page_address(page), esp->data + 40, esp->len - 40);
	skb_add_rx_frag(skb, 0, page, 0, esp->len - 40, PAGE_SIZE);
	if (clone) {
		*clone = skb_clone(skb, GFP_KERNEL);
		if (!*clone) {
			kfree_skb(skb);
			return NULL;
		}
	}
	return skb;
}

/* Times rvti's decryption of @n packets; the fastest batch counts. */
static void rvti_bench_decrypt(struct rvti_sa *sa, struct sk_buff **skbs,
			       unsigned int n, u64 *best)
{
	unsigned int i;
	u64 t;

	local_bh_disable();
	t = ktime_get_ns();
	for (i = 0; i < n; i++)
		rvti_esp_decrypt(sa, skbs[i], 0, rvti_bench_dec_done);
	*best = rvti_bench_min(*best, ktime_get_ns() - t);
	local_bh_enable();
}

struct rvti_bench_bare {
	struct aead_request *req;
	struct scatterlist sg;
	u8 iv[16];
	u8 *buf;
};

static void rvti_bench_one(struct kunit *test, const struct rvti_bench_suite *s,
			   struct rvti_sa *sa, unsigned int len)
{
	unsigned int pad = rvti_esp_pad_len(len, sa->block_len);
	unsigned int clen = len + pad + 2, total;
	u64 enc = U64_MAX, dec = U64_MAX, aenc = U64_MAX, adec = U64_MAX;
	u64 pdec = U64_MAX, cdec = U64_MAX;
	struct sk_buff **skbs, **paged, **copied, **clones;
	struct rvti_bench_bare *bare;
	u64 seq = 1, t;
	unsigned int b, i;

	total = sizeof(struct ip_esp_hdr) + sa->iv_len + clen + sa->icv_len;
	skbs = kunit_kcalloc(test, RVTI_BENCH_PKTS, sizeof(*skbs), GFP_KERNEL);
	paged = kunit_kcalloc(test, RVTI_BENCH_PKTS, sizeof(*skbs), GFP_KERNEL);
	copied = kunit_kcalloc(test, RVTI_BENCH_PKTS, sizeof(*skbs), GFP_KERNEL);
	clones = kunit_kcalloc(test, RVTI_BENCH_PKTS, sizeof(*skbs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, paged);
	KUNIT_ASSERT_NOT_NULL(test, copied);
	KUNIT_ASSERT_NOT_NULL(test, clones);
	bare = kunit_kcalloc(test, RVTI_BENCH_PKTS, sizeof(*bare), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skbs);
	KUNIT_ASSERT_NOT_NULL(test, bare);
	for (i = 0; i < RVTI_BENCH_PKTS; i++) {
		bare[i].req = aead_request_alloc(sa->aead, GFP_KERNEL);
		bare[i].buf = kunit_kzalloc(test, total, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, bare[i].req);
		KUNIT_ASSERT_NOT_NULL(test, bare[i].buf);
		sg_init_one(&bare[i].sg, bare[i].buf, total);
		aead_request_set_callback(bare[i].req, 0, NULL, NULL);
		aead_request_set_ad(bare[i].req, sizeof(struct ip_esp_hdr));
	}

	atomic_set(&rvti_bench_errors, 0);
	for (b = 0; b < batches; b++) {
		for (i = 0; i < RVTI_BENCH_PKTS; i++) {
			skbs[i] = rvti_bench_inner(len);
			KUNIT_ASSERT_NOT_NULL(test, skbs[i]);
		}

		/* rvti: encapsulate and encrypt, then the other way round. */
		local_bh_disable();
		t = ktime_get_ns();
		for (i = 0; i < RVTI_BENCH_PKTS; i++) {
			struct ip_esp_hdr *esph;
			unsigned int c;
			int nfrags;

			esph = rvti_esp_encap(sa, skbs[i], sizeof(struct iphdr),
					      IPPROTO_IPIP, seq, &c, &nfrags);
			if (IS_ERR(esph)) {
				atomic_inc(&rvti_bench_errors);
				continue;
			}
			rvti_esp_encrypt(sa, skbs[i], esph, seq++, c, nfrags,
					 rvti_bench_enc_done);
		}
		enc = rvti_bench_min(enc, ktime_get_ns() - t);
		local_bh_enable();

		/*
		 * The same packets as a NIC delivers them, in pages:
		 * decrypted in place, and copied first (cloned).
		 */
		for (i = 0; i < RVTI_BENCH_PKTS; i++) {
			paged[i] = rvti_bench_paged(skbs[i], NULL);
			copied[i] = rvti_bench_paged(skbs[i], &clones[i]);
			KUNIT_ASSERT_NOT_NULL(test, paged[i]);
			KUNIT_ASSERT_NOT_NULL(test, copied[i]);
		}
		rvti_bench_decrypt(sa, skbs, RVTI_BENCH_PKTS, &dec);
		rvti_bench_decrypt(sa, paged, RVTI_BENCH_PKTS, &pdec);
		rvti_bench_decrypt(sa, copied, RVTI_BENCH_PKTS, &cdec);
		for (i = 0; i < RVTI_BENCH_PKTS; i++) {
			KUNIT_EXPECT_EQ(test, skbs[i]->len, len);
			KUNIT_EXPECT_EQ(test, paged[i]->len, len);
			KUNIT_EXPECT_EQ(test, copied[i]->len, len);
			kfree_skb(skbs[i]);
			kfree_skb(paged[i]);
			kfree_skb(copied[i]);
			kfree_skb(clones[i]);
		}

		/* The bare AEAD on buffers of the same layout. */
		local_bh_disable();
		t = ktime_get_ns();
		for (i = 0; i < RVTI_BENCH_PKTS; i++) {
			aead_request_set_crypt(bare[i].req, &bare[i].sg, &bare[i].sg,
					       sa->iv_len + clen, bare[i].iv);
			if (crypto_aead_encrypt(bare[i].req))
				atomic_inc(&rvti_bench_errors);
		}
		aenc = rvti_bench_min(aenc, ktime_get_ns() - t);
		t = ktime_get_ns();
		for (i = 0; i < RVTI_BENCH_PKTS; i++) {
			aead_request_set_crypt(bare[i].req, &bare[i].sg, &bare[i].sg,
					       sa->iv_len + clen + sa->icv_len,
					       bare[i].iv);
			if (crypto_aead_decrypt(bare[i].req))
				atomic_inc(&rvti_bench_errors);
		}
		adec = rvti_bench_min(adec, ktime_get_ns() - t);
		local_bh_enable();
	}
	for (i = 0; i < RVTI_BENCH_PKTS; i++)
		aead_request_free(bare[i].req);
	KUNIT_EXPECT_EQ(test, atomic_read(&rvti_bench_errors), 0);

	enc /= RVTI_BENCH_PKTS;
	dec /= RVTI_BENCH_PKTS;
	aenc /= RVTI_BENCH_PKTS;
	adec /= RVTI_BENCH_PKTS;
	pdec /= RVTI_BENCH_PKTS;
	cdec /= RVTI_BENCH_PKTS;
	kunit_info(test,
		   "micro %s %u B: encap+encrypt %llu ns, AEAD encrypt %llu ns (+%lld%%); decrypt+decap %llu ns, AEAD decrypt %llu ns (+%lld%%); paged %llu ns, paged cloned %llu ns\n",
		   s->label, len, enc, aenc,
		   aenc ? div64_s64(100 * ((s64)enc - (s64)aenc), aenc) : 0,
		   dec, adec,
		   adec ? div64_s64(100 * ((s64)dec - (s64)adec), adec) : 0,
		   pdec, cdec);
}

static void rvti_bench_suite_case(struct kunit *test)
{
	const struct rvti_bench_suite *s = test->param_value;
	struct rvti_sa *sa = rvti_bench_sa(test, s);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(rvti_bench_sizes); i++)
		rvti_bench_one(test, s, sa, rvti_bench_sizes[i]);
	crypto_free_aead(sa->aead);
}

static void rvti_bench_desc(const struct rvti_bench_suite *s, char *desc)
{
	strscpy(desc, s->label, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(rvti_bench, rvti_bench_suites, rvti_bench_desc);

static struct kunit_case rvti_bench_cases[] = {
	KUNIT_CASE_PARAM(rvti_bench_suite_case, rvti_bench_gen_params),
	{}
};

static struct kunit_suite rvti_bench_test_suite = {
	.name = "rvti_bench",
	.test_cases = rvti_bench_cases,
};

kunit_test_suites(&rvti_bench_test_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Microbenchmark of rvti's ESP data path against the bare AEAD");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
