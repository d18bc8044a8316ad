// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers shared by the tests; see util.h.
 */
#include <stdlib.h>
#include <string.h>

#include "util.h"

int split_line(const char *line, char *store, size_t size, char **argv,
	       int max)
{
	char *tok, *save = NULL;
	int argc = 0;

	snprintf(store, size, "%s", line);
	for (tok = strtok_r(store, " ", &save); tok && argc < max - 1;
	     tok = strtok_r(NULL, " ", &save))
		argv[argc++] = tok;
	argv[argc] = NULL;
	return argc;
}

static struct nl_ctx *run(const struct rvti_command *top, const char *line,
			  struct nl_ctx *nl, struct run_result *r, bool keep)
{
	static char store[1024];
	static char *argv[64];
	int argc, i = 0;

	memset(r, 0, sizeof(*r));
	argc = split_line(line, store, sizeof(store), argv, 64);
	rvti_ctx_init(&r->ctx, top);
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-j"))
			r->ctx.json = true;
		else if (!strcmp(argv[i], "-p"))
			r->ctx.pretty = true;
		else if (!strcmp(argv[i], "-s"))
			r->ctx.stats = true;
		else
			break;
	}
	r->ctx.out = open_memstream(&r->out, &r->out_len);
	r->ctx.err = open_memstream(&r->err, &r->err_len);
	if (!r->ctx.out || !r->ctx.err)
		abort();
	r->ctx.nl = nl;
	if (nl)
		nl->err = r->ctx.err;
	r->ret = rvti_run(&r->ctx, top, argc - i, argv + i);
	r->opened_nl = r->ctx.nl != NULL;
	nl = r->ctx.nl;
	if (keep)
		r->ctx.nl = NULL;
	rvti_ctx_fini(&r->ctx);
	fclose(r->ctx.out);
	fclose(r->ctx.err);
	return keep ? nl : NULL;
}

void run_cmdline(const struct rvti_command *top, const char *line,
		 struct nl_ctx *nl, struct run_result *r)
{
	run(top, line, nl, r, false);
}

struct nl_ctx *run_cmdline_keep(const struct rvti_command *top,
				const char *line, struct nl_ctx *nl,
				struct run_result *r)
{
	return run(top, line, nl, r, true);
}

void run_free(struct run_result *r)
{
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
}
