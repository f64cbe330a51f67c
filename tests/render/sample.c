/*
 * sample.c - renders the sample outputs that tests/render/check.sh reads back with real tools
 * (poppler, LibreOffice). Usage: render-sample OUTDIR. Prints one "name pages" line per PDF.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "render/gbt9704.h"
#include "render/ics.h"
#include "render/sheet.h"
#include "render/xlsx.h"

static const char *const report_body =
    "按照市人民检察院《关于做好2025年度工作总结的通知》要求，现将我院办公室2025年度工作情况"
    "报告如下。\n"
    "一、总体情况\n"
    "2025年，我院办公室在院党组的坚强领导下，坚持以习近平新时代中国特色社会主义思想为指导，"
    "认真落实上级检察院各项部署，围绕“办文、办会、办事”三项基本职能，全面加强公文处理、"
    "检察信息、档案管理、检务保障等各项工作，为全院检察业务工作提供了有力支撑。全年共处理"
    "收文1286件、发文214件，编发检察信息96期，被市级以上刊物采用31篇。\n"
    "二、主要工作及成效\n"
    "（一）公文处理规范高效。严格执行《党政机关公文处理工作条例》和GB/T 9704-2012《党政机关"
    "公文格式》，建立收文登记、拟办、批办、承办、催办、答复全流程台账，做到件件有登记、事事有"
    "回音。全年收文平均办理时限由上年的6.5个工作日缩短至4.2个工作日。\n"
    "1.严把发文质量关。实行拟稿、核稿、审核、签发四级把关，发文差错率同比下降42%。\n"
    "2.加强督查督办。对院党组会议确定的37项重点工作逐项分解、明确责任、限时办结，办结率"
    "达到100%。\n"
    "（1）建立督办台账，实行周报告、月通报制度；\n"
    "（2）对逾期未办结事项，由办公室发出督办通知，并向分管院领导报告。\n"
    "（二）检察信息工作取得新进展。围绕中心工作，深入挖掘典型案例和工作亮点，全年编发《定边"
    "检察信息》96期，其中《定边县人民检察院“三个一”机制推动公益诉讼提质增效》被最高人民检察院"
    "《检察工作简报》采用，实现了我院在该刊物上稿零的突破。\n"
    "（三）档案管理水平不断提升。按照DA/T 22-2015《归档文件整理规则》，完成2024年度文书档案"
    "整理归档工作，共整理归档文件1052件；完成历史诉讼档案数字化扫描3.6万页。\n"
    "（四）检务保障有力有序。严格落实中央八项规定精神，加强预算管理和资产管理，全年“三公”"
    "经费支出同比下降8.3%。完成办案工作区智能化改造，保障了各项检察业务工作正常开展。\n"
    "三、存在的问题\n"
    "一是信息化建设相对滞后，部分工作仍依赖纸质表单和即时通讯群组流转，效率不高、留痕不全；"
    "二是检察信息质量有待提高，深度调研类信息偏少；三是档案数字化进度不够快，利用便捷性不足。\n"
    "四、2026年工作打算\n"
    "（一）推进办公信息化。上线办公室综合管理系统，实现公文处理、督查督办、档案管理等工作网上"
    "流转、全程留痕。\n"
    "（二）提升信息调研质量。加强与业务部门的沟通协作，每季度至少形成一篇有分量的调研文章。\n"
    "（三）加快档案数字化。力争年内完成全部历史档案数字化工作，并建立电子档案利用制度。\n"
    "特此报告。";

static const char *const notice_body =
    "各部门：\n"
    "为进一步做好2026年春节期间值班工作，确保节日期间各项工作有序运转，现将有关事项通知"
    "如下。\n"
    "一、值班时间\n"
    "2026年2月15日至2月23日，每日8:30至次日8:30。\n"
    "二、工作要求\n"
    "（一）值班人员要坚守岗位，保持通讯畅通，不得擅自离岗、脱岗。\n"
    "（二）遇有重大紧急情况，要按照规定程序及时报告，不得迟报、漏报、瞒报。";

static const char *const letter_body =
    "你局《关于商请协助开展法治宣传进社区活动的函》收悉。经研究，现函复如下：\n"
    "我院同意派员参加你局组织的“法治宣传进社区”活动，拟安排第三检察部检察官2名、检察官助理"
    "2名，于2026年3月15日上午到城关镇各社区开展以案释法、法律咨询等活动，具体事宜请与我院"
    "办公室联系（联系人：王晓梅，电话：0912-4212345）。\n"
    "特此函复。";

static int render_report(const char *dir)
{
	static const char *const signers[] = {"张建国", "李卫东", "王芳"};
	static const char *const attachments[] = {
	    "定边县人民检察院2025年度收发文统计表",
	    "定边县人民检察院2025年度检察信息采用情况一览表（含市级以上刊物采用篇目、"
	    "作者及所属部门）"};
	struct gbt9704_doc d;
	struct gbt9704_result res;
	struct err e = ERR_INIT;
	char path[512];

	memset(&d, 0, sizeof(d));
	d.mark = "定边县人民检察院文件";
	d.number = "定检发〔2026〕5号";
	d.upward = true;
	d.signers = signers;
	d.n_signers = 3;
	d.title = "定边县人民检察院关于2025年度办公室工作情况的报告";
	d.recipients = "榆林市人民检察院";
	d.body = report_body;
	d.attachments = attachments;
	d.n_attachments = 2;
	d.signatory = "定边县人民检察院";
	d.date = "2026-03-05";
	d.note = "联系人：王晓梅，电话：0912-4212345";
	d.cc = "定边县委政法委，定边县人大常委会办公室，定边县人民政府办公室";
	d.printer = "定边县人民检察院办公室";
	d.print_date = "2026-03-06";
	snprintf(path, sizeof(path), "%s/report.pdf", dir);
	if (gbt9704_render_file(&d, NULL, path, &res, &e)) {
		fprintf(stderr, "report: %s\n", e.msg);
		return -1;
	}
	printf("report.pdf %d text=%d banji=%d\n", res.pages, res.text_pages, res.banji_page);
	return 0;
}

/* One PDF per printed copy: 份号 000001..000003. */
static int render_notice(const char *dir)
{
	struct gbt9704_doc d;
	struct gbt9704_opts o;
	struct gbt9704_result res;
	struct err e = ERR_INIT;
	char path[512];
	unsigned copy;

	memset(&d, 0, sizeof(d));
	memset(&o, 0, sizeof(o));
	d.secrecy = GBT_SECRECY_MIMI;
	d.secrecy_years = 1;
	d.urgency = GBT_URGENCY_TEJI;
	d.mark = "定边县人民检察院文件";
	d.number = "定检发〔2026〕12号";
	d.title = "定边县人民检察院关于做好2026年春节期间值班工作的通知";
	d.body = strchr(notice_body, '\n') + 1;
	d.recipients = "院机关各部门";
	d.signatory = "定边县人民检察院";
	d.date = "2026-02-10";
	d.printer = "定边县人民检察院办公室";
	d.print_date = "2026-02-10";
	for (copy = 1; copy <= 3; copy++) {
		o.copy_no = copy;
		snprintf(path, sizeof(path), "%s/notice-%06u.pdf", dir, copy);
		if (gbt9704_render_file(&d, &o, path, &res, &e)) {
			fprintf(stderr, "notice: %s\n", e.msg);
			return -1;
		}
		printf("notice-%06u.pdf %d\n", copy, res.pages);
	}
	return 0;
}

static int render_letter(const char *dir)
{
	struct gbt9704_doc d;
	struct gbt9704_result res;
	struct err e = ERR_INIT;
	char path[512];

	memset(&d, 0, sizeof(d));
	d.letter = true;
	d.mark = "定边县人民检察院";
	d.number = "定检函〔2026〕3号";
	d.title = "定边县人民检察院关于同意派员参加法治宣传进社区活动的复函";
	d.recipients = "定边县司法局";
	d.body = letter_body;
	d.signatory = "定边县人民检察院";
	d.date = "2026-03-10";
	d.cc = "定边县城关镇人民政府";
	snprintf(path, sizeof(path), "%s/letter.pdf", dir);
	if (gbt9704_render_file(&d, NULL, path, &res, &e)) {
		fprintf(stderr, "letter: %s\n", e.msg);
		return -1;
	}
	printf("letter.pdf %d text=%d banji=%d\n", res.pages, res.text_pages, res.banji_page);
	return 0;
}

/* 2026-03-05 09:12 China time plus minutes */
static int64_t at(int day, int hh, int mm)
{
	return date_start_time(date_from_ymd(2026, 3, day)) + hh * 3600 + mm * 60;
}

static int sheet_file(const char *dir, const char *name,
                      int (*fn)(const void *in, const struct render_sink *s, int *pages,
                                struct err *e),
                      const void *in)
{
	struct err e = ERR_INIT;
	char path[512];
	FILE *f;
	struct render_sink s;
	int pages = 0, rc;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f)
		return -1;
	s = render_sink_file(f);
	rc = fn(in, &s, &pages, &e);
	fclose(f);
	if (rc) {
		fprintf(stderr, "%s: %s\n", name, e.msg);
		return -1;
	}
	printf("%s %d\n", name, pages);
	return 0;
}

static int incoming_fn(const void *in, const struct render_sink *s, int *pages, struct err *e)
{
	return sheet_incoming_render(in, NULL, s, pages, e);
}

static int draft_fn(const void *in, const struct render_sink *s, int *pages, struct err *e)
{
	return sheet_draft_render(in, NULL, s, pages, e);
}

static int approval_fn(const void *in, const struct render_sink *s, int *pages, struct err *e)
{
	return sheet_approval_render(in, NULL, s, pages, e);
}

static int render_sheets(const char *dir)
{
	struct sheet_opinion proposals[] = {
	    {"拟请刘检察长阅示，并转第二检察部研究办理。", "王晓梅", at(3, 9, 12)}};
	struct sheet_opinion instructions[] = {
	    {"同意。请第二检察部于3月20日前提出办理意见，报院党组研究。", "刘志强", at(3, 16, 40)},
	    {"已阅，按刘检意见办。", "张建国", at(4, 8, 55)}};
	struct sheet_opinion handling[] = {
	    {"已组织专题研究，形成办理意见并报院党组。", "赵敏", at(18, 17, 5)}};
	struct sheet_incoming in = {
	    "定边县人民检察院",
	    "2026-0153",
	    "榆林市人民检察院",
	    "榆检发〔2026〕21号",
	    "2026-03-03",
	    "",
	    "加急",
	    2,
	    "2026-03-20",
	    "榆林市人民检察院关于开展2026年度检察业务质效专项评查活动的通知",
	    proposals,
	    1,
	    instructions,
	    2,
	    handling,
	    1,
	    "已按要求报送评查材料。",
	    ""};
	struct sheet_opinion sign[] = {{"同意印发。", "刘志强", at(5, 10, 30)}};
	struct sheet_opinion review[] = {{"文字已核，格式符合要求。", "王晓梅", at(4, 15, 0)},
	                                 {"同意，呈刘检签发。", "张建国", at(4, 17, 20)}};
	struct sheet_draft d = {"定边县人民检察院",
	                        sign,
	                        1,
	                        NULL,
	                        0,
	                        review,
	                        2,
	                        "办公室",
	                        "李娜",
	                        "定检发〔2026〕5号",
	                        "",
	                        "",
	                        12,
	                        "定边县人民检察院关于2025年度办公室工作情况的报告",
	                        "榆林市人民检察院",
	                        "定边县委政法委，定边县人大常委会办公室",
	                        "1.收发文统计表 2.检察信息采用情况一览表",
	                        "李娜",
	                        "2026-03-06"};
	struct sheet_pair fields[] = {{"申请人", "李娜", false},
	                              {"所在部门", "办公室", false},
	                              {"请假类别", "年休假", false},
	                              {"请假天数", "3天", false},
	                              {"请假时间", "2026年3月9日至2026年3月11日", true},
	                              {"事由", "回乡探亲。", true}};
	struct sheet_step steps[] = {
	    {"部门负责人审核", "王晓梅", "同意。工作已安排妥当。", at(5, 9, 3)},
	    {"分管领导审批", "张建国", "同意。", at(5, 11, 47)},
	    {"政治部备案", "赵敏", "已备案。", at(5, 15, 2)}};
	struct sheet_approval a = {
	    "定边县人民检察院", "请假审批单", "审批编号：QJ-2026-0041", fields, 6, steps, 3};

	return sheet_file(dir, "incoming.pdf", incoming_fn, &in) ||
	       sheet_file(dir, "draft.pdf", draft_fn, &d) ||
	       sheet_file(dir, "approval.pdf", approval_fn, &a);
}

/* A 发文登记簿 with every cell type, read back by LibreOffice in check.sh. */
static int render_xlsx(const char *dir)
{
	static const struct xlsx_column cols[] = {
	    {"序号", XLSX_INT, 6},         {"发文字号", XLSX_TEXT, 22},
	    {"标题", XLSX_TEXT, 50},       {"成文日期", XLSX_DATE, 12},
	    {"印制份数", XLSX_NUMBER, 10}, {"登记时间", XLSX_DATETIME, 20},
	    {"备注", XLSX_TEXT, 20}};
	static const char *const titles[] = {
	    "定边县人民检察院关于2025年度办公室工作情况的报告",
	    "定边县人民检察院关于做好2026年春节期间值班工作的通知",
	    "定边县人民检察院关于同意派员参加法治宣传进社区活动的复函"};
	static const char *const numbers[] = {"定检发〔2026〕5号", "定检发〔2026〕12号",
	                                      "定检函〔2026〕3号"};
	struct xlsx_writer *w;
	struct err e = ERR_INIT;
	char path[512];
	int i;

	snprintf(path, sizeof(path), "%s/ledger.xlsx", dir);
	if (xlsx_open(&w, path, "发文登记簿", cols, 7, &e))
		goto fail;
	for (i = 0; i < 3; i++) {
		struct xlsx_cell c[7];

		memset(c, 0, sizeof(c));
		c[0].v.i = i + 1;
		c[1].v.text = numbers[i];
		c[2].v.text = titles[i];
		c[3].v.days = date_from_ymd(2026, 3, 5 + i);
		c[4].v.num = 12.5 * (i + 1);
		c[5].v.time = at(5 + i, 9, 30);
		c[6].null = i != 1;
		c[6].v.text = "含\"引号\"，逗号";
		if (xlsx_row(w, c, &e)) {
			xlsx_abort(w);
			goto fail;
		}
	}
	if (xlsx_close(w, &e))
		goto fail;
	printf("ledger.xlsx 3\n");
	return 0;
fail:
	fprintf(stderr, "xlsx: %s\n", e.msg);
	return -1;
}

static int render_ics(const char *dir)
{
	struct ics_event ev[] = {{"deadline-153@jianwu", true, 0, 0, 0, 0,
	                          "办理时限：质效专项评查活动通知",
	                          "来文：榆检发〔2026〕21号\n承办：第二检察部; 主办",
	                          "https://jianwu.example/incoming/153"},
	                         {"deadline-154@jianwu", true, 0, 0, 0, 0, "涉密事项", NULL, NULL}};
	struct ics_writer w;
	struct err e = ERR_INIT;
	char path[512];
	FILE *f;
	struct render_sink s;
	int rc;

	ev[0].date = date_from_ymd(2026, 3, 20);
	ev[1].date = date_from_ymd(2026, 3, 25);
	snprintf(path, sizeof(path), "%s/feed.ics", dir);
	f = fopen(path, "wb");
	if (!f)
		return -1;
	s = render_sink_file(f);
	rc = ics_begin(&w, &s, "王晓梅的办理时限", at(5, 9, 0), &e) || ics_event(&w, &ev[0], &e) ||
	     ics_event(&w, &ev[1], &e) || ics_end(&w, &e);
	fclose(f);
	if (rc) {
		fprintf(stderr, "ics: %s\n", e.msg);
		return -1;
	}
	printf("feed.ics 2\n");
	return 0;
}

/* A notice whose text ends on page 2 with no room left for the 版记: page 3 stays blank and page 4
 * carries the 版记 alone (neither is numbered). Found by adding full-line paragraphs until the
 * layout says so. */
static int render_blank(const char *dir)
{
	static const char *const para =
	    "各部门要按照院党组的统一部署，认真组织开展自查自纠工作，对照问题清单逐项整改落实"
	    "到位，确保各项措施落地见效，切实提高检察工作质量和效率。";
	struct gbt9704_doc d;
	struct gbt9704_result res;
	struct err e = ERR_INIT;
	char path[512], *body;
	size_t cap = 64 * strlen(para) + 64;
	int n;

	body = malloc(cap);
	if (!body)
		return -1;
	memset(&d, 0, sizeof(d));
	d.mark = "定边县人民检察院文件";
	d.number = "定检发〔2026〕14号";
	d.title = "定边县人民检察院关于开展自查自纠工作的通知";
	d.recipients = "院机关各部门";
	d.signatory = "定边县人民检察院";
	d.date = "2026-03-12";
	d.cc = "榆林市人民检察院";
	d.printer = "定边县人民检察院办公室";
	d.print_date = "2026-03-12";
	snprintf(path, sizeof(path), "%s/blank.pdf", dir);
	for (n = 1; n < 64; n++) {
		body[0] = '\0';
		for (int i = 0; i < n; i++) {
			strcat(body, para);
			strcat(body, "\n");
		}
		d.body = body;
		if (gbt9704_render_file(&d, NULL, path, &res, &e)) {
			fprintf(stderr, "blank: %s\n", e.msg);
			free(body);
			return -1;
		}
		if (res.text_pages == 2 && res.pages == 4)
			break;
	}
	free(body);
	if (n == 64) {
		fprintf(stderr, "blank: no body length leaves page 3 blank\n");
		return -1;
	}
	printf("blank.pdf %d text=%d banji=%d\n", res.pages, res.text_pages, res.banji_page);
	return 0;
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : ".";

	if (render_report(dir) || render_notice(dir) || render_letter(dir) || render_blank(dir) ||
	    render_sheets(dir) || render_xlsx(dir) || render_ics(dir))
		return 1;
	return 0;
}
