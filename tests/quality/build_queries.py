#!/usr/bin/env python3
"""Builds the search quality query set and its ground truth (tests/quality/README.md).

    build_queries.py CORPUS.jsonl OUT.json

The ground truth is computed here, independently of the C code: every title, body and query is
normalised with Python's unicodedata (NFKC, case fold, NFKC, default-ignorables removed), then
the `opencc` command-line tool (config t2s), then the 文号 bracket fold; a query matches a document
when its normalised title or body contains the normalised query as a plain substring, with two
word-boundary rules for Latin letters and digits at the query's ends (the tokenizer indexes them
as whole words) and whitespace runs read as one space on both sides. "expected" is over title and
body (run_quality indexes those); "expected_indexed" also counts the issuer, which the search API
indexes for a library document (api_quality.test.mjs).
"""
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import unicodedata

SEED = 20240601
RANDOM_SAMPLES = 30

# Curated queries by kind. The builder keeps each one (even with no hits: absence is checked too).
CURATED = {
    "two-char": ["检察", "羁押", "公诉", "逮捕", "侦查", "起诉", "审判", "证据", "律师", "监督",
                 "辩护", "赔偿", "减刑", "假释", "缓刑", "抗诉", "扣押", "鉴定"],
    "phrase": ["人民检察院", "公益诉讼", "刑事诉讼法", "认罪认罚", "非法证据", "检察建议",
               "法律监督", "国家赔偿", "最高人民法院", "羁押必要性", "未成年人保护", "社区矫正",
               "行政复议", "中华人民共和国刑法", "人民检察院刑事诉讼规则"],
    "single-char": ["罚", "诉", "狱", "赦", "醉", "毒", "枪", "赃", "乾"],
    "traditional": ["檢察", "羈押", "公訴", "訴訟", "監獄", "檢察官", "偵查", "證據", "刑事訴訟",
                    "法務部", "臺灣", "律師", "國家賠償", "乾燥"],
    "latin-number": ["DNA", "ＤＮＡ", "dna", "ISO", "iso", "GB", "2018年", "1949年", "10日",
                     "100元", "第 5 條", "APP", "GDP"],
    "wenhao": ["劳社部发[2008]3号", "劳社部发〔2008〕3号", "劳社部发【2008】3号",
               "法释〔1998〕11号", "法释(1998)11号", "（2008）", "[2022]"],
    "punctuation": ["检察院，", "规定：", "、公诉", "《中华人民共和国刑法》"],
}

IGNORABLE = [(0x00AD, 0x00AD), (0x034F, 0x034F), (0x061C, 0x061C), (0x115F, 0x1160),
             (0x17B4, 0x17B5), (0x180B, 0x180F), (0x200B, 0x200F), (0x202A, 0x202E),
             (0x2060, 0x206F), (0x3164, 0x3164), (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF),
             (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A),
             (0xE0000, 0xE0FFF)]
IGNORABLE_RE = re.compile("[" + "".join("%s-%s" % (chr(a), chr(b)) for a, b in IGNORABLE) + "]")
# Unicode White_Space.
WS = "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009" \
     "\u200a\u2028\u2029\u202f\u205f\u3000"
WS_RE = re.compile("[" + re.escape(WS) + "]+")
BRACKETS = str.maketrans({"(": "〔", "[": "〔", "【": "〔", "〖": "〔",
                          ")": "〕", "]": "〕", "】": "〕", "〗": "〕"})
CJK_RANGES = [(0x2E80, 0x2FDF), (0x3005, 0x3007), (0x3021, 0x3029), (0x3031, 0x3035),
              (0x3038, 0x303B), (0x3041, 0x309F), (0x30A1, 0x30FA), (0x30FC, 0x30FF),
              (0x3105, 0x312F), (0x3131, 0x318E), (0x31A0, 0x31BF), (0x31F0, 0x31FF),
              (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xA960, 0xA97F), (0xAC00, 0xD7FF),
              (0xF900, 0xFAFF), (0xFF66, 0xFF9F), (0x1100, 0x11FF), (0x20000, 0x3FFFF)]


def is_cjk(ch):
    o = ord(ch)
    return any(a <= o <= b for a, b in CJK_RANGES)


def is_word(ch):
    if ch < "\x80":
        return ch.isalnum()
    return unicodedata.category(ch)[0] in "LMN" and not is_cjk(ch)


def pre_opencc(s):
    s = unicodedata.normalize("NFKC", s)
    s = unicodedata.normalize("NFKC", s.casefold())
    return IGNORABLE_RE.sub("", s)


def opencc_t2s(texts):
    """Converts a list of strings with one run of the opencc command-line tool."""
    with tempfile.TemporaryDirectory() as tmp:
        src, dst = os.path.join(tmp, "in.jsonl"), os.path.join(tmp, "out.jsonl")
        with open(src, "w", encoding="utf-8") as f:
            for t in texts:
                f.write(json.dumps(t, ensure_ascii=False) + "\n")
        subprocess.run(["opencc", "-c", "t2s.json", "-i", src, "-o", dst], check=True)
        with open(dst, encoding="utf-8") as f:
            out = [json.loads(line) for line in f.read().split("\n") if line]
    if len(out) != len(texts):
        sys.exit("opencc returned %d lines for %d" % (len(out), len(texts)))
    return out


def post_opencc(s):
    return WS_RE.sub(" ", s.translate(BRACKETS))


def matches(q, text):
    start = 0
    while True:
        i = text.find(q, start)
        if i < 0:
            return False
        j = i + len(q)
        ok_left = not (is_word(q[0]) and i > 0 and is_word(text[i - 1]))
        ok_right = not (is_word(q[-1]) and j < len(text) and is_word(text[j]))
        if ok_left and ok_right:
            return True
        start = i + 1


def sample_queries(docs, rng):
    """Random substrings of 1–8 characters (no whitespace) of random documents, as written."""
    out = []
    while len(out) < RANDOM_SAMPLES:
        d = rng.choice(docs)
        text = d["body"]
        n = rng.randint(1, 8)
        if len(text) <= n:
            continue
        i = rng.randrange(0, len(text) - n)
        q = text[i:i + n]
        if WS_RE.search(q) or "INFO" in q or "END" in q or q in out:
            continue
        out.append(q)
    return out


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: build_queries.py CORPUS.jsonl OUT.json")
    with open(sys.argv[1], encoding="utf-8") as f:
        docs = [json.loads(line) for line in f if line.strip()]
    rng = random.Random(SEED)
    queries = [(kind, q) for kind, qs in CURATED.items() for q in qs]
    queries += [("random", q) for q in sample_queries(docs, rng)]

    texts = []
    for d in docs:
        texts += [pre_opencc(d["title"]), pre_opencc(d["body"]),
                  pre_opencc(d.get("issuer") or "")]
    texts += [pre_opencc(q) for _, q in queries]
    conv = [post_opencc(t) for t in opencc_t2s(texts)]
    ndoc = 3 * len(docs)
    out = []
    for k, (kind, q) in enumerate(queries):
        nq = conv[ndoc + k].strip(" ")
        expected = [d["id"] for i, d in enumerate(docs)
                    if matches(nq, conv[3 * i]) or matches(nq, conv[3 * i + 1])]
        # The search API indexes a library document's issuer too (tests/quality/api_quality).
        by_issuer = [d["id"] for i, d in enumerate(docs) if matches(nq, conv[3 * i + 2])]
        indexed = sorted(set(expected) | set(by_issuer))
        # What a user would type: text with spaces in it is a quoted phrase.
        typed = "\"%s\"" % q if WS_RE.search(q) else q
        out.append({"kind": kind, "q": typed, "normalised": nq, "expected": expected,
                    "expected_indexed": indexed})
    with open(sys.argv[2] + ".tmp", "w", encoding="utf-8") as f:
        json.dump({"corpus": os.path.basename(sys.argv[1]), "documents": len(docs),
                   "seed": SEED, "queries": out}, f, ensure_ascii=False, indent=1)
    os.replace(sys.argv[2] + ".tmp", sys.argv[2])
    print("quality: %d queries, ground truth written to %s" % (len(out), sys.argv[2]))


if __name__ == "__main__":
    main()
