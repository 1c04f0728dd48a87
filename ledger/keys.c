/* Making and rotating a signer's key (sh_ledger.h): the key file, its
 * registration in the warehouse and the signed "rotation" event, in the
 * order that never leaves a registered key without its file nor a retired
 * key without a successor. The front end asks for the passphrase and prints. */
#include "ledger_int.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Make the folders above path (mode 0700); those that exist are kept. */
static int mkdir_parent(const char *path)
{
	char *d = sh_strdup(path);
	if (!d)
		return SH_ENOMEM;
	for (char *c = d + 1; *c; c++)
		if (*c == '/') {
			*c = 0;
			mkdir(d, 0700);
			*c = '/';
		}
	sh_free(d);
	return SH_OK;
}

int sh_ledger_key_new(sh_store *s, const char *path, const char *pass, const char *signer,
		      const char *title, long days, sh_sign_key **out, sh_sign_pubkey *pub)
{
	*out = NULL;
	if (access(path, F_OK) == 0)
		return sh_error_set(SH_EEXISTS, "%s already holds a key: use `sohoa keys rotate`, "
						"or --out another file", path);
	sh_sign_key *key = NULL;
	sh_buf pubfile = SH_BUF_INIT;
	int64_t now = sh_now();
	int rc = sh_sign_key_generate(&key);
	if (!rc)
		rc = sh_sign_pubkey_make(pub, key, signer, title, sh_store_agency(s), now,
					 days > 0 ? now + days * 86400 : SH_SIGN_NEVER);
	if (!rc)
		rc = sh_sign_pubkey_export(&pubfile, pub, key);
	if (!rc)
		rc = mkdir_parent(path);
	if (!rc)
		rc = sh_sign_key_save_file(path, key, pass, NULL);
	if (!rc && (rc = sh_ledger_key_register(s, pubfile.data, pubfile.len)))
		unlink(path); /* not registered: the file would be useless */
	sh_buf_free(&pubfile);
	if (rc)
		sh_sign_key_free(&key);
	else
		*out = key;
	return rc;
}

int sh_ledger_key_rotate(sh_store *s, const sh_sign_key *old, const char *path, const char *pass,
			 sh_sign_pubkey *pub, sh_sign_pubkey *oldpub, char **retired_path)
{
	*retired_path = NULL;
	sh_sign_key *key = NULL;
	char *newpath = sh_asprintf("%s.new", path), *oldpath = NULL;
	int rc = newpath ? sh_ledger_key_get(s, sh_sign_key_id(old), oldpub, NULL) : SH_ENOMEM;
	/* the new key first, registered; then the old one retired (a signed
	 * event made with it); then the files swapped */
	if (!rc && !(rc = sh_ledger_key_new(s, newpath, pass, oldpub->name, oldpub->title, 0, &key,
					     pub)) &&
	    !(rc = sh_ledger_key_retire(s, old, oldpub->key_id, 0))) {
		oldpath = sh_asprintf("%s.%.16s.retired", path, oldpub->key_id);
		if (!oldpath || rename(path, oldpath) || rename(newpath, path))
			rc = sh_error_set(SH_EIO, "keys rotated in the warehouse, but the key files "
						  "could not be swapped: the new key is %s", newpath);
	}
	sh_sign_key_free(&key);
	sh_free(newpath);
	if (rc)
		sh_free(oldpath);
	else
		*retired_path = oldpath;
	return rc;
}
