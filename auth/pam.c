/* Optional PAM login (sh_auth.h "PAM"): the password is checked by the
 * PAM stack of a service (dist/pam.d/sohoa: pam_unix, pam_sss, ...), the
 * role still comes from the warehouse's table of operators. Built only
 * when libpam0g-dev is there (SOHOA_HAVE_PAM); else every call refuses. */
#include "sh_auth.h"

#include <string.h>

#ifdef SOHOA_HAVE_PAM
#include <security/pam_appl.h>
#include <stdlib.h>

typedef struct conv_arg {
	const char *pw;
	size_t len;
} conv_arg;

/* The conversation: the password for every prompt with echo off (PAM asks
 * "Password: "), the name for an echo-on prompt is not expected (the user
 * is given to pam_start), informational messages are ignored. */
static int conv(int n, const struct pam_message **msg, struct pam_response **resp, void *arg)
{
	const conv_arg *a = arg;
	if (n <= 0 || n > PAM_MAX_NUM_MSG)
		return PAM_CONV_ERR;
	struct pam_response *r = calloc((size_t)n, sizeof *r);
	if (!r)
		return PAM_BUF_ERR;
	for (int i = 0; i < n; i++) {
		switch (msg[i]->msg_style) {
		case PAM_PROMPT_ECHO_OFF:
			if (!(r[i].resp = malloc(a->len + 1)))
				goto fail;
			memcpy(r[i].resp, a->pw, a->len);
			r[i].resp[a->len] = 0;
			break;
		case PAM_ERROR_MSG:
		case PAM_TEXT_INFO:
			break;
		default: /* PAM_PROMPT_ECHO_ON and anything else: nothing to say */
			goto fail;
		}
	}
	*resp = r;
	return PAM_SUCCESS;
fail:
	for (int i = 0; i < n; i++)
		if (r[i].resp) {
			explicit_bzero(r[i].resp, strlen(r[i].resp));
			free(r[i].resp);
		}
	free(r);
	return PAM_CONV_ERR;
}

/* PAM modules may ask for a delay after a failure (pam_unix, pam_faildelay):
 * the server's own throttle (sh_auth_throttle) answers that, and a worker
 * thread is not held asleep. */
static void no_delay(int retval, unsigned usec_delay, void *arg)
{
	(void)retval;
	(void)usec_delay;
	(void)arg;
}

int sh_auth_pam_check(const char *service, const char *confdir, const char *name,
		      const char *pw, size_t len)
{
	if (!service || !*service || !name || !*name || !pw || memchr(pw, 0, len))
		return sh_error_set(SH_EPERM, "wrong user name or password");
	conv_arg a = {pw, len};
	struct pam_conv pc = {conv, &a};
	pam_handle_t *h = NULL;
	int prc = confdir && *confdir ? pam_start_confdir(service, name, &pc, confdir, &h)
				      : pam_start(service, name, &pc, &h);
	if (prc != PAM_SUCCESS)
		return sh_error_set(SH_EIO, "PAM service %s cannot start: %s", service,
				    h ? pam_strerror(h, prc) : "pam_start failed");
	pam_set_item(h, PAM_FAIL_DELAY, (const void *)no_delay);
	pam_set_item(h, PAM_RUSER, "sohoa");
	prc = pam_authenticate(h, PAM_SILENT | PAM_DISALLOW_NULL_AUTHTOK);
	if (prc == PAM_SUCCESS) /* the account: expired, locked, outside its hours */
		prc = pam_acct_mgmt(h, PAM_SILENT | PAM_DISALLOW_NULL_AUTHTOK);
	int rc = SH_OK;
	switch (prc) {
	case PAM_SUCCESS:
		break;
	case PAM_AUTH_ERR:
	case PAM_USER_UNKNOWN:
	case PAM_MAXTRIES:
	case PAM_CRED_INSUFFICIENT:
	case PAM_ACCT_EXPIRED:
	case PAM_NEW_AUTHTOK_REQD: /* a password to change first: not through us */
	case PAM_PERM_DENIED:
		rc = sh_error_set(SH_EPERM, "wrong user name or password");
		break;
	default: /* the stack itself fails (a module missing, sssd down) */
		rc = sh_error_set(SH_EIO, "PAM service %s: %s", service, pam_strerror(h, prc));
	}
	pam_end(h, prc);
	return rc;
}

int sh_auth_pam_available(void)
{
	return 1;
}

#else

int sh_auth_pam_check(const char *service, const char *confdir, const char *name,
		      const char *pw, size_t len)
{
	(void)service, (void)confdir, (void)name, (void)pw, (void)len;
	return sh_error_set(SH_EINVAL, "this sohoa was built without PAM (libpam0g-dev)");
}

int sh_auth_pam_available(void)
{
	return 0;
}

#endif

int sh_auth_login_pam(sh_store *s, const char *service, const char *confdir, const char *name,
		      const char *pw, size_t len, int *out_role)
{
	int role = 0, disabled = 0;
	*out_role = 0;
	int rc = sh_wh_cred_get(s, name, &role, NULL, &disabled);
	if (rc && rc != SH_ENOTFOUND && rc != SH_EINVAL)
		return rc;
	int known = rc == SH_OK && !disabled;
	/* a well-formed name goes to PAM even when the warehouse does not know
	 * it, so the time taken does not say which accounts have a role */
	int prc = rc == SH_EINVAL ? SH_EPERM : sh_auth_pam_check(service, confdir, name, pw, len);
	if (prc && prc != SH_EPERM)
		return prc;
	if (!known || prc) /* deny by default: a PAM account without a role is refused */
		return sh_error_set(SH_EPERM, "wrong user name or password");
	*out_role = role;
	return SH_OK;
}
