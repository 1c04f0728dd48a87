/* sohoa serve: the office server (server/sh_srv.h). Parses the options,
 * opens the warehouse and the signing key, starts the server and waits for
 * SIGTERM or SIGINT, then stops it gracefully. */
#include "cli.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sh_auth.h"
#include "sh_oidc.h"
#include "sh_sign.h"
#include "sh_srv.h"

static int serve_help(void)
{
	fputs(_("usage: sohoa serve --listen ADDR:PORT [--store DIR]\n"
	       "                   [--tls-cert FILE --tls-key FILE] [--max-upload BYTES]\n"
	       "                   [--timeout SECONDS] [--threads N] [--session-idle SECONDS]\n"
	       "                   [--key FILE] [--passphrase-file FILE] [--witness DIR]\n"
	       "                   [--max-connections N] [--per-ip N]\n"
	       "                   [--auth local|pam] [--pam-service NAME]\n"
	       "                   [--oidc-issuer URL --oidc-client ID --oidc-secret-file F\n"
	       "                    [--oidc-claim NAME] [--oidc-company-claim NAME]\n"
	       "                    [--oidc-redirect URL] [--pdf-sign-key KEY\n"
	       "                    --pdf-sign-chain PEM [--pdf-sign-pin-file F]]]\n"
	       "                   [--province URL --province-token-file F]\n\n"
	       "Serve the warehouse to the office over HTTPS: the JSON API under /api/v1\n"
	       "(documented at /api/v1/openapi.json and in docs/SERVER.md) and the web pages.\n"
	       "People log in with the accounts of `sohoa user add NAME --role ROLE\n"
	       "--password-file F`. Without --tls-cert/--tls-key only a loopback address is\n"
	       "accepted (plain HTTP). PORT 0 picks a free port; the address served is\n"
	       "printed on the first line. --timeout (default 30) cuts a client whose\n"
	       "request does not arrive in time; --max-upload (default 64 MiB) bounds a\n"
	       "request body. The office's signing key is --key, else $SOHOA_KEY, else\n"
	       "~/.config/sohoa/signing.key, unlocked with the first line of\n"
	       "--passphrase-file, else $SOHOA_PASSPHRASE_FILE, else\n"
	       "$CREDENTIALS_DIRECTORY/passphrase (systemd LoadCredential). SIGTERM or\n"
	       "SIGINT stop it: no new connections, requests in flight finish.\n"
	       "--witness DIR also serves the witness in DIR (`sohoa witness init`) to\n"
	       "other offices, without login: POST /witness/add-checkpoint (C2SP\n"
	       "tlog-witness), GET /witness/latest?origin=O and GET /witness/key.\n"
	       "--max-connections (default 256) and --per-ip (default 64) bound the\n"
	       "connections open at once; more are refused at once. --auth pam checks\n"
	       "passwords with the PAM service --pam-service (default sohoa,\n"
	       "/etc/pam.d/sohoa: e.g. the office directory through sssd); the role is\n"
	       "still the warehouse's (`sohoa user add`): a PAM account without one is\n"
	       "refused.\n\n"
	       "With --oidc-issuer citizens and companies log in to \"Kho của tôi\"\n"
	       "(/kho-cua-toi.html, /api/v1/me/...) through that OpenID Connect provider\n"
	       "(VNeID): --oidc-client and the first line of --oidc-secret-file are the\n"
	       "client registered there, --oidc-claim (default personal_id) the claim that\n"
	       "carries the 12-digit personal id, --oidc-company-claim (default tax_code) a\n"
	       "representative's company. The callback registered at the provider is\n"
	       "--oidc-redirect, default http(s)://127.0.0.1:PORT/api/v1/me/callback.\n"
	       "--pdf-sign-key signs the PDFs citizens download (docs/CITIZEN.md).\n"
	       "--province (else $SOHOA_PROVINCE) and --province-token-file (else\n"
	       "$SOHOA_PROVINCE_TOKEN_FILE, this office's token at the province): attach\n"
	       "asks the province for a paper of another office that is not here\n"
	       "(docs/REPLICATION.md); 502 when the province does not answer or its\n"
	       "answer does not verify.\n"), stdout);
	return EXIT_OK;
}

/* The signing key: NULL (and a note) when there is no key file at all. */
static int load_key(sh_sign_key **out, const char *path, const char *pfile)
{
	*out = NULL;
	const char *e = getenv("SOHOA_KEY"), *home = getenv("HOME");
	char *def = NULL;
	if (!path && e && *e)
		path = e;
	if (!path && (def = sh_asprintf("%s/.config/sohoa/signing.key", home ? home : ".")))
		path = def;
	if (!path || access(path, F_OK)) {
		cli_note("serve", "no signing key%s%s: serving without changes that sign (attach, "
				  "revoke, uploads answer 503)", path ? " at " : "", path ? path : "");
		sh_free(def);
		return EXIT_OK;
	}
	char *credpath = NULL, *pass = NULL;
	const char *ce = getenv("CREDENTIALS_DIRECTORY");
	if (!pfile && (e = getenv("SOHOA_PASSPHRASE_FILE")) && *e)
		pfile = e;
	if (!pfile && ce && *ce && (credpath = sh_asprintf("%s/passphrase", ce)))
		pfile = credpath;
	int rc = pfile ? sh_auth_password_file(&pass, pfile)
		       : sh_error_set(SH_EINVAL, "the signing key %s needs --passphrase-file", path);
	if (!rc && (rc = sh_sign_key_load_file(out, path, pass)) == SH_EBADSIG)
		rc = sh_error_set(SH_EINVAL, "signing key %s: wrong passphrase (or the key file is "
					     "damaged)", path);
	sh_auth_wipe_free(pass);
	sh_free(credpath);
	sh_free(def);
	return rc ? cli_fail("serve", rc) : EXIT_OK;
}

/* Open the store and the key, run the server until SIGTERM or SIGINT. */
static int serve_run(const char *store, const char *key, const char *pfile, const char *listen,
		     sh_srv_options *op)
{
	sh_srv_options o = *op;
	/* the threads the server starts inherit this mask: signals come here */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &set, NULL);

	sh_store *s = NULL;
	sh_sign_key *sk = NULL;
	sh_srv *srv = NULL;
	int ex = cli_store_open(&s, "serve", store, 0), rc;
	if (ex)
		goto done;
	if ((ex = load_key(&sk, key, pfile)))
		goto done;
	o.key = sk;
	if ((rc = sh_srv_start(&srv, s, &o))) {
		ex = cli_fail("serve", rc);
		goto done;
	}
	const char *host = listen;
	size_t hl = strrchr(listen, ':') ? (size_t)(strrchr(listen, ':') - listen) : strlen(listen);
	printf("sohoa serve: listening on %s://%.*s:%u\n", sh_srv_tls(srv) ? "https" : "http",
	       (int)hl, host, sh_srv_port(srv));
	fflush(stdout);
	sigdelset(&set, SIGPIPE);
	int sig = 0;
	sigwait(&set, &sig);
	sh_srv_stop(&srv, 30);
	printf("sohoa serve: stopped (%s)\n", sig == SIGTERM ? "SIGTERM" : "SIGINT");
done:
	sh_sign_key_free(&sk);
	sh_store_close(&s);
	return ex;
}

int cmd_serve(int argc, char **argv)
{
	const char *store = NULL, *listen = NULL, *cert = NULL, *tkey = NULL, *max_s = NULL,
		   *to_s = NULL, *thr_s = NULL, *idle_s = NULL, *key = NULL, *pfile = NULL, *witness = NULL,
		   *maxc_s = NULL, *perip_s = NULL, *auth = NULL, *pam_service = NULL,
		   *pam_confdir = NULL,
		   *iss = NULL, *client = NULL, *secf = NULL, *claim = NULL, *cclaim = NULL,
		   *redirect = NULL, *psk = NULL, *pschain = NULL, *pspin = NULL, *purl = NULL, *ptokf = NULL;
	for (int i = 1; i < argc; i++) {
		int m;
		if (cli_is_help(argv[i]))
			return serve_help();
		if ((m = cli_opt(argc, argv, &i, "--store", &store)) ||
		    (m = cli_opt(argc, argv, &i, "--listen", &listen)) ||
		    (m = cli_opt(argc, argv, &i, "--tls-cert", &cert)) ||
		    (m = cli_opt(argc, argv, &i, "--tls-key", &tkey)) ||
		    (m = cli_opt(argc, argv, &i, "--max-upload", &max_s)) ||
		    (m = cli_opt(argc, argv, &i, "--timeout", &to_s)) ||
		    (m = cli_opt(argc, argv, &i, "--threads", &thr_s)) ||
		    (m = cli_opt(argc, argv, &i, "--session-idle", &idle_s)) ||
		    (m = cli_opt(argc, argv, &i, "--key", &key)) ||
		    (m = cli_opt(argc, argv, &i, "--passphrase-file", &pfile)) ||
		    (m = cli_opt(argc, argv, &i, "--witness", &witness)) ||
		    (m = cli_opt(argc, argv, &i, "--max-connections", &maxc_s)) ||
		    (m = cli_opt(argc, argv, &i, "--per-ip", &perip_s)) ||
		    (m = cli_opt(argc, argv, &i, "--auth", &auth)) ||
		    (m = cli_opt(argc, argv, &i, "--pam-service", &pam_service)) ||
		    (m = cli_opt(argc, argv, &i, "--pam-confdir", &pam_confdir)) ||

		    (m = cli_opt(argc, argv, &i, "--oidc-issuer", &iss)) ||
		    (m = cli_opt(argc, argv, &i, "--oidc-client", &client)) ||
		    (m = cli_opt(argc, argv, &i, "--oidc-secret-file", &secf)) ||
		    (m = cli_opt(argc, argv, &i, "--oidc-claim", &claim)) ||
		    (m = cli_opt(argc, argv, &i, "--oidc-company-claim", &cclaim)) ||
		    (m = cli_opt(argc, argv, &i, "--oidc-redirect", &redirect)) ||
		    (m = cli_opt(argc, argv, &i, "--pdf-sign-key", &psk)) ||
		    (m = cli_opt(argc, argv, &i, "--pdf-sign-chain", &pschain)) ||
		    (m = cli_opt(argc, argv, &i, "--pdf-sign-pin-file", &pspin)) ||
		    (m = cli_opt(argc, argv, &i, "--province", &purl)) ||
		    (m = cli_opt(argc, argv, &i, "--province-token-file", &ptokf))) {
			if (m < 0)
				return cli_usage("serve", "%s needs a value", argv[i]);
		} else {
			return cli_usage("serve", "unexpected argument '%s'", argv[i]);
		}
	}
	if (!listen)
		return cli_usage("serve", "give --listen ADDR:PORT");
	sh_srv_options o = {.listen = listen, .tls_cert = cert, .tls_key = tkey,
			    .witness_dir = witness};
	if (!purl && getenv("SOHOA_PROVINCE") && *getenv("SOHOA_PROVINCE"))
		purl = getenv("SOHOA_PROVINCE");
	if (!ptokf && getenv("SOHOA_PROVINCE_TOKEN_FILE") && *getenv("SOHOA_PROVINCE_TOKEN_FILE"))
		ptokf = getenv("SOHOA_PROVINCE_TOKEN_FILE");
	if (purl && !ptokf)
		return cli_usage("serve", "give the province's token: --province-token-file F");
	static char ptok[65]; /* lives as long as the server */
	if (purl) {
		int trc = cli_read_token(ptokf, ptok);
		if (trc)
			return cli_fail("serve", trc);
		o.province_url = purl;
		o.province_token = ptok;
	}
	long long v;
	int rc0;
	if (max_s && cli_number("serve", "--max-upload", max_s, 1024, (long long)1 << 32, &v))
		return EXIT_USAGE;
	o.max_upload = max_s ? (size_t)v : 0;
	if (to_s && cli_number("serve", "--timeout", to_s, 1, 3600, &v))
		return EXIT_USAGE;
	o.timeout_s = to_s ? (unsigned)v : 0;
	if (thr_s && cli_number("serve", "--threads", thr_s, 1, 256, &v))
		return EXIT_USAGE;
	o.threads = thr_s ? (unsigned)v : 0;
	if (idle_s && cli_number("serve", "--session-idle", idle_s, 1, 86400, &v))
		return EXIT_USAGE;
	o.session_idle_s = idle_s ? (unsigned)v : 0;
	if (maxc_s && cli_number("serve", "--max-connections", maxc_s, 1, 65536, &v))
		return EXIT_USAGE;
	o.max_connections = maxc_s ? (unsigned)v : 0;
	if (perip_s && cli_number("serve", "--per-ip", perip_s, 1, 65536, &v))
		return EXIT_USAGE;
	o.per_ip = perip_s ? (unsigned)v : 0;
	if (auth && strcmp(auth, "local") && strcmp(auth, "pam"))
		return cli_usage("serve", "--auth takes local or pam");
	o.auth_pam = auth && !strcmp(auth, "pam");
	if ((pam_service || pam_confdir) && !o.auth_pam)
		return cli_usage("serve", "--pam-service and --pam-confdir go with --auth pam");
	o.pam_service = pam_service;
	o.pam_confdir = pam_confdir; /* tests: a service file outside /etc/pam.d */
	if ((client || secf || claim || cclaim || redirect || psk) && !iss)
		return cli_usage("serve", "the --oidc-* and --pdf-sign-* options need --oidc-issuer");
	if (iss && !client)
		return cli_usage("serve", "--oidc-issuer needs --oidc-client");
	char *secret = NULL, *pin = NULL;
	if (secf && (rc0 = sh_auth_password_file(&secret, secf)))
		return cli_fail("serve", rc0);
	if (pspin && (rc0 = sh_auth_password_file(&pin, pspin))) {
		sh_auth_wipe_free(secret);
		return cli_fail("serve", rc0);
	}
	sh_oidc_config oc = {.issuer = iss, .client_id = client, .client_secret = secret,
			     .redirect_uri = redirect, .claim = claim, .company_claim = cclaim};
	o.oidc = iss ? &oc : NULL;
	o.pdf_sign_key = psk;
	o.pdf_sign_chain = pschain;
	o.pdf_sign_pin = pin;

	int ex = serve_run(store, key, pfile, listen, &o);
	sh_auth_wipe_free(secret);
	sh_auth_wipe_free(pin);
	return ex;
}
