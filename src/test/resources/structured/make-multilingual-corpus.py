#!/usr/bin/env python3
"""Writes corpus/multilingual.jsonl: multi-kilobyte replies in several languages, each broken one way.

The expected value is the object before it was broken, so it states the intended reading, not the engine's output.
Seeded: the file is the same on every run.
"""
import json, os, random

rnd = random.Random(2024)
SENTENCES = {
    "ja": ["東京の天気は晴れです。", "明日は雨が降るかもしれません。", "この報告書は三つの章に分かれています。", "詳細は付録を参照してください。"],
    "ru": ["Погода в Москве солнечная.", "Завтра может пойти дождь.", "Этот отчёт состоит из трёх глав.", "Подробности смотрите в приложении."],
    "ar": ["الطقس في القاهرة مشمس.", "قد تمطر غدا.", "يتكون هذا التقرير من ثلاثة فصول.", "راجع الملحق للتفاصيل."],
    "hi": ["दिल्ली में मौसम साफ है।", "कल बारिश हो सकती है।", "यह रिपोर्ट तीन अध्यायों में बंटी है।", "विवरण के लिए परिशिष्ट देखें।"],
    "zh": ["北京今天天气晴朗。", "明天可能会下雨。", "本报告分为三章。", "详情请参阅附录。"],
    "de": ["Das Wetter in Berlin ist sonnig.", "Morgen könnte es regnen.", "Dieser Bericht hat drei Kapitel.", "Details stehen im Anhang."],
    "es": ["El clima en Madrid es soleado 🌞.", "Mañana podría llover.", "Este informe tiene tres capítulos.", "Consulte el anexo para más detalles."],
}

def paragraph(lang, n):
    return " ".join(rnd.choice(SENTENCES[lang]) for _ in range(n))

def value(lang):
    return {
        "lang": lang,
        "title": paragraph(lang, 1),
        "ok": True,
        "score": round(rnd.random() * 100, 2),
        "paragraphs": [paragraph(lang, 24) for _ in range(8)],
        "tags": [lang, "report", "weather"],
    }

cases = []
def add(case):
    case["id"] = f"multilingual-{len(cases) + 1:03d}"
    case["family"] = "multilingual"
    cases.append(dict(sorted(case.items(), key=lambda kv: ["id", "family"].index(kv[0]) if kv[0] in ("id", "family") else 2)))

for lang in SENTENCES:
    v = value(lang)
    text = json.dumps(v, ensure_ascii=False, indent=2)
    # 1. Fenced, with prose, a trailing comma and a Python literal.
    broken = text.replace('"ok": true', '"ok": True').replace('"weather"\n  ]', '"weather",\n  ]')
    add({"input": f"Here is the report:\n```json\n{broken}\n```\nLet me know.", "expected": v,
         "repairs": ["fence", "python-literal", "trailing-comma"]})
    # 2. An unescaped quote in the middle of a sentence (after a word, not after a comma): one reading.
    w = json.loads(json.dumps(v))
    w["paragraphs"][2] = w["paragraphs"][2][:40] + ' "quoted" ' + w["paragraphs"][2][40:]
    text2 = json.dumps(w, ensure_ascii=False)
    add({"input": text2.replace('\\"quoted\\"', '"quoted"'), "expected": w, "repairs": ["inner-quote"]})
    # 3. Cut at the token limit after the fourth paragraph: refused; lenient keeps four paragraphs.
    cut_at = text.index(json.dumps(v["paragraphs"][3], ensure_ascii=False)) + len(json.dumps(v["paragraphs"][3], ensure_ascii=False)) + 1
    shortened = dict(v)
    shortened = {k: v[k] for k in ["lang", "title", "ok", "score"]}
    shortened["paragraphs"] = v["paragraphs"][:4]
    add({"input": text[:cut_at], "refuse": True, "kind": "TRUNCATED", "finish": "length", "lenient": shortened,
         "guesses": ["truncated"]})

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "multilingual.jsonl")
with open(out, "w", encoding="utf-8") as f:
    for c in cases:
        f.write(json.dumps(c, ensure_ascii=False) + "\n")
print(f"{len(cases)} cases, {os.path.getsize(out)} bytes -> {out}")
