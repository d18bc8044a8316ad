// SPDX-License-Identifier: GPL-2.0
/*
 * Parallel crypto for one SA, on every CPU, packets kept in order.
 *
 * XFRM, and rvti without this, encrypts and decrypts an SA's packets on
 * the CPU that sends or receives them, and one tunnel's packets mostly
 * arrive on one CPU. This spreads them as WireGuard spreads a peer's: a
 * packet goes into its SA's queue (the order) and into one ring that
 * every CPU's crypto worker takes from (the work); when its crypto is
 * done, the NAPI of the SA's device and direction (WireGuard: the peer's
 * NAPI receiving, a work item sending) finishes the packets at the head
 * of the SA's queue whose crypto is done, in the order they came, so that
 * a tunnel keeps its order on the wire (inside every peer's replay
 * window) and its inner flows theirs. (Without a device, in KUnit, the
 * SA's serial work does.)
 *
 * Why not padata, the kernel's facility for this: it hands each packet
 * to a worker and back to the submitting CPU, two wake-ups and often two
 * IPIs per packet and direction; here a worker that is running takes the
 * next packet from the ring without being woken, and one poll finishes
 * every packet that is ready, in the softirq of the worker that kicked
 * it, so a busy tunnel pays for a wake-up per burst rather than per
 * packet. And a packet whose
 * crypto is done never waits for one CPU in particular: a descheduled
 * vCPU holds only the packet it is working on.
 *
 * A transmitted GSO packet becomes tens of ESP packets at once; they go
 * to the ring as one chain (rvti_parallel_plug()), as WireGuard hands a
 * peer's staged packets to its workers, so that one worker encrypts them
 * all for one ring operation and one kick rather than one per packet
 * (measured: one TCP flow's 2-CPU scaling 1.44 -> 1.60, ChaCha20).
 *
 * Memory and delay are bounded: an SA queues at most two chains per
 * online CPU, at least four chains, at most RVTI_PAR_MAX packets (what
 * keeps every CPU's worker busy with a chain and the next one ready:
 * measured, 1,024 on 2 CPUs only made the queue a saturating TCP flow
 * keeps full, and every other packet's delay, six times longer, and the
 * flow no faster); the next is dropped before any crypto is spent on it.
 * The ring holds RVTI_PAR_RING; a packet the ring has no room for is
 * dropped in its turn. Both count as the SA's `overload`.
 *
 * Sending, a device with a qdisc is pushed back on before that bound, as
 * a NIC stops its queue when its ring is nearly full: the device's queue
 * stops while the outbound SA has less than a chain's room left (a GSO
 * packet's segments), and its transmit NAPI wakes it when the SA's queue
 * is half empty. The excess waits in the qdisc, where the operator's
 * fq_codel or cake sees it (drops or marks by flow, measures the delay),
 * instead of being dropped behind it at the SA's bound.
 * Without a qdisc (the default, noqueue) there is nowhere to wait: a
 * stopped queue would make the core drop every packet, so the bound
 * stays the only limit there.
 */

#include <kunit/visibility.h>
#include <linux/cpumask.h>
#include <linux/percpu.h>
#include <linux/ptr_ring.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <net/sch_generic.h>

#include "esp.h"
#include "parallel.h"
#include "sa.h"

/* Packets, and chains of them, of every parallel SA waiting for a CPU. */
#define RVTI_PAR_RING 4096

/* Packets a serial work finishes with bottom halves disabled at once. */
#define RVTI_PAR_BATCH 64

/* Packets a plug hands to one worker at most: a 64 KB GSO packet's. */
#define RVTI_PAR_CHAIN 64

/*
 * Packets of one SA a worker marks done before it kicks the device's
 * NAPI: the batch a poll finishes (and GRO merges, receiving), as a NIC
 * interrupts once for several packets.
 */
#define RVTI_PAR_KICK 32

static struct workqueue_struct *rvti_parallel_wq;
static struct ptr_ring rvti_parallel_ring;
static struct work_struct __percpu *rvti_parallel_workers;
/* The CPU that got this CPU's last packet: round robin from each CPU. */
static DEFINE_PER_CPU(int, rvti_parallel_last_cpu);

/*
 * The chain a CPU is collecting while it is plugged (bottom halves
 * disabled from rvti_parallel_plug() to rvti_parallel_unplug()).
 */
struct rvti_parallel_plug {
	struct sk_buff *head;
	struct sk_buff **tail;
	unsigned int len;
	bool on;
};

static DEFINE_PER_CPU(struct rvti_parallel_plug, rvti_parallel_plugs);

/* Empties @plug and returns the chain it held. */
static struct sk_buff *rvti_parallel_plug_take(struct rvti_parallel_plug *plug)
{
	struct sk_buff *chain = plug->head;

	plug->head = NULL;
	plug->tail = &plug->head;
	plug->len = 0;
	return chain;
}

static void rvti_parallel_mark_done(struct rvti_esp_cb *cb, int err)
{
	cb->par_err = err;
	/* Pairs with rvti_parallel_ready(): the result, and the bytes. */
	smp_store_release(&cb->parallel, RVTI_PAR_DONE);
}

/*
 * What a listing of an SA on its device's NAPI holds: the SA
 * (and with it @par) and the device (and with it the NAPI), from before
 * the packet that lists it is marked done, after which it may be finished
 * and gone, until the poll has finished what is ready.
 */
static void rvti_parallel_napi_hold(struct rvti_parallel *par)
{
	rvti_sa_hold(par->sa);
	dev_hold(par->napi->napi.dev);
}

static void rvti_parallel_napi_put(struct rvti_parallel *par)
{
	struct net_device *dev = par->napi->napi.dev;

	/* @par goes with the SA, an RCU grace period after this at least. */
	rvti_sa_put(par->sa);
	dev_put(dev);
}

/* Puts @par at the end of @pn's list; false if it is there already. */
static bool rvti_parallel_napi_list(struct rvti_parallel_napi *pn,
				    struct rvti_parallel *par)
{
	lockdep_assert_held(&pn->lock);
	if (par->listed)
		return false;
	list_add_tail(&par->node, &pn->ready);
	par->listed = true;
	return true;
}

/*
 * Lists @par, with the references the caller took, on its device's NAPI
 * and schedules it; with bottom halves disabled, so that the poll runs
 * when they are enabled again, here, unless another CPU runs it already
 * (and then takes these packets too). Scheduled under the list's lock:
 * a poll cannot finish @par, drop the references, and let the device go
 * before the NAPI is scheduled.
 */
static void rvti_parallel_napi_kick(struct rvti_parallel *par)
{
	struct rvti_parallel_napi *pn = par->napi;
	bool listed;

	local_bh_disable();
	spin_lock(&pn->lock);
	listed = rvti_parallel_napi_list(pn, par);
	if (listed)
		napi_schedule(&pn->napi);
	spin_unlock(&pn->lock);
	local_bh_enable();
	/*
	 * Listed already, and so scheduled: the poll that takes it off the
	 * list sees these packets done (they were marked before the lock).
	 */
	if (!listed)
		rvti_parallel_napi_put(par);
}

/*
 * A worker's packet whose crypto is done. An SA's are marked done at
 * once but its NAPI is kicked once for the packets of that SA the worker
 * did in a row (@kick holds the SA and its device meanwhile), so that the
 * poll finishes them as one batch (which GRO can merge, receiving).
 */
static void rvti_parallel_worker_done(struct sk_buff *skb, int err,
				      struct rvti_parallel **kick)
{
	struct rvti_esp_cb *cb = rvti_esp_cb(skb);
	struct rvti_parallel *par = cb->sa->parallel;

	if (!par->napi) {
		rvti_parallel_complete(skb, err);
		return;
	}
	if (*kick != par) {
		if (*kick)
			rvti_parallel_napi_kick(*kick);
		rvti_parallel_napi_hold(par);
		*kick = par;
	}
	rvti_parallel_mark_done(cb, err);
}

/*
 * A CPU's crypto worker: takes chains from the ring until it is empty,
 * so that it is woken once per burst, not once per packet.
 */
static void rvti_parallel_crypt_work(struct work_struct *work)
{
	struct rvti_parallel *kick = NULL;
	struct sk_buff *skb, *next;
	unsigned int n = 0;
	int err;

	while ((skb = ptr_ring_consume_bh(&rvti_parallel_ring))) {
		do {
			/*
			 * Read first: once its crypto is done the packet
			 * may be finished, and freed, on another CPU.
			 */
			next = *rvti_esp_par_next(skb);
			err = rvti_esp_crypt_queued(skb);
			/* An asynchronous transform's completion reports it. */
			if (err != -EINPROGRESS) {
				rvti_parallel_worker_done(skb, err, &kick);
				n++;
			}
		} while ((skb = next));
		if (kick && (n >= RVTI_PAR_KICK || need_resched())) {
			rvti_parallel_napi_kick(kick);
			kick = NULL;
			n = 0;
		}
		cond_resched();
	}
	if (kick)
		rvti_parallel_napi_kick(kick);
}

void rvti_parallel_complete(struct sk_buff *skb, int err)
{
	struct rvti_esp_cb *cb = rvti_esp_cb(skb);
	/* Read now: once the packet is marked done it may be gone. */
	struct rvti_parallel *par = cb->sa->parallel;

	if (par->napi) {
		rvti_parallel_napi_hold(par);
		rvti_parallel_mark_done(cb, err);
		rvti_parallel_napi_kick(par);
		return;
	}
	/*
	 * The packet holds its SA until it is finished, which may happen on
	 * another CPU right after the release below; the SA, and @par, are
	 * freed only after an RCU grace period from then (rvti_sa_put()),
	 * which this read-side section holds off until the work is queued.
	 */
	rcu_read_lock();
	rvti_parallel_mark_done(cb, err);
	queue_work(rvti_parallel_wq, &par->serial);
	rcu_read_unlock();
}
EXPORT_SYMBOL_IF_KUNIT(rvti_parallel_complete);

static bool rvti_parallel_ready(struct sk_buff *skb)
{
	/* Pairs with the release above: the packet as its crypto left it. */
	return smp_load_acquire(&rvti_esp_cb(skb)->parallel) == RVTI_PAR_DONE;
}

/*
 * Takes up to @limit packets at the head of @par's queue whose crypto is
 * done, in their order, into @ready; returns how many.
 */
static unsigned int rvti_parallel_take(struct rvti_parallel *par,
				       struct sk_buff_head *ready,
				       unsigned int limit)
{
	struct sk_buff *skb;
	unsigned int n = 0;

	spin_lock_bh(&par->queue.lock);
	while (n < limit && (skb = skb_peek(&par->queue)) &&
	       rvti_parallel_ready(skb)) {
		__skb_unlink(skb, &par->queue);
		__skb_queue_tail(ready, skb);
		n++;
	}
	spin_unlock_bh(&par->queue.lock);
	return n;
}

/*
 * Finishes the packets at the head of the SA's queue whose crypto is
 * done, in their order, a batch at a time; stops at the first that is
 * not done: its completion queues this work again.
 */
static void rvti_parallel_serial_work(struct work_struct *work)
{
	struct rvti_parallel *par = container_of(work, struct rvti_parallel,
						 serial);
	struct sk_buff_head ready;
	struct sk_buff *skb;
	unsigned int n;

	__skb_queue_head_init(&ready);
	do {
		n = rvti_parallel_take(par, &ready, RVTI_PAR_BATCH);
		/*
		 * As the softirq would run them. The last may drop the SA's
		 * last reference; @par stays until this work has returned
		 * (rvti_parallel_free() waits for it), so a full batch may
		 * still look at the queue once more.
		 */
		local_bh_disable();
		while ((skb = __skb_dequeue(&ready)))
			rvti_esp_finish(skb, rvti_esp_cb(skb)->par_err);
		local_bh_enable();
		if (n == RVTI_PAR_BATCH)
			cond_resched();
	} while (n == RVTI_PAR_BATCH);
}

void rvti_parallel_tx_check(struct rvti_parallel *par, struct net_device *dev)
{
	struct netdev_queue *txq = netdev_get_tx_queue(dev, 0);

	/* Room for one more GSO packet's segments, or stop. */
	if (likely(skb_queue_len_lockless(&par->queue) <=
		   par->limit - RVTI_PAR_CHAIN))
		return;
	/* noqueue: a stopped queue would have the core drop every packet. */
	if (!rcu_dereference_bh(txq->qdisc)->enqueue)
		return;
	netif_tx_stop_queue(txq);
	/*
	 * Pairs with the barrier in rvti_parallel_tx_wake(): either the poll
	 * sees the queue stopped, or this sees the packets it finished.
	 */
	smp_mb__after_atomic();
	if (skb_queue_len_lockless(&par->queue) <= par->limit / 2)
		netif_tx_start_queue(txq);
}

/* After a transmit poll finished packets of @par. */
static void rvti_parallel_tx_wake(struct rvti_parallel_napi *pn,
				  struct rvti_parallel *par)
{
	struct net_device *dev = pn->napi.dev;
	struct netdev_queue *txq = netdev_get_tx_queue(dev, 0);

	/* Pairs with the barrier in rvti_parallel_tx_check(). */
	smp_mb();
	/*
	 * Any SA's packets wake it: if it was @par's successor that stopped
	 * it, the next packet stops it again, as long as that one is full.
	 */
	if (unlikely(netif_tx_queue_stopped(txq)) && netif_running(dev) &&
	    skb_queue_len_lockless(&par->queue) <= par->limit / 2)
		netif_tx_wake_queue(txq);
}

/*
 * A device's NAPI poll for one direction: finishes, in order, the ready
 * packets of the SAs listed, up to @budget; received ones go to GRO here
 * (rvti_rx_done() sees RVTI_PAR_NAPI) rather than through the device's
 * gro_cells, which would schedule a NAPI once more, sent ones to the
 * outer route. An SA with more ready when the budget is spent goes back
 * to the end of the list.
 */
static int rvti_parallel_napi_poll(struct napi_struct *napi, int budget)
{
	struct rvti_parallel_napi *pn = container_of(napi, struct rvti_parallel_napi,
						   napi);
	struct rvti_parallel *par;
	struct sk_buff_head ready;
	struct sk_buff *skb;
	bool relisted;
	int done = 0;

	__skb_queue_head_init(&ready);
	while (done < budget) {
		spin_lock(&pn->lock);
		par = list_first_entry_or_null(&pn->ready, struct rvti_parallel,
					       node);
		if (par) {
			list_del(&par->node);
			par->listed = false;
		}
		spin_unlock(&pn->lock);
		if (!par)
			break;

		done += rvti_parallel_take(par, &ready, budget - done);
		while ((skb = __skb_dequeue(&ready))) {
			rvti_esp_cb(skb)->parallel = RVTI_PAR_NAPI;
			rvti_esp_finish(skb, rvti_esp_cb(skb)->par_err);
		}
		if (pn->tx)
			rvti_parallel_tx_wake(pn, par);

		/* Maybe more are ready: for the next poll, with the refs. */
		relisted = false;
		if (done == budget) {
			spin_lock(&pn->lock);
			relisted = rvti_parallel_napi_list(pn, par);
			spin_unlock(&pn->lock);
		}
		if (!relisted)
			rvti_parallel_napi_put(par);
	}
	if (done < budget)
		napi_complete_done(napi, done);
	return done;
}

/* The next online CPU after the one this CPU chose last. */
static int rvti_parallel_next_cpu(void)
{
	int cpu = cpumask_next(__this_cpu_read(rvti_parallel_last_cpu),
			       cpu_online_mask);

	if (cpu >= nr_cpu_ids)
		cpu = cpumask_first(cpu_online_mask);
	__this_cpu_write(rvti_parallel_last_cpu, cpu);
	return cpu;
}

/*
 * Hands a chain of queued packets to a CPU's crypto worker; bottom halves
 * are disabled (the ring's producer lock, this CPU's round robin).
 */
static void rvti_parallel_push(struct sk_buff *chain)
{
	struct sk_buff *skb, *next;
	int cpu;

	lockdep_assert_in_softirq();
	if (unlikely(ptr_ring_produce(&rvti_parallel_ring, chain))) {
		/* Every CPU is behind: each is dropped in its turn. */
		for (skb = chain; skb; skb = next) {
			next = *rvti_esp_par_next(skb);
			rvti_parallel_complete(skb, -ENOBUFS);
		}
		return;
	}
	/*
	 * Round robin: a worker already queued or running takes it anyway,
	 * and queueing an already queued work is a test of one bit.
	 */
	cpu = rvti_parallel_next_cpu();
	queue_work_on(cpu, rvti_parallel_wq,
		      per_cpu_ptr(rvti_parallel_workers, cpu));
}

int rvti_parallel_submit(struct rvti_parallel *par, struct sk_buff *skb)
{
	struct rvti_parallel_plug *plug;

	spin_lock_bh(&par->queue.lock);
	if (skb_queue_len(&par->queue) >= par->limit) {
		spin_unlock_bh(&par->queue.lock);
		return -ENOBUFS;
	}
	/* In the SA's order before a worker can see it. */
	rvti_esp_cb(skb)->parallel = RVTI_PAR_QUEUED;
	__skb_queue_tail(&par->queue, skb);
	spin_unlock_bh(&par->queue.lock);

	local_bh_disable();
	plug = this_cpu_ptr(&rvti_parallel_plugs);
	if (!plug->on) {
		rvti_parallel_push(skb);
	} else {
		*plug->tail = skb;
		plug->tail = rvti_esp_par_next(skb);
		if (++plug->len == RVTI_PAR_CHAIN)
			rvti_parallel_push(rvti_parallel_plug_take(plug));
	}
	local_bh_enable();
	return 0;
}

bool rvti_parallel_plug(void)
{
	struct rvti_parallel_plug *plug = this_cpu_ptr(&rvti_parallel_plugs);

	lockdep_assert_in_softirq();
	/* A packet sent from inside a plugged send joins the outer chain. */
	if (plug->on)
		return false;
	plug->on = true;
	rvti_parallel_plug_take(plug);
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(rvti_parallel_plug);

void rvti_parallel_unplug(void)
{
	struct rvti_parallel_plug *plug = this_cpu_ptr(&rvti_parallel_plugs);
	struct sk_buff *chain;

	lockdep_assert_in_softirq();
	plug->on = false;
	chain = rvti_parallel_plug_take(plug);
	if (chain)
		rvti_parallel_push(chain);
}
EXPORT_SYMBOL_IF_KUNIT(rvti_parallel_unplug);

struct rvti_parallel *rvti_parallel_alloc(void)
{
	struct rvti_parallel *par = kzalloc(sizeof(*par), GFP_KERNEL_ACCOUNT);

	if (!par)
		return NULL;
	skb_queue_head_init(&par->queue);
	INIT_WORK(&par->serial, rvti_parallel_serial_work);
	par->limit = RVTI_PAR_CHAIN * clamp_t(unsigned int, 2 * num_online_cpus(), 4,
					    RVTI_PAR_MAX / RVTI_PAR_CHAIN);
	return par;
}
EXPORT_SYMBOL_IF_KUNIT(rvti_parallel_alloc);

void rvti_parallel_free(struct rvti_parallel *par)
{
	if (!par)
		return;
	/* Its last run may still be returning from finishing a packet. */
	cancel_work_sync(&par->serial);
	WARN_ON_ONCE(!skb_queue_empty(&par->queue));
	/* A listing holds the SA. */
	WARN_ON_ONCE(par->listed);
	kfree(par);
}
EXPORT_SYMBOL_IF_KUNIT(rvti_parallel_free);

void rvti_parallel_set_napi(struct rvti_parallel *par,
			    struct rvti_parallel_napi *pn, struct rvti_sa *sa)
{
	par->sa = sa;
	par->napi = pn;
}
EXPORT_SYMBOL_IF_KUNIT(rvti_parallel_set_napi);

void rvti_parallel_napi_init(struct rvti_parallel_napi *pn,
			     struct net_device *dev, bool tx)
{
	spin_lock_init(&pn->lock);
	INIT_LIST_HEAD(&pn->ready);
	pn->tx = tx;
	/* Transmit: no busy polling, no NAPI ID for sockets to see. */
	if (tx)
		netif_napi_add_tx(dev, &pn->napi, rvti_parallel_napi_poll);
	else
		netif_napi_add(dev, &pn->napi, rvti_parallel_napi_poll);
	napi_enable(&pn->napi);
}
EXPORT_SYMBOL_IF_KUNIT(rvti_parallel_napi_init);

void rvti_parallel_napi_uninit(struct rvti_parallel_napi *pn)
{
	/* Waits for a poll; every listing held the device: none is left. */
	napi_disable(&pn->napi);
	WARN_ON_ONCE(!list_empty(&pn->ready));
	netif_napi_del(&pn->napi);
}
EXPORT_SYMBOL_IF_KUNIT(rvti_parallel_napi_uninit);

int __init rvti_parallel_init(void)
{
	int cpu, ret;

	/*
	 * Per CPU, so that a worker runs where it was queued; CPU intensive,
	 * so that a long burst of crypto does not hold up other work items
	 * of the CPU's pool; with a rescuer, as packets free memory.
	 */
	rvti_parallel_wq = alloc_workqueue("rvti-crypt",
					   WQ_CPU_INTENSIVE | WQ_MEM_RECLAIM, 0);
	if (!rvti_parallel_wq)
		return -ENOMEM;
	ret = ptr_ring_init(&rvti_parallel_ring, RVTI_PAR_RING, GFP_KERNEL);
	if (ret)
		goto err_wq;
	rvti_parallel_workers = alloc_percpu(struct work_struct);
	if (!rvti_parallel_workers) {
		ret = -ENOMEM;
		goto err_ring;
	}
	for_each_possible_cpu(cpu)
		INIT_WORK(per_cpu_ptr(rvti_parallel_workers, cpu),
			  rvti_parallel_crypt_work);
	return 0;

err_ring:
	ptr_ring_cleanup(&rvti_parallel_ring, NULL);
err_wq:
	destroy_workqueue(rvti_parallel_wq);
	return ret;
}

/* Every SA is gone: every packet was finished, the ring is empty. */
void rvti_parallel_uninit(void)
{
	destroy_workqueue(rvti_parallel_wq);
	WARN_ON_ONCE(!__ptr_ring_empty(&rvti_parallel_ring));
	ptr_ring_cleanup(&rvti_parallel_ring, NULL);
	free_percpu(rvti_parallel_workers);
}
