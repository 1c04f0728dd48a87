/* Canonical manifests and checkpoints: exact bytes, round trips, hostile
 * input, flipped bytes, allocation failures. */
#include "sh_sign.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define AGENCY "000.00.15.H29"
#define KEYID "9a3f000000000000000000000000000000000000000000000000000000000001"

static sh_sign_fact FACTS[] = {
	{"owner_name", "Trần Văn An"},
	{"birth_date", "1990-04-12"},
	{"note", "dòng 1\ndòng 2\t\\ hết"},
};

static void example(sh_sign_manifest *m, sh_sign_page pages[2])
{
	memset(m, 0, sizeof *m);
	memset(pages, 0, 2 * sizeof *pages);
	sh_sha256(pages[0].image, "image one", 9);
	sh_sha256(pages[0].text, "text one", 8);
	pages[0].has_text = 1;
	sh_sha256(pages[1].image, "image two", 9);
	m->type = "component";
	m->code = "000.00.15.H29-250301-0007";
	m->owner = "001090012345";
	m->kind = "GKS";
	m->facts = FACTS;
	m->nfacts = 3;
	m->pages = pages;
	m->npages = 2;
	m->time = 1740787200;
	m->agency = AGENCY;
	strcpy(m->key_id, KEYID);
}

/* The exact bytes (docs/SIGNING.md shows the same example). */
static const char GOLDEN[] =
	"sohoa-manifest-v1\n"
	"type: component\n"
	"code: 000.00.15.H29-250301-0007\n"
	"owner: 001090012345\n"
	"kind: GKS\n"
	"fact.birth_date: 1990-04-12\n"
	"fact.note: dòng 1\\ndòng 2\\t\\\\ hết\n"
	"fact.owner_name: Trần Văn An\n"
	"page.1: %s %s\n"
	"page.2: %s -\n"
	"time: 1740787200\n"
	"agency: 000.00.15.H29\n"
	"key: " KEYID "\n";

static void test_exact_bytes(void **state)
{
	(void)state;
	sh_sign_manifest m, *back = NULL;
	sh_sign_page pages[2];
	example(&m, pages);
	sh_buf b = SH_BUF_INIT;
	assert_int_equal(sh_sign_manifest_encode(&b, &m), SH_OK);
	char h1[65], h2[65], h3[65], want[2048];
	sh_hex(h1, pages[0].image, 32);
	sh_hex(h2, pages[0].text, 32);
	sh_hex(h3, pages[1].image, 32);
	snprintf(want, sizeof want, GOLDEN, h1, h2, h3);
	assert_string_equal((char *)b.data, want);
	assert_int_equal(sh_sign_manifest_parse(&back, b.data, b.len), SH_OK);
	assert_string_equal(back->type, "component");
	assert_string_equal(back->owner, "001090012345");
	assert_int_equal(back->nfacts, 3);
	assert_string_equal(back->facts[0].name, "birth_date");
	assert_string_equal(back->facts[1].value, FACTS[2].value);
	assert_int_equal(back->npages, 2);
	assert_memory_equal(back->pages, pages, sizeof pages);
	assert_int_equal(back->time, 1740787200);
	assert_string_equal(back->key_id, KEYID);
	sh_buf again = SH_BUF_INIT;
	assert_int_equal(sh_sign_manifest_encode(&again, back), SH_OK);
	assert_int_equal(again.len, b.len);
	assert_memory_equal(again.data, b.data, b.len);
	sh_sign_manifest_free(&back);
	assert_null(back);
	/* Optional fields left out, a reference and a negative time. */
	sh_sign_manifest e;
	memset(&e, 0, sizeof e);
	e.type = "revocation";
	e.code = "key";
	e.has_ref = 1;
	memset(e.ref, 0xab, 32);
	e.time = -5;
	e.agency = AGENCY;
	strcpy(e.key_id, KEYID);
	sh_buf_free(&again);
	assert_int_equal(sh_sign_manifest_encode(&again, &e), SH_OK);
	assert_non_null(strstr((char *)again.data, "type: revocation\ncode: key\nref: abab"));
	assert_int_equal(sh_sign_manifest_parse(&back, again.data, again.len), SH_OK);
	assert_null(back->owner);
	assert_true(back->has_ref);
	assert_int_equal(back->time, -5);
	sh_sign_manifest_free(&back);
	sh_buf_free(&again);
	sh_buf_free(&b);
}

static void test_bad_fields(void **state)
{
	(void)state;
	sh_sign_manifest m;
	sh_sign_page pages[2];
	sh_buf b = SH_BUF_INIT;
	example(&m, pages);
	m.type = "Component";
	assert_int_equal(sh_sign_manifest_encode(&b, &m), SH_EINVAL);
	example(&m, pages);
	m.code = "";
	assert_int_equal(sh_sign_manifest_encode(&b, &m), SH_EINVAL);
	example(&m, pages);
	m.agency = "nowhere";
	assert_int_equal(sh_sign_manifest_encode(&b, &m), SH_EINVAL);
	example(&m, pages);
	m.owner = "\xc3";
	assert_int_equal(sh_sign_manifest_encode(&b, &m), SH_EINVAL);
	example(&m, pages);
	sh_sign_fact dup[2] = {{"a", "1"}, {"a", "2"}};
	m.facts = dup;
	m.nfacts = 2;
	assert_int_equal(sh_sign_manifest_encode(&b, &m), SH_EINVAL);
	sh_sign_fact badname[1] = {{"Họ tên", "x"}};
	m.facts = badname;
	m.nfacts = 1;
	assert_int_equal(sh_sign_manifest_encode(&b, &m), SH_EINVAL);
	example(&m, pages);
	m.nfacts = SH_SIGN_FACTS_MAX + 1;
	assert_int_equal(sh_sign_manifest_encode(&b, &m), SH_ELIMIT);
	example(&m, pages);
	m.key_id[3] = 'G';
	assert_int_equal(sh_sign_manifest_encode(&b, &m), SH_EINVAL);
	assert_int_equal(b.len, 0); /* nothing appended on failure */
	sh_buf_free(&b);
}

/* Texts the parser must refuse: each differs from a canonical manifest in
 * one way. */
static void test_hostile(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"",
		"sohoa-manifest-v1\n",
		"sohoa-manifest-v1\ntype: component\ncode: x\ntime: 1\nagency: 000.00.15.H29\nkey: " KEYID,
		"sohoa-manifest-v1\ntype: component\ncode: x\ntime: 01\nagency: 000.00.15.H29\nkey: " KEYID "\n",
		"sohoa-manifest-v1\ntype: component\ncode: x\ntime: -0\nagency: 000.00.15.H29\nkey: " KEYID "\n",
		"sohoa-manifest-v1\ntype: component\ncode: x\ntime: 99999999999999999999\nagency: 000.00.15.H29\nkey: " KEYID "\n",
		"sohoa-manifest-v1\ntype: component\ncode: x\ntime: 1\nagency: 000.00.15.H29\nkey: " KEYID "\nextra: 1\n",
		"sohoa-manifest-v1\ntype: component\ncode: x\r\ntime: 1\nagency: 000.00.15.H29\nkey: " KEYID "\n",
		"sohoa-manifest-v1\ncode: x\ntype: component\ntime: 1\nagency: 000.00.15.H29\nkey: " KEYID "\n",
		"sohoa-manifest-v1\ntype: component\ncode: x\nfact.b: 1\nfact.a: 2\ntime: 1\nagency: 000.00.15.H29\nkey: " KEYID "\n",
		"sohoa-manifest-v1\ntype: component\ncode: x\nfact.a: 1\nfact.a: 1\ntime: 1\nagency: 000.00.15.H29\nkey: " KEYID "\n",
		"sohoa-manifest-v1\ntype: component\ncode: x\nfact.a: \\q\ntime: 1\nagency: 000.00.15.H29\nkey: " KEYID "\n",
		"sohoa-manifest-v1\ntype: component\ncode: x\nfact.a: \\x0a\ntime: 1\nagency: 000.00.15.H29\nkey: " KEYID "\n",
		"sohoa-manifest-v1\ntype: component\ncode: x\nfact.a: \\x00\ntime: 1\nagency: 000.00.15.H29\nkey: " KEYID "\n",
		"sohoa-manifest-v1\ntype: component\ncode: x\nfact.a: \\x1F\ntime: 1\nagency: 000.00.15.H29\nkey: " KEYID "\n",
		"sohoa-manifest-v1\ntype: component\ncode: x\nfact.a: tab\there\ntime: 1\nagency: 000.00.15.H29\nkey: " KEYID "\n",
		"sohoa-manifest-v1\ntype: component\ncode: x\nfact.a: \\\ntime: 1\nagency: 000.00.15.H29\nkey: " KEYID "\n",
		"sohoa-manifest-v1\ntype: component\ncode: \xc3\x28\ntime: 1\nagency: 000.00.15.H29\nkey: " KEYID "\n",
		"sohoa-manifest-v1\ntype: component\ncode: x\npage.2: " KEYID " -\ntime: 1\nagency: 000.00.15.H29\nkey: " KEYID "\n",
		"sohoa-manifest-v1\ntype: component\ncode: x\npage.1: " KEYID "  -\ntime: 1\nagency: 000.00.15.H29\nkey: " KEYID "\n",
		"sohoa-manifest-v1\ntype: component\ncode: x\npage.01: " KEYID " -\ntime: 1\nagency: 000.00.15.H29\nkey: " KEYID "\n",
		"sohoa-manifest-v1\ntype: component\ncode: x\nref: AB" KEYID "\ntime: 1\nagency: 000.00.15.H29\nkey: " KEYID "\n",
		"sohoa-manifest-v1\ntype: component\ncode: x\ntime: 1\nagency: 000.00.15.H29\nkey: 9A3F000000000000000000000000000000000000000000000000000000000001\n",
		"sohoa-manifest-v1\ntype: component\ncode: x\ntime: 1\nagency: 000.00.15.h29\nkey: " KEYID "\n",
		"sohoa-manifest-v1\ntype:component\ncode: x\ntime: 1\nagency: 000.00.15.H29\nkey: " KEYID "\n",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		sh_sign_manifest *m = NULL;
		int rc = sh_sign_manifest_parse(&m, bad[i], strlen(bad[i]));
		if (rc == SH_OK)
			fail_msg("hostile manifest %zu accepted", i);
		assert_null(m);
	}
	static const char good[] =
		"sohoa-manifest-v1\ntype: component\ncode: x\nfact.a: \\x1f\ntime: 1\nagency: 000.00.15.H29\nkey: " KEYID "\n";
	sh_sign_manifest *m = NULL;
	assert_int_equal(sh_sign_manifest_parse(&m, good, strlen(good)), SH_OK);
	assert_string_equal(m->facts[0].value, "\x1f");
	sh_sign_manifest_free(&m);
	assert_int_equal(sh_sign_manifest_parse(&m, "sohoa-manifest-v2\n", 18), SH_EVERSION);
}

/* Random byte changes of a valid manifest never crash the parser, and
 * whatever it accepts encodes back to the same bytes. */
static void test_mutations(void **state)
{
	(void)state;
	sh_sign_manifest m, *back = NULL;
	sh_sign_page pages[2];
	example(&m, pages);
	sh_buf b = SH_BUF_INIT, again = SH_BUF_INIT;
	assert_int_equal(sh_sign_manifest_encode(&b, &m), SH_OK);
	uint8_t *buf = malloc(b.len + 8);
	assert_non_null(buf);
	srand(6962);
	int accepted = 0;
	for (int it = 0; it < 20000; it++) {
		size_t len = b.len;
		memcpy(buf, b.data, len);
		int edits = 1 + rand() % 3;
		for (int e = 0; e < edits; e++) {
			size_t at = (size_t)rand() % len;
			switch (rand() % 3) {
			case 0: buf[at] = (uint8_t)rand(); break;
			case 1: memmove(buf + at, buf + at + 1, len - at - 1); len--; break;
			default: buf[at] ^= (uint8_t)(1u << (rand() % 8));
			}
		}
		if (sh_sign_manifest_parse(&back, buf, len) == SH_OK) {
			accepted++;
			sh_buf_free(&again);
			assert_int_equal(sh_sign_manifest_encode(&again, back), SH_OK);
			assert_int_equal(again.len, len);
			assert_memory_equal(again.data, buf, len);
			sh_sign_manifest_free(&back);
		}
	}
	print_message("  %d of 20000 mutations were still canonical manifests\n", accepted);
	free(buf);
	sh_buf_free(&b);
	sh_buf_free(&again);
}

static void test_sign_and_flip(void **state)
{
	(void)state;
	sh_sign_key *k = NULL;
	sh_sign_pubkey pub;
	sh_sign_manifest m, *back = NULL;
	sh_sign_page pages[2];
	example(&m, pages);
	assert_int_equal(sh_sign_key_generate(&k), SH_OK);
	assert_int_equal(sh_sign_pubkey_make(&pub, k, "Bàn 2", "Một cửa", AGENCY, 0, SH_SIGN_NEVER), SH_OK);
	sh_buf doc = SH_BUF_INIT;
	assert_int_equal(sh_sign_manifest_sign(&doc, k, &m), SH_OK);
	assert_non_null(strstr((char *)doc.data, sh_sign_key_id(k)));
	assert_int_equal(sh_sign_manifest_verify(&back, &pub, SH_SIGN_WHEN_CLAIMED, doc.data, doc.len), SH_OK);
	assert_string_equal(back->key_id, pub.key_id);
	sh_sign_manifest_free(&back);
	for (size_t i = 0; i < doc.len; i++) {
		for (int bit = 0; bit < 8; bit += 3) {
			doc.data[i] ^= (uint8_t)(1u << bit);
			int rc = sh_sign_manifest_verify(&back, &pub, SH_SIGN_WHEN_CLAIMED, doc.data, doc.len);
			if (rc == SH_OK)
				fail_msg("flipped bit %d of byte %zu accepted", bit, i);
			assert_null(back);
			doc.data[i] ^= (uint8_t)(1u << bit);
		}
	}
	/* Truncated or extended. */
	assert_int_equal(sh_sign_manifest_verify(NULL, &pub, SH_SIGN_WHEN_CLAIMED, doc.data, doc.len - 1), SH_EINVAL);
	assert_int_equal(sh_buf_puts(&doc, "x\n"), SH_OK);
	assert_int_equal(sh_sign_manifest_verify(NULL, &pub, SH_SIGN_WHEN_CLAIMED, doc.data, doc.len), SH_EINVAL);
	sh_buf_free(&doc);
	sh_sign_key_free(&k);
}

static void test_checkpoint(void **state)
{
	(void)state;
	sh_sign_key *k = NULL, *other = NULL;
	sh_sign_pubkey pub, opub;
	assert_int_equal(sh_sign_key_generate(&k), SH_OK);
	assert_int_equal(sh_sign_key_generate(&other), SH_OK);
	assert_int_equal(sh_sign_pubkey_make(&pub, k, "Kho", "Máy chủ kho", AGENCY, 0, SH_SIGN_NEVER), SH_OK);
	assert_int_equal(sh_sign_pubkey_make(&opub, other, "Khác", "Khác", AGENCY, 0, SH_SIGN_NEVER), SH_OK);
	sh_sign_checkpoint cp = {.size = 18446744073709551615ull, .time = 1740787200, .agency = AGENCY}, got;
	memset(cp.root, 0x5a, 32);
	sh_buf doc = SH_BUF_INIT;
	assert_int_equal(sh_sign_checkpoint_sign(&doc, k, &cp), SH_OK);
	assert_int_equal(strncmp((char *)doc.data, "sohoa-checkpoint-v1\nsize: 18446744073709551615\nroot: 5a5a", 56), 0);
	assert_int_equal(sh_sign_checkpoint_verify(&got, &pub, doc.data, doc.len), SH_OK);
	assert_int_equal(got.size, cp.size);
	assert_memory_equal(got.root, cp.root, 32);
	assert_string_equal(got.key_id, sh_sign_key_id(k));
	assert_int_equal(sh_sign_checkpoint_verify(&got, &opub, doc.data, doc.len), SH_EBADSIG);
	for (size_t i = 0; i < doc.len; i++) {
		doc.data[i] ^= 0x04;
		if (sh_sign_checkpoint_verify(NULL, &pub, doc.data, doc.len) == SH_OK)
			fail_msg("flipped byte %zu of a checkpoint accepted", i);
		doc.data[i] ^= 0x04;
	}
	/* Revoked before the checkpoint time: refused. */
	pub.revoked_at = cp.time;
	assert_int_equal(sh_sign_checkpoint_verify(NULL, &pub, doc.data, doc.len), SH_EBADSIG);
	/* A manifest signature is not a checkpoint and vice versa. */
	sh_sign_manifest *m = NULL;
	size_t body = doc.len - (11 + 128 + 1);
	assert_int_equal(sh_sign_manifest_parse(&m, doc.data, body), SH_EINVAL);
	sh_buf_free(&doc);
	sh_sign_key_free(&k);
	sh_sign_key_free(&other);
}

/* Every allocation made to fail in turn: a clean error, no leak, and in the
 * end success. */
static void test_alloc_failures(void **state)
{
	(void)state;
	sh_sign_manifest m;
	sh_sign_page pages[2];
	example(&m, pages);
	sh_buf ref = SH_BUF_INIT;
	assert_int_equal(sh_sign_manifest_encode(&ref, &m), SH_OK);
	int done = 0;
	for (long n = 1; n < 500 && !done; n++) {
		long live = sh_alloc_live();
		sh_buf b = SH_BUF_INIT;
		sh_sign_manifest *back = NULL;
		sh_alloc_fail_at(n, 0);
		int rc = sh_sign_manifest_encode(&b, &m);
		if (!rc)
			rc = sh_sign_manifest_parse(&back, b.data, b.len);
		sh_alloc_fail_at(0, 0);
		if (rc == SH_OK) {
			assert_non_null(back);
			done = 1;
		} else {
			assert_int_equal(rc, SH_ENOMEM);
			assert_null(back);
		}
		sh_sign_manifest_free(&back);
		sh_buf_free(&b);
		assert_int_equal(sh_alloc_live(), live);
	}
	assert_true(done);
	sh_buf_free(&ref);
}

/* A page kept with its original (a phone photo, issue 18): a third hash on
 * its line, round trip; pages without one are byte for byte as before; a
 * damaged third hash is refused. */
static void test_original_hash(void **state)
{
	(void)state;
	sh_sign_manifest m, *back = NULL;
	sh_sign_page pages[2];
	example(&m, pages);
	sh_buf plain = SH_BUF_INIT, b = SH_BUF_INIT;
	assert_int_equal(sh_sign_manifest_encode(&plain, &m), SH_OK);
	pages[0].has_original = 1;
	sh_sha256(pages[0].original, "photo one", 9);
	pages[1].has_original = 1; /* a page without text, with an original */
	sh_sha256(pages[1].original, "photo two", 9);
	assert_int_equal(sh_sign_manifest_encode(&b, &m), SH_OK);
	char h1[65], h2[65], o1[65], o2[65], line[256];
	sh_hex(h1, pages[0].image, 32);
	sh_hex(h2, pages[0].text, 32);
	sh_hex(o1, pages[0].original, 32);
	sh_hex(o2, pages[1].original, 32);
	snprintf(line, sizeof line, "page.1: %s %s %s\n", h1, h2, o1);
	assert_non_null(strstr((char *)b.data, line));
	snprintf(line, sizeof line, " - %s\ntime: ", o2);
	assert_non_null(strstr((char *)b.data, line));
	assert_int_equal(b.len, plain.len + 2 * 65);
	assert_int_equal(sh_sign_manifest_parse(&back, b.data, b.len), SH_OK);
	assert_int_equal(back->npages, 2);
	assert_memory_equal(back->pages, pages, sizeof pages);
	sh_sign_manifest_free(&back);
	/* the manifest of pages stored as received parses without originals */
	assert_int_equal(sh_sign_manifest_parse(&back, plain.data, plain.len), SH_OK);
	assert_false(back->pages[0].has_original);
	assert_false(back->pages[1].has_original);
	sh_sign_manifest_free(&back);
	/* a third hash with a bad digit, cut short, or two spaces: refused */
	char *at = strstr((char *)b.data, o1);
	assert_non_null(at);
	at[10] = 'G';
	assert_int_equal(sh_sign_manifest_parse(&back, b.data, b.len), SH_EINVAL);
	at[10] = o1[10];
	at[-1] = 'x';
	assert_int_equal(sh_sign_manifest_parse(&back, b.data, b.len), SH_EINVAL);
	at[-1] = ' ';
	assert_int_equal(sh_sign_manifest_parse(&back, b.data, b.len), SH_OK);
	sh_sign_manifest_free(&back);
	sh_buf_free(&plain);
	sh_buf_free(&b);
}

int main(void)
{
	assert_int_equal(sh_crypto_init(), SH_OK);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exact_bytes),
		cmocka_unit_test(test_original_hash),
		cmocka_unit_test(test_bad_fields),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_mutations),
		cmocka_unit_test(test_sign_and_flip),
		cmocka_unit_test(test_checkpoint),
		cmocka_unit_test(test_alloc_failures),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
