/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _RVTI_PARALLEL_H
#define _RVTI_PARALLEL_H

#include <linux/skbuff.h>
#include <linux/workqueue.h>

/*
 * One SA's parallel crypto (parallel.c): its packets in the order they
 * were submitted, each until its crypto is done and every packet before
 * it has been finished.
 */
struct rvti_parallel {
	/* The SA's packets in submission order; its lock protects it. */
	struct sk_buff_head queue;
	/* Finishes the packets at the head whose crypto is done. */
	struct work_struct serial;
};

/* rvti_esp_cb.parallel */
enum {
	RVTI_PAR_NONE,		/* crypto on the caller's CPU */
	RVTI_PAR_QUEUED,	/* in its SA's queue, crypto pending */
	RVTI_PAR_DONE,		/* crypto done, par_err is its result */
};

/*
 * The packets one SA may have queued at once; a packet beyond them is
 * dropped (-ENOBUFS to its @done), as a full NIC ring drops (parallel.c).
 */
#define RVTI_PAR_MAX 1024

int rvti_parallel_init(void);
void rvti_parallel_uninit(void);

struct rvti_parallel *rvti_parallel_alloc(void);
/*
 * Frees @par once no packet of its SA is queued and an RCU grace period
 * has passed since the last completion (rvti_parallel_complete() holds
 * RCU while it may still touch @par). Process context.
 */
void rvti_parallel_free(struct rvti_parallel *par);

/*
 * Queues @skb, whose rvti_esp_cb is set up and whose request is ready,
 * for crypto on any CPU. 0 when it was taken: rvti_esp_finish() will run
 * for it from the SA's serial work, in submission order. -ENOBUFS when
 * the SA has RVTI_PAR_MAX packets queued: nothing was done with it.
 */
int rvti_parallel_submit(struct rvti_parallel *par, struct sk_buff *skb);

/*
 * Between the two, with bottom halves disabled, the packets this CPU
 * submits (to any SA) go to the crypto workers as chains of up to 64, a
 * chain to one worker, when the plug is removed or the chain is full:
 * for the segments of one GSO packet. rvti_parallel_plug() returns false,
 * and the caller must not unplug, when this CPU is plugged already (a
 * packet sent from inside a plugged send): its packets join that chain.
 */
bool rvti_parallel_plug(void);
void rvti_parallel_unplug(void);

/* The crypto of a queued @skb completed with @err (any context). */
void rvti_parallel_complete(struct sk_buff *skb, int err);

#endif /* _RVTI_PARALLEL_H */
