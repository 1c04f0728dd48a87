/* Fuzz target: what the identity provider sends the citizen's login
 * (oidc/): an ID token checked against a fixed key set (selector byte 0),
 * or a key set (selector byte 1). Seeds: test_oidc --seeds (the key set
 * below is the one those tokens were signed for). Whatever the bytes, no
 * crash, no leak, and nothing accepted that is not signed by that set. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sh_oidc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char jwks[] = "{\"keys\":[{\"kty\":\"EC\",\"x\":\"gmxzR1zodkYEEtDBkh9CLIyFX4VfhbTxYIJQo_MnrZM\",\"y\":\"XhxqnCNDwv-ezmLxky-tqWcUqa6LqlhTXOvczIQ9qF8\",\"crv\":\"P-256\",\"kid\":\"k-ec\"},{\"kty\":\"RSA\",\"n\":\"6MLvRmYba9Fd0MY12kmhGuyiw8K7Q8jFI5gkwqDD_zvy9MtFYOUQ9SdMWgbQB80iLoRu5k2g75tEgreo7GtLXdNpkBC6w95x8cOhDYt16fHW7PRAMgz5AhW3DiV9Ub0LVrqvFzxQvDCvKTBlvafaQvs8R1VYthADk5YZyJBTKwNH6GlBLSGvA2aJZ_VeD5P4L01roaWSGNQfTClZw1M_8nWWwJGIunMrlCPNbyP2RLsvXyN8TNJZktYiT8F2DsT5QnSjBgaweUvAn3DBSY2-ayfALrisHRESIpbRV_13bvM0dbAUaAtzPNXzmf9rcEgy0M8IVvpqBSMYpNN2e8uioQ\",\"e\":\"AQAB\",\"kid\":\"k-rsa\"}]}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 70000)
		return 0;
	long live = sh_alloc_live();
	sh_oidc_config cfg = {.issuer = "http://127.0.0.1:1/api/vneid", .client_id = "sohoa",
			      .redirect_uri = "http://127.0.0.1:2/api/v1/me/callback"};
	sh_oidc *o;
	if (sh_oidc_new(&o, &cfg) || sh_oidc_set_jwks(o, jwks))
		abort();
	char *s = malloc(size);
	memcpy(s, data + 1, size - 1);
	s[size - 1] = 0;
	if (data[0] == 1) {
		(void)sh_oidc_set_jwks(o, s);
	} else {
		sh_oidc_identity id;
		/* the seeds expire in 2121: the claims are checked too */
		if (sh_oidc_id_token_check(o, s, size - 1, "n-0123456789", 0, &id) == SH_OK &&
		    strlen(id.personal_id) != 12)
			abort();
	}
	free(s);
	sh_oidc_free(&o);
	if (sh_alloc_live() != live)
		abort();
	return 0;
}
