/*
 * bench_render.c - render benchmark driver (make render-bench; figures in README.md).
 *   bench-render pdf N          renders a 10-page 红头文件 N times: ms per page
 *   bench-render xlsx ROWS FILE writes a ROWS-row 8-column 发文登记簿: seconds (peak memory is
 *                               measured around it by /usr/bin/time -v in run.sh)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/timeutil.h"
#include "render/gbt9704.h"
#include "render/xlsx.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static const char *const para =
    "（一）公文处理规范高效。严格执行《党政机关公文处理工作条例》和GB/T 9704-2012《党政机关"
    "公文格式》，建立收文登记、拟办、批办、承办、催办、答复全流程台账，做到件件有登记、事事有"
    "回音。全年收文平均办理时限由上年的6.5个工作日缩短至4.2个工作日，发文差错率同比下降42%。";

static int bench_pdf(int n)
{
	struct gbt9704_doc d;
	struct gbt9704_result r;
	struct err e = ERR_INIT;
	struct render_buf b = {0};
	struct render_sink s = render_sink_buf(&b);
	char *body = malloc(40 * (strlen(para) + 32) + 1);
	double t0, t1, first;
	long pages = 0;
	int i;

	body[0] = '\0';
	for (i = 0; i < 40; i++) {
		strcat(body, i % 8 == 0 ? "一、总体情况\n" : "");
		strcat(body, para);
		strcat(body, "\n");
	}
	memset(&d, 0, sizeof(d));
	d.mark = "定边县人民检察院文件";
	d.number = "定检发〔2026〕5号";
	d.title = "定边县人民检察院关于2025年度办公室工作情况的报告";
	d.recipients = "榆林市人民检察院";
	d.body = body;
	d.signatory = "定边县人民检察院";
	d.date = "2026-03-05";
	d.cc = "定边县委政法委，定边县人大常委会办公室";
	d.printer = "定边县人民检察院办公室";
	d.print_date = "2026-03-06";
	t0 = now();
	if (gbt9704_render(&d, NULL, &s, &r, &e))
		goto fail;
	first = now() - t0;
	t0 = now();
	for (i = 0; i < n; i++) {
		b.len = 0;
		if (gbt9704_render(&d, NULL, &s, &r, &e))
			goto fail;
		pages += r.pages;
	}
	t1 = now();
	printf("pdf: first render (font set-up included) %.1f ms for %d pages\n", first * 1e3,
	       r.pages);
	printf(
	    "pdf: %d renders x %d pages, %.1f KiB each: %.2f ms per page, %.1f ms per document\n",
	    n, r.pages, b.len / 1024.0, (t1 - t0) * 1e3 / pages, (t1 - t0) * 1e3 / n);
	render_buf_free(&b);
	free(body);
	return 0;
fail:
	fprintf(stderr, "pdf: %s\n", e.msg);
	return 1;
}

static int bench_xlsx(long rows, const char *path)
{
	static const struct xlsx_column cols[] = {
	    {"序号", XLSX_INT, 8},           {"发文字号", XLSX_TEXT, 22},
	    {"标题", XLSX_TEXT, 50},         {"成文日期", XLSX_DATE, 12},
	    {"主办部门", XLSX_TEXT, 12},     {"印制份数", XLSX_INT, 10},
	    {"登记时间", XLSX_DATETIME, 20}, {"金额", XLSX_NUMBER, 12}};
	struct xlsx_writer *w;
	struct err e = ERR_INIT;
	char number[64];
	double t0 = now();
	long i;

	if (xlsx_open(&w, path, "发文登记簿", cols, 8, &e))
		goto fail;
	for (i = 0; i < rows; i++) {
		struct xlsx_cell c[8];

		memset(c, 0, sizeof(c));
		snprintf(number, sizeof(number), "定检发〔2026〕%ld号", i + 1);
		c[0].v.i = i + 1;
		c[1].v.text = number;
		c[2].v.text = "定边县人民检察院关于做好2026年春节期间值班工作的通知";
		c[3].v.days = date_from_ymd(2026, 1, 1) + (int)(i % 365);
		c[4].v.text = i % 3 ? "办公室" : "第二检察部";
		c[5].v.i = 10 + i % 20;
		c[6].v.time = 1767225600 + i * 37;
		c[7].v.num = (i % 1000) * 1.25;
		if (xlsx_row(w, c, &e)) {
			xlsx_abort(w);
			goto fail;
		}
	}
	if (xlsx_close(w, &e))
		goto fail;
	printf("xlsx: %ld rows x 8 columns in %.3f s\n", rows, now() - t0);
	return 0;
fail:
	fprintf(stderr, "xlsx: %s\n", e.msg);
	return 1;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && strcmp(argv[1], "pdf") == 0)
		return bench_pdf(atoi(argv[2]));
	if (argc >= 4 && strcmp(argv[1], "xlsx") == 0)
		return bench_xlsx(atol(argv[2]), argv[3]);
	fprintf(stderr, "usage: bench-render pdf N | xlsx ROWS FILE\n");
	return 2;
}
