/* Unit tests of the warehouse of owners (store/warehouse.c, report.c,
 * access.c, backup.c, find.c filters) on real LMDB warehouses.
 * One CTest per test: warehouse.<test>. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <sys/stat.h>

#include "helpers.h"
#include "wh_int.h" /* wh_kind_reusable, wh_kind_default */
#include "sh_sign.h"

#define OWNER "001184362297"
#define OTHER "033317490435"

struct env {
	char *dir;
	sh_store *s;
	sh_wh_proc_cat *cat;
	sh_sign_key *key;
};

static int setup(void **state)
{
	struct env *e = calloc(1, sizeof *e);
	setenv("TZ", "Asia/Ho_Chi_Minh", 1);
	e->dir = tmp_dir("wh");
	assert_int_equal(sh_store_create(e->dir, AGENCY), SH_OK);
	assert_int_equal(sh_store_open(&e->s, e->dir, 0), SH_OK);
	assert_int_equal(sh_wh_proc_cat_load(&e->cat, sh_wh_proc_default_path(), NULL), SH_OK);
	uint8_t seed[SH_SIGN_SEED_LEN] = {7};
	assert_int_equal(sh_sign_key_from_seed(&e->key, seed), SH_OK);
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;
	sh_sign_key_free(&e->key);
	sh_wh_proc_cat_free(&e->cat);
	sh_store_close(&e->s);
	rm_rf(e->dir);
	free(e->dir);
	free(e);
	return 0;
}

/* One dossier of owner with papers of the given kinds and facts (bulk API). */
static void put(struct env *e, const char *owner, const char *proc, int64_t when, size_t n,
		const char **kinds, const char **facts, const char *text, sh_wh_dossier_codes **out)
{
	fake_dossier f;
	fake_init(&f, owner, n, 1, (unsigned)when, 64, text, when);
	f.in.procedure = proc;
	for (size_t i = 0; i < n; i++) {
		f.papers[i].kind = kinds[i];
		f.papers[i].facts = facts ? facts[i] : NULL;
	}
	assert_int_equal(sh_wh_dossiers_put(e->s, &f.in, 1, out), SH_OK);
	fake_free(&f);
}

static void catalogue(void **state)
{
	struct env *e = *state;
	const char *name;
	const char *const *kinds;
	size_t n;
	assert_int_equal(sh_wh_proc_find(e->cat, "1.000656", &name, &kinds, &n), SH_OK);
	assert_string_equal(name, "Đăng ký kết hôn");
	assert_int_equal(n, 3);
	assert_int_equal(sh_wh_proc_find(e->cat, "9.999999", &name, &kinds, &n), SH_ENOTFOUND);
	assert_string_equal(sh_wh_kind_name(e->cat, "GKS"), "Giấy khai sinh");
	/* the office's file adds and replaces */
	char *extra = NULL;
	assert_true(asprintf(&extra, "%s/procedures.json", e->dir) > 0);
	FILE *f = fopen(extra, "w");
	fputs("{\"format\":\"sohoa-procedures\",\"version\":1,\"procedures\":[{\"code\":"
	      "\"1.000656\",\"name\":\"Kết hôn\",\"kinds\":[\"CCCD\"]},{\"code\":\"9.000001\","
	      "\"name\":\"Mới\",\"kinds\":[\"GKS\"]}]}", f);
	fclose(f);
	sh_wh_proc_cat *c2 = NULL;
	assert_int_equal(sh_wh_proc_cat_load(&c2, sh_wh_proc_default_path(), extra), SH_OK);
	assert_int_equal(sh_wh_proc_find(c2, "1.000656", &name, &kinds, &n), SH_OK);
	assert_string_equal(name, "Kết hôn");
	assert_int_equal(n, 1);
	assert_int_equal(sh_wh_proc_find(c2, "9.000001", &name, &kinds, &n), SH_OK);
	sh_wh_proc_cat_free(&c2);
	f = fopen(extra, "w");
	fputs("{\"format\":\"sohoa-procedures\",\"version\":1,\"kinds\":{\"X\":{\"validity\":"
	      "\"sometimes\"}}}", f);
	fclose(f);
	assert_int_equal(sh_wh_proc_cat_load(&c2, sh_wh_proc_default_path(), extra), SH_EINVAL);
	assert_null(c2);
	/* kinds come from the one kind catalogue (paper/kinds.json): a kind
	 * procedures.json never listed is known, with its name and rules */
	assert_string_equal(sh_wh_kind_name(e->cat, "CMND"), "Chứng minh nhân dân");
	assert_int_equal(wh_kind_reusable(e->cat, "DON"), 0);
	assert_int_equal(wh_kind_reusable(e->cat, "TL"), 0);
	assert_int_equal(wh_kind_reusable(e->cat, "GKS"), 1);
	const char *deflt = NULL;
	assert_int_equal(wh_kind_default(&deflt), SH_OK);
	assert_string_equal(deflt, "TL");
	/* a procedure asking for a kind nobody knows is refused */
	f = fopen(extra, "w");
	fputs("{\"format\":\"sohoa-procedures\",\"version\":1,\"procedures\":[{\"code\":"
	      "\"9.000002\",\"name\":\"Lạ\",\"kinds\":[\"KHONGCO\"]}]}", f);
	fclose(f);
	assert_int_equal(sh_wh_proc_cat_load(&c2, sh_wh_proc_default_path(), extra), SH_EINVAL);
	assert_non_null(strstr(sh_error_message(), "KHONGCO"));
	/* an office file of the older format (its own "kinds") still loads:
	 * its kinds replace the catalogue's of the same code */
	f = fopen(extra, "w");
	fputs("{\"format\":\"sohoa-procedures\",\"version\":1,\"kinds\":{\"KHONGCO\":"
	      "{\"name\":\"Giấy riêng\",\"validity\":{\"days\":5},\"reusable\":false}},"
	      "\"procedures\":[{\"code\":\"9.000002\",\"name\":\"Lạ\",\"kinds\":"
	      "[\"KHONGCO\"]}]}", f);
	fclose(f);
	assert_int_equal(sh_wh_proc_cat_load(&c2, sh_wh_proc_default_path(), extra), SH_OK);
	assert_string_equal(sh_wh_kind_name(c2, "KHONGCO"), "Giấy riêng");
	assert_int_equal(wh_kind_reusable(c2, "KHONGCO"), 0);
	sh_wh_proc_cat_free(&c2);
	free(extra);
}

static void validity_rules(void **state)
{
	struct env *e = *state;
	const char *kinds[] = {"GKS", "CCCD", "CCCD", "DON"};
	const char *facts[] = {NULL, "{\"valid_until\":\"2024-01-26\"}", "{\"valid_until\":null}",
			       "{\"date\":\"2024-06-01\"}"};
	sh_wh_dossier_codes *c = NULL;
	put(e, OWNER, "1.001193", DAY1, 4, kinds, facts, NULL, &c);
	sh_wh_validity v;
	assert_int_equal(sh_wh_validity_of(e->s, e->cat, c->papers[0], DAY1, &v), SH_OK);
	assert_int_equal(v.status, SH_WH_VALID);
	assert_int_equal(v.source, SH_WH_VSRC_RULE);
	assert_true(v.valid_until == SH_WH_NEVER);
	assert_int_equal(sh_wh_validity_of(e->s, e->cat, c->papers[1], DAY1, &v), SH_OK);
	assert_int_equal(v.status, SH_WH_EXPIRED);
	assert_int_equal(v.source, SH_WH_VSRC_FACTS);
	/* valid through 2024-01-26 in local time */
	assert_int_equal(sh_wh_validity_of(e->s, e->cat, c->papers[1], 1706288399, &v), SH_OK);
	assert_int_equal(v.status, SH_WH_VALID);
	assert_int_equal(sh_wh_validity_of(e->s, e->cat, c->papers[1], 1706288400, &v), SH_OK);
	assert_int_equal(v.status, SH_WH_EXPIRED);
	assert_int_equal(sh_wh_validity_of(e->s, e->cat, c->papers[2], DAY1, &v), SH_OK);
	assert_true(v.valid_until == SH_WH_NEVER && v.source == SH_WH_VSRC_FACTS);
	/* DON: 30 days from its date */
	assert_int_equal(sh_wh_validity_of(e->s, e->cat, c->papers[3], DAY1, &v), SH_OK);
	assert_int_equal(v.status, SH_WH_VALID);
	assert_int_equal(sh_wh_validity_of(e->s, e->cat, c->papers[3], DAY1 + 30 * 86400, &v),
			 SH_OK);
	assert_int_equal(v.status, SH_WH_EXPIRED);
	/* a clerk sets it: signed */
	uint64_t idx = 99;
	assert_int_equal(sh_wh_validity_set(e->s, e->key, c->papers[1], SH_WH_NEVER, "an", DAY1,
					       &idx),
			 SH_OK);
	assert_int_equal(sh_wh_validity_of(e->s, e->cat, c->papers[1], DAY1, &v), SH_OK);
	assert_int_equal(v.status, SH_WH_VALID);
	assert_int_equal(v.source, SH_WH_VSRC_CLERK);
	assert_string_equal(v.by, "an");
	assert_int_equal(v.nsigned, 1);
	assert_int_equal(sh_wh_validity_set(e->s, NULL, c->papers[1], SH_WH_NEVER, "an", DAY1, NULL),
			 SH_EINVAL); /* no key: nothing unsigned is recorded */
	assert_int_equal(sh_wh_validity_of(e->s, e->cat, "nope", DAY1, &v), SH_ENOTFOUND);
	sh_wh_dossier_codes_free(&c);
}

static void revoke_and_reuse(void **state)
{
	struct env *e = *state;
	const char *k1[] = {"GKS", "CCCD"}, *f1[] = {NULL, "{\"valid_until\":\"2030-01-01\"}"};
	const char *k2[] = {"GKS"};
	sh_wh_dossier_codes *a = NULL, *b = NULL, *d = NULL;
	put(e, OWNER, "1.001193", DAY1, 2, k1, f1, NULL, &a);
	put(e, OWNER, "1.001193", DAY2, 1, k2, NULL, NULL, &b);
	sh_wh_reuse *r = NULL;
	assert_int_equal(sh_wh_reuse_plan(e->s, e->cat, OWNER, "1.000656", DAY2 + 10, &r), SH_OK);
	assert_int_equal(r->nneeds, 3);
	assert_string_equal(r->needs[0].kind, "DON");
	assert_int_equal(r->needs[0].npapers, 0); /* never reused: must be submitted */
	assert_string_equal(r->needs[1].kind, "CCCD");
	assert_int_equal(r->needs[1].npapers, 1);
	assert_string_equal(r->needs[2].kind, "GKS");
	assert_int_equal(r->needs[2].npapers, 2);
	assert_string_equal(r->needs[2].papers[0].code, b->papers[0]); /* newest first */
	sh_wh_reuse_free(&r);

	assert_int_equal(sh_wh_revoke(e->s, e->key, b->papers[0], "", "an", DAY2, NULL), SH_EINVAL);
	assert_int_equal(sh_wh_revoke(e->s, e->key, b->papers[0], "QĐ 12/QĐ-UBND", "an",
					 DAY2 + 5, NULL),
			 SH_OK);
	assert_int_equal(sh_wh_revoke(e->s, e->key, b->papers[0], "again", "an", DAY2 + 6, NULL),
			 SH_EEXISTS);
	sh_wh_validity v;
	assert_int_equal(sh_wh_validity_of(e->s, e->cat, b->papers[0], DAY2 + 10, &v), SH_OK);
	assert_int_equal(v.status, SH_WH_REVOKED);
	assert_string_equal(v.reason, "QĐ 12/QĐ-UBND");
	assert_int_equal(sh_wh_reuse_plan(e->s, e->cat, OWNER, "1.000656", DAY2 + 10, &r), SH_OK);
	assert_int_equal(r->needs[2].npapers, 1);
	assert_string_equal(r->needs[2].papers[0].code, a->papers[0]);
	sh_wh_reuse_free(&r);
	/* still archived and findable */
	sh_wh_hit *h = NULL;
	size_t n = 0;
	sh_wh_filter ff = {.owner = OWNER, .kind = "GKS"};
	assert_int_equal(sh_wh_search(e->s, "giay khai sinh", &ff, 0, &h, &n), SH_OK);
	assert_int_equal(n, 2);
	sh_free(h);
	sh_wh_owner_paper *ps = NULL;
	assert_int_equal(sh_wh_owner_papers(e->s, e->cat, OWNER, DAY2 + 10, &ps, &n), SH_OK);
	assert_int_equal(n, 3);
	assert_int_equal(ps[0].validity.status, SH_WH_REVOKED);
	sh_wh_owner_papers_free(&ps, n);
	assert_int_equal(sh_wh_owner_papers(e->s, e->cat, "12345", 0, &ps, &n), SH_EINVAL);

	/* attach into a new dossier */
	const char *k3[] = {"DON"};
	put(e, OWNER, "1.000656", DAY2 + 100, 1, k3, NULL, NULL, &d);
	uint64_t idx = 0;
	assert_int_equal(sh_wh_attach(e->s, e->key, e->cat, d->dossier, a->papers[0], "an",
					 DAY2 + 200, &idx),
			 SH_OK);
	assert_int_equal(sh_wh_attach(e->s, e->key, e->cat, d->dossier, a->papers[0], "an",
					 DAY2 + 200, NULL),
			 SH_EEXISTS);
	assert_int_equal(sh_wh_attach(e->s, e->key, e->cat, d->dossier, b->papers[0], "an",
					 DAY2 + 200, NULL),
			 SH_EINVAL); /* revoked */
	assert_int_equal(sh_wh_attach(e->s, e->key, e->cat, d->dossier, d->papers[0], "an",
					 DAY2 + 200, NULL),
			 SH_EEXISTS); /* its own */
	assert_int_equal(sh_wh_attach(e->s, e->key, e->cat, "no-such", a->papers[0], "an",
					 DAY2 + 200, NULL),
			 SH_ENOTFOUND);
	sh_wh_dossier_codes *o = NULL;
	put(e, OTHER, "1.000656", DAY2 + 300, 1, k3, NULL, NULL, &o);
	assert_int_equal(sh_wh_attach(e->s, e->key, e->cat, o->dossier, a->papers[0], "an",
					 DAY2 + 400, NULL),
			 SH_EINVAL); /* another owner's paper */
	char(*att)[SH_STORE_CODE_MAX] = NULL;
	assert_int_equal(sh_wh_attached(e->s, d->dossier, &att, &n), SH_OK);
	assert_int_equal(n, 1);
	assert_string_equal(att[0], a->papers[0]);
	sh_free(att);

	/* report: 4 dossiers on DAY1..DAY2, one reused */
	sh_wh_report_row *rows = NULL;
	assert_int_equal(sh_wh_report(e->s, e->cat, "2024-06-10", "2024-06-11",
					 SH_WH_REPORT_PROCEDURE, &rows, &n),
			 SH_OK);
	assert_int_equal(n, 3);
	assert_int_equal(rows[0].dossiers, 4);
	assert_int_equal(rows[0].papers, 5);
	assert_int_equal(rows[0].reused, 1);
	assert_int_equal(rows[0].dossiers_reusing, 1);
	assert_int_equal(rows[0].owners, 2);
	/* OWNER brought a GKS on DAY2 while holding one from DAY1 */
	assert_int_equal(rows[0].owners_not_asked, 1);
	assert_string_equal(rows[1].group, "1.000656");
	assert_int_equal(rows[1].dossiers, 2);
	sh_free(rows);
	assert_int_equal(sh_wh_report(e->s, e->cat, "2024-06-12", "2024-06-30", 0, &rows, &n),
			 SH_OK);
	assert_int_equal(rows[0].dossiers, 0);
	sh_free(rows);
	assert_int_equal(sh_wh_report(e->s, e->cat, "2024-13-01", "2024-06-30", 0, &rows, &n),
			 SH_EINVAL);

	size_t problems = 9;
	assert_int_equal(sh_wh_check(e->s, NULL, NULL, &problems), SH_OK);
	assert_int_equal(problems, 0);
	sh_wh_dossier_codes_free(&a);
	sh_wh_dossier_codes_free(&b);
	sh_wh_dossier_codes_free(&d);
	sh_wh_dossier_codes_free(&o);
}

static void search_filters(void **state)
{
	struct env *e = *state;
	const char *k[] = {"GKS", "QD"};
	sh_wh_dossier_codes *a = NULL, *b = NULL;
	put(e, OWNER, "1.001193", DAY1, 2, k, NULL, "Ông Đặng Văn An, giấy khai sinh", &a);
	put(e, OTHER, "1.001193", DAY2, 2, k, NULL, "Ong Dang Van Binh, giay khai sinh", &b);
	sh_wh_hit *h = NULL;
	size_t n = 0;
	assert_int_equal(sh_wh_search(e->s, "dang", NULL, 0, &h, &n), SH_OK);
	assert_int_equal(n, 4);
	sh_free(h);
	/* exact form first */
	assert_int_equal(sh_wh_search(e->s, "Đặng", NULL, 0, &h, &n), SH_OK);
	assert_int_equal(n, 4);
	assert_memory_equal(h[0].code, a->dossier, strlen(a->dossier));
	sh_free(h);
	assert_int_equal(sh_wh_search(e->s, "dang", NULL, 0, &h, &n), SH_OK);
	assert_memory_equal(h[0].code, b->dossier, strlen(b->dossier));
	sh_free(h);
	sh_wh_filter f = {.owner = OTHER};
	assert_int_equal(sh_wh_search(e->s, "giay khai sinh", &f, 0, &h, &n), SH_OK);
	assert_int_equal(n, 2);
	sh_free(h);
	f = (sh_wh_filter){.kind = "QD", .from = "2024-06-11"};
	assert_int_equal(sh_wh_search(e->s, "khai", &f, 0, &h, &n), SH_OK);
	assert_int_equal(n, 1);
	assert_string_equal(h[0].code, b->papers[1]);
	sh_free(h);
	f = (sh_wh_filter){.agency = "H99.99"};
	assert_int_equal(sh_wh_search(e->s, "khai", &f, 0, &h, &n), SH_OK);
	assert_int_equal(n, 0);
	sh_free(h);
	f = (sh_wh_filter){.to = "2024-06-10", .agency = AGENCY};
	assert_int_equal(sh_wh_search(e->s, "van sinh", &f, 0, &h, &n), SH_OK);
	assert_int_equal(n, 2);
	sh_free(h);
	assert_int_equal(sh_wh_search(e->s, "khai zzzz", NULL, 0, &h, &n), SH_OK);
	assert_int_equal(n, 0);
	sh_free(h);
	sh_wh_dossier_codes_free(&a);
	sh_wh_dossier_codes_free(&b);
}

static void roles_and_audit(void **state)
{
	struct env *e = *state;
	/* bootstrap: nobody defined, all allowed, with or without a session */
	assert_int_equal(sh_wh_may(e->s, SH_WH_PERM_READ_OWNER), SH_OK);
	assert_int_equal(sh_wh_session_begin(e->s, NULL, "owner"), SH_OK);
	assert_null(sh_wh_operator(e->s));
	assert_int_equal(sh_wh_may(e->s, SH_WH_PERM_ADMIN), SH_OK);
	assert_int_equal(sh_wh_user_add(e->s, "Bad Name", SH_WH_ROLE_ADMIN), SH_EINVAL);
	assert_int_equal(sh_wh_user_add(e->s, "quan", SH_WH_ROLE_ADMIN), SH_OK);
	assert_int_equal(sh_wh_user_add(e->s, "quan", SH_WH_ROLE_DESK), SH_EEXISTS);
	assert_int_equal(sh_wh_user_add(e->s, "binh", SH_WH_ROLE_CLERK), SH_OK);
	assert_int_equal(sh_wh_user_add(e->s, "an", SH_WH_ROLE_DESK), SH_OK);
	/* operators exist: no identity or an unknown one is refused */
	assert_int_equal(sh_wh_session_begin(e->s, NULL, "owner"), SH_EPERM);
	assert_int_equal(sh_wh_session_begin(e->s, "nobody", "owner"), SH_EPERM);
	/* deny by default: a handle without a session may do nothing */
	sh_wh_owner_paper *ops = NULL;
	size_t n = 0;
	assert_int_equal(sh_wh_may(e->s, SH_WH_PERM_READ_OWNER), SH_EPERM);
	assert_int_equal(sh_wh_owner_papers(e->s, NULL, OWNER, DAY2, &ops, &n), SH_EPERM);
	assert_int_equal(sh_wh_user_add(e->s, "mai", SH_WH_ROLE_DESK), SH_EPERM);
	sh_wh_hit *h = NULL;
	assert_int_equal(sh_wh_search(e->s, "khai", NULL, 0, &h, &n), SH_EPERM);
	assert_null(h);
	/* permissions by role */
	assert_int_equal(sh_wh_session_begin(e->s, "binh", "owner"), SH_OK);
	assert_string_equal(sh_wh_operator(e->s), "binh");
	assert_int_equal(sh_wh_may(e->s, SH_WH_PERM_READ_OWNER), SH_OK);
	assert_int_equal(sh_wh_may(e->s, SH_WH_PERM_INGEST), SH_EPERM);
	assert_int_equal(sh_wh_session_begin(e->s, "an", "owner"), SH_OK);
	assert_int_equal(sh_wh_may(e->s, SH_WH_PERM_READ_OWNER), SH_EPERM);
	assert_non_null(strstr(sh_error_message(), "clerk"));
	assert_int_equal(sh_wh_owner_papers(e->s, NULL, OWNER, DAY2, &ops, &n), SH_EPERM);
	assert_int_equal(sh_wh_may(e->s, SH_WH_PERM_INGEST), SH_OK);
	/* the desk's reuse view: READ_OWNER only in a session for "reuse" */
	assert_int_equal(sh_wh_session_may(e->s, "an", "reuse"), SH_OK);
	assert_int_equal(sh_wh_may(e->s, SH_WH_PERM_READ_OWNER), SH_OK);
	assert_int_equal(sh_wh_session_may(e->s, "an", "search"), SH_EPERM);
	assert_int_equal(sh_wh_search(e->s, "khai", NULL, 0, &h, &n), SH_EPERM);
	/* the head of office: the indicators, nothing personal, no audit */
	assert_int_equal(sh_wh_role_parse("head"), SH_WH_ROLE_HEAD);
	assert_int_equal(sh_wh_role_perms(SH_WH_ROLE_HEAD), SH_WH_PERM_REPORT);
	assert_int_equal(sh_wh_user_add(e->s, "lan", SH_WH_ROLE_HEAD), SH_EPERM); /* session: an */
	assert_int_equal(sh_wh_session_begin(e->s, "quan", "user"), SH_OK);
	assert_int_equal(sh_wh_may(e->s, SH_WH_PERM_ADMIN), SH_OK);
	assert_int_equal(sh_wh_may(e->s, SH_WH_PERM_READ_OWNER), SH_EPERM);
	assert_int_equal(sh_wh_may(e->s, SH_WH_PERM_READ), SH_EPERM); /* no personal data */
	assert_int_equal(sh_wh_role_perms(SH_WH_ROLE_ARCHIVIST) & SH_WH_PERM_VERIFY,
			 SH_WH_PERM_VERIFY);
	assert_int_equal(sh_wh_role_perms(0), 0);
	int role = 0;
	assert_int_equal(sh_wh_user_role(e->s, "binh", &role), SH_OK);
	assert_int_equal(role, SH_WH_ROLE_CLERK);
	sh_wh_user *u = NULL;
	assert_int_equal(sh_wh_user_list(e->s, &u, &n), SH_OK);
	assert_int_equal(n, 3);
	assert_string_equal(u[0].name, "an");
	sh_free(u);
	assert_int_equal(sh_wh_user_add(e->s, "mai", SH_WH_ROLE_DESK), SH_OK);
	assert_int_equal(sh_wh_user_del(e->s, "mai"), SH_OK);
	assert_int_equal(sh_wh_user_del(e->s, "mai"), SH_ENOTFOUND);

	/* the desk stores a dossier: the session's operator is recorded */
	const char *k[] = {"GKS"};
	sh_wh_dossier_codes *a = NULL;
	assert_int_equal(sh_wh_session_begin(e->s, "an", "ingest"), SH_OK);
	put(e, OWNER, "1.001193", DAY1, 1, k, NULL, NULL, &a);
	sh_store_dossier_rec *d = NULL;
	assert_int_equal(sh_store_dossier_get(e->s, a->dossier, &d), SH_OK);
	assert_string_equal(d->operator_id, "an");
	sh_store_dossier_rec_free(&d);

	/* reads the library makes for an operator are audited by the library */
	assert_int_equal(sh_wh_session_begin(e->s, "binh", "owner"), SH_OK);
	assert_int_equal(sh_wh_owner_papers(e->s, NULL, OWNER, DAY2, &ops, &n), SH_OK);
	assert_int_equal(n, 1);
	sh_wh_owner_papers_free(&ops, n);
	assert_int_equal(sh_wh_session_begin(e->s, "binh", "show"), SH_OK);
	assert_int_equal(sh_wh_dossier_get(e->s, a->dossier, &d), SH_OK);
	sh_store_dossier_rec_free(&d);
	sh_store_paper_rec *p = NULL;
	assert_int_equal(sh_wh_paper_get(e->s, a->papers[0], &p), SH_OK);
	sh_store_paper_rec_free(&p);
	/* and written by hand with the explicit calls */
	assert_int_equal(sh_wh_audit_read(e->s, "binh", "owner", a->papers[0], NULL, DAY1), SH_OK);
	const char *codes[] = {a->papers[0], a->papers[0]};
	assert_int_equal(sh_wh_audit_reads(e->s, "binh", "show", codes, 2, a->dossier, DAY2),
			 SH_OK);
	sh_wh_audit_rec *rec = NULL;
	assert_int_equal(sh_wh_audit_list(e->s, "binh", NULL, &rec, &n), SH_EPERM); /* clerk */
	assert_int_equal(sh_wh_session_begin(e->s, "quan", "audit"), SH_OK);
	assert_int_equal(sh_wh_audit_list(e->s, "binh", NULL, &rec, &n), SH_OK);
	assert_int_equal(n, 6);
	for (size_t i = 0; i + 1 < n; i++)
		assert_true(rec[i].seq < rec[i + 1].seq);
	assert_string_equal(rec[0].command, "owner");
	assert_string_equal(rec[0].code, a->papers[0]);
	assert_string_equal(rec[0].dossier, "");
	assert_string_equal(rec[1].command, "show"); /* the dossier's paper, in its context */
	assert_string_equal(rec[1].dossier, a->dossier);
	assert_string_equal(rec[2].command, "show");
	assert_string_equal(rec[2].dossier, a->dossier);
	assert_true(rec[3].when == DAY1);
	assert_string_equal(rec[5].command, "show");
	assert_string_equal(rec[5].dossier, a->dossier);
	sh_free(rec);
	/* quan read nothing; the operators quan changed are rows of the trail
	 * (issue 16: the operator table is the replay of the audit trail) */
	assert_int_equal(sh_wh_audit_list(e->s, "quan", NULL, &rec, &n), SH_OK);
	assert_int_equal(n, 2);
	assert_string_equal(rec[0].command, "user add");
	assert_string_equal(rec[0].code, "mai");
	assert_string_equal(rec[0].dossier, "desk");
	assert_string_equal(rec[1].command, "user del");
	sh_free(rec);
	size_t problems = 1;
	assert_int_equal(sh_wh_check(e->s, NULL, NULL, &problems), SH_OK);
	sh_wh_dossier_codes_free(&a);
}

static void backup_restore(void **state)
{
	struct env *e = *state;
	const char *k[] = {"GKS", "CCCD"};
	sh_wh_dossier_codes *a = NULL;
	put(e, OWNER, "1.001193", DAY1, 2, k, NULL, NULL, &a);
	assert_int_equal(sh_wh_revoke(e->s, e->key, a->papers[1], "lost", "an", DAY1, NULL),
			 SH_OK);
	char *bk = NULL, *rs = NULL;
	assert_true(asprintf(&bk, "%s/backup", e->dir) > 0);
	assert_true(asprintf(&rs, "%s/restored", e->dir) > 0);
	/* owner-only whatever the umask (issue 16 point 5) */
	mode_t old = umask(0);
	assert_int_equal(sh_wh_backup(e->s, bk), SH_OK);
	umask(old);
	struct stat st;
	assert_int_equal(stat(bk, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	char *bf = NULL;
	assert_true(asprintf(&bf, "%s/data.mdb", bk) > 0);
	assert_int_equal(stat(bf, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	free(bf);
	assert_int_equal(sh_wh_backup(e->s, bk), SH_EEXISTS);
	assert_int_equal(sh_wh_restore(bk, rs, 0), SH_OK);
	assert_int_equal(sh_wh_restore(bk, rs, 0), SH_EEXISTS);
	assert_int_equal(sh_wh_restore(bk, rs, 1), SH_OK);
	sh_store *r = NULL;
	assert_int_equal(sh_store_open(&r, rs, 0), SH_OK);
	sh_wh_validity v;
	assert_int_equal(sh_wh_validity_of(r, e->cat, a->papers[1], DAY2, &v), SH_OK);
	assert_int_equal(v.status, SH_WH_REVOKED);
	size_t problems = 1;
	assert_int_equal(sh_wh_check(r, NULL, NULL, &problems), SH_OK);
	sh_store_close(&r);
	/* a damaged backup is refused before anything is replaced */
	sh_store_close(&e->s);
	const char *bad = "not a record";
	assert_int_equal(raw_put(bk, "state", a->papers[0], strlen(a->papers[0]), bad, strlen(bad)), 0);
	assert_int_equal(sh_wh_restore(bk, rs, 1), SH_ECORRUPT);
	assert_int_equal(sh_store_open(&e->s, e->dir, 0), SH_OK);
	assert_int_equal(sh_wh_restore("/nonexistent-sohoa", rs, 1), SH_ENOTFOUND);
	free(bk);
	free(rs);
	sh_wh_dossier_codes_free(&a);
}

static void check_owners_tables(void **state)
{
	struct env *e = *state;
	const char *k[] = {"GKS"};
	sh_wh_dossier_codes *a = NULL, *d = NULL;
	put(e, OWNER, "1.001193", DAY1, 1, k, NULL, NULL, &a);
	put(e, OWNER, "1.000656", DAY2, 1, k, NULL, NULL, &d);
	assert_int_equal(sh_wh_attach(e->s, e->key, e->cat, d->dossier, a->papers[0], "an", DAY2,
					 NULL),
			 SH_OK);
	sh_store_close(&e->s);
	/* remove the reverse entry and add a state for a missing paper */
	assert_int_equal(raw_put(e->dir, "attached", a->papers[0], strlen(a->papers[0]), NULL, 0), 0);
	assert_int_equal(raw_put(e->dir, "state", "ghost", 5, "SHV\x01", 4), 0);
	assert_int_equal(sh_store_open(&e->s, e->dir, 0), SH_OK);
	size_t problems = 0;
	assert_int_equal(sh_wh_check(e->s, NULL, NULL, &problems), SH_ECORRUPT);
	assert_true(problems >= 2);
	sh_wh_dossier_codes_free(&a);
	sh_wh_dossier_codes_free(&d);
}

/* check: the state and attachment tables against the signed log */
struct said {
	size_t n;
	char all[4096];
};

static void said_add(void *arg, const char *msg)
{
	struct said *x = arg;
	x->n++;
	size_t l = strlen(x->all);
	snprintf(x->all + l, sizeof x->all - l, "%s\n", msg);
}

static int check_says(struct env *e, struct said *x)
{
	memset(x, 0, sizeof *x);
	sh_store_close(&e->s);
	int rc = sh_store_open(&e->s, e->dir, 0);
	if (!rc)
		rc = sh_wh_check(e->s, said_add, x, NULL);
	sh_store_close(&e->s);
	return rc;
}

static void check_against_log(void **state)
{
	struct env *e = *state;
	const char *k[] = {"GKS", "CCCD"}, *k3[] = {"DON"};
	sh_wh_dossier_codes *a = NULL, *d = NULL;
	put(e, OWNER, "1.001193", DAY1, 2, k, NULL, NULL, &a);
	put(e, OWNER, "1.000656", DAY2, 1, k3, NULL, NULL, &d);
	const char *p0 = a->papers[0], *p1 = a->papers[1], *dd = d->dossier;
	assert_int_equal(sh_wh_validity_set(e->s, e->key, p1, SH_WH_NEVER, "an", DAY2, NULL), SH_OK);
	assert_int_equal(sh_wh_attach(e->s, e->key, e->cat, dd, p1, "an", DAY2 + 1, NULL), SH_OK);
	assert_int_equal(sh_wh_revoke(e->s, e->key, p0, "QĐ 7/QĐ-UBND", "an", DAY2 + 2, NULL),
			 SH_OK);
	struct said x;
	assert_int_equal(check_says(e, &x), SH_OK);
	assert_int_equal(x.n, 0);

	/* 1. the revocation's state record gone: the paper would be offered again */
	size_t l0 = 0, l1 = 0; /* raw_get sets them when it returns a record */
	void *s0 = raw_get(e->dir, "state", p0, strlen(p0), &l0, NULL, NULL);
	void *s1 = raw_get(e->dir, "state", p1, strlen(p1), &l1, NULL, NULL);
	assert_non_null(s0);
	assert_non_null(s1);
	assert_int_equal(raw_put(e->dir, "state", p0, strlen(p0), NULL, 0), 0);
	assert_int_equal(check_says(e, &x), SH_ECORRUPT);
	assert_int_equal(x.n, 1);
	assert_non_null(strstr(x.all, "revoked in the signed log but not in its state"));

	/* 2. another state in its place: revocation and validity both differ */
	assert_int_equal(raw_put(e->dir, "state", p0, strlen(p0), s1, l1), 0);
	assert_int_equal(check_says(e, &x), SH_ECORRUPT);
	assert_int_equal(x.n, 2);
	assert_non_null(strstr(x.all, "state's revocation differs from the signed one"));
	assert_non_null(strstr(x.all, "state's validity differs from the signed log"));
	/* ... and a revocation nobody signed */
	assert_int_equal(raw_put(e->dir, "state", p0, strlen(p0), s0, l0), 0);
	assert_int_equal(raw_put(e->dir, "state", p1, strlen(p1), s0, l0), 0);
	assert_int_equal(check_says(e, &x), SH_ECORRUPT);
	assert_non_null(strstr(x.all, "says revoked, the signed log has no revocation"));
	assert_int_equal(raw_put(e->dir, "state", p1, strlen(p1), s1, l1), 0);
	assert_int_equal(check_says(e, &x), SH_OK);

	/* 3. a signed reuse missing from the attachment index */
	assert_int_equal(raw_put(e->dir, "attach", dd, strlen(dd), NULL, 0), 0);
	assert_int_equal(check_says(e, &x), SH_ECORRUPT);
	assert_non_null(strstr(x.all, "is not in the attachment index"));
	assert_int_equal(raw_put(e->dir, "attach", dd, strlen(dd), p1, strlen(p1)), 0);
	assert_int_equal(check_says(e, &x), SH_OK);

	/* 4. an attachment nobody signed (both directions, so only this) */
	assert_int_equal(raw_put(e->dir, "attach", dd, strlen(dd), p0, strlen(p0)), 0);
	assert_int_equal(raw_put(e->dir, "attached", p0, strlen(p0), dd, strlen(dd)), 0);
	assert_int_equal(check_says(e, &x), SH_ECORRUPT);
	assert_int_equal(x.n, 1);
	assert_non_null(strstr(x.all, "without a signed reuse"));
	free(s0);
	free(s1);
	sh_wh_dossier_codes_free(&a);
	sh_wh_dossier_codes_free(&d);
	assert_int_equal(sh_store_open(&e->s, e->dir, 0), SH_OK);
}

static void bulk_all_or_nothing(void **state)
{
	struct env *e = *state;
	fake_dossier f[2];
	fake_init(&f[0], OWNER, 2, 2, 1, 100, NULL, DAY1);
	fake_init(&f[1], "12345", 1, 1, 2, 100, NULL, DAY1);
	sh_wh_dossier_in in[2] = {f[0].in, f[1].in};
	sh_wh_dossier_codes *c[2];
	assert_int_equal(sh_wh_dossiers_put(e->s, in, 2, c), SH_EINVAL);
	assert_null(c[0]);
	sh_store_dossier_rec *d = NULL;
	assert_int_equal(sh_store_dossier_get(e->s, AGENCY "-" DAY1_S "-0001", &d), SH_ENOTFOUND);
	in[1].owner = OTHER;
	assert_int_equal(sh_wh_dossiers_put(e->s, in, 2, c), SH_OK);
	assert_string_equal(c[0]->dossier, AGENCY "-" DAY1_S "-0001");
	assert_string_equal(c[1]->dossier, AGENCY "-" DAY1_S "-0002");
	assert_int_equal(sh_store_dossier_get(e->s, c[1]->dossier, &d), SH_OK);
	sh_store_dossier_rec_free(&d);
	sh_store_paper_rec *p = NULL;
	assert_int_equal(sh_store_paper_get(e->s, c[0]->papers[1], &p), SH_OK);
	assert_int_equal(p->npages, 2);
	sh_store_paper_rec_free(&p);
	size_t problems = 1;
	assert_int_equal(sh_wh_check(e->s, NULL, NULL, &problems), SH_OK);
	sh_wh_dossier_codes_free(&c[0]);
	sh_wh_dossier_codes_free(&c[1]);
	fake_free(&f[0]);
	fake_free(&f[1]);
}

/* Making and rotating a signer's key in the library (ledger/keys.c): the
 * new key is registered and its file written, the old one retired by a
 * signed event and its file kept beside; an existing file is never
 * overwritten. */
static void key_new_and_rotate(void **state)
{
	struct env *e = *state;
	char *path = NULL, *retired = NULL;
	assert_true(asprintf(&path, "%s/keys/desk.key", e->dir) > 0);
	sh_sign_key *k1 = NULL, *k2 = NULL;
	sh_sign_pubkey p1, p2, old;
	int rc = sh_ledger_key_new(e->s, path, "mật khẩu bàn một cửa", "Nguyễn Thị Thu", "Công chức", 0, &k1,
				   &p1);
	if (rc)
		fail_msg("key_new: %s", sh_error_message());
	assert_string_equal(p1.key_id, sh_sign_key_id(k1));
	assert_int_equal(sh_ledger_key_new(e->s, path, "x", "A", "B", 0, &k2, &p2), SH_EEXISTS);
	assert_null(k2);
	uint64_t before = 0, after = 0;
	assert_int_equal(sh_ledger_size(e->s, &before), SH_OK);
	assert_int_equal(sh_ledger_key_rotate(e->s, k1, path, "khóa mới của bàn một cửa", &p2, &old, &retired), SH_OK);
	assert_string_equal(old.key_id, p1.key_id);
	assert_string_not_equal(p2.key_id, p1.key_id);
	assert_string_equal(p2.name, "Nguyễn Thị Thu");
	assert_int_equal(sh_ledger_size(e->s, &after), SH_OK);
	assert_true(after > before); /* the signed rotation event */
	sh_sign_pubkey got;
	assert_int_equal(sh_ledger_key_get(e->s, p1.key_id, &got, NULL), SH_OK);
	assert_true(got.valid_until != SH_SIGN_NEVER); /* retired */
	assert_int_equal(sh_ledger_key_get(e->s, p2.key_id, &got, NULL), SH_OK);
	assert_true(got.valid_until == SH_SIGN_NEVER);
	/* the files: the new key at path, the old one kept */
	assert_int_equal(sh_sign_key_load_file(&k2, path, "khóa mới của bàn một cửa"), SH_OK);
	assert_string_equal(sh_sign_key_id(k2), p2.key_id);
	sh_sign_key_free(&k2);
	assert_int_equal(sh_sign_key_load_file(&k2, retired, "mật khẩu bàn một cửa"), SH_OK);
	assert_string_equal(sh_sign_key_id(k2), p1.key_id);
	sh_sign_key_free(&k2);
	sh_sign_key_free(&k1);
	sh_free(retired);
	free(path);
}

/* A phone photo's page (issue 18): the photo as received stored beside the
 * page as a second blob, named in the record; read back checked against its
 * hash; a page without one has none; the bulk path refuses them. */
static void page_originals(void **state)
{
	struct env *e = *state;
	fake_dossier f;
	fake_init(&f, OWNER, 2, 1, 5, 64, "giấy khai sinh", DAY1);
	f.in.procedure = "1.001193";
	uint8_t *photo = fake_bytes(300, 77);
	sh_wh_page_in *g = &f.pages[0][0];
	g->original = photo;
	g->original_len = 300;
	/* an original without its type is refused, nothing stored */
	sh_wh_dossier_codes *c = NULL;
	assert_int_equal(sh_wh_dossier_put(e->s, &f.in, &c), SH_EINVAL);
	assert_int_equal(sh_wh_dossiers_put(e->s, &f.in, 1, &c), SH_EINVAL); /* bulk: never */
	g->original_mime = "image/jpeg";
	assert_int_equal(sh_wh_dossiers_put(e->s, &f.in, 1, &c), SH_EINVAL);
	assert_int_equal(sh_wh_dossier_put(e->s, &f.in, &c), SH_OK);
	sh_store_paper_rec *p = NULL;
	assert_int_equal(sh_store_paper_get(e->s, c->papers[0], &p), SH_OK);
	uint8_t h[SH_SHA256_LEN];
	sh_sha256(h, photo, 300);
	assert_true(p->pages[0].has_original);
	assert_memory_equal(p->pages[0].original_sha, h, SH_SHA256_LEN);
	assert_string_equal(p->pages[0].original_mime, "image/jpeg");
	assert_int_equal(p->pages[0].original_len, 300);
	sh_store_paper_rec_free(&p);
	assert_int_equal(sh_store_paper_get(e->s, c->papers[1], &p), SH_OK);
	assert_false(p->pages[0].has_original);
	assert_null(p->pages[0].original_mime);
	sh_store_paper_rec_free(&p);
	uint8_t *b = NULL;
	size_t len = 0;
	const char *mime = NULL;
	assert_int_equal(sh_wh_page_image(e->s, c->papers[0], 1, 1, &b, &len, &mime), SH_OK);
	assert_int_equal(len, 300);
	assert_memory_equal(b, photo, 300);
	assert_string_equal(mime, "image/jpeg");
	sh_free(b);
	assert_int_equal(sh_wh_page_image(e->s, c->papers[0], 1, 0, &b, &len, &mime), SH_OK);
	assert_int_equal(len, 64);
	assert_string_equal(mime, "image/png");
	sh_free(b);
	assert_int_equal(sh_wh_page_image(e->s, c->papers[1], 1, 1, &b, &len, &mime), SH_ENOTFOUND);
	assert_null(b);
	assert_int_equal(sh_wh_page_image(e->s, c->papers[0], 2, 0, &b, &len, &mime), SH_ENOTFOUND);
	assert_int_equal(sh_wh_page_image(e->s, c->papers[0], 0, 0, &b, &len, &mime), SH_ENOTFOUND);
	struct said x;
	assert_int_equal(check_says(e, &x), SH_OK);
	/* the original's bytes changed: read refused, check names it */
	photo[7] ^= 1;
	assert_int_equal(raw_put(e->dir, "blob", h, SH_SHA256_LEN, photo, 300), 0);
	assert_int_equal(check_says(e, &x), SH_ECORRUPT);
	assert_int_equal(sh_store_open(&e->s, e->dir, 0), SH_OK);
	assert_int_equal(sh_wh_page_image(e->s, c->papers[0], 1, 1, &b, &len, &mime), SH_ECORRUPT);
	assert_null(b);
	sh_store_close(&e->s);
	/* deleted: check names the missing original */
	assert_int_equal(raw_put(e->dir, "blob", h, SH_SHA256_LEN, NULL, 0), 0);
	assert_int_equal(check_says(e, &x), SH_ECORRUPT);
	assert_non_null(strstr(x.all, "original"));
	assert_non_null(strstr(x.all, "is missing"));
	free(photo);
	sh_wh_dossier_codes_free(&c);
	fake_free(&f);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest all[] = {
		cmocka_unit_test_setup_teardown(catalogue, setup, teardown),
		cmocka_unit_test_setup_teardown(key_new_and_rotate, setup, teardown),
		cmocka_unit_test_setup_teardown(validity_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(revoke_and_reuse, setup, teardown),
		cmocka_unit_test_setup_teardown(search_filters, setup, teardown),
		cmocka_unit_test_setup_teardown(roles_and_audit, setup, teardown),
		cmocka_unit_test_setup_teardown(backup_restore, setup, teardown),
		cmocka_unit_test_setup_teardown(check_owners_tables, setup, teardown),
		cmocka_unit_test_setup_teardown(check_against_log, setup, teardown),
		cmocka_unit_test_setup_teardown(bulk_all_or_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(page_originals, setup, teardown),
	};
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	return cmocka_run_group_tests(all, NULL, NULL);
}
