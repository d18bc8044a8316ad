// SPDX-License-Identifier: GPL-2.0
/*
 * rvti: configure route-based IPsec tunnel devices over generic netlink.
 *
 *	rvti [-j|--json] [-p|--pretty] [-s|--stats] COMMAND [ARGUMENTS]
 *
 * Exit status: 0 success, 1 error from the kernel or the system, 2 usage.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "prefix.h"
#include "route.h"
#include "sa.h"
#include "tunnel.h"

/* The commands. Add a line here for each new command group. */
static const struct rvti_command rvti_cmds[] = {
	{ .name = "tunnel", .sub = tunnel_cmds },
	{ .name = "sa", .sub = sa_cmds },
	{ .name = "prefix", .sub = prefix_cmds },
	{ .name = "route", .sub = route_cmds },
	{ .name = "show", .fn = tunnel_do_show, .help = TUNNEL_SHOW_HELP },
	{ 0 }
};

static const struct option long_opts[] = {
	{ "json", no_argument, NULL, 'j' },
	{ "pretty", no_argument, NULL, 'p' },
	{ "stats", no_argument, NULL, 's' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

int main(int argc, char **argv)
{
	struct rvti_ctx ctx;
	int opt, ret;

	rvti_ctx_init(&ctx, rvti_cmds);
	opterr = 0;
	/* "+": options end at the command, as with ip. */
	while ((opt = getopt_long(argc, argv, "+jpsh", long_opts,
				  NULL)) != -1) {
		switch (opt) {
		case 'j':
			ctx.json = true;
			break;
		case 'p':
			ctx.pretty = true;
			break;
		case 's':
			ctx.stats = true;
			break;
		case 'h':
			return rvti_help(&ctx);
		default:
			if (optopt)
				return rvti_usage_error(&ctx,
							"unknown option \"-%c\"",
							optopt);
			return rvti_usage_error(&ctx, "unknown option \"%s\"",
						argv[optind - 1]);
		}
	}

	ret = rvti_run(&ctx, rvti_cmds, argc - optind, argv + optind);
	rvti_ctx_fini(&ctx);

	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "rvti: cannot write the output\n");
		if (ret == RVTI_EXIT_OK)
			ret = RVTI_EXIT_ERROR;
	}
	return ret;
}
