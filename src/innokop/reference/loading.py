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


def nuts_english_names() -> dict[str, str]:
    """The counties' English names ("Stockholm County"): the eForms list repeats the Swedish ones (data/README.md)."""
    with open(DATA / "nuts3_se_en.csv", encoding="utf-8", newline="") as handle:
        return {row["code"]: row["en"] for row in csv.DictReader(handle)}


def load_nuts(model) -> int:
    english = nuts_english_names()
    with open(DATA / "nuts3_se.csv", encoding="utf-8", newline="") as handle:
        rows = [model(code=row["code"], label_sv=row["sv"], label_en=english.get(row["code"], row["en"]))
                for row in csv.DictReader(handle) if not row["code"].endswith("ZZZ")]
    model.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def name_nuts_in_english(model) -> int:
    """Gives regions loaded before the English names came their English name (migration 0003)."""
    english = nuts_english_names()
    regions = [region for region in model.objects.filter(code__in=english) if region.label_en != english[region.code]]
    for region in regions:
        region.label_en = english[region.code]
    model.objects.bulk_update(regions, ["label_en"])
    return len(regions)
