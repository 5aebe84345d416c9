// SPDX-License-Identifier: GPL-2.0
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>

#include "lib/json.h"

/* Commas and escapes come out right whatever the mix of value kinds. */
Test(json, separators_and_escapes)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	struct json j;

	json_init(&j, f);
	json_obj_begin(&j);
	json_kstr(&j, "a", "q\"\\\n");
	json_key(&j, "b");
	json_double(&j, 1.5, 2);
	json_ku64(&j, "c", 7);
	json_key(&j, "d");
	json_arr_begin(&j);
	json_bool(&j, true);
	json_null(&j);
	json_i64(&j, -3);
	json_arr_end(&j);
	json_obj_end(&j);
	fclose(f);
	cr_assert_str_eq(text, "{\"a\":\"q\\\"\\\\\\u000a\",\"b\":1.50,\"c\":7,\"d\":[true,null,-3]}\n");
	free(text);
}
