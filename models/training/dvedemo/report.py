"""Markdown tables from <pack>/evaluation.json (pasted into models/demo/README.md).

  python -m dvedemo.report --pack ../demo
"""
import argparse
import json
import os

from .vocab import CLASSES, EVERYDAY_SYNONYMS


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pack", default="../demo")
    a = ap.parse_args()
    with open(os.path.join(a.pack, "evaluation.json")) as f:
        ev = json.load(f)
    sp = ev["splits"]
    names = list(sp)
    print("| held-out split | frames | text-based mIoU | visual-mean mIoU | linear-probe mIoU |")
    print("|---|---|---|---|---|")
    for n in names:
        r = sp[n]
        print(f"| {n} | {r['frames']} | {r['text']:.1f} | {r['visualMean']:.1f} | {r['linearProbe']:.1f} |")
    print()
    print("| class | " + " | ".join(f"{n} text / mean / probe" for n in names) + " |")
    print("|---|" + "---|" * len(names))
    for c in CLASSES:
        cells = []
        for n in names:
            r = sp[n]
            v = [r[k][c] for k in ("textPerClass", "visualMeanPerClass", "linearProbePerClass")]
            cells.append("–" if v[0] is None else " / ".join(f"{x:.0f}" for x in v))
        print(f"| {c} | " + " | ".join(cells) + " |")
    print()
    print("Synonym queries (the class's text vector replaced by one phrase; IoU of that class at stride 4):")
    print()
    print("| split | trained names & synonyms: mean IoU | held-out synonyms: mean IoU |")
    print("|---|---|---|")
    for n in names:
        rows = sp[n]["synonyms"]
        tr = [r["iou"] for r in rows if r["kind"] == "trained"]
        ho = [r["iou"] for r in rows if r["kind"] == "held-out"]
        print(f"| {n} | {sum(tr) / max(len(tr), 1):.1f} ({len(tr)} queries) | {sum(ho) / max(len(ho), 1):.1f} ({len(ho)} queries) |")
    print()
    ts = ev["textSpaceSynonyms"]
    print(f"Text space, nearest class vector: trained phrases {ts['trained']['nearestClassTop1']:.0f} % of "
          f"{ts['trained']['queries']}, held-out synonyms {ts['held-out']['nearestClassTop1']:.0f} % of "
          f"{ts['held-out']['queries']}.")
    print()
    everyday = {w for ws in EVERYDAY_SYNONYMS for w in ws}
    print("Everyday synonyms (trained, not class-set prompts), one by one (recording split): " + ", ".join(
        f"{r['query']}→{r['nearestClass']} ({r['iou']:.0f})" for r in sp[names[-1]]["synonyms"] if r["query"] in everyday))
    print("Held-out synonyms, one by one (recording split): " + ", ".join(
        f"{r['query']}→{r['nearestClass']} ({r['iou']:.0f})" for r in sp[names[-1]]["synonyms"] if r["kind"] == "held-out"))
    print()
    print("| split | '{colour} {class}' query: matching segment beats same-class segments of other colours | chance | beats every other segment | cases |")
    print("|---|---|---|---|---|")
    for n in names:
        at = sp[n]["attributes"]
        print(f"| {n} | {at['sameClassColourTop1']} % ({at['sameClassCases']}) | {at['sameClassChance']} % | "
              f"{at['allSegmentsTop1']} % | {at['allSegmentsCases']} |")


if __name__ == "__main__":
    main()
