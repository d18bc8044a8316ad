/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _RVTI_PARALLEL_H
#define _RVTI_PARALLEL_H

#include <linux/list.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

struct rvti_sa;

/*
 * Where a device's parallel SAs of one direction finish their packets: a
 * NAPI context of the device, as WireGuard finishes a peer's received
 * packets (parallel.c).
 */
struct rvti_parallel_napi {
	struct napi_struct napi;
	/* Transmit: the poll wakes the device's queue (backpressure). */
	bool tx;
	/* Protects @ready and each listed rvti_parallel's listing. */
	spinlock_t lock;
	/* rvti_parallel with packets whose crypto is done. */
	struct list_head ready;
};

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
	/*
	 * The NAPI of the SA's device and direction, which finishes its
	 * packets instead of @serial (used without a device: KUnit); set
	 * before the SA is used, never changed.
	 */
	struct rvti_parallel_napi *napi;
	struct rvti_sa *sa;		/* whose packets @napi finishes */
	/*
	 * On @napi's list, under its lock; the listing holds a reference
	 * to @sa and to @napi's device.
	 */
	struct list_head node;
	bool listed;
	/*
	 * The packets the SA may have queued at once (from the CPUs online
	 * when it was created, at most RVTI_PAR_MAX); a packet beyond them
	 * is dropped (-ENOBUFS to its @done), as a full NIC ring drops.
	 */
	unsigned int limit;
};

/* rvti_esp_cb.parallel */
enum {
	RVTI_PAR_NONE,		/* crypto on the caller's CPU */
	RVTI_PAR_QUEUED,	/* in its SA's queue, crypto pending */
	RVTI_PAR_DONE,		/* crypto done, par_err is its result */
	RVTI_PAR_NAPI,		/* being finished in its device's NAPI poll */
};

/* The most packets one SA may have queued at once (parallel.c). */
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
 * the SA has @par->limit packets queued: nothing was done with it.
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

/*
 * The crypto of a queued @skb completed with @err (process or softirq
 * context, as the crypto API's callbacks run).
 */
void rvti_parallel_complete(struct sk_buff *skb, int err);

/*
 * Transmit backpressure, after rvti_xmit() gave packets to @par, the
 * parallel crypto of @dev's outbound SA (bottom halves disabled): stops
 * @dev's queue while the SA holds more than its CPUs need to keep busy,
 * if @dev has a qdisc to hold the rest. The transmit NAPI wakes it.
 */
void rvti_parallel_tx_check(struct rvti_parallel *par, struct net_device *dev);

/*
 * A device's NAPI for one direction (ndo_init), @tx for the transmit
 * direction, and its end (the device's destructor: after the last packet,
 * which held the device, was finished).
 */
void rvti_parallel_napi_init(struct rvti_parallel_napi *pn,
			     struct net_device *dev, bool tx);
void rvti_parallel_napi_uninit(struct rvti_parallel_napi *pn);
/*
 * From now on the packets of @par, the parallel crypto of @sa, are
 * finished in @pn's NAPI poll, where rvti_esp_finish() runs with the
 * packet's rvti_esp_cb.parallel at RVTI_PAR_NAPI. Before @sa is used.
 */
void rvti_parallel_set_napi(struct rvti_parallel *par,
			    struct rvti_parallel_napi *pn, struct rvti_sa *sa);

#endif /* _RVTI_PARALLEL_H */
