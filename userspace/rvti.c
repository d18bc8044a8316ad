// SPDX-License-Identifier: GPL-2.0
/*
 * rvti: configure route-based IPsec tunnel devices over generic netlink.
 *
 *	rvti [-j|--json] [-p|--pretty] [-s|--stats] COMMAND [ARGUMENTS]
 *	rvti [OPTIONS] -b|--batch FILE	(one command a line; "-": stdin)
 *
 * Exit status: 0 success, 1 error from the kernel or the system, 2 usage.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "monitor.h"
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
	{
		.name = "monitor",
		.fn = monitor_do,
		.help = MONITOR_HELP,
		.notes = MONITOR_NOTES,
	},
	{ 0 }
};

static const struct option long_opts[] = {
	{ "json", no_argument, NULL, 'j' },
	{ "pretty", no_argument, NULL, 'p' },
	{ "stats", no_argument, NULL, 's' },
	{ "help", no_argument, NULL, 'h' },
	{ "batch", required_argument, NULL, 'b' },
	{ NULL, 0, NULL, 0 }
};

/*
 * Run the commands of @path, one a line (words split at white space; empty
 * lines and lines starting with '#' are skipped), over one netlink socket,
 * until the first that fails, like ip -batch. Returns its exit status.
 */
static int run_batch(struct rvti_ctx *ctx, const char *path)
{
	FILE *fp = strcmp(path, "-") ? fopen(path, "r") : stdin;
	char line[1024], *words[64], *save, *w;
	unsigned int lineno = 0;
	int n, ret = RVTI_EXIT_OK;

	if (!fp) {
		fprintf(ctx->err, "rvti: cannot open %s: %s\n", path,
			strerror(errno));
		return RVTI_EXIT_ERROR;
	}
	while (ret == RVTI_EXIT_OK && fgets(line, sizeof(line), fp)) {
		lineno++;
		n = 0;
		for (w = strtok_r(line, " \t\r\n", &save); w && n < 64;
		     w = strtok_r(NULL, " \t\r\n", &save))
			words[n++] = w;
		if (!n || words[0][0] == '#')
			continue;
		ctx->depth = 0;
		ret = rvti_run(ctx, rvti_cmds, n, words);
		if (ret)
			fprintf(ctx->err, "rvti: %s:%u: the command failed\n",
				path, lineno);
	}
	if (fp != stdin)
		fclose(fp);
	return ret;
}

int main(int argc, char **argv)
{
	const char *batch = NULL;
	struct rvti_ctx ctx;
	int opt, ret;

	rvti_ctx_init(&ctx, rvti_cmds);
	opterr = 0;
	/* "+": options end at the command, as with ip. */
	while ((opt = getopt_long(argc, argv, "+jpshb:", long_opts,
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
		case 'b':
			batch = optarg;
			break;
		default:
			/* One character is no key; a long option may be. */
			if (optopt)
				return rvti_usage_error(&ctx,
							"unknown option \"-%c\"",
							optopt);
			return rvti_usage_error(&ctx,
						"unknown long option (not shown: it could be a key)");
		}
	}

	if (batch && optind < argc)
		return rvti_usage_error(&ctx, "a command and --batch: give one");
	if (batch)
		ret = run_batch(&ctx, batch);
	else
		ret = rvti_run(&ctx, rvti_cmds, argc - optind, argv + optind);
	rvti_ctx_fini(&ctx);

	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "rvti: cannot write the output\n");
		if (ret == RVTI_EXIT_OK)
			ret = RVTI_EXIT_ERROR;
	}
	return ret;
}
