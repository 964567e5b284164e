"""Regenerate countries.csv: CLDR names (Babel) for sovereign states + EU, plus press variants.

Run: python -m vnpress.data.build_countries  (rewrites lib/vnpress/data/countries.csv)
"""

from __future__ import annotations

import csv
from pathlib import Path

from babel import Locale

from vnpress.textnorm import normalize

# UN member states (193), observer states, and Taiwan/Kosovo (states the press treats as actors).
UN_MEMBERS = """AF AL DZ AD AO AG AR AM AU AT AZ BS BH BD BB BY BE BZ BJ BT BO BA BW BR BN BG BF BI CV KH CM CA CF TD
CL CN CO KM CG CD CR CI HR CU CY CZ DK DJ DM DO EC EG SV GQ ER EE SZ ET FJ FI FR GA GM GE DE GH GR GD GT GN GW GY
HT HN HU IS IN ID IR IQ IE IL IT JM JP JO KZ KE KI KP KR KW KG LA LV LB LS LR LY LI LT LU MG MW MY MV ML MT MH MR
MU MX FM MD MC MN ME MA MZ MM NA NR NP NL NZ NI NE NG MK NO OM PK PW PA PG PY PE PH PL PT QA RO RU RW KN LC VC WS
SM ST SA SN RS SC SL SG SK SI SB SO ZA SS ES LK SD SR SE CH SY TJ TZ TH TL TG TO TT TN TR TM TV UG UA AE GB US UY
UZ VU VE VN YE ZM ZW""".split()
OTHER = {"PS": "observer", "VA": "observer", "TW": "other", "XK": "other", "EU": "union"}

# Names the Vietnamese press uses beyond CLDR's; first entry of a code is its canonical Vietnamese name.
PRESS = {
    "US": ["Hoa Kỳ", "Mỹ", "Hợp chúng quốc Hoa Kỳ", "Hợp chúng quốc Mỹ"],
    "GB": ["Vương quốc Anh", "Anh", "Vương quốc Liên hiệp Anh và Bắc Ireland"],
    "EU": ["Liên minh châu Âu", "EU", "Liên minh Châu Âu"],
    "AU": ["Australia", "Úc", "Ôxtrâylia"],
    "IT": ["Italy", "Ý", "Italia", "I-ta-li-a"],
    "RU": ["Nga", "Liên bang Nga"],
    "DE": ["Đức", "CHLB Đức", "Cộng hòa Liên bang Đức"],
    "FR": ["Pháp", "Cộng hòa Pháp"],
    "KR": ["Hàn Quốc", "Đại Hàn Dân Quốc"],
    "KP": ["Triều Tiên", "CHDCND Triều Tiên", "Bắc Triều Tiên"],
    "CN": ["Trung Quốc", "CHND Trung Hoa", "Cộng hòa Nhân dân Trung Hoa"],
    "VN": ["Việt Nam", "CHXHCN Việt Nam", "Cộng hòa Xã hội chủ nghĩa Việt Nam"],
    "LA": ["Lào", "CHDCND Lào"],
    "MM": ["Myanmar", "Mianma", "Miến Điện"],
    "PH": ["Philippines", "Philippin"],
    "PS": ["Palestine", "Nhà nước Palestine", "Palestin"],
    "VA": ["Vatican", "Tòa Thánh", "Thành Vatican"],
    "NZ": ["New Zealand", "Niu Di-lân"],
    "SA": ["Saudi Arabia", "Ả Rập Xê-út", "Arab Saudi", "Ả-rập Xê-út"],
    "AE": ["UAE", "Các Tiểu vương quốc Ả Rập Thống nhất"],
    "TL": ["Timor-Leste", "Đông Timor", "Timor Leste"],
    "CZ": ["Séc", "CH Séc", "Cộng hòa Séc"],
    "IN": ["Ấn Độ"],
    "CA": ["Canada", "Ca-na-đa"],
    "MX": ["Mexico", "Mê-hi-cô", "Mêhicô"],
    "BR": ["Brazil", "Braxin"],
    "UA": ["Ukraine", "Ucraina", "U-crai-na"],
    "TR": ["Thổ Nhĩ Kỳ", "Türkiye"],
    "CD": ["Congo (Kinshasa)", "CHDC Congo"],
    "CG": ["Congo (Brazzaville)", "Cộng hòa Congo"],
    "CI": ["Bờ Biển Ngà", "Côte d’Ivoire"],
    "SZ": ["Eswatini", "Swaziland"],
    "CV": ["Cabo Verde", "Cape Verde"],
    "MK": ["Bắc Macedonia"],
    "NL": ["Hà Lan"],
    "CH": ["Thụy Sĩ"],
}
# Short names that are also ordinary words, given names or pronouns: matched only with context.
AMBIGUOUS = {"Anh", "Pháp", "Mỹ", "Đức", "Nga", "Ý", "Áo", "Úc", "Lào", "Séc", "Chad", "Jordan", "Georgia", "Niger",
             "Mali", "Togo", "Guinea"}


def rows() -> list[dict[str, str]]:
    vi, en = Locale("vi").territories, Locale("en").territories
    out: list[dict[str, str]] = []
    for code in UN_MEMBERS + list(OTHER):
        status = OTHER.get(code, "un_member")
        names = [(n, "press") for n in PRESS.get(code, [])]
        names += [(vi[code], "cldr_vi"), (en[code], "cldr_en")]
        canonical = normalize(names[0][0])
        seen = set()
        for name, source in names:
            name = normalize(name.replace(" - ", " ").strip())
            if name in seen or "(" in name:
                continue
            seen.add(name)
            out.append({"iso": code, "name": canonical, "variant": name, "source": source,
                        "ambiguous": str(int(name in AMBIGUOUS)), "status": status})
    return out


def main() -> None:
    target = Path(__file__).with_name("countries.csv")
    with target.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=["iso", "name", "variant", "source", "ambiguous", "status"])
        writer.writeheader()
        writer.writerows(rows())
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
