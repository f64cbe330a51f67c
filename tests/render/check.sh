#!/bin/sh
# Reads the renderers' outputs back with real tools (make render-check).
#   tests/render/check.sh SAMPLE_BIN OUTDIR
# SAMPLE_BIN (tests/render/sample.c) renders the sample documents into OUTDIR; this script checks
# them with poppler (pdfinfo, pdffonts, pdftotext -layout, pdftoppm) and LibreOffice headless, keeps
# OUTDIR/page1.png (page 1 of the 上行文 report) and OUTDIR/letter1.png for review, and ends with
# "N passed, N failed".
set -u
bin=$1
out=$2
passed=0
failed=0

ok() { passed=$((passed + 1)); echo "ok   $*"; }
bad() { failed=$((failed + 1)); echo "FAIL $*"; }
check() { # description command...
	d=$1
	shift
	if "$@" >/dev/null 2>&1; then ok "$d"; else bad "$d"; fi
}

rm -rf "$out"
mkdir -p "$out"
if ! "$bin" "$out" >"$out/sample.txt" 2>"$out/sample.err"; then
	cat "$out/sample.err"
	echo "0 passed, 1 failed"
	exit 1
fi
cat "$out/sample.txt"

pages_of() { awk -v f="$1" '$1 == f { print $2 }' "$out/sample.txt"; }
field_of() { sed -n "s/^$1 .* $2=\([0-9]*\).*/\1/p" "$out/sample.txt"; }

# ---- every PDF: A4, the page count the renderer reported, every font embedded -------------------
for pdf in "$out"/*.pdf; do
	name=$(basename "$pdf")
	info=$(pdfinfo "$pdf")
	size=$(echo "$info" | sed -n 's/^Page size: *\([0-9.]*\) x \([0-9.]*\) pts.*/\1 \2/p')
	check "$name: A4 595.28 x 841.89 pt ($size)" \
		awk -v s="$size" 'BEGIN { split(s, a, " "); exit !(a[1] > 595.2 && a[1] < 595.35 && a[2] > 841.85 && a[2] < 841.95) }'
	n=$(echo "$info" | sed -n 's/^Pages: *//p')
	check "$name: $n pages as rendered" test "$n" = "$(pages_of "$name")"
	fonts=$(pdffonts "$pdf" | tail -n +3)
	total=$(echo "$fonts" | grep -c .)
	emb=$(echo "$fonts" | awk '$(NF-4) == "yes"' | grep -c .)
	check "$name: all $total fonts embedded" test "$total" -gt 0 -a "$total" = "$emb"
done

# ---- the 上行文 report ------------------------------------------------------------------------------
report="$out/report.pdf"
txt=$(pdftotext -layout "$report" -)
check "report: several pages" test "$(pages_of report.pdf)" -ge 3
check "report: 发文字号 with 〔〕" sh -c 'echo "$1" | grep -q "定检发〔2026〕5号"' - "$txt"
check "report: 签发人 on the 发文字号 line" sh -c \
	'echo "$1" | grep -q "^ *定检发〔2026〕5号 .*王芳"' - "$txt"
check "report: 签发人 label and names" sh -c 'echo "$1" | grep -q "签发人：张建国 *李卫东"' - "$txt"
check "report: title (organ + 关于 on line 1)" sh -c \
	'echo "$1" | grep -q "^ *定边县人民检察院关于$" && echo "$1" | grep -q "^ *2025年度办公室工作情况的报告$"' - "$txt"
check "report: 主送机关 ends with ：" sh -c 'echo "$1" | grep -q "^榆林市人民检察院：$"' - "$txt"
check "report: heading levels present" sh -c \
	'for h in "一、总体情况" "（一）公文处理规范高效" "1. 严把发文质量关" "（1）建立督办台账"; do echo "$1" | grep -q "$h" || exit 1; done' - "$txt"
check "report: 附件说明 indented 2 characters" sh -c 'echo "$1" | grep -q "^  附件：1. "' - "$txt"
check "report: 成文日期 as 2026年3月5日" sh -c 'echo "$1" | grep -q "2026年3月5日$"' - "$txt"
check "report: 版记 印发 line" sh -c \
	'echo "$1" | grep -q "^定边县人民检察院办公室 *2026年3月6日印发"' - "$txt"
check "report: 抄送 wraps under the text after 抄送：" sh -c \
	'echo "$1" | grep -q "^抄送：定边县委政法委" && echo "$1" | grep -v "^ *$" | grep -A1 "^抄送：" | tail -1 | grep -q "^   *府办公室。$"' - "$txt"

# Full body lines hold 28 characters: a line followed by a continuation line (no indent) of the
# same paragraph is full; lines without Latin text are counted exactly (UTF-8 CJK: 3 bytes each),
# indented first lines hold 26.
echo "$txt" | tr '\f' '\n' | grep -v '^ *— *[0-9]* *—$' | grep -v '^ *$' |
	sed -n '/^榆林市人民检察院：$/,/附件：/p' | sed '1d;$d' >"$out/body.txt"
LC_ALL=C awk -v cl="，。、；：？！）》」』】〕”’…—" '
	{ line[NR] = $0 }
	END {
		full = 0; wrong = 0
		for (i = 1; i < NR; i++) {
			if (line[i + 1] ~ /^ /) continue        # next line starts a paragraph: not full
			s = line[i]; ind = 0
			if (s ~ /^ /) { sub(/^ +/, "", s); ind = 1 }
			if (s ~ /[ -~]/) continue               # Latin text: width not a character count
			n = length(s) / 3
			want = ind ? 26 : 28
			# 禁则: a character pushed down with the closing punctuation after it
			if (n == want - 1 && index(cl, substr(line[i + 1], 4, 3)) > 0) want--
			if (n != want) { wrong++; print "line " i " has " n ": " line[i] }
			full++
		}
		print full " full lines, " wrong " wrong"
		exit !(full >= 12 && wrong == 0)
	}' "$out/body.txt" >"$out/body-check.txt"
check "report: full body lines carry 28 characters ($(tail -1 "$out/body-check.txt"))" \
	sh -c 'tail -1 "$1" | grep -q " 0 wrong" && awk "\$1 >= 12" "$1" | grep -q .' - "$out/body-check.txt"
grep '^line ' "$out/body-check.txt" | head -5

# No line starts with closing punctuation or ends with opening punctuation.
check "report: no line starts with closing punctuation" sh -c \
	'! grep -qE "^ *(，|。|、|；|：|？|！|）|》|”|’|〕)" "$1"' - "$out/body.txt"
check "report: no line ends with opening punctuation" sh -c \
	'! grep -qE "(（|《|“|‘|〔)$" "$1"' - "$out/body.txt"

# Page numbers: "— N —" on pages with text, odd pages right, even pages left; none elsewhere.
pagenos() { # pdf pages text_pages first_unnumbered(0|1)
	p=1
	while [ "$p" -le "$2" ]; do
		t=$(pdftotext -layout -f "$p" -l "$p" "$1" -)
		l=$(echo "$t" | grep -E "^ *— *$p *—$" || true)
		if [ "$p" -gt "$3" ] || { [ "$4" = 1 ] && [ "$p" = 1 ]; }; then
			check "$(basename "$1") p$p: no page number" sh -c '! echo "$1" | grep -qE "^ *— *[0-9]+ *—$"' - "$t"
		elif [ $((p % 2)) = 1 ]; then
			check "$(basename "$1") p$p: — $p — on the right" sh -c 'echo "$1" | grep -qE "^ {20,}— *$2 *—$"' - "$l" "$p"
		else
			check "$(basename "$1") p$p: — $p — on the left" sh -c 'echo "$1" | grep -qE "^ {0,3}— *$2 *—$"' - "$l" "$p"
		fi
		p=$((p + 1))
	done
}
pagenos "$report" "$(pages_of report.pdf)" "$(field_of report.pdf text)" 0
blank="$out/blank.pdf"
pagenos "$blank" "$(pages_of blank.pdf)" "$(field_of blank.pdf text)" 0
check "blank: page 3 is empty" sh -c 'test -z "$(pdftotext -f 3 -l 3 "$1" - | tr -d "[:space:]")"' - "$blank"
check "blank: page 4 holds the 版记 only" sh -c \
	't=$(pdftotext -layout -f 4 -l 4 "$1" -); echo "$t" | grep -q "印发" && test "$(echo "$t" | grep -c "[^[:space:]]")" = 2' - "$blank"

# ---- 份号: one PDF per copy, numbered ------------------------------------------------------------
for c in 000001 000002 000003; do
	check "notice-$c: 份号 $c, 密级, 紧急程度 on lines 1-3" sh -c \
		'pdftotext -layout -f 1 -l 1 "$1" - | grep -v "^ *$" | head -3 | tr -d " " | tr "\n" "|" | grep -q "^$2|秘密★1年|特急|$"' - "$out/notice-$c.pdf" "$c"
done

# ---- 信函格式 --------------------------------------------------------------------------------------
letter="$out/letter.pdf"
lt=$(pdftotext -layout -f 1 -l 1 "$letter" -)
check "letter: 发文字号 flush right under the rule" sh -c \
	'echo "$1" | grep -v "^ *$" | sed -n 2p | grep -qE "^ {15,}定检函〔2026〕3号$"' - "$lt"
check "letter: title" sh -c 'echo "$1" | grep -q "^ *同意派员参加法治宣传进社区活动的复函$"' - "$lt"
pagenos "$letter" "$(pages_of letter.pdf)" "$(field_of letter.pdf text)" 1
check "letter: 版记 has 抄送 but no 印发" sh -c \
	't=$(pdftotext -layout "$1" -); echo "$t" | grep -q "抄送：定边县城关镇人民政府。" && ! echo "$t" | grep -q "印发$"' - "$letter"

# ---- processing sheets -------------------------------------------------------------------------
st=$(pdftotext -layout "$out/incoming.pdf" -)
check "收文处理单: heading, opinions with names and dates" sh -c \
	'for s in "定边县人民检察院收文处理单" "收文编号：2026-0153" "榆检发〔2026〕21号" "领导批示" "刘志强 *2026年3月3日" "张建国 *2026年3月4日" "赵敏 *2026年3月18日"; do echo "$1" | grep -q "$s" || { echo "missing $s"; exit 1; }; done' - "$st"
st=$(pdftotext -layout "$out/draft.pdf" -)
check "发文稿纸: 签发, 核稿, fields" sh -c \
	'for s in "定边县人民检察院发文稿纸" "签发" "同意印发。" "刘志强 *2026年3月5日" "核稿" "王晓梅 *2026年3月4日" "定检发〔2026〕5号" "印制份数"; do echo "$1" | grep -q "$s" || { echo "missing $s"; exit 1; }; done' - "$st"
st=$(pdftotext -layout "$out/approval.pdf" -)
check "审批单: steps with person and time" sh -c \
	'for s in "定边县人民检察院请假审批单" "部门负责人" "王晓梅 *2026年3月5日 09:03" "张建国 *2026年3月5日 11:47" "回乡探亲。"; do echo "$1" | grep -q "$s" || { echo "missing $s"; exit 1; }; done' - "$st"

# ---- PNGs for review ---------------------------------------------------------------------------
pdftoppm -png -r 80 -f 1 -l 1 -singlefile "$report" "$out/page1"
pdftoppm -png -r 80 -f 1 -l 1 -singlefile "$letter" "$out/letter1"
check "page1.png rendered" test -s "$out/page1.png"
check "letter1.png rendered" test -s "$out/letter1.png"

# ---- xlsx read back by LibreOffice -------------------------------------------------------------
if command -v soffice >/dev/null 2>&1; then
	lo="-env:UserInstallation=file://$(cd "$out" && pwd)/lo-profile"
	# 44 = comma, 34 = quote, 76 = UTF-8; LibreOffice quotes text cells, numbers and dates are
	# written as displayed (the header freeze is checked in tests/unit/test_render_xlsx.c: a
	# headless conversion drops view settings)
	soffice "$lo" --headless --convert-to 'csv:Text - txt - csv (StarCalc):44,34,76,1' \
		--outdir "$out" "$out/ledger.xlsx" >"$out/lo.log" 2>&1
	soffice "$lo" --headless --convert-to fods --outdir "$out" "$out/ledger.xlsx" >>"$out/lo.log" 2>&1
	cat >"$out/ledger.expected.csv" <<'EOF'
"序号","发文字号","标题","成文日期","印制份数","登记时间","备注"
1,"定检发〔2026〕5号","定边县人民检察院关于2025年度办公室工作情况的报告",2026-03-05,12.5,2026-03-05 09:30:00,
2,"定检发〔2026〕12号","定边县人民检察院关于做好2026年春节期间值班工作的通知",2026-03-06,25,2026-03-06 09:30:00,"含""引号""，逗号"
3,"定检函〔2026〕3号","定边县人民检察院关于同意派员参加法治宣传进社区活动的复函",2026-03-07,37.5,2026-03-07 09:30:00,
EOF
	check "ledger.xlsx: every cell as written (LibreOffice csv)" \
		cmp "$out/ledger.expected.csv" "$out/ledger.csv"
	diff "$out/ledger.expected.csv" "$out/ledger.csv" 2>/dev/null | head -10
	check "ledger.xlsx: Chinese sheet name" grep -q 'table:name="发文登记簿"' "$out/ledger.fods"
	check "ledger.xlsx: dates are date cells" grep -q 'office:value-type="date" office:date-value="2026-03-05"' "$out/ledger.fods"
	check "ledger.xlsx: datetimes are date cells" grep -q 'office:date-value="2026-03-05T09:30:00"' "$out/ledger.fods"
	check "ledger.xlsx: autofilter over the data" grep -q 'table:database-range.*table:display-filter-buttons="true"' "$out/ledger.fods"
else
	bad "soffice (libreoffice-calc-nogui) not installed"
fi

# ---- iCalendar ---------------------------------------------------------------------------------
ics="$out/feed.ics"
check "feed.ics: CRLF line ends" sh -c 'test "$(grep -c "$(printf "\r")\$" "$1")" = "$(wc -l <"$1")"' - "$ics"
check "feed.ics: no line over 75 octets" sh -c 'LC_ALL=C awk "{ sub(/\r\$/, \"\"); if (length(\$0) > 75) exit 1 }" "$1"' - "$ics"
check "feed.ics: all-day deadline" grep -q '^DTSTART;VALUE=DATE:20260320' "$ics"
# unfold (CRLF + space) before looking at a value
check "feed.ics: escaped TEXT" sh -c \
	'tr -d "\r" <"$1" | sed -e :a -e "\$!N;s/\n //;ta" -e "P;D" | grep -qF "DESCRIPTION:来文：榆检发〔2026〕21号\\n承办：第二检察部\\; 主办"' - "$ics"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
