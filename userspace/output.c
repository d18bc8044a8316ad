// SPDX-License-Identifier: GPL-2.0
/*
 * Output for rvti; see output.h.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "output.h"

void out_init(struct rvti_out *o, FILE *fp, bool json, bool pretty,
	      bool stats)
{
	memset(o, 0, sizeof(*o));
	o->fp = fp;
	o->json = json;
	o->pretty = pretty;
	o->stats = stats;
}

int out_begin(struct rvti_out *o)
{
	if (!o->json)
		return 0;
	o->list = json_object_new_array();
	return o->list ? 0 : -ENOMEM;
}

int out_add(struct rvti_out *o, json_object *obj)
{
	if (!o->list || json_object_array_add(o->list, obj)) {
		json_object_put(obj);
		return -ENOMEM;
	}
	return 0;
}

int out_end(struct rvti_out *o)
{
	int flags = JSON_C_TO_STRING_NOSLASHESCAPE;
	const char *s;
	int err = 0;

	if (!o->list)
		return 0;
	if (o->pretty)
		flags |= JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED;
	else
		flags |= JSON_C_TO_STRING_PLAIN;
	s = json_object_to_json_string_ext(o->list, flags);
	if (!s)
		err = -ENOMEM;
	else if (fprintf(o->fp, "%s\n", s) < 0)
		err = -EIO;
	out_abort(o);
	return err;
}

void out_abort(struct rvti_out *o)
{
	json_object_put(o->list);
	o->list = NULL;
}

const char *addr_str(const struct rvti_addr *addr, char *buf, size_t size,
		     const char *unset)
{
	if (!addr_is_set(addr) ||
	    !inet_ntop(addr->family, addr->bytes, buf, (socklen_t)size))
		return unset;
	return buf;
}

int json_put_obj(json_object *obj, const char *key, json_object *val)
{
	if (json_object_object_add(obj, key, val)) {
		json_object_put(val);
		return -ENOMEM;
	}
	return 0;
}

int json_put_str(json_object *obj, const char *key, const char *s)
{
	json_object *val;

	if (!s)
		return json_put_null(obj, key);
	val = json_object_new_string(s);
	return val ? json_put_obj(obj, key, val) : -ENOMEM;
}

int json_put_u32(json_object *obj, const char *key, uint32_t v)
{
	json_object *val = json_object_new_int64(v);

	return val ? json_put_obj(obj, key, val) : -ENOMEM;
}

int json_put_u64(json_object *obj, const char *key, uint64_t v)
{
	json_object *val = json_object_new_uint64(v);

	return val ? json_put_obj(obj, key, val) : -ENOMEM;
}

int json_put_bool(json_object *obj, const char *key, bool v)
{
	json_object *val = json_object_new_boolean(v);

	return val ? json_put_obj(obj, key, val) : -ENOMEM;
}

int json_put_null(json_object *obj, const char *key)
{
	return json_put_obj(obj, key, NULL);
}

int json_put_addr(json_object *obj, const char *key,
		  const struct rvti_addr *addr)
{
	char buf[INET6_ADDRSTRLEN];

	return json_put_str(obj, key,
			    addr_str(addr, buf, sizeof(buf), NULL));
}
