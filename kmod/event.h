/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _RVTI_EVENT_H
#define _RVTI_EVENT_H

#include <linux/types.h>

struct rvti_device;
struct rvti_sa;

void rvti_event_tunnel(struct rvti_device *rvti, u8 event);
void rvti_event_sa(struct rvti_sa *sa, u8 event, u8 limit);
void rvti_event_acquire(struct rvti_device *rvti);
/* From the receive path (softirq): a NAT's new mapping of the peer. */
void rvti_event_mapping(struct rvti_sa *sa, __be16 sport);

#endif /* _RVTI_EVENT_H */
