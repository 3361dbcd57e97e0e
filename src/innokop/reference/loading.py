"""Loads the CSV files in data/ into the reference tables (used by the data migration)."""

import csv
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


def load_cpv(model) -> int:
    with open(DATA / "cpv2008_sv_en.csv", encoding="utf-8", newline="") as handle:
        rows = [
            model(code=row["code"], check_digit=int(row["check_digit"]), level=int(row["level"]),
                  parent_code=row["parent"], label_sv=row["sv"], label_en=row["en"])
            for row in csv.DictReader(handle)
        ]
    model.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    return len(rows)


def load_nuts(model) -> int:
    with open(DATA / "nuts3_se.csv", encoding="utf-8", newline="") as handle:
        rows = [model(code=row["code"], label_sv=row["sv"], label_en=row["en"])
                for row in csv.DictReader(handle) if not row["code"].endswith("ZZZ")]
    model.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)
