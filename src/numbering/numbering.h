/*
 * numbering.h - 发文字号: number series per org and 机关代字, one counter per (series, year).
 *
 * A number is the series format with its placeholders filled: {code} the 机关代字 ("定检发"),
 * {year} the four-digit year, {seq} the sequence without zero padding and without 第. The default
 * format is NUMBERING_DEFAULT_FORMAT, giving "定检发〔2026〕5号" with the 六角括号 U+3014/U+3015.
 *
 * Invariants, for every (series, year):
 *   - number_counter.last_seq is the highest sequence ever issued (0 or absent: none); the
 *     counter of a new year starts from nothing, so every series restarts at 1 on 1 January;
 *   - the ledger number_issued holds exactly the sequences 1..last_seq, each once
 *     (UNIQUE (series_id, year, seq)): no duplicate, no silent gap;
 *   - a ledger row is never deleted; a number that is not used is voided (作废) with a reason,
 *     and the gap report lists it.
 * Taking a number increments the counter row (INSERT ... ON CONFLICT DO UPDATE ... RETURNING) and
 * writes its ledger row in the caller's write transaction: concurrent takers serialise on the
 * counter row (SQLite: on the write lock), and a rollback returns the number with the counter,
 * so the next taker gets it and nothing is skipped.
 *
 * Every function runs inside the caller's transaction (the API's, or the documents module's
 * registering step). Output strings are written to caller buffers; json_t results are new
 * references owned by the caller.
 */
#ifndef JW_NUMBERING_H
#define JW_NUMBERING_H

#include "core/err.h"
#include "db/db.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#define NUMBERING_DEFAULT_FORMAT "{code}〔{year}〕{seq}号"
#define NUMBERING_CODE_MAX       48  /* bytes of a 机关代字 (16 CJK characters) */
#define NUMBERING_FORMAT_MAX     128 /* bytes of a format */
#define NUMBERING_NAME_MAX       128 /* bytes of a series' description ("院文件") */
#define NUMBERING_NUMBER_MAX     256 /* bytes of a formatted number, NUL included */
#define NUMBERING_PURPOSE_MAX    600 /* bytes of a reservation's purpose */
#define NUMBERING_REASON_MAX     600 /* bytes of a voiding reason */
#define NUMBERING_KIND_MAX       32  /* bytes of an object kind ("outgoing") */
#define NUMBERING_YEAR_MIN       2000
#define NUMBERING_YEAR_MAX       2099
#define NUMBERING_MISSING_MAX    1000 /* gap report: at most this many missing sequences listed */

/* Ledger states */
#define NUMBER_USED     "used"     /* taken by an object (numbering_take, numbering_claim) */
#define NUMBER_RESERVED "reserved" /* 预留 by the office, not yet used */
#define NUMBER_VOID     "void"     /* 作废, with a reason */

/* Refuses a format without exactly one {seq} and one {year}, with an unknown {placeholder}, with
 * square or lenticular brackets instead of 〔〕, or with 第 before the sequence. */
int numbering_format_check(const char *format, struct err *e);
/* Fills the placeholders. ERR_VALIDATION if the result does not fit outlen. */
int numbering_format(const char *format, const char *code, int year, int64_t seq, char *out,
                     size_t outlen, struct err *e);

/* A new series; ERR_CONFLICT if the org already has that code. format NULL = the default. */
int numbering_series_create(struct db *db, int64_t org_id, const char *code, const char *format,
                            const char *name, int64_t *id, struct err *e);
/* The series of a 机关代字 in the org; ERR_NOT_FOUND if none. */
int numbering_series_by_code(struct db *db, int64_t org_id, const char *code, int64_t *id,
                             struct err *e);

/*
 * Takes the next number of (series, year) for an object (object_kind "outgoing", object_id its
 * id; 0/NULL for none) inside the caller's write transaction. Writes the formatted number to out
 * and its sequence to *seq. ERR_NOT_FOUND for a series outside the org, ERR_VALIDATION for a
 * deactivated series or a year outside NUMBERING_YEAR_MIN..MAX.
 */
int numbering_take(struct db *db, int64_t org_id, int64_t series_id, int year, int64_t object_id,
                   const char *object_kind, char *out, size_t outlen, int64_t *seq, struct err *e);
/* 预留: takes the next number without an object, state reserved; user_id is who reserved it. */
int numbering_reserve(struct db *db, int64_t org_id, int64_t series_id, int year, int64_t user_id,
                      const char *purpose, char *out, size_t outlen, int64_t *seq, struct err *e);
/* Gives a reserved number to an object (reserved -> used). ERR_NOT_FOUND if no such number,
 * ERR_CONFLICT if it is not reserved. Writes the number to out. */
int numbering_claim(struct db *db, int64_t org_id, int64_t series_id, int year, int64_t seq,
                    int64_t object_id, const char *object_kind, char *out, size_t outlen,
                    struct err *e);
/* 作废: reserved or used -> void, with a required reason. Writes the number to out (for the audit
 * row). ERR_NOT_FOUND if the number was never issued, ERR_CONFLICT if already void. */
int numbering_void(struct db *db, int64_t org_id, int64_t series_id, int year, int64_t seq,
                   int64_t user_id, const char *reason, char *out, size_t outlen, struct err *e);

/* The series as JSON (id, code, format, name, active, version, year, last_seq, next), with the
 * counter of `year`; NULL with ERR_NOT_FOUND outside the org. */
json_t *numbering_series_json(struct db *db, int64_t org_id, int64_t series_id, int year,
                              struct err *e);
/*
 * The gap report of (series, year): counts per state, the voided numbers with reasons, who and
 * when, the reserved ones, and the proof of no silent gap: "missing" lists sequences in
 * 1..last_seq without a ledger row (at most NUMBERING_MISSING_MAX) and "complete" is true when
 * there are none and no ledger row lies beyond last_seq.
 */
json_t *numbering_gaps(struct db *db, int64_t org_id, int64_t series_id, int year, struct err *e);

/* `jianwu demo`: the series <org code>发 (院文件), <org code>办发 (办公室文件), <org code>函. */
int numbering_demo(struct db *db, int64_t org_id, struct err *e);

struct module;
extern const struct module numbering_module; /* numbering_api.c */

#endif
