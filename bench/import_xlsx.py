"""Time `flask import` of a generated N-row XLSX, beside the time openpyxl alone takes to read it.

Not part of pytest. Usage: python bench/import_xlsx.py [--rows 10000]"""

from __future__ import annotations

import argparse
import io
import os
import random
import tempfile
import time
from pathlib import Path

from openpyxl import Workbook, load_workbook

from catalogue.imports.headers import EXPORT_HEADERS, FIELDS

WORDS_EN = ("chip", "sensor", "radar", "battery", "module", "controller", "platform", "camera", "lidar",
            "inverter", "display", "gateway", "robot", "analyzer", "power", "smart", "vision", "edge")
WORDS_ZH = ("芯片", "传感器", "雷达", "电池", "模组", "控制器", "平台", "摄像头", "激光雷达", "逆变器",
            "显示屏", "网关", "机器人", "分析仪", "功率", "智能", "视觉", "边缘计算")
CATEGORIES = ("Integrated circuits > Chips", "Core components > Sensors", "Smart city", "Software",
              "Intelligent connected new-energy vehicles > Batteries", "Life and health")


def zipf_choice(rng: random.Random, words: tuple[str, ...]) -> str:
    weights = [1 / (i + 1) for i in range(len(words))]
    return rng.choices(words, weights)[0]


def make_xlsx(rows: int, seed: int = 7) -> bytes:
    rng = random.Random(seed)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append([EXPORT_HEADERS[f] for f in FIELDS])
    enterprises = max(1, rows // 4)
    for n in range(rows):
        e = n % enterprises
        words = [zipf_choice(rng, WORDS_EN) for _ in range(3)]
        words_zh = [zipf_choice(rng, WORDS_ZH) for _ in range(3)]
        sheet.append([
            f"Enterprise {e} Technology Co., Ltd.", f"重庆企业{e}科技有限公司", "", f"N{e % 5 + 1}",
            f"N{e % 5 + 1}-{chr(65 + e % 20)}{e % 99:02d}", f"https://www.e{e}.example.cn",
            f"Enterprise {e} makes {WORDS_EN[e % len(WORDS_EN)]} products.",
            f"企业{e}生产{WORDS_ZH[e % len(WORDS_ZH)]}产品。", f"BX-{n:06d}",
            " ".join(words).title() + f" {n}", "".join(words_zh) + f"{n}", rng.choice(CATEGORIES),
            f"A {words[1]} {words[2]} for industry, model {n}.", f"面向工业的{words_zh[1]}{words_zh[2]}，型号{n}。",
            ", ".join({words[0], words_zh[1]}),
        ])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    data = make_xlsx(args.rows)
    print(f"{args.rows:,} rows, {len(data) / 1e6:.1f} MB XLSX, {os.cpu_count()} cores")

    started = time.perf_counter()
    workbook = load_workbook(io.BytesIO(data), read_only=True)
    cells = sum(len(row) for row in workbook.worksheets[0].iter_rows(values_only=True))
    workbook.close()
    baseline = time.perf_counter() - started
    print(f"baseline  openpyxl read-only read of every cell ({cells:,} cells): {baseline:6.2f} s")

    from catalogue import create_app
    from catalogue.extensions import db
    from catalogue.imports.apply import import_data, limits_from

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"INSTANCE_PATH": tmp, "CATALOGUE_DEMO": False, "CATALOGUE_SECRET_KEY": "bench",
                          "CATALOGUE_DATABASE_URL": os.environ.get("CATALOGUE_DATABASE_URL",
                                                                   f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")})
        with app.app_context():
            started = time.perf_counter()
            result = import_data(data, "bench.xlsx", limits_from(app.config))
            if not result.applied:
                raise SystemExit("the generated file was refused: " + "; ".join(map(str, result.plan.problems[:5])))
            planned = time.perf_counter() - started
            db.session.commit()
            total = time.perf_counter() - started
            counts = result.plan.counts()
            print(f"import    read + plan + apply: {planned:6.2f} s; with commit (and index): {total:6.2f} s "
                  f"= {total / baseline:.1f}x baseline; created {counts['exhibits']['create']:,} exhibits, "
                  f"{counts['enterprises']['create']:,} enterprises")
            started = time.perf_counter()
            again = import_data(data, "bench.xlsx", limits_from(app.config))
            db.session.commit()
            print(f"re-import (all unchanged: {again.plan.counts()['exhibits']['unchanged']:,}): "
                  f"{time.perf_counter() - started:6.2f} s")


if __name__ == "__main__":
    main()
