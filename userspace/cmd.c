// SPDX-License-Identifier: GPL-2.0
/*
 * Command tables and dispatch for rvti; see cmd.h.
 */
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include <linux/rvti.h>

#include "cmd.h"
#include "parse.h"

void rvti_ctx_init(struct rvti_ctx *ctx, const struct rvti_command *top)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->out = stdout;
	ctx->err = stderr;
	ctx->top = top;
}

void rvti_ctx_fini(struct rvti_ctx *ctx)
{
	nl_close(ctx->nl);
	ctx->nl = NULL;
}

/* The current command entry, or NULL at the top level. */
static const struct rvti_command *cur_cmd(const struct rvti_ctx *ctx)
{
	return ctx->depth ? ctx->cmd[ctx->depth - 1] : NULL;
}

/* The table the current command leads to, or NULL for a leaf. */
static const struct rvti_command *cur_table(const struct rvti_ctx *ctx)
{
	const struct rvti_command *c = cur_cmd(ctx);

	return c ? c->sub : ctx->top;
}

/* "rvti tunnel set": the program and the first @depth command names. */
static void path_str(const struct rvti_ctx *ctx, unsigned int depth,
		     char *buf, size_t size)
{
	size_t len;
	unsigned int i;

	snprintf(buf, size, "rvti");
	for (i = 0; i < depth; i++) {
		len = strlen(buf);
		snprintf(buf + len, size - len, " %s", ctx->cmd[i]->name);
	}
}

static void print_usage_line(const struct rvti_ctx *ctx, FILE *fp)
{
	const struct rvti_command *c = cur_cmd(ctx), *tbl = cur_table(ctx);
	char path[128];
	int i;

	path_str(ctx, ctx->depth, path, sizeof(path));
	if (!tbl) {
		fprintf(fp, "Usage: %s%s%s\n", path,
			c->help && c->help[0] ? " " : "",
			c->help ? c->help : "");
		return;
	}
	fprintf(fp, "Usage: %s%s {", path, ctx->depth ? "" : " [OPTIONS]");
	for (i = 0; tbl[i].name; i++)
		fprintf(fp, " %s |", tbl[i].name);
	fprintf(fp, " help } ...\n");
}

int rvti_usage_error(struct rvti_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	fprintf(ctx->err, "rvti: ");
	va_start(ap, fmt);
	vfprintf(ctx->err, fmt, ap);
	va_end(ap);
	fprintf(ctx->err, "\n");
	print_usage_line(ctx, ctx->err);
	return RVTI_EXIT_USAGE;
}

#define HELP_MAX_NOTES 16

struct help_walk {
	FILE *fp;
	const char *lead;	/* before the first line */
	const char *lead_more;	/* before the others */
	bool first;
	const char *notes[HELP_MAX_NOTES];
	unsigned int nnotes;
};

static void help_line(struct help_walk *w, const char *prefix,
		      const char *name, const char *args)
{
	fprintf(w->fp, "%s%s %s%s%s\n", w->first ? w->lead : w->lead_more,
		prefix, name, args && args[0] ? " " : "", args ? args : "");
	w->first = false;
}

static void help_note(struct help_walk *w, const char *notes)
{
	unsigned int i;

	if (!notes)
		return;
	for (i = 0; i < w->nnotes; i++) {
		if (!strcmp(w->notes[i], notes))
			return;
	}
	if (w->nnotes < HELP_MAX_NOTES)
		w->notes[w->nnotes++] = notes;
}

/* One line per leaf below @c, whose path is @prefix. */
static void help_walk_cmd(struct help_walk *w, const char *prefix,
			  const struct rvti_command *c)
{
	char sub[128];
	int i;

	if (!c->sub) {
		help_line(w, prefix, c->name, c->help);
		help_note(w, c->notes);
		return;
	}
	snprintf(sub, sizeof(sub), "%s %s", prefix, c->name);
	for (i = 0; c->sub[i].name; i++)
		help_walk_cmd(w, sub, &c->sub[i]);
	help_note(w, c->notes);
}

static void help_notes(struct help_walk *w, const char *indent)
{
	const char *p;
	unsigned int i;
	size_t n;

	if (!w->nnotes)
		return;
	fprintf(w->fp, "\n");
	for (i = 0; i < w->nnotes; i++) {
		for (p = w->notes[i]; *p; p += n + (p[n] == '\n')) {
			n = strcspn(p, "\n");
			fprintf(w->fp, "%s%.*s\n", indent, (int)n, p);
		}
	}
}

static const char top_options[] =
	"Options:\n"
	"  -j, --json     JSON output\n"
	"  -p, --pretty   pretty-print JSON output (with -j)\n"
	"  -s, --stats    show statistics, where there are any\n"
	"  -b, --batch FILE  run the commands of FILE (\"-\": stdin), one a line\n"
	"  -h, --help     show this help\n"
	"\n"
	"Commands and keywords may be abbreviated while unambiguous.\n";

int rvti_help(struct rvti_ctx *ctx)
{
	const struct rvti_command *c = cur_cmd(ctx), *tbl = cur_table(ctx);
	struct help_walk w = {
		.fp = ctx->out,
		.lead = "Usage: ",
		.lead_more = "       ",
		.first = true,
	};
	char path[128];
	int i;

	if (!ctx->depth) {
		fprintf(ctx->out, "Usage: rvti [OPTIONS] COMMAND [ARGUMENTS]\n"
			"\nCommands:\n");
		w.lead = w.lead_more = "  ";
		for (i = 0; tbl[i].name; i++)
			help_walk_cmd(&w, "rvti", &tbl[i]);
		help_line(&w, "rvti", "help", NULL);
		help_line(&w, "rvti", "COMMAND help", NULL);
		help_notes(&w, "  ");
		fprintf(ctx->out, "\n%s", top_options);
		return RVTI_EXIT_OK;
	}

	/* A group or a leaf: its lines, then the notes. */
	path_str(ctx, ctx->depth - 1, path, sizeof(path));
	help_walk_cmd(&w, path, c);
	if (tbl) {
		path_str(ctx, ctx->depth, path, sizeof(path));
		help_line(&w, path, "help", NULL);
	}
	help_notes(&w, "");
	return RVTI_EXIT_OK;
}

/*
 * A usage error about @word, the word after the current command: @word is
 * repeated only when it is known not to be a key (parse_word_is_known()).
 */
static int unknown_word(struct rvti_ctx *ctx, const char *what,
			const char *word)
{
	char path[128];

	if (parse_word_is_known(word))
		return rvti_usage_error(ctx, "%s \"%s\"", what, word);
	if (!ctx->depth)
		return rvti_usage_error(ctx, "%s (not shown: it could be a key)",
					what);
	path_str(ctx, ctx->depth, path, sizeof(path));
	return rvti_usage_error(ctx,
				"%s after \"%s\" (not shown: it could be a key)",
				what, path);
}

/*
 * Run the command @argv[0] of @tbl with the rest of @argv. With @want_help
 * (after "help"), print the help of the command @argv names instead.
 */
static int run(struct rvti_ctx *ctx, const struct rvti_command *tbl, int argc,
	       char **argv, bool want_help)
{
	const struct rvti_command *c;
	struct kw_match m;
	int n, idx;

	if (argc < 1) {
		if (want_help)
			return rvti_help(ctx);
		return rvti_usage_error(ctx, ctx->depth ? "missing subcommand" :
					"missing command");
	}

	kw_match_init(&m, argv[0]);
	for (n = 0; tbl[n].name; n++)
		kw_match_try(&m, tbl[n].name, n);
	kw_match_try(&m, "help", n);
	idx = kw_match_result(&m);
	if (idx == KW_NONE)
		return unknown_word(ctx, "unknown command", argv[0]);
	/* A prefix of several command names: safe to repeat. */
	if (idx == KW_AMBIGUOUS)
		return rvti_usage_error(ctx, "ambiguous command \"%s\"",
					argv[0]);
	if (idx == n) {
		/* "help [COMMAND...]" */
		if (want_help)
			return rvti_usage_error(ctx, "\"help\" given twice");
		return run(ctx, tbl, argc - 1, argv + 1, true);
	}

	c = &tbl[idx];
	if (ctx->depth >= RVTI_MAX_DEPTH) {
		fprintf(ctx->err, "rvti: commands nested too deep\n");
		return RVTI_EXIT_ERROR;
	}
	ctx->cmd[ctx->depth] = c;
	ctx->depth++;
	if (c->sub)
		return run(ctx, c->sub, argc - 1, argv + 1, want_help);
	if (want_help) {
		if (argc > 1)
			return unknown_word(ctx, "unexpected argument",
					    argv[1]);
		return rvti_help(ctx);
	}
	return c->fn(ctx, argc - 1, argv + 1);
}

int rvti_run(struct rvti_ctx *ctx, const struct rvti_command *tbl, int argc,
	     char **argv)
{
	return run(ctx, tbl, argc, argv, false);
}

struct nl_ctx *rvti_nl(struct rvti_ctx *ctx)
{
	int err;

	if (ctx->nl)
		return ctx->nl;
	err = nl_open(&ctx->nl, RVTI_GENL_NAME, RVTI_GENL_VERSION);
	if (err == -ENOENT) {
		fprintf(ctx->err,
			"rvti: generic netlink family \"%s\" not found (is the %s module loaded?)\n",
			RVTI_GENL_NAME, RVTI_GENL_NAME);
		return NULL;
	}
	if (err) {
		fprintf(ctx->err, "rvti: generic netlink: %s\n",
			strerror(-err));
		return NULL;
	}
	ctx->nl->err = ctx->err;
	return ctx->nl;
}

int rvti_parse_failed(struct rvti_ctx *ctx, int ret, const char *err)
{
	if (ret == PARSE_HELP)
		return rvti_help(ctx);
	if (ret == -EINVAL)
		return rvti_usage_error(ctx, "%s", err);
	fprintf(ctx->err, "rvti: %s\n", err);
	return RVTI_EXIT_ERROR;
}

struct nlmsghdr *rvti_req(struct rvti_ctx *ctx, uint8_t cmd, uint16_t flags)
{
	struct nl_ctx *nl = rvti_nl(ctx);

	return nl ? nl_req(nl, cmd, flags) : NULL;
}

int rvti_talk(struct rvti_ctx *ctx, struct nlmsghdr *nlh, int ret)
{
	if (!ret)
		ret = nl_talk(ctx->nl, nlh, NULL, NULL);
	if (ret) {
		nl_perror(ctx->nl, ret, ctx->err);
		return RVTI_EXIT_ERROR;
	}
	return RVTI_EXIT_OK;
}
