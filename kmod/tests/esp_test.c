// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: ESP trailer construction and validation (RFC 4303 section 2.4);
 * decryption in place of a packet in pages, and of a shared one; the bound
 * on an SA's parallel queue and the order it keeps, also for a chain and
 * in a device's NAPI.
 */

#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/etherdevice.h>
#include <linux/ip.h>
#include <linux/netdevice.h>
#include <linux/random.h>
#include <linux/skbuff.h>

#include "../esp.h"
#include "../parallel.h"
#include "../receive.h"
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

static int rvti_esp_test_err;

static void rvti_esp_test_done(struct sk_buff *skb, int err)
{
	rvti_esp_test_err = err;
}

/*
 * An inner IPv4 packet of @len bytes, with @tailroom bytes after it (at
 * least: the allocator may round up; 0 means none at all).
 */
static struct sk_buff *rvti_esp_test_inner(struct kunit *test,
					   unsigned int len,
					   unsigned int tailroom)
{
	struct sk_buff *skb;
	struct iphdr *iph;
	int i;

	skb = alloc_skb(RVTI_MAX_HEADROOM + len + tailroom, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	/* None: the packet ends where the buffer does. */
	skb_reserve(skb, tailroom ? RVTI_MAX_HEADROOM : skb_tailroom(skb) - len);
	iph = skb_put(skb, len);
	for (i = 0; i < len; i++)
		((u8 *)iph)[i] = i;
	iph->version = 4;
	iph->ihl = 5;
	iph->tot_len = htons(len);
	return skb;
}

/* Encapsulates and encrypts @skb (sequence number 7); *@nfrags as used. */
static void rvti_esp_test_seal(struct kunit *test, struct rvti_sa *sa,
			       struct sk_buff *skb, int *nfrags)
{
	struct ip_esp_hdr *esph;
	unsigned int clen;

	esph = rvti_esp_encap(sa, skb, 0, IPPROTO_IPIP, 7, &clen, nfrags);
	KUNIT_ASSERT_FALSE(test, IS_ERR(esph));
	rvti_esp_test_err = 1;
	rvti_esp_encrypt(sa, skb, esph, 7, clen, *nfrags, rvti_esp_test_done);
	KUNIT_ASSERT_EQ(test, rvti_esp_test_err, 0);
}

/* An ESP packet (AES-GCM-128) of an inner IPv4 packet of @len bytes. */
static struct sk_buff *rvti_esp_test_packet(struct kunit *test,
					    struct rvti_sa *sa,
					    unsigned int len)
{
	struct sk_buff *skb = rvti_esp_test_inner(test, len, RVTI_MAX_TAILROOM);
	int nfrags;

	rvti_esp_test_seal(test, sa, skb, &nfrags);
	return skb;
}

/*
 * The ESP packet @esp as a NIC delivers it: the first @head bytes in the
 * linear area, the rest in a page frag.
 */
static struct sk_buff *rvti_esp_test_paged(struct kunit *test,
					   struct sk_buff *esp,
					   unsigned int head)
{
	struct sk_buff *skb = alloc_skb(head, GFP_KERNEL);
	struct page *page = alloc_page(GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, skb);
	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_ASSERT_LE(test, esp->len - head, PAGE_SIZE);
	skb_put_data(skb, esp->data, head);
	memcpy(page_address(page), esp->data + head, esp->len - head);
	skb_add_rx_frag(skb, 0, page, 0, esp->len - head, PAGE_SIZE);
	return skb;
}

/* Decrypts @skb (ESP in, inner packet out) and checks the inner bytes. */
static void rvti_esp_test_open(struct kunit *test, struct rvti_sa *sa,
			       struct sk_buff *skb, unsigned int len)
{
	u8 *inner = kunit_kmalloc(test, len, GFP_KERNEL);
	int i;

	KUNIT_ASSERT_NOT_NULL(test, inner);
	rvti_esp_test_err = 1;
	rvti_esp_decrypt(sa, skb, 7, rvti_esp_test_done);
	KUNIT_ASSERT_EQ(test, rvti_esp_test_err, 0);
	KUNIT_ASSERT_EQ(test, rvti_rx_strip_trailer(sa, skb), IPPROTO_IPIP);
	KUNIT_ASSERT_EQ(test, skb->len, sizeof(struct ip_esp_hdr) +
			sa->iv_len + len);
	KUNIT_ASSERT_EQ(test, skb_copy_bits(skb, skb->len - len, inner, len),
			0);
	for (i = sizeof(struct iphdr); i < len; i++)
		if (inner[i] != (u8)i)
			break;
	KUNIT_EXPECT_EQ(test, i, len);
}

/* An AES-GCM-128 SA with a random key, synchronous crypto. */
static struct rvti_sa *rvti_esp_test_sa(struct kunit *test)
{
	struct rvti_sa *sa = kunit_kzalloc(test, sizeof(*sa), GFP_KERNEL);
	u8 key[20];

	KUNIT_ASSERT_NOT_NULL(test, sa);
	sa->aead = crypto_alloc_aead("seqiv(rfc4106(gcm(aes)))", 0,
				     CRYPTO_ALG_ASYNC);
	KUNIT_ASSERT_FALSE(test, IS_ERR(sa->aead));
	get_random_bytes(key, sizeof(key));
	KUNIT_ASSERT_EQ(test, crypto_aead_setkey(sa->aead, key, sizeof(key)),
			0);
	KUNIT_ASSERT_EQ(test, crypto_aead_setauthsize(sa->aead, 16), 0);
	sa->icv_len = 16;
	sa->iv_len = crypto_aead_ivsize(sa->aead);
	sa->block_len = 4;
	return sa;
}

static void rvti_esp_test_decrypt_paged(struct kunit *test)
{
	struct rvti_sa *sa = rvti_esp_test_sa(test);
	struct sk_buff *esp, *skb, *clone;
	u8 wire[64];

	esp = rvti_esp_test_packet(test, sa, 1000);

	/* Linear, paged: decrypted where they are, no copy. */
	KUNIT_EXPECT_EQ(test, rvti_esp_rx_nfrags(esp), 1);
	skb = rvti_esp_test_paged(test, esp, 40);
	KUNIT_EXPECT_EQ(test, rvti_esp_rx_nfrags(skb), 2);
	rvti_esp_test_open(test, sa, skb, 1000);
	KUNIT_EXPECT_TRUE(test, skb_is_nonlinear(skb));
	kfree_skb(skb);

	/*
	 * A clone (a capture has it too): copied first, and the clone's
	 * bytes are still what came off the wire. Then the other one, no
	 * longer shared, in place.
	 */
	skb = rvti_esp_test_paged(test, esp, 40);
	clone = skb_clone(skb, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, clone);
	KUNIT_EXPECT_EQ(test, rvti_esp_rx_nfrags(skb), 0);
	rvti_esp_test_open(test, sa, skb, 1000);
	KUNIT_EXPECT_EQ(test, skb_copy_bits(clone, clone->len - sizeof(wire),
					    wire, sizeof(wire)), 0);
	KUNIT_EXPECT_EQ(test, memcmp(wire, esp->data + esp->len - sizeof(wire),
				     sizeof(wire)), 0);
	KUNIT_EXPECT_EQ(test, rvti_esp_rx_nfrags(clone), 2);
	rvti_esp_test_open(test, sa, clone, 1000);
	kfree_skb(clone);
	kfree_skb(skb);

	/* Frags a sender may still change (splice): copied first. */
	skb = rvti_esp_test_paged(test, esp, 40);
	skb_shinfo(skb)->flags |= SKBFL_SHARED_FRAG;
	KUNIT_EXPECT_EQ(test, rvti_esp_rx_nfrags(skb), 0);
	rvti_esp_test_open(test, sa, skb, 1000);
	kfree_skb(skb);

	kfree_skb(esp);
	crypto_free_aead(sa->aead);
}

/*
 * Transmit: a packet without room for the trailer at its tail (forwarded,
 * in a buffer sized for it alone) gets it in a page frag, not a copy of
 * the whole packet. The bytes on the wire are those of the linear case.
 * A paged packet (its frags may not be only its own) and a clone are
 * copied first, and what the others see is unchanged.
 */
static void rvti_esp_test_encrypt_paged(struct kunit *test)
{
	struct rvti_sa *sa = rvti_esp_test_sa(test);
	struct sk_buff *linear, *skb, *clone, *inner;
	unsigned int len;
	struct page *page;
	int nfrags;
	u8 *wire;

	linear = rvti_esp_test_packet(test, sa, 1000);
	KUNIT_EXPECT_FALSE(test, skb_is_nonlinear(linear));
	len = linear->len;
	wire = kunit_kmalloc(test, len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, wire);

	/* No tailroom: the trailer and ICV in a frag of their own. */
	skb = rvti_esp_test_inner(test, 1000, 0);
	KUNIT_ASSERT_EQ(test, skb_tailroom(skb), 0);
	rvti_esp_test_seal(test, sa, skb, &nfrags);
	KUNIT_EXPECT_EQ(test, nfrags, 2);
	KUNIT_EXPECT_EQ(test, skb_shinfo(skb)->nr_frags, 1);
	KUNIT_EXPECT_EQ(test, skb_headlen(skb), sizeof(struct ip_esp_hdr) +
			sa->iv_len + 1000);
	KUNIT_ASSERT_EQ(test, skb->len, len);
	KUNIT_ASSERT_EQ(test, skb_copy_bits(skb, 0, wire, len), 0);
	KUNIT_EXPECT_EQ(test, memcmp(wire, linear->data, len), 0);
	rvti_esp_test_open(test, sa, skb, 1000);
	kfree_skb(skb);

	/* A paged packet: made linear, its page not written. */
	inner = rvti_esp_test_inner(test, 1000, 0);
	skb = rvti_esp_test_paged(test, inner, 40);
	page = skb_frag_page(&skb_shinfo(skb)->frags[0]);
	get_page(page);
	rvti_esp_test_seal(test, sa, skb, &nfrags);
	KUNIT_EXPECT_EQ(test, nfrags, 1);
	KUNIT_EXPECT_FALSE(test, skb_is_nonlinear(skb));
	KUNIT_ASSERT_EQ(test, skb->len, len);
	KUNIT_EXPECT_EQ(test, memcmp(skb->data, linear->data, len), 0);
	KUNIT_EXPECT_EQ(test, memcmp(page_address(page), inner->data + 40,
				     1000 - 40), 0);
	put_page(page);
	kfree_skb(skb);

	/* A clone (a capture has it too): copied, the clone unchanged. */
	clone = skb_clone(inner, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, clone);
	rvti_esp_test_seal(test, sa, inner, &nfrags);
	KUNIT_ASSERT_EQ(test, inner->len, len);
	KUNIT_ASSERT_EQ(test, skb_copy_bits(inner, 0, wire, len), 0);
	KUNIT_EXPECT_EQ(test, memcmp(wire, linear->data, len), 0);
	KUNIT_EXPECT_EQ(test, clone->len, 1000);
	KUNIT_EXPECT_EQ(test, clone->data[999], (u8)999);
	kfree_skb(clone);
	kfree_skb(inner);

	kfree_skb(linear);
	crypto_free_aead(sa->aead);
}

static DECLARE_COMPLETION(rvti_esp_test_completion);

static void rvti_esp_test_done_async(struct sk_buff *skb, int err)
{
	rvti_esp_test_err = err;
	complete(&rvti_esp_test_completion);
}

/* Dummies of the parallel test: finished in the order they were queued. */
static unsigned int rvti_esp_test_next, rvti_esp_test_misorder;

static void rvti_esp_test_dummy_done(struct sk_buff *skb, int err)
{
	if (err || skb->priority != rvti_esp_test_next)
		rvti_esp_test_misorder++;
	rvti_esp_test_next++;
	kfree_skb(skb);
}

/*
 * @n dummy packets of @sa queued on @par as if their crypto were pending,
 * each with its index as priority, finished by @done.
 */
static struct sk_buff **rvti_esp_test_dummies(struct kunit *test,
					      struct rvti_sa *sa,
					      struct rvti_parallel *par,
					      unsigned int n,
					      void (*done)(struct sk_buff *, int))
{
	struct sk_buff **dummies;
	unsigned int i;

	dummies = kunit_kcalloc(test, n, sizeof(*dummies), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, dummies);
	for (i = 0; i < n; i++) {
		dummies[i] = alloc_skb(0, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, dummies[i]);
		dummies[i]->priority = i;
		memset(dummies[i]->cb, 0, sizeof(dummies[i]->cb));
		rvti_esp_cb(dummies[i])->sa = sa;
		rvti_esp_cb(dummies[i])->done = done;
		rvti_esp_cb(dummies[i])->parallel = RVTI_PAR_QUEUED;
		skb_queue_tail(&par->queue, dummies[i]);
	}
	return dummies;
}

/* Waits until a worker has done @skb's crypto; false after 10 s. */
static bool rvti_esp_test_wait_done(struct sk_buff *skb)
{
	unsigned long end = jiffies + 10 * HZ;

	/* As the serial work reads it. */
	while (smp_load_acquire(&rvti_esp_cb(skb)->parallel) != RVTI_PAR_DONE)
		if (time_after(jiffies, end) || msleep_interruptible(10))
			return false;
	return true;
}

/*
 * Parallel crypto (parallel.c). An SA queues at most par->limit packets:
 * with its queue full the next packet is dropped at once (-ENOBUFS),
 * before any crypto touched it. With one place free a packet goes through
 * a CPU's worker, but is finished only after every packet queued before
 * it, whatever order their crypto completes in: here the packets ahead
 * (dummies standing for requests in other workers) complete last to
 * first, and all are finished first to last, the real one last.
 */
static void rvti_esp_test_parallel_order(struct kunit *test)
{
	struct sk_buff **dummies, *esp, *skb;
	struct rvti_parallel *par;
	struct rvti_sa *sa;
	int i, ret;

	sa = rvti_esp_test_sa(test);
	esp = rvti_esp_test_packet(test, sa, 300);
	par = rvti_parallel_alloc();
	KUNIT_ASSERT_NOT_NULL(test, par);
	sa->parallel = par;
	/* Two chains of 64 per CPU, at least 4, at most RVTI_PAR_MAX. */
	if (num_online_cpus() <= 2)
		KUNIT_EXPECT_EQ(test, par->limit, 256U);
	KUNIT_EXPECT_GE(test, par->limit, 256U);
	KUNIT_EXPECT_LE(test, par->limit, RVTI_PAR_MAX);
	dummies = rvti_esp_test_dummies(test, sa, par, par->limit,
					rvti_esp_test_dummy_done);

	skb = skb_copy(esp, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	rvti_esp_test_err = 1;
	local_bh_disable();
	ret = rvti_esp_decrypt(sa, skb, 7, rvti_esp_test_done);
	local_bh_enable();
	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, rvti_esp_test_err, -ENOBUFS);
	KUNIT_EXPECT_EQ(test, skb_queue_len(&par->queue), par->limit);
	KUNIT_EXPECT_EQ(test, skb->len, esp->len);
	KUNIT_EXPECT_EQ(test, memcmp(skb->data, esp->data, esp->len), 0);
	kfree_skb(skb);

	/* The first dummy leaves: one place. */
	KUNIT_ASSERT_PTR_EQ(test, skb_dequeue(&par->queue), dummies[0]);
	rvti_esp_test_next = 1;
	rvti_esp_test_misorder = 0;
	kfree_skb(dummies[0]);
	skb = skb_copy(esp, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	reinit_completion(&rvti_esp_test_completion);
	rvti_esp_test_err = 1;
	local_bh_disable();
	ret = rvti_esp_decrypt(sa, skb, 7, rvti_esp_test_done_async);
	local_bh_enable();
	KUNIT_EXPECT_EQ(test, ret, -EINPROGRESS);
	KUNIT_ASSERT_TRUE(test, rvti_esp_test_wait_done(skb));
	/* Decrypted, but held behind the packets queued before it. */
	flush_work(&par->serial);
	KUNIT_EXPECT_FALSE(test, completion_done(&rvti_esp_test_completion));
	KUNIT_EXPECT_EQ(test, skb_queue_len(&par->queue), par->limit);

	for (i = par->limit - 1; i > 0; i--)
		rvti_parallel_complete(dummies[i], 0);
	KUNIT_ASSERT_GT(test, wait_for_completion_timeout(&rvti_esp_test_completion,
							  10 * HZ), 0UL);
	KUNIT_EXPECT_EQ(test, rvti_esp_test_next, par->limit);
	KUNIT_EXPECT_EQ(test, rvti_esp_test_misorder, 0);
	KUNIT_EXPECT_EQ(test, rvti_esp_test_err, 0);
	KUNIT_EXPECT_EQ(test, skb_queue_len(&par->queue), 0);
	KUNIT_EXPECT_EQ(test, rvti_rx_strip_trailer(sa, skb), IPPROTO_IPIP);
	kfree_skb(skb);

	/* rvti_parallel_complete() holds RCU while it may touch @par. */
	synchronize_rcu();
	rvti_parallel_free(par);
	kfree_skb(esp);
	crypto_free_aead(sa->aead);
}

/* Packets of the chain test: finished in order, the last completes. */
#define RVTI_ESP_TEST_CHAIN 5

static void rvti_esp_test_chain_done(struct sk_buff *skb, int err)
{
	if (err || skb->priority != rvti_esp_test_next)
		rvti_esp_test_misorder++;
	/* Decrypted: the trailer names the inner IPv4 packet. */
	else if (rvti_rx_strip_trailer(rvti_esp_cb(skb)->sa, skb) != IPPROTO_IPIP)
		rvti_esp_test_misorder++;
	if (++rvti_esp_test_next == RVTI_ESP_TEST_CHAIN)
		complete(&rvti_esp_test_completion);
	kfree_skb(skb);
}

/*
 * The packets a plugged CPU submits (a GSO packet's segments) go to a
 * worker as one chain, only when the plug is removed: until then none
 * has been decrypted (on two CPUs the other's worker would have had the
 * time). Then all are finished, in the order they were submitted. A
 * nested plug is refused and its packets join the outer chain.
 */
static void rvti_esp_test_parallel_chain(struct kunit *test)
{
	struct sk_buff *esp, *skbs[RVTI_ESP_TEST_CHAIN];
	struct rvti_parallel *par;
	struct rvti_sa *sa;
	unsigned int inprogress = 0, queued = 0, finished, qlen;
	bool plugged, nested;
	int i;

	sa = rvti_esp_test_sa(test);
	esp = rvti_esp_test_packet(test, sa, 1000);
	par = rvti_parallel_alloc();
	KUNIT_ASSERT_NOT_NULL(test, par);
	sa->parallel = par;
	for (i = 0; i < RVTI_ESP_TEST_CHAIN; i++) {
		skbs[i] = skb_copy(esp, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, skbs[i]);
		skbs[i]->priority = i;
		/* Ours to look at even if the plug fails and it is freed. */
		skb_get(skbs[i]);
	}
	rvti_esp_test_next = 0;
	rvti_esp_test_misorder = 0;
	reinit_completion(&rvti_esp_test_completion);

	/* No expectation with bottom halves disabled: a failure allocates. */
	local_bh_disable();
	plugged = rvti_parallel_plug();
	nested = rvti_parallel_plug();
	for (i = 0; i < RVTI_ESP_TEST_CHAIN; i++)
		inprogress += rvti_esp_decrypt(sa, skbs[i], 7,
					       rvti_esp_test_chain_done) ==
			      -EINPROGRESS;
	mdelay(50);
	for (i = 0; i < RVTI_ESP_TEST_CHAIN; i++)
		queued += rvti_esp_cb(skbs[i])->parallel == RVTI_PAR_QUEUED;
	finished = rvti_esp_test_next;
	qlen = skb_queue_len(&par->queue);
	if (plugged)
		rvti_parallel_unplug();
	local_bh_enable();
	KUNIT_EXPECT_TRUE(test, plugged);
	KUNIT_EXPECT_FALSE(test, nested);
	KUNIT_EXPECT_EQ(test, inprogress, RVTI_ESP_TEST_CHAIN);
	KUNIT_EXPECT_EQ(test, queued, RVTI_ESP_TEST_CHAIN);
	KUNIT_EXPECT_EQ(test, finished, 0);
	KUNIT_EXPECT_EQ(test, qlen, RVTI_ESP_TEST_CHAIN);

	KUNIT_ASSERT_GT(test, wait_for_completion_timeout(&rvti_esp_test_completion,
							  10 * HZ), 0UL);
	KUNIT_EXPECT_EQ(test, rvti_esp_test_misorder, 0);
	KUNIT_EXPECT_EQ(test, skb_queue_len(&par->queue), 0);
	for (i = 0; i < RVTI_ESP_TEST_CHAIN; i++)
		kfree_skb(skbs[i]);

	synchronize_rcu();
	rvti_parallel_free(par);
	kfree_skb(esp);
	crypto_free_aead(sa->aead);
}

/* Packets of the NAPI test: more than two polls' budget. */
#define RVTI_ESP_TEST_NAPI 150

static unsigned int rvti_esp_test_napi_outside;

/* Each finished in order, in the NAPI poll; the real one, last, completes. */
static void rvti_esp_test_napi_done(struct sk_buff *skb, int err)
{
	if (rvti_esp_cb(skb)->parallel != RVTI_PAR_NAPI || !in_softirq())
		rvti_esp_test_napi_outside++;
	if (skb->priority != rvti_esp_test_next)
		rvti_esp_test_misorder++;
	if (++rvti_esp_test_next == RVTI_ESP_TEST_NAPI + 1) {
		rvti_esp_test_err = err;
		if (!err && rvti_rx_strip_trailer(rvti_esp_cb(skb)->sa, skb) !=
			    IPPROTO_IPIP)
			rvti_esp_test_err = -EBADMSG;
		complete(&rvti_esp_test_completion);
	}
	kfree_skb(skb);
}

/* The NAPI of either direction: receive (false) and transmit (true). */
static const bool rvti_esp_test_napi_tx[] = { false, true };

static void rvti_esp_test_napi_desc(const bool *tx, char *desc)
{
	strscpy(desc, *tx ? "transmit NAPI" : "receive NAPI",
		KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(rvti_esp_test_napi, rvti_esp_test_napi_tx,
		  rvti_esp_test_napi_desc);

/*
 * An SA of a device (rvti_parallel_set_napi()) has its packets finished
 * in the device's NAPI poll of its direction, in the order they were
 * queued, whatever order their crypto completes in: dummies completed
 * last to first, more than a poll's budget of them, then a real packet
 * through a worker. The listing's references are dropped when the poll
 * is done.
 */
static void rvti_esp_test_parallel_napi(struct kunit *test)
{
	const bool *tx = test->param_value;
	struct sk_buff **dummies, *esp, *skb;
	struct rvti_parallel_napi *pn;
	struct rvti_parallel *par;
	struct net_device *dev;
	struct rvti_sa *sa;
	int i, ret;

	sa = rvti_esp_test_sa(test);
	refcount_set(&sa->refcnt, 1);
	esp = rvti_esp_test_packet(test, sa, 500);
	dev = alloc_netdev(sizeof(*pn), "rvtitest%d", NET_NAME_UNKNOWN,
			   ether_setup);
	KUNIT_ASSERT_NOT_NULL(test, dev);
	pn = netdev_priv(dev);
	rvti_parallel_napi_init(pn, dev, *tx);
	par = rvti_parallel_alloc();
	KUNIT_ASSERT_NOT_NULL(test, par);
	sa->parallel = par;
	rvti_parallel_set_napi(par, pn, sa);

	dummies = rvti_esp_test_dummies(test, sa, par, RVTI_ESP_TEST_NAPI,
					rvti_esp_test_napi_done);
	skb = skb_copy(esp, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	skb->priority = RVTI_ESP_TEST_NAPI;
	rvti_esp_test_next = 0;
	rvti_esp_test_misorder = 0;
	rvti_esp_test_napi_outside = 0;
	rvti_esp_test_err = 1;
	reinit_completion(&rvti_esp_test_completion);

	/* Each completion kicks the NAPI, which waits for the first. */
	for (i = RVTI_ESP_TEST_NAPI - 1; i >= 0; i--)
		rvti_parallel_complete(dummies[i], 0);
	local_bh_disable();
	ret = rvti_esp_decrypt(sa, skb, 7, rvti_esp_test_napi_done);
	local_bh_enable();
	KUNIT_EXPECT_EQ(test, ret, -EINPROGRESS);
	KUNIT_ASSERT_GT(test, wait_for_completion_timeout(&rvti_esp_test_completion,
							  10 * HZ), 0UL);
	/* Waits for the poll to return. */
	rvti_parallel_napi_uninit(pn);
	KUNIT_EXPECT_EQ(test, rvti_esp_test_next, RVTI_ESP_TEST_NAPI + 1);
	KUNIT_EXPECT_EQ(test, rvti_esp_test_misorder, 0);
	KUNIT_EXPECT_EQ(test, rvti_esp_test_napi_outside, 0);
	KUNIT_EXPECT_EQ(test, rvti_esp_test_err, 0);
	KUNIT_EXPECT_EQ(test, skb_queue_len(&par->queue), 0);
	KUNIT_EXPECT_FALSE(test, par->listed);
	KUNIT_EXPECT_EQ(test, refcount_read(&sa->refcnt), 1);

	free_netdev(dev);
	synchronize_rcu();
	rvti_parallel_free(par);
	kfree_skb(esp);
	crypto_free_aead(sa->aead);
}

static struct kunit_case rvti_esp_test_cases[] = {
	KUNIT_CASE(rvti_esp_test_pad_len),
	KUNIT_CASE(rvti_esp_test_trailer),
	KUNIT_CASE(rvti_esp_test_pad_check),
	KUNIT_CASE(rvti_esp_test_seq_exhausted),
	KUNIT_CASE(rvti_esp_test_decrypt_paged),
	KUNIT_CASE(rvti_esp_test_encrypt_paged),
	KUNIT_CASE(rvti_esp_test_parallel_order),
	KUNIT_CASE(rvti_esp_test_parallel_chain),
	KUNIT_CASE_PARAM(rvti_esp_test_parallel_napi,
			 rvti_esp_test_napi_gen_params),
	{}
};

struct kunit_suite rvti_esp_test_suite = {
	.name = "rvti_esp",
	.test_cases = rvti_esp_test_cases,
};
