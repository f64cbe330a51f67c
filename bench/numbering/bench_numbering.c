/*
 * bench_numbering - concurrent 文号 reservations, and the proof that none is duplicated or skipped.
 *
 *   http mode:   bench_numbering http HOST:PORT TOKEN SERIES_ID CLIENTS TOTAL
 *       CLIENTS threads, each on its own keep-alive connection, POST
 *       /api/v1/number-series/SERIES_ID/reserve until TOTAL numbers were handed out (the whole
 *       request: token lookup, write transaction, counter, ledger row, audit row, commit).
 *   direct mode: bench_numbering direct DB_PATH SERIES_ID CLIENTS TOTAL
 *       the same through numbering_take() in CLIENTS threads, each with its own connection and a
 *       write transaction per number: the store's share of the cost, without HTTP and audit.
 *
 * Both print the rate and check the sequences they received: every one of 1..TOTAL exactly once
 * (the series must be fresh for the year). Exit 1 on a duplicate, a gap or a failed request.
 */
#include "core/timeutil.h"
#include "db/db.h"
#include "numbering/numbering.h"

#include <arpa/inet.h>
#include <jansson.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_CLIENTS 256
#define RESP_MAX    8192

static atomic_long next_ticket, failures;
static long total;
static int *seen; /* seen[seq] = times received */
static pthread_mutex_t seen_lock = PTHREAD_MUTEX_INITIALIZER;

static struct {
	struct sockaddr_in addr;
	const char *token;
	long series;
	const char *db_path;
	int year;
} cfg;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Counts a received sequence; -1 if it lies outside 1..total (the series was not fresh). */
static int record(long seq)
{
	int rc = 0;

	pthread_mutex_lock(&seen_lock);
	if (seq >= 1 && seq <= total)
		seen[seq]++;
	else
		rc = -1;
	pthread_mutex_unlock(&seen_lock);
	if (rc)
		atomic_fetch_add(&failures, 1);
	return rc;
}

static int connect_server(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	if (fd < 0 || connect(fd, (struct sockaddr *)&cfg.addr, sizeof cfg.addr) != 0) {
		perror("connect");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	return fd;
}

/* Reads one HTTP response (Content-Length framed) into buf; returns the status or -1. */
static int read_response(int fd, char *buf, size_t cap, char **body)
{
	size_t have = 0;
	char *end = NULL;
	long clen = -1;
	int status;

	while (end == NULL) {
		ssize_t n = read(fd, buf + have, cap - 1 - have);
		if (n <= 0)
			return -1;
		have += (size_t)n;
		buf[have] = '\0';
		end = strstr(buf, "\r\n\r\n");
		if (end == NULL && have >= cap - 1)
			return -1;
	}
	if (sscanf(buf, "HTTP/1.%*d %d", &status) != 1)
		return -1;
	for (char *p = buf; p < end; p = strstr(p, "\r\n") + 2)
		if (strncasecmp(p, "Content-Length:", 15) == 0)
			clen = strtol(p + 15, NULL, 10);
	if (clen < 0 || (size_t)(end + 4 - buf) + (size_t)clen >= cap)
		return -1;
	while (have < (size_t)(end + 4 - buf) + (size_t)clen) {
		ssize_t n = read(fd, buf + have, cap - 1 - have);
		if (n <= 0)
			return -1;
		have += (size_t)n;
	}
	buf[have] = '\0';
	*body = end + 4;
	return status;
}

static void *http_client(void *arg)
{
	char req[1024], resp[RESP_MAX], *body;
	int fd = connect_server(), len;

	(void)arg;
	len = snprintf(req, sizeof req,
	               "POST /api/v1/number-series/%ld/reserve HTTP/1.1\r\nHost: bench\r\n"
	               "Authorization: Bearer %s\r\nContent-Type: application/json\r\n"
	               "Content-Length: 2\r\n\r\n{}",
	               cfg.series, cfg.token);
	while (fd >= 0 && atomic_fetch_add(&next_ticket, 1) < total) {
		json_t *j;
		int status;
		if (write(fd, req, (size_t)len) != len ||
		    (status = read_response(fd, resp, sizeof resp, &body)) < 0) {
			fprintf(stderr, "connection lost\n");
			atomic_fetch_add(&failures, 1);
			close(fd);
			fd = connect_server();
			continue;
		}
		j = json_loads(body, 0, NULL);
		if (status != 200 || j == NULL) {
			fprintf(stderr, "status %d: %.200s\n", status, body);
			atomic_fetch_add(&failures, 1);
		} else if (record((long)json_integer_value(json_object_get(j, "seq")))) {
			fprintf(stderr, "unexpected answer: %.200s\n", body);
		}
		json_decref(j);
	}
	if (fd >= 0)
		close(fd);
	return NULL;
}

/* direct mode variants, to show where the time goes (environment variables):
 *   BENCH_MUTEX=1     writers queue on a process mutex instead of SQLite's busy handler, which
 *                     sleeps 1, 2, 5, 10 ... ms between retries while the lock is often free;
 *   BENCH_YEAR=2027   the year to take numbers in (a fresh counter for each variant);
 *   BENCH_SYNC=off    PRAGMA synchronous=OFF: no fsync at commit (NOT a setting to deploy: an
 *                     acknowledged number could be lost and handed out twice after a power cut). */
static pthread_mutex_t writer_lock = PTHREAD_MUTEX_INITIALIZER;
static bool use_mutex;

static void *direct_client(void *arg)
{
	struct err e = ERR_INIT;
	struct db *db = db_open(cfg.db_path, &e);
	char number[NUMBERING_NUMBER_MAX];
	const char *sync = getenv("BENCH_SYNC");
	int64_t seq;

	(void)arg;
	if (db && sync && strcmp(sync, "off") == 0)
		db_exec(db, "PRAGMA synchronous=OFF", &e);
	while (db && atomic_fetch_add(&next_ticket, 1) < total) {
		err_clear(&e);
		if (use_mutex)
			pthread_mutex_lock(&writer_lock);
		if (db_begin(db, &e) ||
		    numbering_take(db, 1, cfg.series, cfg.year, 0, NULL, number, sizeof number,
		                   &seq, &e) ||
		    db_commit(db, &e)) {
			db_rollback(db);
			if (use_mutex)
				pthread_mutex_unlock(&writer_lock);
			fprintf(stderr, "take: %s\n", e.msg);
			atomic_fetch_add(&failures, 1);
			continue;
		}
		if (use_mutex)
			pthread_mutex_unlock(&writer_lock);
		if (record((long)seq))
			fprintf(stderr, "unexpected sequence %lld\n", (long long)seq);
	}
	db_close(db);
	return NULL;
}

static int usage(void)
{
	fputs("usage: bench_numbering http HOST:PORT TOKEN SERIES_ID CLIENTS TOTAL\n"
	      "       bench_numbering direct DB_PATH SERIES_ID CLIENTS TOTAL\n",
	      stderr);
	return 2;
}

int main(int argc, char **argv)
{
	pthread_t tids[MAX_CLIENTS];
	void *(*client)(void *);
	long clients, dup = 0, missing = 0;
	double t0, secs;
	int y, m, d;

	if (argc == 7 && strcmp(argv[1], "http") == 0) {
		char host[64];
		const char *colon = strrchr(argv[2], ':');
		if (colon == NULL || (size_t)(colon - argv[2]) >= sizeof host)
			return usage();
		memcpy(host, argv[2], (size_t)(colon - argv[2]));
		host[colon - argv[2]] = '\0';
		cfg.addr.sin_family = AF_INET;
		cfg.addr.sin_port = htons((uint16_t)atoi(colon + 1));
		inet_pton(AF_INET, host, &cfg.addr.sin_addr);
		cfg.token = argv[3];
		cfg.series = atol(argv[4]);
		clients = atol(argv[5]);
		total = atol(argv[6]);
		client = http_client;
	} else if (argc == 6 && strcmp(argv[1], "direct") == 0) {
		cfg.db_path = argv[2];
		cfg.series = atol(argv[3]);
		clients = atol(argv[4]);
		total = atol(argv[5]);
		client = direct_client;
		use_mutex = getenv("BENCH_MUTEX") && strcmp(getenv("BENCH_MUTEX"), "1") == 0;
	} else {
		return usage();
	}
	if (clients < 1 || clients > MAX_CLIENTS || total < 1)
		return usage();
	date_ymd(date_today(), &y, &m, &d);
	cfg.year = getenv("BENCH_YEAR") ? atoi(getenv("BENCH_YEAR")) : y; /* direct mode */
	seen = calloc((size_t)total + 1, sizeof *seen);
	t0 = now_s();
	for (long i = 0; i < clients; i++)
		pthread_create(&tids[i], NULL, client, NULL);
	for (long i = 0; i < clients; i++)
		pthread_join(tids[i], NULL);
	secs = now_s() - t0;
	for (long s = 1; s <= total; s++) {
		if (seen[s] == 0)
			missing++;
		else if (seen[s] > 1)
			dup += seen[s] - 1;
	}
	printf(
	    "%s%s%s: %ld clients, %ld numbers in %.2f s = %.0f numbers/s; duplicates %ld, missing "
	    "%ld, failed requests %ld\n",
	    argv[1], use_mutex ? " (writer mutex)" : "",
	    getenv("BENCH_SYNC") && client == direct_client ? " (synchronous=OFF)" : "", clients,
	    total, secs, (double)total / secs, dup, missing, (long)atomic_load(&failures));
	free(seen);
	return dup || missing || atomic_load(&failures) ? 1 : 0;
}
