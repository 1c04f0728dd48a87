/* Kind catalogue loading (paper/paper_kinds.c): the shipped catalogue, strict
 * refusals with messages that name the place, hostile input, allocation
 * failure. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "sh_paper.h"
#include "paper_int.h"

static void shipped_catalogue_loads(void **state)
{
	(void)state;
	sh_kinds *k = NULL;
	assert_int_equal(sh_kinds_load(&k, sh_kinds_default_path()), SH_OK);
	assert_true(sh_kinds_count(k) >= 12);
	static const char *const need[] = {"QD", "KH", "TB", "BC", "CV", "TTR", "GKS", "CCCD",
					   "GCNDKDN", "GCNQSDD", "DON", "TL"};
	for (size_t n = 0; n < sizeof need / sizeof *need; n++) {
		int found = 0;
		for (size_t i = 0; i < sh_kinds_count(k); i++)
			found |= !strcmp(sh_kinds_code(k, i), need[n]);
		assert_true(found);
	}
	assert_null(sh_kinds_slug(k, sh_kinds_count(k)));
	assert_non_null(sh_kinds_name(k, 0));
	sh_kinds_free(&k);
	assert_null(k);
	sh_kinds_free(&k);
	sh_kinds_free(NULL);
}

static void missing_file_is_not_found(void **state)
{
	(void)state;
	sh_kinds *k = (sh_kinds *)1;
	assert_int_equal(sh_kinds_load(&k, "/nonexistent/kinds.json"), SH_ENOTFOUND);
	assert_null(k);
}

#define OTHER "{\"slug\":\"khac\",\"code\":\"TL\",\"name\":\"Khác\",\"family\":\"other\",\"facts\":[]}"
#define QD "{\"slug\":\"quyet-dinh\",\"code\":\"QD\",\"name\":\"Quyết định\",\"family\":\"agency\"," \
	   "\"titles\":[\"QUYẾT ĐỊNH\"],\"facts\":[\"number\"]}"
#define HEAD "{\"format\":\"sohoa-kinds\",\"version\":1,"

static const struct bad_case {
	const char *json;
	int code;
	const char *msg; /* a part of the message */
} bad_cases[] = {
	{"", SH_EINVAL, "line 1"},
	{"{\"format\":", SH_EINVAL, "line 1, column"},
	{"[]", SH_EINVAL, "must be a JSON object"},
	{HEAD "\"kinds\":[" OTHER "],\"extra\":1}", SH_EINVAL, "unknown top-level field \"extra\""},
	{"{\"format\":\"other\",\"version\":1,\"kinds\":[" OTHER "]}", SH_EINVAL, "\"format\""},
	{"{\"format\":\"sohoa-kinds\",\"version\":2,\"kinds\":[" OTHER "]}", SH_EVERSION, "version 2"},
	{"{\"format\":\"sohoa-kinds\",\"version\":\"1\",\"kinds\":[" OTHER "]}", SH_EINVAL, "\"version\""},
	{HEAD "\"kinds\":[]}", SH_EINVAL, "\"kinds\" must be a non-empty array"},
	{HEAD "\"kinds\":[" QD "]}", SH_EINVAL, "exactly one kind must have family \"other\""},
	{HEAD "\"kinds\":[" OTHER "," OTHER "]}", SH_EINVAL, "same slug"},
	{HEAD "\"kinds\":[" OTHER ",{\"slug\":\"b\",\"code\":\"TL\",\"name\":\"B\",\"family\":\"agency\","
	      "\"facts\":[]}]}", SH_EINVAL, "same code \"TL\""},
	{HEAD "\"kinds\":[" OTHER ",{\"slug\":\"b\",\"code\":\"qd\",\"name\":\"B\",\"family\":\"agency\","
	      "\"facts\":[]}]}", SH_EINVAL, "kinds[1] (\"b\"): \"code\" must match ^[A-Z0-9]{1,12}$"},
	{HEAD "\"kinds\":[" OTHER ",{\"slug\":\"b\",\"code\":\"ABCDEFGHIJKLM\",\"name\":\"B\","
	      "\"family\":\"agency\",\"facts\":[]}]}", SH_EINVAL, "\"code\""},
	{HEAD "\"kinds\":[" OTHER ",{\"slug\":\"B B\",\"code\":\"B\",\"name\":\"B\",\"family\":\"agency\","
	      "\"facts\":[]}]}", SH_EINVAL, "\"slug\""},
	{HEAD "\"kinds\":[" OTHER ",{\"slug\":\"b\",\"code\":\"B\",\"name\":\"B\",\"family\":\"x\","
	      "\"facts\":[]}]}", SH_EINVAL, "\"family\" must be one of"},
	{HEAD "\"kinds\":[" OTHER ",{\"slug\":\"b\",\"code\":\"B\",\"name\":\"B\",\"family\":\"agency\"}]}",
	 SH_EINVAL, "\"facts\" is missing"},
	{HEAD "\"kinds\":[" OTHER ",{\"slug\":\"b\",\"code\":\"B\",\"name\":\"B\",\"family\":\"agency\","
	      "\"facts\":[\"colour\"]}]}", SH_EINVAL, "\"facts[0]\" is not a fact name"},
	{HEAD "\"kinds\":[" OTHER ",{\"slug\":\"b\",\"code\":\"B\",\"name\":\"B\",\"family\":\"agency\","
	      "\"facts\":[\"date\",\"date\"]}]}", SH_EINVAL, "listed twice"},
	{HEAD "\"kinds\":[" OTHER ",{\"slug\":\"b\",\"code\":\"B\",\"name\":\"B\",\"family\":\"agency\","
	      "\"facts\":[],\"labels\":{\"colour\":[\"x\"]}}]}", SH_EINVAL, "unknown fact \"colour\""},
	{HEAD "\"kinds\":[" OTHER ",{\"slug\":\"b\",\"code\":\"B\",\"name\":\"B\",\"family\":\"agency\","
	      "\"facts\":[],\"titles\":[\"A\\nB\"]}]}", SH_EINVAL, "\"titles[0]\" contains a control"},
	{HEAD "\"kinds\":[" OTHER ",{\"slug\":\"b\",\"code\":\"B\",\"name\":\"B\",\"family\":\"agency\","
	      "\"facts\":[],\"titles\":[\"--\"]}]}", SH_EINVAL, "must contain a letter or digit"},
	{HEAD "\"kinds\":[" OTHER ",{\"slug\":\"b\",\"code\":\"B\",\"name\":\"B\",\"family\":\"agency\","
	      "\"facts\":[],\"titles\":[3]}]}", SH_EINVAL, "\"titles[0]\" must be a string"},
	{HEAD "\"kinds\":[" OTHER ",{\"slug\":\"b\",\"code\":\"B\",\"name\":\"B\",\"family\":\"agency\","
	      "\"facts\":[],\"colour\":1}]}", SH_EINVAL, "unknown field \"colour\""},
	{HEAD "\"kinds\":[" OTHER "],\"kinds\":[" OTHER "]}", SH_EINVAL, "duplicate"},
	{HEAD "\"kinds\":[" OTHER "],\"places\":[\"a\\u0000b\"]}", SH_EINVAL, "line 1"},
	{HEAD "\"kinds\":[" OTHER "],\"bodies\":{\"UBND\":\"\"}}", SH_EINVAL, "must not be empty"},
	{HEAD "\"kinds\":[" OTHER "],\"bodies\":[]}", SH_EINVAL, "\"bodies\" must be an object"},
	{HEAD "\"kinds\":[" OTHER ", 7]}", SH_EINVAL, "kinds[1] must be an object"},
	{HEAD "\"kinds\":[" OTHER "],\"corrections\":[]}", SH_EINVAL, "\"corrections\" must be an object"},
	{HEAD "\"kinds\":[" OTHER "],\"corrections\":{\"a\":1}}", SH_EINVAL, "corrections.a\" must be a string"},
	{HEAD "\"kinds\":[" OTHER "],\"positions\":[\"\"]}", SH_EINVAL, "\"positions[0]\" must not be empty"},
	{HEAD "\"kinds\":[" OTHER "],\"lexicon\":\"../names.json\"}", SH_EINVAL, "\"lexicon\" must be a file name"},
	{HEAD "\"kinds\":[" OTHER "],\"lexicon\":7}", SH_EINVAL, "\"lexicon\" must be a string"},
};

/* The names lexicon (paper/names.json): strict like the catalogue. */
static void lexicons_are_checked(void **state)
{
	(void)state;
	static const struct {
		const char *json;
		int code;
		const char *msg;
	} cases[] = {
		{"[]", SH_EINVAL, "must be a JSON object"},
		{"{\"format\":\"sohoa-names\",\"version\":1,\"nick\":{}}", SH_EINVAL, "unknown top-level field"},
		{"{\"format\":\"sohoa-kinds\",\"version\":1}", SH_EINVAL, "must be \"sohoa-names\""},
		{"{\"format\":\"sohoa-names\",\"version\":2}", SH_EVERSION, "version 2"},
		{"{\"format\":\"sohoa-names\",\"version\":1,\"given\":{\"An\":0}}", SH_EINVAL, "from 1 to"},
		{"{\"format\":\"sohoa-names\",\"version\":1,\"given\":{\"Văn An\":3}}", SH_EINVAL, "one word"},
		{"{\"format\":\"sohoa-names\",\"version\":1,\"given\":[\"An\"]}", SH_EINVAL, "must be an object"},
		{"{\"format\":\"sohoa-names\",\"version\":1,\"places\":[\"\"]}", SH_EINVAL, "must not be empty"},
		{"{\"format\":\"sohoa-names\",\"version\":1,\"given\":{\"An\":1,\"An\":2}}", SH_EINVAL, "line"},
		{"{\"format\":\"sohoa-names\",\"version\":1,\"surnames\":{\"Đinh\":5},\"given\":{\"Định\":3},"
		 "\"middle\":{\"Văn\":9},\"places\":[\"Nghi Lộc\"]}", SH_OK, ""},
	};
	const char *j = HEAD "\"kinds\":[" QD "," OTHER "]}";
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		sh_kinds *k = NULL;
		assert_int_equal(sh_kinds_parse(&k, j, strlen(j), NULL), SH_OK);
		int rc = paper_lexicon_parse(k, cases[i].json, strlen(cases[i].json), "n.json");
		if (rc != cases[i].code || (rc && !strstr(sh_error_message(), cases[i].msg)))
			fail_msg("case %zu: rc %d, message \"%s\"; want %d and \"%s\"", i, rc,
				 sh_error_message(), cases[i].code, cases[i].msg);
		if (rc)
			assert_int_equal(k->lex[LEX_GIVEN].n, 0);
		else
			assert_int_equal(k->lex[LEX_GIVEN].n, 1);
		sh_kinds_free(&k);
	}
	/* the shipped catalogue names its lexicon and loads it */
	sh_kinds *k = NULL;
	assert_int_equal(sh_kinds_load(&k, sh_kinds_default_path()), SH_OK);
	assert_non_null(k->lexicon_file);
	assert_true(k->lex[LEX_SURNAME].n > 50 && k->lex_places.n > 300);
	sh_kinds_free(&k);
	/* a catalogue naming a lexicon that is not there is refused */
	char dir[] = "/tmp/sohoa-lexXXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[64];
	snprintf(path, sizeof path, "%s/kinds.json", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "%s", HEAD "\"lexicon\":\"names.json\",\"kinds\":[" OTHER "]}");
	fclose(f);
	assert_int_equal(sh_kinds_load(&k, path), SH_ENOTFOUND);
	assert_non_null(strstr(sh_error_message(), "names.json"));
	assert_null(k);
	remove(path);
	rmdir(dir);
}

static void bad_catalogues_are_refused(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof bad_cases / sizeof *bad_cases; i++) {
		sh_kinds *k = (sh_kinds *)1;
		int rc = sh_kinds_parse(&k, bad_cases[i].json, strlen(bad_cases[i].json), "t.json");
		if (rc != bad_cases[i].code || !strstr(sh_error_message(), bad_cases[i].msg))
			fail_msg("case %zu: rc %d, message \"%s\"; want %d and \"%s\"", i, rc,
				 sh_error_message(), bad_cases[i].code, bad_cases[i].msg);
		assert_null(k);
		assert_true(strncmp(sh_error_message(), "t.json: ", 8) == 0);
	}
}

static void minimal_catalogue_loads(void **state)
{
	(void)state;
	const char *j = HEAD "\"kinds\":[" QD "," OTHER "]}";
	sh_kinds *k = NULL;
	assert_int_equal(sh_kinds_parse(&k, j, strlen(j), NULL), SH_OK);
	assert_int_equal(sh_kinds_count(k), 2);
	assert_string_equal(sh_kinds_code(k, 0), "QD");
	sh_kinds_free(&k);
}

static void limits_are_enforced(void **state)
{
	(void)state;
	/* a string over SH_KINDS_STRING_MAX */
	char big[SH_KINDS_STRING_MAX + 200];
	char title[SH_KINDS_STRING_MAX + 2];
	memset(title, 'A', sizeof title - 1);
	title[sizeof title - 1] = 0;
	snprintf(big, sizeof big, HEAD "\"kinds\":[{\"slug\":\"khac\",\"code\":\"TL\",\"name\":\"%s\","
				       "\"family\":\"other\",\"facts\":[]}]}", title);
	sh_kinds *k = NULL;
	assert_int_equal(sh_kinds_parse(&k, big, strlen(big), "t"), SH_ELIMIT);
	assert_null(k);
	/* a file over SH_KINDS_FILE_MAX is refused before parsing */
	assert_int_equal(sh_kinds_parse(&k, big, SH_KINDS_FILE_MAX + 1, "t"), SH_ELIMIT);
	/* more than SH_KINDS_MAX kinds */
	size_t cap = (SH_KINDS_MAX + 2) * 120 + 100;
	char *many = malloc(cap);
	assert_non_null(many);
	size_t n = (size_t)snprintf(many, cap, HEAD "\"kinds\":[" OTHER);
	for (int i = 0; i <= SH_KINDS_MAX; i++)
		n += (size_t)snprintf(many + n, cap - n, ",{\"slug\":\"k%d\",\"code\":\"K%d\",\"name\":\"K\","
						     "\"family\":\"agency\",\"facts\":[]}", i, i);
	snprintf(many + n, cap - n, "]}");
	assert_int_equal(sh_kinds_parse(&k, many, strlen(many), "t"), SH_ELIMIT);
	free(many);
	/* deep nesting is a parse error, not a crash */
	char deep[20000];
	memset(deep, '[', sizeof deep);
	assert_int_not_equal(sh_kinds_parse(&k, deep, sizeof deep, "t"), SH_OK);
}

static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *b = malloc((size_t)n + 1);
	assert_non_null(b);
	assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return b;
}

/* Mutations of the shipped catalogue: every one loads or is refused with an
 * expected code; nothing leaks. (The fuzz target does this at scale.) */
static void mutated_catalogues_never_crash(void **state)
{
	(void)state;
	size_t len;
	char *orig = read_all(sh_kinds_default_path(), &len);
	char *buf = malloc(len + 16);
	assert_non_null(buf);
	uint32_t seed = 12345;
	long live = sh_alloc_live();
	int refused = 0;
	for (int round = 0; round < 1500; round++) {
		memcpy(buf, orig, len);
		size_t n = len;
		int edits = 1 + (int)((seed = seed * 1103515245u + 12345u) >> 16) % 4;
		for (int e = 0; e < edits; e++) {
			seed = seed * 1103515245u + 12345u;
			size_t at = (seed >> 8) % n;
			static const char junk[] = "\"{}[],:0\\\x80\xff\x01 -A";
			switch ((seed >> 4) % 3) {
			case 0:
				buf[at] = junk[(seed >> 20) % (sizeof junk - 1)];
				break;
			case 1:
				n = at + 1;
				break;
			default:
				if (n > 1) {
					memmove(buf + at, buf + at + 1, n - at - 1);
					n--;
				}
				break;
			}
		}
		sh_kinds *k = NULL;
		int rc = sh_kinds_parse(&k, buf, n, "m");
		assert_true(rc == SH_OK || rc == SH_EINVAL || rc == SH_ELIMIT || rc == SH_EVERSION);
		assert_true((rc == SH_OK) == (k != NULL));
		refused += rc != SH_OK;
		sh_kinds_free(&k);
	}
	assert_true(refused > 0);
	assert_int_equal(sh_alloc_live(), live);
	free(buf);
	free(orig);
}

/* Every allocation made to fail in turn: SH_ENOMEM, no leak, no crash. */
static void allocation_failures_are_clean(void **state)
{
	(void)state;
	size_t len;
	char *data = read_all(sh_kinds_default_path(), &len);
	long live = sh_alloc_live();
	for (long n = 1;; n++) {
		sh_kinds *k = NULL;
		sh_alloc_fail_at(n, 0);
		int rc = sh_kinds_parse(&k, data, len, "t");
		sh_alloc_fail_at(0, 0);
		if (rc == SH_OK) {
			assert_true(n > 10); /* the failures above were really injected */
			sh_kinds_free(&k);
			assert_int_equal(sh_alloc_live(), live);
			break;
		}
		assert_int_equal(rc, SH_ENOMEM);
		assert_null(k);
		assert_int_equal(sh_alloc_live(), live);
		assert_true(n < 100000);
	}
	free(data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(shipped_catalogue_loads),
		cmocka_unit_test(missing_file_is_not_found),
		cmocka_unit_test(bad_catalogues_are_refused),
		cmocka_unit_test(minimal_catalogue_loads),
		cmocka_unit_test(lexicons_are_checked),
		cmocka_unit_test(limits_are_enforced),
		cmocka_unit_test(mutated_catalogues_never_crash),
		cmocka_unit_test(allocation_failures_are_clean),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
