/* Capture stations' tokens (sh_auth.h "stations"): 256 random bits shown
 * once; the warehouse keeps only their SHA-256 (sh_wh_station_*). */
#include "sh_auth.h"

#include <gcrypt.h>
#include <string.h>


static void token_hash(const char *token, char hash[SH_AUTH_TOKEN_HEX])
{
	uint8_t h[SH_SHA256_LEN];
	sh_sha256(h, token, strlen(token));
	sh_hex(hash, h, sizeof h);
}

static int station_add(sh_store *s, const char *name, char token[SH_AUTH_TOKEN_HEX], int replica,
		       const char *office)
{
	token[0] = 0;
	int rc = sh_crypto_init();
	if (rc)
		return rc;
	uint8_t r[32];
	char tok[SH_AUTH_TOKEN_HEX], hash[SH_AUTH_TOKEN_HEX];
	gcry_randomize(r, sizeof r, GCRY_STRONG_RANDOM);
	sh_hex(tok, r, sizeof r);
	memset(r, 0, sizeof r);
	token_hash(tok, hash);
	rc = replica   ? sh_wh_station_add_replica(s, name, hash)
	     : office ? sh_wh_station_add_office(s, name, hash, office)
		      : sh_wh_station_add(s, name, hash);
	if (!rc)
		memcpy(token, tok, SH_AUTH_TOKEN_HEX);
	memset(tok, 0, sizeof tok);
	return rc;
}

int sh_auth_station_add(sh_store *s, const char *name, char token[SH_AUTH_TOKEN_HEX])
{
	return station_add(s, name, token, 0, NULL);
}

int sh_auth_station_add_replica(sh_store *s, const char *name, char token[SH_AUTH_TOKEN_HEX])
{
	return station_add(s, name, token, 1, NULL);
}

int sh_auth_station_add_office(sh_store *s, const char *name, const char *agency,
			       char token[SH_AUTH_TOKEN_HEX])
{
	return station_add(s, name, token, 0, agency);
}

int sh_auth_station_check(sh_store *s, const char *token, char name[33])
{
	name[0] = 0;
	if (!token || strlen(token) != 64 || strspn(token, "0123456789abcdef") != 64)
		return sh_error_set(SH_ENOTFOUND, "unknown station token");
	char hash[SH_AUTH_TOKEN_HEX];
	token_hash(token, hash);
	return sh_wh_station_find(s, hash, name);
}
