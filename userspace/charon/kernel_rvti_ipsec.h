/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KERNEL_RVTI_IPSEC_H_
#define KERNEL_RVTI_IPSEC_H_

#include <kernel/kernel_ipsec.h>

/* The rvti kernel-ipsec backend, or NULL when rvti is not available. */
kernel_ipsec_t *kernel_rvti_ipsec_create(void);

#endif /* KERNEL_RVTI_IPSEC_H_ */
