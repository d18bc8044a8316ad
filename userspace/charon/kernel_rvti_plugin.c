// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kernel-rvti plugin: registers the rvti kernel-ipsec backend. Networking
 * (routes, addresses, interface events) stays with kernel-netlink's
 * kernel-net part; only the IPsec part is rvti's.
 */
#include "kernel_rvti_plugin.h"
#include "kernel_rvti_ipsec.h"

#include <daemon.h>

typedef struct private_kernel_rvti_plugin_t private_kernel_rvti_plugin_t;

struct private_kernel_rvti_plugin_t {
	kernel_rvti_plugin_t public;
};

METHOD(plugin_t, get_name, char *, private_kernel_rvti_plugin_t *this)
{
	return "kernel-rvti";
}

METHOD(plugin_t, get_features, int, private_kernel_rvti_plugin_t *this,
       plugin_feature_t *features[])
{
	static plugin_feature_t f[] = {
		PLUGIN_CALLBACK(kernel_ipsec_register, kernel_rvti_ipsec_create),
			PLUGIN_PROVIDE(CUSTOM, "kernel-ipsec"),
	};

	*features = f;
	return countof(f);
}

METHOD(plugin_t, destroy, void, private_kernel_rvti_plugin_t *this)
{
	free(this);
}

/* The symbol charon's plugin loader looks for: <name with _>_plugin_create */
plugin_t *kernel_rvti_plugin_create(void);

__attribute__((visibility("default")))
plugin_t *kernel_rvti_plugin_create(void)
{
	private_kernel_rvti_plugin_t *this;

	if (!lib->caps->keep(lib->caps, CAP_NET_ADMIN))
		DBG1(DBG_KNL, "kernel-rvti: CAP_NET_ADMIN is needed to configure rvti SAs");

	INIT(this,
		.public = {
			.plugin = {
				.get_name = _get_name,
				.get_features = _get_features,
				.destroy = _destroy,
			},
		},
	);
	return &this->public.plugin;
}
