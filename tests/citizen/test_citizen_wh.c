/* The citizen scope of the warehouse (warehouse/citizen.c, access.c) on a
 * real LMDB warehouse, without a server: a citizen session has `own` and
 * nothing else (not even while the warehouse has no operator: the
 * bootstrap rule does not apply), reads the session's owners' papers only,
 * and every refusal is audited; shares, corrections and delegations are
 * signed where the issue says so. One CTest per test: citizen.wh_<test>. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "helpers.h"
#include "sh_sign.h"

#define A "001085012345"
#define B "079190054321"
#define CO "0100109106"

struct env {
	char *dir;
	sh_store *s;
	sh_wh_proc_cat *cat;
	sh_sign_key *key;
	char pa[SH_STORE_CODE_MAX], pb[SH_STORE_CODE_MAX], pc[SH_STORE_CODE_MAX];
	char da[SH_STORE_CODE_MAX];
};

static void put(struct env *e, const char *owner, unsigned seed, char *code, char *dossier)
{
	fake_dossier f;
	sh_wh_dossier_codes *c[1];
	fake_init(&f, owner, 1, 1, seed, 64, NULL, sh_now());
	assert_int_equal(sh_wh_dossiers_put(e->s, &f.in, 1, c), SH_OK);
	strcpy(code, c[0]->papers[0]);
	if (dossier)
		strcpy(dossier, c[0]->dossier);
	sh_wh_dossier_codes_free(&c[0]);
	fake_free(&f);
}

static int setup(void **state)
{
	struct env *e = calloc(1, sizeof *e);
	setenv("TZ", "Asia/Ho_Chi_Minh", 1);
	e->dir = tmp_dir("citizen");
	assert_int_equal(sh_store_create(e->dir, AGENCY), SH_OK);
	assert_int_equal(sh_store_open(&e->s, e->dir, 0), SH_OK);
	/* this thread's session is per handle: start clean (bootstrap) */
	assert_int_equal(sh_wh_session_begin(e->s, NULL, "setup"), SH_OK);
	assert_int_equal(sh_wh_proc_cat_load(&e->cat, sh_wh_proc_default_path(), NULL), SH_OK);
	uint8_t seed[SH_SIGN_SEED_LEN] = {9};
	assert_int_equal(sh_sign_key_from_seed(&e->key, seed), SH_OK);
	put(e, A, 1, e->pa, e->da);
	put(e, B, 2, e->pb, NULL);
	put(e, CO, 3, e->pc, NULL);
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

static size_t refusals_of(struct env *e, const char *code)
{
	/* read the audit as an auditor would: a fresh bootstrap-less check */
	sh_wh_audit_rec *a = NULL;
	size_t n = 0, k = 0;
	assert_int_equal(sh_wh_session_begin(e->s, NULL, "test"), SH_OK); /* no operators: bootstrap */
	assert_int_equal(sh_wh_audit_list(e->s, NULL, code, &a, &n), SH_OK);
	for (size_t i = 0; i < n; i++)
		k += !strcmp(a[i].command, "refused") && !strcmp(a[i].user, "citizen:" A);
	sh_free(a);
	return k;
}

static void own_only(void **state)
{
	struct env *e = *state;
	sh_wh_owner_paper *p = NULL;
	size_t n = 0;
	sh_store_paper_rec *r = NULL;
	/* the warehouse has no operator: an officer-less call would be allowed,
	 * a citizen's is not */
	assert_int_equal(sh_wh_session_citizen(e->s, A, NULL, "me-papers"), SH_OK);
	assert_string_equal(sh_wh_citizen(e->s), A);
	assert_null(sh_wh_citizen_company(e->s));
	assert_int_equal(sh_wh_owner_papers(e->s, e->cat, A, 0, &p, &n), SH_OK);
	assert_int_equal(n, 1);
	assert_string_equal(p[0].code, e->pa);
	sh_wh_owner_papers_free(&p, n);
	assert_int_equal(sh_wh_owner_papers(e->s, e->cat, B, 0, &p, &n), SH_EPERM);
	assert_int_equal(sh_wh_owner_papers(e->s, e->cat, CO, 0, &p, &n), SH_EPERM);
	assert_int_equal(sh_wh_paper_get(e->s, e->pa, &r), SH_OK);
	sh_store_paper_rec_free(&r);
	assert_int_equal(sh_wh_paper_get(e->s, e->pb, &r), SH_ENOTFOUND);
	assert_null(r);
	assert_int_equal(sh_wh_paper_get(e->s, e->pc, &r), SH_ENOTFOUND);
	sh_wh_validity v;
	assert_int_equal(sh_wh_validity_of(e->s, e->cat, e->pb, 0, &v), SH_ENOTFOUND);
	assert_int_equal(sh_wh_validity_of(e->s, e->cat, e->pa, 0, &v), SH_OK);
	/* nothing an officer does */
	sh_store_dossier_rec *d = NULL;
	sh_wh_report_row *rows = NULL;
	sh_wh_audit_rec *a = NULL;
	sh_wh_reuse *ru = NULL;
	assert_int_equal(sh_wh_dossier_get(e->s, e->da, &d), SH_EPERM);
	assert_int_equal(sh_wh_report(e->s, e->cat, "2000-01-01", "2099-12-31", 0, &rows, &n),
			 SH_EPERM);
	assert_int_equal(sh_wh_audit_list(e->s, NULL, NULL, &a, &n), SH_EPERM);
	assert_int_equal(sh_wh_reuse_plan(e->s, e->cat, A, "1.001193", 0, &ru), SH_EPERM);
	assert_int_equal(sh_wh_user_add(e->s, "mallory", SH_WH_ROLE_ADMIN), SH_EPERM);
	assert_int_equal(sh_wh_revoke(e->s, e->key, e->pa, "x", NULL, 0, NULL), SH_EPERM);
	assert_int_equal(sh_wh_may(e->s, SH_WH_PERM_READ), SH_EPERM);
	assert_int_equal(sh_wh_may(e->s, SH_WH_PERM_OWN), SH_OK);
	/* malformed ids do not start a session */
	assert_int_equal(sh_wh_session_citizen(e->s, CO, NULL, "x"), SH_EPERM);
	assert_int_equal(sh_wh_session_citizen(e->s, A, B, "x"), SH_EPERM);
	/* the refused reads are in the audit, for B and the company to see */
	assert_int_equal(refusals_of(e, e->pb), 1);
	assert_int_equal(refusals_of(e, e->pc), 1);
	sh_wh_audit_rec *reads = NULL;
	assert_int_equal(sh_wh_session_citizen(e->s, B, NULL, "me-reads"), SH_OK);
	assert_int_equal(sh_wh_mine_reads(e->s, B, &reads, &n), SH_OK);
	assert_true(n >= 1);
	assert_string_equal(reads[0].command, "refused");
	sh_free(reads);
	assert_int_equal(sh_wh_mine_reads(e->s, A, &reads, &n), SH_EPERM);
}

static void operators(struct env *e)
{
	assert_int_equal(sh_wh_session_begin(e->s, NULL, "setup"), SH_OK);
	assert_int_equal(sh_wh_user_add(e->s, "admin1", SH_WH_ROLE_ADMIN), SH_OK);
	assert_int_equal(sh_wh_session_begin(e->s, "admin1", "user"), SH_OK);
	assert_int_equal(sh_wh_user_add(e->s, "desk1", SH_WH_ROLE_DESK), SH_OK);
	assert_int_equal(sh_wh_user_add(e->s, "clerk1", SH_WH_ROLE_CLERK), SH_OK);
}

static size_t log_entries(struct env *e, const char *code)
{
	uint64_t *idx = NULL;
	size_t n = 0;
	assert_int_equal(sh_ledger_entries_of(e->s, code, &idx, &n), SH_OK);
	sh_free(idx);
	return n;
}

static void share(void **state)
{
	struct env *e = *state;
	operators(e);
	size_t before = log_entries(e, e->pa);
	const char *mine[] = {e->pa}, *theirs[] = {e->pb}, *twice[] = {e->pa, e->pa};
	sh_wh_share sh, used;
	assert_int_equal(sh_wh_session_citizen(e->s, A, NULL, "me-share"), SH_OK);
	assert_int_equal(sh_wh_share_create(e->s, e->key, e->cat, A, "1.001193", theirs, 1, 7, &sh),
			 SH_ENOTFOUND);
	assert_int_equal(sh_wh_share_create(e->s, e->key, e->cat, B, "1.001193", theirs, 1, 7, &sh),
			 SH_EPERM);
	assert_int_equal(sh_wh_share_create(e->s, e->key, e->cat, A, "1.001193", twice, 2, 7, &sh),
			 SH_EINVAL);
	assert_int_equal(sh_wh_share_create(e->s, e->key, e->cat, A, "9.999999", mine, 1, 7, &sh),
			 SH_ENOTFOUND);
	assert_int_equal(sh_wh_share_create(e->s, e->key, e->cat, A, "1.001193", mine, 1, 91, &sh),
			 SH_EINVAL);
	assert_int_equal(sh_wh_share_create(e->s, e->key, e->cat, A, "1.001193", mine, 1, 7, &sh),
			 SH_OK);
	assert_int_equal(strlen(sh.code), 9);
	assert_int_equal(log_entries(e, e->pa), before + 1); /* signed "share" */
	/* a citizen cannot use a code as a desk */
	assert_int_equal(sh_wh_share_use(e->s, e->key, e->cat, sh.code, NULL, &used), SH_EPERM);
	/* the desk, typing it in lower case without the dash */
	char typed[16];
	snprintf(typed, sizeof typed, "%.4s%s", sh.code, sh.code + 5);
	for (char *c = typed; *c; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c - 'A' + 'a');
	assert_int_equal(sh_wh_session_begin(e->s, "desk1", "share-use"), SH_OK);
	assert_int_equal(sh_wh_share_use(e->s, e->key, e->cat, typed, e->da, &used), SH_OK);
	assert_int_equal(used.npapers, 1);
	assert_string_equal(used.papers[0], e->pa);
	assert_string_equal(used.owner, A);
	assert_int_equal(log_entries(e, e->pa), before + 2); /* signed "share-use" */
	assert_int_equal(sh_wh_share_use(e->s, e->key, e->cat, "ZZZZ-ZZZZ", NULL, &used),
			 SH_ENOTFOUND);
	assert_int_equal(sh_wh_share_use(e->s, e->key, e->cat, "ZZZ", NULL, &used), SH_EINVAL);
	{ /* the guess is in the audit, for the auditors */
		sh_wh_audit_rec *ar = NULL;
		size_t na = 0, k = 0;
		assert_int_equal(sh_wh_session_begin(e->s, "admin1", "audit"), SH_OK);
		assert_int_equal(sh_wh_audit_list(e->s, "desk1", NULL, &ar, &na), SH_OK);
		for (size_t i = 0; i < na; i++)
			k += !strcmp(ar[i].command, "share-refused");
		sh_free(ar);
		assert_int_equal(k, 1);
		assert_int_equal(sh_wh_session_begin(e->s, "desk1", "share-use"), SH_OK);
	}
	/* the desk (no attach permission of its own) attaches what the share holds, only that */
	char pa2[SH_STORE_CODE_MAX], da2[SH_STORE_CODE_MAX];
	uint64_t idx = 0;
	put(e, A, 4, pa2, da2);
	assert_int_equal(sh_wh_attach(e->s, e->key, e->cat, da2, e->pa, NULL, 0, &idx), SH_EPERM);
	assert_int_equal(sh_wh_share_attach(e->s, e->key, e->cat, sh.code, da2, e->pb, &idx),
			 SH_ENOTFOUND);
	assert_int_equal(sh_wh_share_attach(e->s, e->key, e->cat, sh.code, da2, e->pa, &idx), SH_OK);
	assert_int_equal(sh_wh_share_attach(e->s, e->key, e->cat, sh.code, da2, e->pa, &idx),
			 SH_EEXISTS);
	assert_int_equal(log_entries(e, e->pa), before + 3); /* signed "reuse" */
	before++;
	/* the desk's read is the owner's to see */
	sh_wh_audit_rec *reads = NULL;
	size_t n = 0, desk = 0;
	assert_int_equal(sh_wh_session_citizen(e->s, A, NULL, "me-reads"), SH_OK);
	assert_int_equal(sh_wh_mine_reads(e->s, A, &reads, &n), SH_OK);
	for (size_t i = 0; i < n; i++)
		desk += !strcmp(reads[i].user, "desk1") && !strcmp(reads[i].dossier, e->da);
	sh_free(reads);
	assert_int_equal(desk, 1);
	/* B neither sees nor revokes it */
	sh_wh_share *list = NULL;
	assert_int_equal(sh_wh_session_citizen(e->s, B, NULL, "me-shares"), SH_OK);
	assert_int_equal(sh_wh_share_list(e->s, &list, &n), SH_OK);
	assert_int_equal(n, 0);
	sh_free(list);
	assert_int_equal(sh_wh_share_revoke(e->s, e->key, sh.code), SH_ENOTFOUND);
	assert_int_equal(sh_wh_session_citizen(e->s, A, NULL, "me-shares"), SH_OK);
	assert_int_equal(sh_wh_share_list(e->s, &list, &n), SH_OK);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].uses, 1);
	sh_free(list);
	assert_int_equal(sh_wh_share_revoke(e->s, e->key, sh.code), SH_OK);
	assert_int_equal(sh_wh_share_revoke(e->s, e->key, sh.code), SH_EEXISTS);
	assert_int_equal(log_entries(e, e->pa), before + 3); /* signed "share-revoke" */
	assert_int_equal(sh_wh_session_begin(e->s, "clerk1", "share-use"), SH_OK);
	assert_int_equal(sh_wh_share_use(e->s, e->key, e->cat, sh.code, NULL, &used), SH_ENOTFOUND);
	assert_int_equal(sh_wh_share_attach(e->s, e->key, e->cat, sh.code, da2, e->pa, &idx),
			 SH_ENOTFOUND);
}

static void correction(void **state)
{
	struct env *e = *state;
	operators(e);
	uint64_t id = 0;
	assert_int_equal(sh_wh_session_citizen(e->s, A, NULL, "me-correct"), SH_OK);
	assert_int_equal(sh_wh_correction_report(e->s, e->pb, "owner_name", "X", "sai", &id),
			 SH_ENOTFOUND);
	assert_int_equal(sh_wh_correction_report(e->s, e->pa, "Owner Name!", "X", "sai", &id),
			 SH_EINVAL);
	assert_int_equal(sh_wh_correction_report(e->s, e->pa, "owner_name", "X", "", &id),
			 SH_EINVAL);
	assert_int_equal(sh_wh_correction_report(e->s, e->pa, "owner_name", "Đặng Văn Ân",
						 "dấu sai", &id), SH_OK);
	assert_int_equal(id, 1);
	sh_wh_correction out, *list = NULL;
	size_t n = 0, before = log_entries(e, e->pa);
	assert_int_equal(sh_wh_correction_apply(e->s, e->key, id, NULL, 0, &out), SH_EPERM);
	assert_int_equal(sh_wh_session_begin(e->s, "desk1", "corrections"), SH_OK);
	assert_int_equal(sh_wh_correction_list(e->s, 1, &list, &n), SH_EPERM);
	assert_int_equal(sh_wh_session_begin(e->s, "clerk1", "corrections"), SH_OK);
	assert_int_equal(sh_wh_correction_list(e->s, 1, &list, &n), SH_OK);
	assert_int_equal(n, 1);
	sh_free(list);
	assert_int_equal(sh_wh_correction_apply(e->s, e->key, 9, NULL, 0, &out), SH_ENOTFOUND);
	assert_int_equal(sh_wh_correction_apply(e->s, e->key, id, NULL, 0, &out), SH_OK);
	assert_int_equal(out.state, 1);
	assert_int_equal(log_entries(e, e->pa), before + 1); /* the signed correction */
	assert_int_equal(sh_wh_correction_apply(e->s, e->key, id, NULL, 1, &out), SH_EEXISTS);
	/* the original reading stays */
	sh_store_paper_rec *p = NULL;
	assert_int_equal(sh_store_paper_get(e->s, e->pa, &p), SH_OK);
	assert_non_null(strstr(p->facts, "Đặng Văn An"));
	sh_store_paper_rec_free(&p);
	assert_int_equal(sh_wh_correction_list(e->s, 1, &list, &n), SH_OK);
	assert_int_equal(n, 0);
	sh_free(list);
}

static void company(void **state)
{
	struct env *e = *state;
	sh_store_paper_rec *r = NULL;
	assert_int_equal(sh_wh_session_citizen(e->s, A, CO, "me-paper"), SH_OK);
	assert_string_equal(sh_wh_citizen_company(e->s), CO);
	assert_int_equal(sh_wh_paper_get(e->s, e->pc, &r), SH_OK);
	sh_store_paper_rec_free(&r);
	assert_int_equal(sh_wh_delegate(e->s, "12345", 1), SH_EINVAL);
	assert_int_equal(sh_wh_delegate(e->s, B, 1), SH_OK);
	assert_int_equal(sh_wh_delegate(e->s, B, 1), SH_EEXISTS);
	assert_int_equal(sh_wh_session_citizen(e->s, B, NULL, "me-paper"), SH_OK);
	assert_null(sh_wh_citizen_company(e->s)); /* authorised, not a representative */
	assert_int_equal(sh_wh_paper_get(e->s, e->pc, &r), SH_OK);
	sh_store_paper_rec_free(&r);
	assert_int_equal(sh_wh_delegate(e->s, A, 1), SH_EPERM);
	assert_int_equal(sh_wh_session_citizen(e->s, A, CO, "me-delegate"), SH_OK);
	assert_int_equal(sh_wh_delegate(e->s, B, 0), SH_OK);
	assert_int_equal(sh_wh_session_citizen(e->s, B, NULL, "me-paper"), SH_OK);
	assert_int_equal(sh_wh_paper_get(e->s, e->pc, &r), SH_ENOTFOUND);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest all[] = {
		cmocka_unit_test_setup_teardown(own_only, setup, teardown),
		cmocka_unit_test_setup_teardown(share, setup, teardown),
		cmocka_unit_test_setup_teardown(correction, setup, teardown),
		cmocka_unit_test_setup_teardown(company, setup, teardown),
	};
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	return cmocka_run_group_tests(all, NULL, NULL);
}
