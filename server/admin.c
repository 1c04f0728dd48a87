/* The administrator's routes of the JSON API (docs/SERVER.md): operators
 * and signing keys. Their permission (ADMIN, labels "user" and "keys") is
 * checked before they run (server.c), and again by the library. */
#define _GNU_SOURCE
#include "srv_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int srv_users_get(srv_ctx *c)
{
	sh_wh_user *us = NULL;
	size_t n = 0;
	int rc = sh_wh_user_list(c->srv->s, &us, &n);
	if (rc)
		return srv_fail(c, rc);
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++) {
		int role = 0, disabled = 0;
		char *enc = NULL;
		sh_wh_cred_get(c->srv->s, us[i].name, &role, &enc, &disabled);
		json_array_append_new(arr, json_pack("{s:o, s:s, s:b, s:b}", "name",
						     srv_str(us[i].name), "role",
						     sh_wh_role_name(us[i].role), "disabled", disabled,
						     "password", enc != NULL));
		sh_free(enc);
	}
	sh_free(us);
	return srv_json(c, 200, json_pack("{s:o}", "users", arr));
}

int srv_users_add(srv_ctx *c)
{
	json_t *b = srv_body_json(c);
	if (!b)
		return 0;
	const char *name = json_string_value(json_object_get(b, "name"));
	const char *role_s = json_string_value(json_object_get(b, "role"));
	const char *pw = json_string_value(json_object_get(b, "password"));
	size_t pwlen = json_string_length(json_object_get(b, "password"));
	int role = sh_wh_role_parse(role_s), rc;
	if (!name || !pw || !role) {
		json_decref(b);
		return srv_error(c, 400, "give \"name\", \"role\" (desk, clerk, archivist, admin, head) "
					 "and \"password\"");
	}
	char enc[SH_AUTH_ENCODED_MAX];
	if ((rc = sh_auth_hash(enc, pw, pwlen)) || (rc = sh_wh_user_add(c->srv->s, name, role)) ||
	    (rc = sh_wh_cred_set(c->srv->s, name, enc))) {
		json_decref(b);
		return srv_fail(c, rc);
	}
	json_t *o = json_pack("{s:o, s:s}", "name", srv_str(name), "role", sh_wh_role_name(role));
	json_decref(b);
	return srv_json(c, 201, o);
}

int srv_users_disable(srv_ctx *c)
{
	const char *name = c->param[0];
	int rc = sh_wh_user_disable(c->srv->s, name, 1);
	if (rc)
		return srv_fail(c, rc);
	size_t ended = sh_auth_session_end_user(c->srv->sess, name);
	return srv_json(c, 200, json_pack("{s:o, s:b, s:I}", "name", srv_str(name), "disabled", 1,
					  "sessions_ended", (json_int_t)ended));
}

int srv_users_password(srv_ctx *c)
{
	const char *name = c->param[0];
	json_t *b = srv_body_json(c);
	if (!b)
		return 0;
	const char *pw = json_string_value(json_object_get(b, "password"));
	size_t pwlen = json_string_length(json_object_get(b, "password"));
	int rc = pw ? sh_auth_set_password(c->srv->s, name, pw, pwlen) : SH_OK;
	json_decref(b);
	if (!pw)
		return srv_error(c, 400, "give \"password\"");
	if (rc)
		return srv_fail(c, rc);
	sh_auth_session_end_user(c->srv->sess, name);
	return srv_json(c, 200, json_pack("{s:o, s:b}", "name", srv_str(name), "ok", 1));
}

int srv_keys_get(srv_ctx *c)
{
	sh_sign_pubkey *k = NULL;
	size_t n = 0;
	int rc = sh_ledger_key_list(c->srv->s, &k, &n);
	if (rc)
		return srv_fail(c, rc);
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++) {
		/* with the warehouse's retirement and revocation applied */
		sh_sign_pubkey g;
		char *why = NULL;
		if (sh_ledger_key_get(c->srv->s, k[i].key_id, &g, &why))
			g = k[i];
		json_t *o = json_pack("{s:o, s:o, s:o, s:o, s:o}", "key_id", srv_str(g.key_id),
				      "name", srv_str(g.name), "title", srv_str(g.title),
				      "agency", srv_str(g.agency), "valid_from",
				      srv_when_json(g.valid_from));
		json_object_set_new(o, "valid_until", g.valid_until == SH_SIGN_NEVER
							      ? json_null()
							      : srv_when_json(g.valid_until));
		json_object_set_new(o, "revoked", g.revoked_at == SH_SIGN_NEVER
							  ? json_null()
							  : srv_when_json(g.revoked_at));
		json_object_set_new(o, "reason", why ? srv_str(why) : json_null());
		json_object_set_new(o, "server", json_boolean(c->srv->key &&
							      !strcmp(sh_sign_key_id(c->srv->key),
								      g.key_id)));
		sh_free(why);
		json_array_append_new(arr, o);
	}
	sh_free(k);
	return srv_json(c, 200, json_pack("{s:o}", "keys", arr));
}

/* Revoke a signing key with a reason (a signed "revocation" event made with
 * the server's key). The key the server signs with is refused: revoking it
 * would stop every change until a restart; rotate it with the command line. */
int srv_keys_revoke(srv_ctx *c)
{
	const char *id = c->param[0];
	json_t *b = srv_body_json(c);
	if (!b)
		return 0;
	const char *reason = json_string_value(json_object_get(b, "reason"));
	if (!reason || !*reason) {
		json_decref(b);
		return srv_error(c, 400, "give \"reason\": why the key is revoked");
	}
	if (!srv_need_key(c)) {
		json_decref(b);
		return 0;
	}
	if (!strcmp(sh_sign_key_id(c->srv->key), id)) {
		json_decref(b);
		return srv_error(c, 409, "this is the key the server signs with: rotate it with "
					 "`sohoa keys rotate` and restart the server, then revoke it");
	}
	sh_sign_pubkey k;
	int rc = sh_ledger_key_get(c->srv->s, id, &k, NULL);
	if (!rc)
		rc = sh_ledger_key_revoke(c->srv->s, c->srv->key, id, 0, reason);
	json_decref(b);
	if (rc)
		return srv_fail(c, rc);
	return srv_json(c, 200, json_pack("{s:o, s:b}", "key_id", srv_str(id), "revoked", 1));
}

/* Rotation is not done by a running server: the new key's passphrase would
 * travel over the network and the server would go on signing with the key
 * it unlocked at start (retired by the rotation). 409 with what to do. */
int srv_keys_rotate(srv_ctx *c)
{
	return srv_error(c, 409, "rotate the key on the server with `sohoa keys rotate`, then "
				 "restart `sohoa serve` with the new key's passphrase");
}

/* ---- uploads ------------------------------------------------------------------------ */

/* Parse and check a multipart upload: fields owner, procedure (dossiers
 * only) and one or more file parts named "file". */
