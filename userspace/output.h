/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Output for rvti: human readable text or JSON built with json-c.
 *
 * Human output is one block per object: a first line "NAME: ..." and, for
 * details added later (SAs, counters), lines indented with OUT_INDENT.
 *
 * JSON output is one array per command: out_add() appends an object to it
 * and out_end() prints it, compact or pretty-printed, followed by a newline.
 * Nothing is printed when the command fails (out_abort()).
 */
#ifndef RVTI_OUTPUT_H
#define RVTI_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <json-c/json.h>

#include "parse.h"

#define OUT_INDENT "    "

struct rvti_out {
	FILE *fp;
	bool json;
	bool pretty;		/* JSON only */
	bool stats;		/* include counters, where there are any */
	json_object *list;	/* the JSON array being built */
};

void out_init(struct rvti_out *o, FILE *fp, bool json, bool pretty,
	      bool stats);
/* Start the list. Returns 0 or -ENOMEM. */
int out_begin(struct rvti_out *o);
/* Append @obj to the JSON list; takes its reference even on error. */
int out_add(struct rvti_out *o, json_object *obj);
/* Print the JSON list, if any, and free it. Returns 0 or -EIO. */
int out_end(struct rvti_out *o);
/* Free the JSON list without printing it. */
void out_abort(struct rvti_out *o);

/*
 * Format @addr into @buf (INET6_ADDRSTRLEN bytes at least). Returns @buf,
 * or @unset when @addr is not set ("any").
 */
const char *addr_str(const struct rvti_addr *addr, char *buf, size_t size,
		     const char *unset);

/*
 * Add a member to a JSON object. NULL strings and unset addresses become
 * JSON null. Return 0 or -ENOMEM.
 */
int json_put_str(json_object *obj, const char *key, const char *s);
int json_put_u32(json_object *obj, const char *key, uint32_t v);
int json_put_u64(json_object *obj, const char *key, uint64_t v);
int json_put_bool(json_object *obj, const char *key, bool v);
int json_put_null(json_object *obj, const char *key);
/* Add @val (may be NULL: JSON null); takes its reference even on error. */
int json_put_obj(json_object *obj, const char *key, json_object *val);
int json_put_addr(json_object *obj, const char *key,
		  const struct rvti_addr *addr);

#endif /* RVTI_OUTPUT_H */
