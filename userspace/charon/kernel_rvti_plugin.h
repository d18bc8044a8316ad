/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kernel-rvti: a charon kernel-ipsec backend that installs the SAs of
 * route-based CHILD_SAs (if_id) into rvti tunnels. See Documentation/ike.rst.
 */
#ifndef KERNEL_RVTI_PLUGIN_H_
#define KERNEL_RVTI_PLUGIN_H_

#include <plugins/plugin.h>

typedef struct kernel_rvti_plugin_t kernel_rvti_plugin_t;

struct kernel_rvti_plugin_t {
	plugin_t plugin;
};

#endif /* KERNEL_RVTI_PLUGIN_H_ */
