/* Operators, roles and the audit of reads (docs/WAREHOUSE.md "Roles"). */
#include "wh_int.h"

#include <stdio.h>
#include <string.h>

static const struct {
	const char *name;
	int role;
} roles[] = {
	{"desk", SH_WH_ROLE_DESK},
	{"clerk", SH_WH_ROLE_CLERK},
	{"archivist", SH_WH_ROLE_ARCHIVIST},
	{"admin", SH_WH_ROLE_ADMIN},
	{"head", SH_WH_ROLE_HEAD},
};

int sh_wh_role_parse(const char *name)
{
	for (size_t i = 0; name && i < sizeof roles / sizeof *roles; i++)
		if (!strcmp(roles[i].name, name))
			return roles[i].role;
	return 0;
}

const char *sh_wh_role_name(int role)
{
	for (size_t i = 0; i < sizeof roles / sizeof *roles; i++)
		if (roles[i].role == role)
			return roles[i].name;
	return "unknown";
}

/* What each role may do (docs/WAREHOUSE.md "Roles"). Reads of personal
 * papers (show; search, owner) are for the clerk; the desk sees only the
 * reuse view of the owner it is receiving (REUSE, see sh_wh_may); the
 * archivist verifies and exports; the admin manages keys and operators and
 * is not given personal data; the head of office (lãnh đạo) reads the
 * indicators and nothing personal. Anything not granted here is refused. */
static const struct {
	int role;
	unsigned perms;
} grants[] = {
	{SH_WH_ROLE_DESK, SH_WH_PERM_INGEST | SH_WH_PERM_READ | SH_WH_PERM_RECOGNISE |
				  SH_WH_PERM_REUSE},
	{SH_WH_ROLE_CLERK, SH_WH_PERM_READ | SH_WH_PERM_READ_OWNER | SH_WH_PERM_ATTACH |
				   SH_WH_PERM_REVOKE | SH_WH_PERM_REPORT | SH_WH_PERM_RECOGNISE |
				   SH_WH_PERM_REUSE | SH_WH_PERM_CERTIFY},
	{SH_WH_ROLE_ARCHIVIST, SH_WH_PERM_READ | SH_WH_PERM_REPORT | SH_WH_PERM_CHECK |
				       SH_WH_PERM_VERIFY | SH_WH_PERM_BACKUP | SH_WH_PERM_AUDIT},
	{SH_WH_ROLE_ADMIN, SH_WH_PERM_ADMIN | SH_WH_PERM_REPORT | SH_WH_PERM_CHECK |
				   SH_WH_PERM_BACKUP | SH_WH_PERM_AUDIT | SH_WH_PERM_IMPORT},
	{SH_WH_ROLE_HEAD, SH_WH_PERM_REPORT},
};

static const char *const perm_names[] = {"ingest", "read",  "read-owner", "attach",
					 "revoke", "report", "check",     "verify",
					 "backup", "audit",  "admin",     "recognise",
					 "reuse", "certify", "import", "own", "replicate", "office-fetch"};

unsigned sh_wh_role_perms(int role)
{
	for (size_t i = 0; i < sizeof grants / sizeof *grants; i++)
		if (grants[i].role == role)
			return grants[i].perms;
	return 0;
}

const char *sh_wh_perm_name(unsigned perm)
{
	for (size_t i = 0; i < sizeof perm_names / sizeof *perm_names; i++)
		if (perm == 1u << i)
			return perm_names[i];
	return "unknown";
}

static int user_name_ok(const char *n)
{
	size_t len = n ? strlen(n) : 0;
	if (!len || len > 32)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!((n[i] >= 'a' && n[i] <= 'z') || (n[i] >= '0' && n[i] <= '9') || n[i] == '.' ||
		      n[i] == '_' || n[i] == '-'))
			return 0;
	return 1;
}

static int bad_name(const char *n)
{
	return sh_error_set(SH_EINVAL, "operator name '%s': use 1 to 32 of a-z 0-9 . _ -",
			    n ? n : "");
}

/* ---- operator changes in the audit chain ----------------------------------
 * Every change of the user table is also a row of the audit trail (command
 * "user add" / "user del", code = the operator, dossier = the role), so the
 * table is the replay of the chain, which the signed log seals
 * (docs/SIGNING.md §8). meta "users" marks that operators have existed: an
 * empty table then never means "everything allowed". */
#define USERS_MARK "users"

static int audit_row(sh_store *s, MDB_txn *txn, MDB_cursor *c, const char *actor,
		     const char *command, const char *code, const char *dossier, int *lrc)
{
	rec_w w;
	memset(&w, 0, sizeof w);
	rec_begin(&w, REC_AUDIT);
	rec_i64(&w, A_WHEN, sh_now());
	rec_str(&w, A_USER, actor && *actor ? actor : "-");
	rec_str(&w, A_COMMAND, command);
	rec_str(&w, A_CODE, code);
	rec_str(&w, A_DOSSIER, dossier);
	int rc = w.err;
	if (!rc)
		rc = ledger_audit_append(s, txn, c, w.b.data, w.b.len, lrc);
	sh_buf_free(&w.b);
	return rc;
}

/* Record a user change in txn: first, in a warehouse whose operators
 * predate the chain, one "user import" row per operator there is. */
int wh_user_event(sh_store *s, MDB_txn *txn, const char *command, const char *name,
		  const char *role, int *lrc)
{
	MDB_cursor *c = NULL, *u = NULL;
	MDB_val mk = {sizeof USERS_MARK - 1, USERS_MARK}, mv = {1, "1"}, k, v;
	int rc = SH_OK;
	const char *actor = sh_wh_operator(s);
	if ((*lrc = mdb_cursor_open(txn, s->audit, &c)))
		return SH_OK;
	if ((*lrc = mdb_get(txn, s->meta, &mk, &v)) == MDB_NOTFOUND) {
		if ((*lrc = mdb_cursor_open(txn, s->user, &u)))
			goto out;
		while (!rc && !*lrc && (*lrc = mdb_cursor_get(u, &k, &v, MDB_NEXT)) == 0) {
			char n[40], r[16];
			snprintf(n, sizeof n, "%.*s", (int)(k.mv_size < 39 ? k.mv_size : 39),
				 (char *)k.mv_data);
			snprintf(r, sizeof r, "%.*s", (int)(v.mv_size < 15 ? v.mv_size : 15),
				 (char *)v.mv_data);
			if (!strcmp(n, name) && !strcmp(command, "user add"))
				continue; /* the one being added is recorded below */
			rc = audit_row(s, txn, c, "-", "user import", n, r, lrc);
			char pw[2 * 16 + 1];
			int dis = 0, has = 0;
			if (!rc && !*lrc)
				rc = wh_cred_digest(s, txn, n, &dis, pw, &has);
			if (!rc && !*lrc && has)
				rc = audit_row(s, txn, c, "-", "user passwd", n, pw, lrc);
			if (!rc && !*lrc && dis)
				rc = audit_row(s, txn, c, "-", "user disable", n, r, lrc);
		}
		if (*lrc == MDB_NOTFOUND)
			*lrc = 0;
		if (rc || *lrc)
			goto out;
		if ((*lrc = mdb_put(txn, s->meta, &mk, &mv, 0)))
			goto out;
	} else if (*lrc) {
		goto out;
	}
	rc = audit_row(s, txn, c, actor, command, name, role, lrc);
out:
	if (u)
		mdb_cursor_close(u);
	mdb_cursor_close(c);
	return rc;
}

struct user_w {
	const char *name, *role;
};

static int user_add_fn(sh_store *s, MDB_txn *txn, void *arg)
{
	const struct user_w *u = arg;
	MDB_val k = {strlen(u->name), (void *)u->name}, v = {strlen(u->role), (void *)u->role};
	int lrc = mdb_put(txn, s->user, &k, &v, MDB_NOOVERWRITE), rc;
	if (lrc == MDB_KEYEXIST)
		return sh_error_set(SH_EEXISTS, "operator %s already exists: remove them first to "
						"change the role", u->name);
	if (!lrc && (rc = wh_user_event(s, txn, "user add", u->name, u->role, &lrc)))
		return rc;
	return lrc ? store_write_err(s, lrc, "adding the operator") : SH_OK;
}

static int user_del_fn(sh_store *s, MDB_txn *txn, void *arg)
{
	const struct user_w *u = arg;
	MDB_val k = {strlen(u->name), (void *)u->name}, v;
	char role[16] = "";
	int lrc = mdb_get(txn, s->user, &k, &v), rc;
	if (lrc == MDB_NOTFOUND)
		return sh_error_set(SH_ENOTFOUND, "no operator named %s", u->name);
	if (!lrc)
		snprintf(role, sizeof role, "%.*s", (int)(v.mv_size < 15 ? v.mv_size : 15),
			 (char *)v.mv_data);
	MDB_stat st;
	if (!lrc && !(lrc = mdb_stat(txn, s->user, &st)) && st.ms_entries == 1)
		return sh_error_set(SH_EINVAL, "%s is the last operator: once operators exist the "
					       "warehouse is never without one (add another admin "
					       "first)", u->name);
	if (!lrc)
		lrc = mdb_del(txn, s->user, &k, NULL);
	if (!lrc && (rc = wh_user_event(s, txn, "user del", u->name, role, &lrc)))
		return rc;
	return lrc ? store_write_err(s, lrc, "removing the operator") : SH_OK;
}

int sh_wh_user_add(sh_store *s, const char *name, int role)
{
	int prc = sh_wh_may(s, SH_WH_PERM_ADMIN);
	if (prc)
		return prc;
	if (!user_name_ok(name))
		return bad_name(name);
	if (!role || !strcmp(sh_wh_role_name(role), "unknown"))
		return sh_error_set(SH_EINVAL, "unknown role: use desk, clerk, archivist, admin or head");
	struct user_w u = {name, sh_wh_role_name(role)};
	return store_write(s, 0, "adding the operator", user_add_fn, &u);
}

int sh_wh_user_del(sh_store *s, const char *name)
{
	int prc = sh_wh_may(s, SH_WH_PERM_ADMIN);
	if (prc)
		return prc;
	if (!user_name_ok(name))
		return bad_name(name);
	struct user_w u = {name, NULL};
	return store_write(s, 0, "removing the operator", user_del_fn, &u);
}

static int role_txn(sh_store *s, MDB_txn *txn, const char *name, int *role)
{
	MDB_val k = {strlen(name), (void *)name}, v;
	int lrc = mdb_get(txn, s->user, &k, &v);
	if (lrc == MDB_NOTFOUND)
		return sh_error_set(SH_ENOTFOUND, "no operator named %s", name);
	if (lrc)
		return store_lmdb_err(lrc, "operators");
	char buf[16];
	if (v.mv_size >= sizeof buf)
		return sh_error_set(SH_ECORRUPT, "operator %s has a damaged role", name);
	memcpy(buf, v.mv_data, v.mv_size);
	buf[v.mv_size] = 0;
	if (!(*role = sh_wh_role_parse(buf)))
		return sh_error_set(SH_ECORRUPT, "operator %s has an unknown role '%s'", name, buf);
	return SH_OK;
}

int sh_wh_user_role(sh_store *s, const char *name, int *out_role)
{
	*out_role = 0;
	if (!user_name_ok(name))
		return bad_name(name);
	MDB_txn *txn;
	int rc = store_txn_begin(s, MDB_RDONLY, &txn);
	if (rc)
		return rc;
	rc = role_txn(s, txn, name, out_role);
	mdb_txn_abort(txn);
	return rc;
}

int sh_wh_user_list(sh_store *s, sh_wh_user **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	MDB_txn *txn;
	MDB_cursor *c = NULL;
	/* any operator: whoami tells whether operators exist; names and roles
	 * of operators are not personal data of the people served */
	int rc = store_txn_begin(s, MDB_RDONLY, &txn), lrc;
	if (rc)
		return rc;
	MDB_stat st;
	if ((lrc = mdb_stat(txn, s->user, &st)) || (lrc = mdb_cursor_open(txn, s->user, &c))) {
		rc = store_lmdb_err(lrc, "operators");
		goto out;
	}
	if (st.ms_entries && !(*out = sh_calloc(st.ms_entries, sizeof **out))) {
		rc = SH_ENOMEM;
		goto out;
	}
	MDB_val k, v;
	while (*n < st.ms_entries && (lrc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) == 0) {
		sh_wh_user *u = &(*out)[*n];
		size_t kn = k.mv_size < sizeof u->name ? k.mv_size : sizeof u->name - 1;
		memcpy(u->name, k.mv_data, kn);
		u->name[kn] = 0;
		if ((rc = role_txn(s, txn, u->name, &u->role)))
			goto out;
		(*n)++;
	}
out:
	if (c)
		mdb_cursor_close(c);
	mdb_txn_abort(txn);
	if (rc) {
		sh_free(*out);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

/* ---- the session ------------------------------------------------------ */

/* The session is per thread and per handle: a multi-threaded server shares
 * one handle and begins a session for each request on the thread that
 * serves it; a thread without a session on this handle has none. */
typedef struct wh_session {
	const sh_store *s;
	int begun, bootstrap, role, emptied;
	unsigned perms;
	char operator[40], via[24];
	int citizen;                           /* a person logged in (citizen.c) */
	size_t nowners;                        /* the owners whose papers they read */
	char owners[SH_WH_CITIZEN_OWNERS][16]; /* [0]: the person; then companies */
	char company[16];                      /* the company they represent, or "" */
} wh_session;
static _Thread_local wh_session tls_session;

static const wh_session *sess(const sh_store *s)
{
	static const wh_session none;
	return tls_session.s == s ? &tls_session : &none;
}

/* Are there operators? 1 yes, 0 none (bootstrap), 2 none but there were
 * (an emptied table: nothing but verify and check), <0 error. */
static int have_users(sh_store *s, MDB_txn *txn)
{
	MDB_stat st;
	MDB_val mk = {sizeof USERS_MARK - 1, USERS_MARK}, mv;
	int lrc = mdb_stat(txn, s->user, &st);
	if (lrc)
		return store_lmdb_err(lrc, "operators");
	if (st.ms_entries)
		return 1;
	/* operators have existed: an emptied table allows nothing */
	lrc = mdb_get(txn, s->meta, &mk, &mv);
	if (lrc && lrc != MDB_NOTFOUND)
		return store_lmdb_err(lrc, "operators");
	if (!lrc)
		return 2;
	/* the mark gone too: the signed log still says operators existed */
	uint64_t sealed = 0;
	int rc = ledger_sealed_users(s, txn, &sealed);
	return rc ? rc : sealed ? 2 : 0;
}

/* What each front-end action needs: the command line's commands and the
 * office server's routes name the same actions, so neither keeps a table of
 * its own. Deny by default: an action not listed needs every permission
 * (nobody has them all), except the ones listed with 0 (nothing personal). */
static const struct {
	const char *action;
	unsigned perm;
} actions[] = {
	{"help", 0}, {"version", 0}, {"whoami", 0}, {"verify-bundle", 0}, {"me", 0},
	{"serve", 0}, /* the server authenticates each request itself */
	{"procedures", 0}, /* the catalogue: nothing personal */
	{"login", 0}, {"logout", 0}, /* with an office server, not this warehouse */
	{"init", SH_WH_PERM_ADMIN}, {"user", SH_WH_PERM_ADMIN}, {"keys", SH_WH_PERM_ADMIN},
	{"agency", SH_WH_PERM_ADMIN}, {"restore", SH_WH_PERM_ADMIN}, {"station", SH_WH_PERM_ADMIN},
	{"certs", SH_WH_PERM_ADMIN}, {"witnesses", SH_WH_PERM_ADMIN},
	/* a witness of other offices' logs: nothing of this warehouse; its
	 * served route (witness-serve) needs no login, it is a public protocol */
	{"witness", 0}, {"witness-serve", 0},
	{"checkpoint", SH_WH_PERM_INGEST},
	{"ingest", SH_WH_PERM_INGEST}, {"scan", SH_WH_PERM_INGEST}, {"batch", SH_WH_PERM_INGEST},
	{"watch", SH_WH_PERM_INGEST}, {"devices", SH_WH_PERM_INGEST}, {"result", SH_WH_PERM_INGEST},
	{"archive", SH_WH_PERM_INGEST},
	{"archive-totals", SH_WH_PERM_ADMIN}, /* registry totals of results in force */
	{"archive-report", SH_WH_PERM_REPORT}, /* the backlog's digitising indicator */
	{"ocr", SH_WH_PERM_RECOGNISE}, {"extract", SH_WH_PERM_RECOGNISE},
	{"show", SH_WH_PERM_READ}, {"receipt", SH_WH_PERM_READ},
	{"find", SH_WH_PERM_READ_OWNER}, {"search", SH_WH_PERM_READ_OWNER},
	{"owner", SH_WH_PERM_READ_OWNER}, {"reuse", SH_WH_PERM_REUSE},
	{"attach", SH_WH_PERM_ATTACH}, {"revoke", SH_WH_PERM_REVOKE}, {"validity", SH_WH_PERM_REVOKE},
	{"report", SH_WH_PERM_REPORT},
	{"check", SH_WH_PERM_CHECK},
	{"verify", SH_WH_PERM_VERIFY}, {"export-proof", SH_WH_PERM_VERIFY},
	{"export-tiff", SH_WH_PERM_VERIFY}, {"export-bag", SH_WH_PERM_VERIFY},
	{"export-pdf", SH_WH_PERM_READ},
	{"certify", SH_WH_PERM_CERTIFY}, /* export-pdf --certify: both READ and CERTIFY */
	{"certified", SH_WH_PERM_AUDIT}, {"import-bag", SH_WH_PERM_IMPORT},
	/* where the blobs live (docs/OBJSTORE.md): moving them is the admin's */
	{"blobs-status", SH_WH_PERM_CHECK}, {"blobs-drain", SH_WH_PERM_INGEST},
	{"blobs-migrate", SH_WH_PERM_ADMIN},
	{"backup", SH_WH_PERM_BACKUP}, {"audit", SH_WH_PERM_AUDIT}, {"log", SH_WH_PERM_AUDIT},
	/* the citizen's own warehouse (docs/CITIZEN.md): a citizen session has
	 * OWN only, and every call checks the owner itself (citizen.c) */
	{"me-papers", SH_WH_PERM_OWN}, {"me-paper", SH_WH_PERM_OWN}, {"me-page", SH_WH_PERM_OWN},
	{"me-pdf", SH_WH_PERM_OWN}, {"me-proof", SH_WH_PERM_OWN}, {"me-reads", SH_WH_PERM_OWN},
	{"me-shares", SH_WH_PERM_OWN}, {"me-share", SH_WH_PERM_OWN},
	{"me-share-revoke", SH_WH_PERM_OWN}, {"me-corrections", SH_WH_PERM_OWN},
	{"me-correct", SH_WH_PERM_OWN}, {"me-delegates", SH_WH_PERM_OWN},
	{"me-delegate", SH_WH_PERM_OWN},
	/* the desk takes a share code; the clerk works the corrections queue */
	{"share-use", SH_WH_PERM_REUSE}, {"corrections", SH_WH_PERM_REVOKE},
	/* a province's replica of this office (docs/REPLICATION.md): the office
	 * server's replication routes; the province's own commands */
	{"replica-serve", SH_WH_PERM_REPLICATE}, {"replica-paper", SH_WH_PERM_OFFICE}, {"replicate", SH_WH_PERM_IMPORT},
	{"office", SH_WH_PERM_ADMIN},
};

unsigned sh_wh_action_perm(const char *action)
{
	for (size_t i = 0; action && i < sizeof actions / sizeof *actions; i++)
		if (!strcmp(actions[i].action, action))
			return actions[i].perm;
	return SH_WH_PERM_ALL;
}

int sh_wh_session_may(sh_store *s, const char *operator, const char *action)
{
	int rc = sh_wh_session_begin(s, operator, action);
	return rc ? rc : sh_wh_may(s, sh_wh_action_perm(action));
}

int sh_wh_session_begin(sh_store *s, const char *operator, const char *via)
{
	wh_session *ss = &tls_session;
	memset(ss, 0, sizeof *ss);
	snprintf(ss->via, sizeof ss->via, "%s", via && *via ? via : "-");
	MDB_txn *txn;
	int rc = store_txn_begin(s, MDB_RDONLY, &txn), role = 0;
	if (rc)
		return rc;
	int users = have_users(s, txn);
	if (users < 0) {
		rc = users;
	} else if (!users) {
		/* Bootstrap rule: a warehouse without operators lets anyone do
		 * anything, so `init` and the first `user add --role admin` work. */
		ss->bootstrap = 1;
	} else if (!operator || !*operator) {
		rc = sh_error_set(SH_EPERM, "who is operating? set SOHOA_USER or write your "
					    "operator name in ~/.config/sohoa/user");
	} else if (users == 2) {
		/* operators have existed and the table is empty: nothing is allowed
		 * but verifying and checking, which name what was removed */
		ss->emptied = 1;
	} else if (!user_name_ok(operator) || role_txn(s, txn, operator, &role)) {
		rc = sh_error_set(SH_EPERM, "'%s' is not an operator of this warehouse: ask an "
					    "admin (sohoa user add)", operator);
	}
	mdb_txn_abort(txn);
	if (rc)
		return rc;
	if (operator && *operator)
		snprintf(ss->operator, sizeof ss->operator, "%s", operator);
	ss->role = role;
	ss->perms = ss->emptied ? SH_WH_PERM_VERIFY | SH_WH_PERM_CHECK : sh_wh_role_perms(role);
	ss->s = s;
	ss->begun = 1;
	return SH_OK;
}

int sh_wh_session_station(sh_store *s, const char *name)
{
	char (*names)[33] = NULL;
	size_t n = 0;
	int rc = wh_station_names(s, &names, &n), known = 0;
	for (size_t i = 0; !rc && name && i < n; i++)
		known |= !strcmp(names[i], name);
	sh_free(names);
	if (rc)
		return rc;
	if (!known)
		return sh_error_set(SH_EPERM, "'%.32s' is not a capture station of this warehouse",
				    name ? name : "");
	wh_session *ss = &tls_session;
	memset(ss, 0, sizeof *ss);
	int replica = sh_wh_station_is_replica(s, name);
	char office[SH_SIGN_AGENCY_MAX + 1];
	int is_office = !replica && sh_wh_station_office(s, name, office);
	snprintf(ss->via, sizeof ss->via, replica ? "replicate" : is_office ? "office" : "station");
	if (is_office) /* its reads are that agency's, in the audit */
		snprintf(ss->operator, sizeof ss->operator, "office:%s", office);
	else
		snprintf(ss->operator, sizeof ss->operator, "%s:%s",
			 replica ? "replica" : "station", name);
	/* a station only brings papers in; a province's replica only reads the
	 * log; an office only reads one paper at a time for reuse */
	ss->perms = replica ? SH_WH_PERM_REPLICATE : is_office ? SH_WH_PERM_OFFICE : SH_WH_PERM_INGEST;
	ss->s = s;
	ss->begun = 1;
	return SH_OK;
}

const char *sh_wh_operator(const sh_store *s)
{
	return sess(s)->begun && sess(s)->operator[0] ? sess(s)->operator : NULL;
}

/* The reuse view (sh_wh_reuse_plan) reads an owner's papers (READ_OWNER).
 * A session begun for the action "reuse" by a role holding REUSE (the desk)
 * may make that one read: the owner whose dossier it is receiving, asked
 * for by id with a procedure, recorded in the audit with the purpose
 * "reuse". The same role cannot search or list owners (other actions). */
static unsigned scoped_perms(const wh_session *ss)
{
	unsigned p = ss->perms;
	if ((p & SH_WH_PERM_REUSE) && !strcmp(ss->via, "reuse"))
		p |= SH_WH_PERM_READ_OWNER;
	return p;
}

int sh_wh_may(sh_store *s, unsigned perm)
{
	if (!perm || (sess(s)->begun && (sess(s)->bootstrap || (scoped_perms(sess(s)) & perm) == perm)))
		return SH_OK;
	if (sess(s)->begun) {
		sh_buf b = SH_BUF_INIT;
		for (size_t i = 0; i < sizeof grants / sizeof *grants; i++)
			if ((grants[i].perms & perm) == perm)
				sh_buf_printf(&b, "%s%s", b.len ? ", " : "",
					      sh_wh_role_name(grants[i].role));
		int rc = sh_error_set(SH_EPERM, "operator %s has the role %s; this needs the "
						"permission '%s', given to: %s", sess(s)->operator,
				      sh_wh_role_name(sess(s)->role), sh_wh_perm_name(perm),
				      b.data ? (char *)b.data : "nobody");
		sh_buf_free(&b);
		return rc;
	}
	/* No session: allowed only while the warehouse has no operator. */
	MDB_txn *txn;
	int rc = store_txn_begin(s, MDB_RDONLY, &txn);
	if (rc)
		return rc;
	int users = have_users(s, txn);
	mdb_txn_abort(txn);
	if (users < 0)
		return users;
	if (users == 2 && (perm & ~(SH_WH_PERM_VERIFY | SH_WH_PERM_CHECK)) == 0)
		return SH_OK;
	return users ? sh_error_set(SH_EPERM, "this warehouse has operators: say who is operating "
					      "(sh_wh_session_begin) before '%s'",
				    sh_wh_perm_name(perm))
		     : SH_OK;
}

const char *wh_operator_or(sh_store *s, const char *given)
{
	return sess(s)->begun ? sh_wh_operator(s) : given;
}

int wh_audit_session(sh_store *s, const char *const *codes, size_t n, const char *dossier)
{
	if (!sess(s)->begun)
		return SH_OK; /* no session: bootstrap or a program of its own; nothing to attribute */
	/* with a group (the office server's threads) the entries share one
	 * commit with the reads audited at the same moment; durable either way
	 * before this returns, so before the caller answers */
	sh_wh_audit_group *g = wh_audit_group_of(s);
	return g ? wh_audit_group_queue(g, s, sh_wh_operator(s), sess(s)->via, codes, n, dossier)
		 : sh_wh_audit_reads(s, sh_wh_operator(s), sess(s)->via, codes, n, dossier, 0);
}

/* ---- audit of reads ---------------------------------------------------------- */

int sh_wh_audit_reads(sh_store *s, const char *user, const char *command,
			 const char *const *codes, size_t n, const char *dossier, int64_t when)
{
	if (!n)
		return SH_OK;
	wh_audit_node one = {NULL, user, command, dossier, codes, n, when ? when : sh_now(), 0, 0,
			     "", NULL};
	return wh_audit_write(s, &one);
}

int sh_wh_audit_seal(sh_store *s, const sh_sign_key *key)
{
	int rc = sh_wh_may(s, SH_WH_PERM_AUDIT);
	return rc ? rc : sh_ledger_audit_seal(s, key, 0);
}

int sh_wh_audit_read(sh_store *s, const char *user, const char *command, const char *code,
			const char *dossier, int64_t when)
{
	return sh_wh_audit_reads(s, user, command, &code, 1, dossier, when);
}

static int audit_decode(sh_wh_audit_rec *a, const void *data, size_t len)
{
	rec_r r;
	int rc = rec_open(&r, data, len, REC_AUDIT);
	if (rc)
		return rc;
	unsigned tag;
	const uint8_t *v;
	size_t n;
	uint64_t u;
	int have = 0;
	while ((rc = rec_next(&r, &tag, &v, &n)) == 1) {
		rc = SH_OK;
		char *dst = NULL;
		size_t cap = 0;
		switch (tag) {
		case A_WHEN:
			if ((rc = rec_get_u64(v, n, &u)))
				return rc;
			a->when = (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
			have |= 1;
			break;
		case A_USER: dst = a->user; cap = sizeof a->user; have |= 2; break;
		case A_COMMAND: dst = a->command; cap = sizeof a->command; break;
		case A_CODE: dst = a->code; cap = sizeof a->code; have |= 4; break;
		case A_DOSSIER: dst = a->dossier; cap = sizeof a->dossier; break;
		default: break;
		}
		if (dst) {
			size_t m = n < cap ? n : cap - 1;
			memcpy(dst, v, m);
			dst[m] = 0;
		}
	}
	if (rc < 0)
		return rc;
	return have == 7 ? SH_OK : sh_error_set(SH_ECORRUPT, "audit record lacks a field");
}

int wh_audit_decode(sh_wh_audit_rec *a, const void *data, size_t len)
{
	memset(a, 0, sizeof *a);
	return audit_decode(a, data, len);
}

int sh_wh_audit_list(sh_store *s, const char *user, const char *code, sh_wh_audit_rec **out,
			size_t *n)
{
	int prc = sh_wh_may(s, SH_WH_PERM_AUDIT);
	if (prc) {
		*out = NULL;
		*n = 0;
		return prc;
	}
	*out = NULL;
	*n = 0;
	MDB_txn *txn;
	MDB_cursor *c = NULL;
	int rc = store_txn_begin(s, MDB_RDONLY, &txn), lrc;
	if (rc)
		return rc;
	size_t cap = 0;
	MDB_val k, v;
	if ((lrc = mdb_cursor_open(txn, s->audit, &c))) {
		rc = store_lmdb_err(lrc, "audit of reads");
		goto out;
	}
	while ((lrc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) == 0) {
		sh_wh_audit_rec a;
		if (k.mv_size != 8 || wh_audit_decode(&a, v.mv_data, v.mv_size)) {
			rc = sh_error_set(SH_ECORRUPT, "the audit of reads is damaged: run sohoa check");
			goto out;
		}
		a.seq = store_rd64(k.mv_data);
		if ((user && strcmp(user, a.user)) || (code && strcmp(code, a.code)))
			continue;
		if (*n == cap) {
			size_t nc = cap ? cap * 2 : 16;
			sh_wh_audit_rec *na = sh_realloc(*out, nc * sizeof *na);
			if (!na) {
				rc = SH_ENOMEM;
				goto out;
			}
			*out = na;
			cap = nc;
		}
		(*out)[(*n)++] = a;
	}
out:
	if (c)
		mdb_cursor_close(c);
	mdb_txn_abort(txn);
	if (rc) {
		sh_free(*out);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

/* ---- audited reads by code ---------------------------------------------------- */

int sh_wh_dossier_get(sh_store *s, const char *code, sh_store_dossier_rec **out)
{
	*out = NULL;
	int rc = sh_wh_may(s, SH_WH_PERM_READ);
	if (rc || (rc = sh_store_dossier_get(s, code, out)))
		return rc;
	sh_store_dossier_rec *d = *out;
	if (!(rc = wh_audit_session(s, (const char *const *)d->papers, d->npapers, d->code)))
		rc = wh_audit_session(s, (const char *const *)d->results, d->nresults, d->code);
	if (rc)
		sh_store_dossier_rec_free(out);
	return rc;
}

int sh_wh_paper_get(sh_store *s, const char *code, sh_store_paper_rec **out)
{
	*out = NULL;
	if (sess(s)->citizen)
		return wh_citizen_paper_get(s, code, out);
	int rc = sh_wh_may(s, SH_WH_PERM_READ);
	if (rc || (rc = sh_store_paper_get(s, code, out)))
		return rc;
	const char *c = (*out)->code;
	if ((rc = wh_audit_session(s, &c, 1, (*out)->dossier)))
		sh_store_paper_rec_free(out);
	return rc;
}

/* ---- citizens (docs/CITIZEN.md) ---------------------------------------------- */

int sh_wh_session_citizen(sh_store *s, const char *person, const char *company, const char *via)
{
	wh_session *ss = &tls_session;
	memset(ss, 0, sizeof *ss);
	int kind = 0;
	char norm[16], co[16] = "";
	if (sh_id_owner_check(&kind, norm, person) || kind != SH_OWNER_PERSON)
		return sh_error_set(SH_EPERM, "a citizen session needs a 12-digit personal id");
	if (company && *company && (sh_id_owner_check(&kind, co, company) || kind == SH_OWNER_PERSON))
		return sh_error_set(SH_EPERM, "'%.20s' is not a tax code", company);
	char dele[SH_WH_CITIZEN_OWNERS][16];
	size_t nd = 0;
	int rc = wh_delegations_of(s, norm, dele, SH_WH_CITIZEN_OWNERS - 2, &nd);
	if (rc)
		return rc;
	snprintf(ss->via, sizeof ss->via, "%s", via && *via ? via : "-");
	snprintf(ss->operator, sizeof ss->operator, "citizen:%s", norm);
	memcpy(ss->owners[ss->nowners++], norm, 16);
	if (co[0]) {
		memcpy(ss->owners[ss->nowners++], co, 16);
		memcpy(ss->company, co, 16);
	}
	for (size_t i = 0; i < nd; i++)
		if (strcmp(dele[i], co))
			memcpy(ss->owners[ss->nowners++], dele[i], 16);
	ss->citizen = 1;
	ss->perms = SH_WH_PERM_OWN; /* never an officer's: bootstrap does not apply */
	ss->s = s;
	ss->begun = 1;
	return SH_OK;
}

const char *sh_wh_citizen(const sh_store *s)
{
	return sess(s)->begun && sess(s)->citizen ? sess(s)->owners[0] : NULL;
}

const char *sh_wh_citizen_company(const sh_store *s)
{
	const wh_session *ss = sess(s);
	return ss->begun && ss->citizen && ss->company[0] ? ss->company : NULL;
}

size_t sh_wh_citizen_owners(const sh_store *s, const char **out, size_t max)
{
	const wh_session *ss = sess(s);
	size_t n = 0;
	for (size_t i = 0; ss->begun && ss->citizen && i < ss->nowners && n < max; i++)
		out[n++] = ss->owners[i];
	return n;
}

int sh_wh_citizen_owns(sh_store *s, const char *owner)
{
	const wh_session *ss = sess(s);
	char norm[16];
	if (!ss->begun || !ss->citizen)
		return sh_error_set(SH_EPERM, "only the owner, logged in, sees this");
	if (owner && !sh_id_owner_check(NULL, norm, owner))
		for (size_t i = 0; i < ss->nowners; i++)
			if (!strcmp(ss->owners[i], norm))
				return SH_OK;
	return sh_error_set(SH_EPERM, "these papers are not yours");
}
