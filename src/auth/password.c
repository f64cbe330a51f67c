/*
 * password.c - argon2id hashes and the password policy.
 * Cost: t=2, m=19 MiB (OWASP's argon2id minimum); about 30 ms on the county server, and bounded
 * memory when several people sign in at once.
 */
#include "auth/auth.h"
#include "core/utf8.h"

#include <ctype.h>
#include <sodium.h>
#include <string.h>
#include <strings.h>

#define PW_OPSLIMIT 2
#define PW_MEMLIMIT (19u * 1024 * 1024)

int password_hash(const char *pw, char *out, size_t outlen, struct err *e)
{
	if (outlen < crypto_pwhash_STRBYTES)
		return err_internal(e, "password hash buffer too small");
	if (crypto_pwhash_str_alg(out, pw, strlen(pw), PW_OPSLIMIT, PW_MEMLIMIT,
	                          crypto_pwhash_ALG_ARGON2ID13) != 0)
		return err_internal(e, "argon2id failed (out of memory?)");
	return 0;
}

bool password_verify(const char *hash, const char *pw)
{
	return crypto_pwhash_str_verify(hash, pw, strlen(pw)) == 0;
}

static bool contains_ci(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	if (n == 0)
		return false;
	for (; *hay; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return true;
	return false;
}

int password_check_policy(const char *pw, const char *username, struct err *e)
{
	int lower = 0, upper = 0, digit = 0, other = 0;
	size_t chars;

	if (strlen(pw) > PASSWORD_MAX_BYTES)
		return err_field(e, ERR_VALIDATION, "password", "密码过长（最多%d字节）",
		                 PASSWORD_MAX_BYTES);
	if (utf8_count(pw, strlen(pw), &chars) != 0)
		return err_field(e, ERR_VALIDATION, "password", "密码包含无效字符");
	if (chars < PASSWORD_MIN_CHARS)
		return err_field(e, ERR_VALIDATION, "password", "密码至少需要%d个字符",
		                 PASSWORD_MIN_CHARS);
	for (const unsigned char *p = (const unsigned char *)pw; *p; p++) {
		if (islower(*p))
			lower = 1;
		else if (isupper(*p))
			upper = 1;
		else if (isdigit(*p))
			digit = 1;
		else
			other = 1;
	}
	if (lower + upper + digit + other < 3)
		return err_field(e, ERR_VALIDATION, "password",
		                 "密码须包含大写字母、小写字母、数字、符号中的至少三类");
	if (username && contains_ci(pw, username))
		return err_field(e, ERR_VALIDATION, "password", "密码不能包含用户名");
	return 0;
}

void token_random(char out[64])
{
	unsigned char raw[TOKEN_BYTES];

	randombytes_buf(raw, sizeof raw);
	sodium_bin2base64(out, 64, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof raw);
}

void token_hash(const char *token, char out[65])
{
	unsigned char h[32];

	crypto_generichash(h, sizeof h, (const unsigned char *)token, strlen(token), NULL, 0);
	sodium_bin2hex(out, 65, h, sizeof h);
}
