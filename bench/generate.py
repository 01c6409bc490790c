"""Deterministic synthetic portals for benchmarks: N feedback items plus customers, decisions and
changes in realistic ratios (1 customer per 20 items, 1 decision per 3 items, 1 change per 8)."""

from __future__ import annotations

import argparse
import random
from datetime import date, timedelta
from pathlib import Path

WORDS = ["export", "dashboard", "filter", "alert", "report", "chart", "permission", "retention", "mobile", "import", "schedule", "share", "embed", "api", "webhook", "audit", "login", "sso", "csv", "excel", "pdf", "latency", "cohort", "funnel", "segment", "currency", "timezone", "theme", "keyboard", "screen", "reader", "contrast", "digest", "goal", "forecast"]
SEGMENTS = ("Healthcare", "Retail", "Public sector", "Fintech", "Education", "Logistics")
OUTCOMES = ("under-review", "planned", "in-progress", "declined", "deferred", "already-available")
TAGS = ("exports", "dashboards", "permissions", "performance", "integrations", "accessibility",
        "mobile", "alerts", "data retention", "reporting", "onboarding", "security")


def _sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize()


def generate(root: Path, feedback: int, seed: int = 1) -> Path:
    rng = random.Random(seed)
    content = root / "content"
    for folder in ("customers", "feedback", "decisions", "changes"):
        (content / folder).mkdir(parents=True, exist_ok=True)
    (content / "portal.yaml").write_text(
        "title: Benchmark portal\nbase_url: https://bench.example/\nproduct: Bench\n"
        "description: A synthetic portal for benchmarks.\n", encoding="utf-8")
    n_customers = max(3, feedback // 20)
    customers = [f"customer-{i:05d}" for i in range(n_customers)]
    for i, slug in enumerate(customers):
        credit = "named" if i % 3 else "anonymous"
        (content / "customers" / f"{slug}.yaml").write_text(
            f"name: Organisation {i:05d}\nsegment: {SEGMENTS[i % len(SEGMENTS)]}\ncredit: {credit}\n",
            encoding="utf-8")
    start = date(2024, 1, 1)
    items = [f"feedback-{i:06d}" for i in range(feedback)]
    for i, slug in enumerate(items):
        day = start + timedelta(days=(i * 900) // max(1, feedback))
        who = ", ".join(sorted(set(rng.sample(customers, k=min(len(customers), rng.randint(1, 3))))))
        tags = ", ".join(f'"{t}"' for t in sorted(set(rng.sample(TAGS, k=2))))
        sub = content / "feedback" / str(day.year)
        sub.mkdir(exist_ok=True)
        body = "\n\n".join(_sentence(rng, 30) + "." for _ in range(3))
        (sub / f"{slug}.md").write_text(
            f"---\ntitle: {_sentence(rng, 6)} {i}\ndate: {day.isoformat()}\nfrom: [{who}]\n"
            f"source: CAB meeting\ntags: [{tags}]\nquote: \"{_sentence(rng, 12)}\"\n---\n{body}\n- a point\n"
            f"- another point with `code`\n", encoding="utf-8")
    decisions = []
    for i in range(feedback // 3):
        slug = f"decision-{i:06d}"
        decisions.append(slug)
        covered = items[i * 3 : i * 3 + rng.randint(1, 3)]
        outcome = OUTCOMES[i % len(OUTCOMES)]
        day = start + timedelta(days=(i * 3 * 900) // max(1, feedback) + 20)
        extra = ""
        if outcome == "deferred":
            extra = "revisit: 2027-06-01\n"
        if outcome in ("declined", "deferred"):
            extra += "workaround: Use a scheduled export meanwhile.\n"
        (content / "decisions" / f"{slug}.md").write_text(
            f"---\ntitle: Decision on {_sentence(rng, 4)} {i}\ndate: {day.isoformat()}\n"
            f"feedback: [{', '.join(covered)}]\noutcome: {outcome}\n{extra}---\n{_sentence(rng, 40)}.\n",
            encoding="utf-8")
    planned = [d for i, d in enumerate(decisions) if OUTCOMES[i % len(OUTCOMES)] in ("planned", "in-progress")]
    for i in range(feedback // 8):
        slug = f"change-{i:06d}"
        day = start + timedelta(days=60 + (i * 8 * 900) // max(1, feedback))
        delivers = planned[i : i + 1] if i < len(planned) else []
        direct = [items[(i * 7) % len(items)]]
        (content / "changes" / f"{slug}.md").write_text(
            f"---\ntitle: Shipped {_sentence(rng, 5)} {i}\ndate: {day.isoformat()}\nversion: \"{5 + i // 200}.{(i // 20) % 10}\"\n"
            f"decisions: [{', '.join(delivers)}]\nfeedback: [{', '.join(direct)}]\n---\n{_sentence(rng, 30)}.\n",
            encoding="utf-8")
    return root


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--feedback", type=int, default=10_000)
    args = parser.parse_args()
    generate(args.folder, args.feedback)
    print(f"generated {args.feedback} feedback items in {args.folder}")
