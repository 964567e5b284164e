"""Regenerate countries.csv: CLDR names (Babel) for sovereign states + EU (and the Soviet Union), plus press variants.

Press names, transliterations, ambiguous short names and pair-only forms come from press_variants.yaml (edit that
file); each hyphenated transliteration of three or more syllables is also written with its syllables apart
("Ma lai xi a").

Run: python -m vnpress.data.build_countries  (rewrites lib/vnpress/data/countries.csv)
"""

from __future__ import annotations

import csv
from pathlib import Path

import yaml
from babel import Locale

from vnpress.util.textnorm import normalize

# UN member states (193), observer states, and Taiwan/Kosovo (states the press treats as actors).
UN_MEMBERS = """AF AL DZ AD AO AG AR AM AU AT AZ BS BH BD BB BY BE BZ BJ BT BO BA BW BR BN BG BF BI CV KH CM CA CF TD
CL CN CO KM CG CD CR CI HR CU CY CZ DK DJ DM DO EC EG SV GQ ER EE SZ ET FJ FI FR GA GM GE DE GH GR GD GT GN GW GY
HT HN HU IS IN ID IR IQ IE IL IT JM JP JO KZ KE KI KP KR KW KG LA LV LB LS LR LY LI LT LU MG MW MY MV ML MT MH MR
MU MX FM MD MC MN ME MA MZ MM NA NR NP NL NZ NI NE NG MK NO OM PK PW PA PG PY PE PH PL PT QA RO RU RW KN LC VC WS
SM ST SA SN RS SC SL SG SK SI SB SO ZA SS ES LK SD SR SE CH SY TJ TZ TH TL TG TO TT TN TR TM TV UG UA AE GB US UY
UZ VU VE VN YE ZM ZW""".split()
OTHER = {"PS": "observer", "VA": "observer", "TW": "other", "XK": "other", "EU": "union"}
# Former states that signed treaties still in the news (the Soviet Union and the INF Treaty); CLDR has no name for
# them, so press_variants.yaml gives all their names.
FORMER = {"SU": "former"}


def press_variants() -> dict:
    """The press's own names, ambiguous and pair-only forms, from press_variants.yaml."""
    return yaml.safe_load(Path(__file__).with_name("press_variants.yaml").read_text(encoding="utf-8"))


def rows() -> list[dict[str, str]]:
    vi, en = Locale("vi").territories, Locale("en").territories
    press = press_variants()
    ambiguous, pair_only = set(press["ambiguous"]) | set(press["pair_only"]), set(press["pair_only"])
    out: list[dict[str, str]] = []
    for code in UN_MEMBERS + list(OTHER) + list(FORMER):
        status = {**OTHER, **FORMER}.get(code, "un_member")
        names = [(n, "press") for n in press["names"].get(code, [])]
        names += [(cldr[code], source) for cldr, source in ((vi, "cldr_vi"), (en, "cldr_en")) if code in cldr]
        names += [(n, "press") for n in press["transliterations"].get(code, [])]
        canonical = normalize(names[0][0])
        seen = set()
        for name, source in names:
            name = normalize(name.replace(" - ", " ").strip())
            if name in seen or "(" in name:
                continue
            seen.add(name)
            out.append({"iso": code, "name": canonical, "variant": name, "source": source,
                        "ambiguous": str(int(name in ambiguous)), "status": status,
                        "pair_only": str(int(name in pair_only))})
        out += _unhyphenated(out, code, seen)
    return out


def _unhyphenated(rows: list[dict[str, str]], code: str, seen: set[str]) -> list[dict[str, str]]:
    """A hyphenated variant of three or more syllables in all, written apart ("Ma lai xi a" for "Ma-lai-xi-a",
    "Đông Ti mo"): the same country. Two syllables apart are too often words ("Ca ta hát", not Qatar)."""
    out = []
    for r in [r for r in rows if r["iso"] == code and "-" in r["variant"]]:
        spaced = " ".join(r["variant"].replace("-", " ").split())
        if spaced in seen or len(spaced.split()) < 3:
            continue
        seen.add(spaced)
        out.append({**r, "variant": spaced, "source": "spaced"})
    return out


def main() -> None:
    target = Path(__file__).with_name("countries.csv")
    with target.open("w", newline="", encoding="utf-8") as fh:
        fields = ["iso", "name", "variant", "source", "ambiguous", "status", "pair_only"]
        writer = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows())
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
