/*
 * audit.c - appending to and verifying the SM3 chain (OpenSSL EVP "SM3").
 */
#include "audit/audit.h"
#include "core/buf.h"
#include "core/timeutil.h"

#include <openssl/evp.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static const char zero_hash[] = "0000000000000000000000000000000000000000000000000000000000000000";

/* "<decimal length>:<bytes>;" without printf: an audit row is canonicalised on every write. */
static void canon_bytes(struct buf *b, const char *s, size_t n)
{
	buf_add_int(b, (int64_t)n);
	buf_addc(b, ':');
	buf_add(b, s, n);
	buf_addc(b, ';');
}

static void canon_field(struct buf *b, const char *s)
{
	s = s ? s : "";
	canon_bytes(b, s, strlen(s));
}

static void canon_int(struct buf *b, int64_t v)
{
	char tmp[DEC_I64_MAX];

	canon_bytes(b, tmp, dec_i64(tmp, v));
}

/* The SM3 implementation, fetched once per process: the implicit fetch of EVP_sm3() on every
 * EVP_DigestInit_ex was most of the cost of a digest. */
static pthread_once_t sm3_once = PTHREAD_ONCE_INIT;
static const EVP_MD *sm3_md;

static void sm3_fetch(void)
{
	sm3_md = EVP_MD_fetch(NULL, "SM3", NULL);
	if (sm3_md == NULL)
		sm3_md = EVP_sm3();
}

static int sm3_chain(const char *prev, const struct buf *canon, char out[AUDIT_HASH_HEX],
                     struct err *e)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	EVP_MD_CTX *ctx;
	int ok;

	pthread_once(&sm3_once, sm3_fetch);
	ctx = EVP_MD_CTX_new();
	ok = ctx && sm3_md && EVP_DigestInit_ex(ctx, sm3_md, NULL) &&
	     EVP_DigestUpdate(ctx, prev, strlen(prev)) &&
	     EVP_DigestUpdate(ctx, canon->data, canon->len) && EVP_DigestFinal_ex(ctx, md, &mdlen);
	EVP_MD_CTX_free(ctx);
	if (!ok || mdlen != 32)
		return err_internal(e, "SM3 digest unavailable");
	for (unsigned i = 0; i < mdlen; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[2 * mdlen] = '\0';
	return 0;
}

static void canon_row(struct buf *b, int64_t id, int64_t ts, const struct audit_entry *a)
{
	canon_int(b, id);
	canon_int(b, ts);
	canon_int(b, a->org_id);
	canon_int(b, a->actor_id);
	canon_field(b, a->actor);
	canon_field(b, a->ip);
	canon_field(b, a->action);
	canon_field(b, a->object_type);
	canon_field(b, a->object_id);
	canon_field(b, a->result);
	canon_field(b, a->detail);
}

int audit_append(struct db *db, const struct audit_entry *a, struct err *e)
{
	char prev[AUDIT_HASH_HEX] = "", hash[AUDIT_HASH_HEX];
	struct buf canon = BUF_INIT;
	int64_t id = 1, ts = time_now();
	struct db_stmt *st;
	int rc = -1;

	st = db_query(db, e, "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1", NULL);
	if (st == NULL)
		goto out;
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		id = db_col_int(st, 0) + 1;
		snprintf(prev, sizeof prev, "%s", db_col_text(st, 1));
	} else {
		snprintf(prev, sizeof prev, "%s", zero_hash);
	}
	db_reset(st);
	if (rc < 0)
		goto out;
	rc = -1;
	canon_row(&canon, id, ts, a);
	if (sm3_chain(prev, &canon, hash, e))
		goto out;
	if (db_execf(
	        db, e,
	        "INSERT INTO audit_log (id, ts, org_id, actor_id, actor, ip, action, object_type,"
	        " object_id, result, detail, prev_hash, hash)"
	        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
	        "IIIIsssssssss", id, ts, a->org_id, a->actor_id, a->actor ? a->actor : "",
	        a->ip ? a->ip : "", a->action, a->object_type ? a->object_type : "",
	        a->object_id ? a->object_id : "", a->result, a->detail ? a->detail : "", prev,
	        hash) < 0)
		goto out;
	rc = 0;
out:
	buf_free(&canon);
	return rc;
}

int audit_verify(struct db *db, int64_t *bad_id, char *why, size_t whylen, int64_t *rows,
                 struct err *e)
{
	char prev[AUDIT_HASH_HEX], hash[AUDIT_HASH_HEX];
	struct buf canon = BUF_INIT;
	int64_t expect_id = 1;
	struct db_stmt *st;
	int rc, result = 0;

	snprintf(prev, sizeof prev, "%s", zero_hash);
	*rows = 0;
	st = db_query(db, e,
	              "SELECT id, ts, org_id, actor_id, actor, ip, action, object_type, object_id,"
	              " result, detail, prev_hash, hash FROM audit_log ORDER BY id",
	              NULL);
	if (st == NULL)
		return -1;
	while ((rc = db_step(st, e)) == DB_ROW) {
		struct audit_entry a = {
		    .org_id = db_col_int(st, 2),
		    .actor_id = db_col_int(st, 3),
		    .actor = db_col_text(st, 4),
		    .ip = db_col_text(st, 5),
		    .action = db_col_text(st, 6),
		    .object_type = db_col_text(st, 7),
		    .object_id = db_col_text(st, 8),
		    .result = db_col_text(st, 9),
		    .detail = db_col_text(st, 10),
		};
		int64_t id = db_col_int(st, 0);
		const char *stored_prev = db_col_text(st, 11), *stored = db_col_text(st, 12);

		(*rows)++;
		*bad_id = id;
		if (id != expect_id) {
			snprintf(why, whylen,
			         "expected row %lld, found %lld (rows deleted or reordered)",
			         (long long)expect_id, (long long)id);
			result = 1;
			break;
		}
		if (strcmp(stored_prev, prev) != 0) {
			snprintf(why, whylen, "prev_hash does not match the previous row");
			result = 1;
			break;
		}
		buf_reset(&canon);
		canon_row(&canon, id, db_col_int(st, 1), &a);
		if (sm3_chain(prev, &canon, hash, e)) {
			result = -1;
			break;
		}
		if (strcmp(hash, stored) != 0) {
			snprintf(why, whylen, "content does not match its hash (row edited)");
			result = 1;
			break;
		}
		snprintf(prev, sizeof prev, "%s", stored);
		expect_id++;
	}
	db_reset(st);
	buf_free(&canon);
	if (rc < 0)
		return -1;
	return result;
}
