/*
 * audit.h - 留痕: the append-only, hash-chained audit log.
 *
 * Each row's hash = SM3(prev_hash || canonical bytes of the row), hex; the first row's prev_hash
 * is 64 zeros. Canonical bytes are every field (id, ts, org_id, actor_id, actor, ip, action,
 * object_type, object_id, result, detail) as "<decimal length>:<bytes>;" so that no two rows
 * serialise alike. The schema refuses UPDATE and DELETE (triggers); audit_verify() finds edits,
 * deletions and reordering made by someone who bypasses them.
 *
 * audit_append() must run inside the caller's write transaction (the business change and its
 * trace commit together); it reads the chain's tail under that transaction's lock.
 */
#ifndef JW_AUDIT_H
#define JW_AUDIT_H

#include "core/err.h"
#include "db/db.h"

#include <stdint.h>

#define AUDIT_HASH_HEX   65
#define AUDIT_DETAIL_MAX 1000

struct audit_entry {
	int64_t org_id;   /* 0 = none */
	int64_t actor_id; /* 0 = anonymous */
	const char *actor;
	const char *ip;
	const char *action;      /* "user.create" */
	const char *object_type; /* "user" */
	const char *object_id;
	const char *result; /* "ok" or "fail:<code>" */
	const char *detail; /* short, no secrets, no document bodies */
};

int audit_append(struct db *db, const struct audit_entry *a, struct err *e);

/* Walks the chain. Returns 0 if intact; 1 if broken with *bad_id the first bad row (and why);
 * -1 on error. */
int audit_verify(struct db *db, int64_t *bad_id, char *why, size_t whylen, int64_t *rows,
                 struct err *e);

#endif
