// SPDX-License-Identifier: GPL-2.0
/*
 * rvti: route-based IPsec (ESP) tunnel devices.
 */

#include <linux/genetlink.h>
#include <linux/module.h>
#include <net/rtnetlink.h>
#include <linux/rvti.h>

#include "device.h"
#include "encap.h"
#include "esp.h"
#include "failover.h"
#include "netlink.h"
#include "receive.h"
#include "sa.h"

static int __init rvti_mod_init(void)
{
	int ret;

	ret = rvti_esp_init();
	if (ret)
		return ret;
	ret = rvti_sa_net_init();
	if (ret)
		goto err_esp;
	/* Before the devices, which hold its sockets, and gone after them. */
	ret = rvti_encap_init();
	if (ret)
		goto err_sa;
	/* Sees every device register, move and go. */
	ret = rvti_failover_init();
	if (ret)
		goto err_encap;
	ret = rvti_device_init();
	if (ret)
		goto err_failover;
	ret = rvti_receive_init();
	if (ret)
		goto err_device;
	ret = rvti_genl_init();
	if (ret)
		goto err_receive;
	pr_info("rvti: route-based IPsec tunnels loaded\n");
	return 0;

err_receive:
	rvti_receive_uninit();
err_device:
	rvti_device_uninit();
err_failover:
	rvti_failover_uninit();
err_encap:
	rvti_encap_uninit();
err_sa:
	rvti_sa_net_uninit();
err_esp:
	rvti_esp_uninit();
	return ret;
}

static void __exit rvti_mod_exit(void)
{
	/*
	 * The devices go first, while the family can still tell listeners
	 * (tunnel-del) and an SA's expire work still finds it registered;
	 * afterwards no work has anything left to announce.
	 */
	rvti_receive_uninit();
	rvti_device_uninit();
	rvti_failover_uninit();
	rvti_encap_uninit();
	rvti_genl_uninit();
	rvti_sa_net_uninit();
	/* No packet is in flight: every SA is gone, its transform freed. */
	rvti_esp_uninit();
}

module_init(rvti_mod_init);
module_exit(rvti_mod_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Route-based IPsec (ESP) tunnel devices");
MODULE_ALIAS_RTNL_LINK(KBUILD_MODNAME);
MODULE_ALIAS_GENL_FAMILY(RVTI_GENL_NAME);
