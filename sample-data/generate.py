#!/usr/bin/env python3
"""Writes LendScope's sample data set (balances, market totals, FX, platforms, banks).

Deterministic: the same script always writes the same files. Sourced figures are
written as given; everything else is an estimate and flagged E (see README.md here).
Run from anywhere: python3 sample-data/generate.py
"""
import csv
import datetime
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
QUARTERS = [f"{y}Q{q}" for y in (2019, 2020, 2021) for q in (1, 2, 3, 4)]

# Group balances, CNY bn, per quarter 2019Q1..2021Q4. Sourced points are noted in SOURCED below.
GROUP_BALANCES = {
    "Ant Group": [1310, 1395, 1480, 1565, 1640, 1732.0, 1795, 1760, 1640, 1490, 1330, 1180],
    "WeBank (Tencent)": [120, 132, 145, 158, 168, 178, 190, 205, 212, 220, 226, 230],
    "JD Technology": [95, 102, 110, 118, 121, 126, 134, 142, 148, 154, 158, 160],
    "Du Xiaoman": [88, 94, 100, 106, 108, 112, 118, 124, 129, 134, 138, 140],
    "360 DigiTech": [52, 58, 65, 72.513, 74.125, 78.480, 85, 92.075, 101.920, 117.559, 125, 131],
    "Lufax": [400, 420, 440, 462.2, 470, 485, 510, 545.1, 560, 575, 585, 590],
    "Meituan": [8, 11, 14, 18, 21, 25, 30, 35, 39, 42, 45, 47],
    "Xiaomi Finance": [18, 20, 22, 24, 25, 27, 29, 31, 33, 35, 36, 37],
    "Lexin": [48, 52, 56, 60, 58, 61, 66, 70, 72, 75, 77, 78],
    "FinVolution": [20, 22, 24, 26, 22, 19, 20, 22, 24, 27, 29, 30],
    "Qudian": [28, 26, 24, 22, 18, 15, 13, 12, 11, 10, 9, 8],
    "Yiren Digital": [30, 27, 24, 20, 16, 12, 10, 9, 8, 8, 7, 7],
}

SOURCED = {
    ("Ant Group", "2020Q2"): "group total RMB 1,732.0 bn consumer credit enabled, Ant Group IPO prospectus (30 Jun 2020) [R]",
    ("360 DigiTech", "2019Q4"): "group total RMB 72,513 m outstanding, 360 DigiTech filings [S]",
    ("360 DigiTech", "2020Q1"): "group total RMB 74,125 m outstanding, 360 DigiTech filings [S]",
    ("360 DigiTech", "2020Q2"): "group total RMB 78,480 m outstanding, 360 DigiTech filings [S]",
    ("360 DigiTech", "2020Q4"): "group total RMB 92,075 m outstanding, 360 DigiTech filings [S]",
    ("360 DigiTech", "2021Q1"): "group total RMB 101,920 m outstanding, 360 DigiTech filings [S]",
    ("360 DigiTech", "2021Q2"): "group total RMB 117,559 m outstanding, 360 DigiTech filings [S]",
    ("Lufax", "2019Q4"): "group total RMB 462.2 bn facilitated (mostly small-business-owner loans), Lufax F-1 [S]",
    ("Lufax", "2020Q4"): "group total RMB 545.1 bn facilitated (mostly small-business-owner loans), Lufax 2020 results [S]",
}

# Products (platforms) of each group and their share of the group's balance.
PRODUCTS = {
    "Ant Group": [("Huabei 花呗", 0.56), ("Jiebei 借呗", 0.44)],
    "WeBank (Tencent)": [("Weilidai 微粒贷", 1.0)],
    "JD Technology": [("JD Baitiao 京东白条", 0.62), ("JD Jintiao 京东金条", 0.38)],
    "Du Xiaoman": [("Youqianhua 有钱花", 1.0)],
    "360 DigiTech": [("360 Jietiao 360借条", 1.0)],
    "Lufax": [("Lufax Puhui", 1.0)],
    "Meituan": [("Meituan Yuefu", 0.6), ("Meituan Shenghuofei", 0.4)],
    "Xiaomi Finance": [("Xiaomi Suishijie", 1.0)],
    "Lexin": [("Fenqile", 1.0)],
    "FinVolution": [("Paipaidai", 1.0)],
    "Qudian": [("Qudian Laifenqi", 1.0)],
    "Yiren Digital": [("Yiren Credit", 1.0)],
}

# The group's own lending arm (a bank row of its own) and the fraction it funds.
OWN_LENDER = {
    "Ant Group": [("Chongqing Ant Xiaowei Microcredit", "Huabei 花呗"), ("Chongqing Ant Shangcheng Microcredit", "Jiebei 借呗")],
    "WeBank (Tencent)": [("WeBank", "Weilidai 微粒贷")],
    "JD Technology": [("Chongqing JD Tongcheng Microcredit", None)],
    "Du Xiaoman": [("Chongqing Du Xiaoman Microcredit", None)],
    "360 DigiTech": [("Fuzhou 360 Microcredit", None)],
    "Lufax": [("Ping An Puhui Microcredit", None)],
    "Meituan": [("Chongqing Sankuai Microcredit", None)],
    "Xiaomi Finance": [("Chongqing Xiaomi Microcredit", None)],
    "Lexin": [("Shenzhen Lexin Microcredit", None)],
    "FinVolution": [("Chongqing FinVolution Microcredit", None)],
    "Qudian": [("Xiamen Qudian Microcredit", None)],
    "Yiren Digital": [("Yiren Microcredit", None)],
}
OWN_FRACTION = {
    "Ant Group": 0.0209,  # RMB 36.2 bn of 1,732.0 bn at 30 Jun 2020 [S]: about 98% partner-funded
    "WeBank (Tencent)": 0.20, "JD Technology": 0.05, "Du Xiaoman": 0.10, "360 DigiTech": 0.12, "Lufax": 0.03,
    "Meituan": 0.10, "Xiaomi Finance": 0.15, "Lexin": 0.05, "FinVolution": 0.08, "Qudian": 0.20, "Yiren Digital": 0.10,
}

# bank, type, region, tier-1 capital (CNY bn), total loans (CNY bn), online only. Approximate end-2020 scale [E].
BANKS = [
    ("ICBC", "state-owned", "national", 2900, 18600, False),
    ("China Construction Bank", "state-owned", "national", 2450, 16200, False),
    ("Agricultural Bank of China", "state-owned", "national", 2200, 15400, False),
    ("Bank of China", "state-owned", "national", 2000, 14200, False),
    ("Bank of Communications", "state-owned", "national", 850, 6100, False),
    ("Postal Savings Bank of China", "state-owned", "national", 620, 5700, False),
    ("China Merchants Bank", "joint-stock", "national", 680, 4900, False),
    ("China CITIC Bank", "joint-stock", "national", 520, 4500, False),
    ("Shanghai Pudong Development Bank", "joint-stock", "national", 560, 4500, False),
    ("China Minsheng Bank", "joint-stock", "national", 520, 4000, False),
    ("Industrial Bank", "joint-stock", "national", 620, 4300, False),
    ("China Everbright Bank", "joint-stock", "national", 370, 3200, False),
    ("Ping An Bank", "joint-stock", "national", 330, 2600, False),
    ("Huaxia Bank", "joint-stock", "national", 280, 2200, False),
    ("China Guangfa Bank", "joint-stock", "national", 210, 2000, False),
    ("China Zheshang Bank", "joint-stock", "national", 140, 1300, False),
    ("China Bohai Bank", "joint-stock", "national", 80, 700, False),
    ("Hengfeng Bank", "joint-stock", "national", 60, 700, False),
    ("Bank of Beijing", "city commercial", "Beijing", 230, 1600, False),
    ("Bank of Shanghai", "city commercial", "Shanghai", 190, 1100, False),
    ("Bank of Jiangsu", "city commercial", "Jiangsu", 170, 1200, False),
    ("Bank of Ningbo", "city commercial", "Zhejiang", 120, 700, False),
    ("Bank of Nanjing", "city commercial", "Jiangsu", 110, 650, False),
    ("Bank of Hangzhou", "city commercial", "Zhejiang", 70, 450, False),
    ("Huishang Bank", "city commercial", "Anhui", 90, 580, False),
    ("Bank of Chongqing", "city commercial", "Chongqing", 45, 300, False),
    ("Bank of Guiyang", "city commercial", "Guizhou", 40, 230, False),
    ("Bank of Tianjin", "city commercial", "Tianjin", 55, 360, False),
    ("Harbin Bank", "city commercial", "Heilongjiang", 45, 300, False),
    ("Bank of Jinzhou", "city commercial", "Liaoning", 30, 420, False),
    ("Bank of Lanzhou", "city commercial", "Gansu", 22, 200, False),
    ("Jiangxi Bank", "city commercial", "Jiangxi", 30, 280, False),
    ("Bank of Dongguan", "city commercial", "Guangdong", 28, 230, False),
    ("Zhongyuan Bank", "city commercial", "Henan", 55, 450, False),
    ("Chongqing Rural Commercial Bank", "rural commercial", "Chongqing", 95, 560, False),
    ("Shanghai Rural Commercial Bank", "rural commercial", "Shanghai", 90, 550, False),
    ("Guangzhou Rural Commercial Bank", "rural commercial", "Guangdong", 75, 550, False),
    ("Beijing Rural Commercial Bank", "rural commercial", "Beijing", 80, 450, False),
    ("Chengdu Rural Commercial Bank", "rural commercial", "Sichuan", 60, 400, False),
    ("Jiangnan Rural Commercial Bank", "rural commercial", "Jiangsu", 35, 280, False),
    ("Zhangjiagang Rural Commercial Bank", "rural commercial", "Jiangsu", 12, 100, False),
    ("Changshu Rural Commercial Bank", "rural commercial", "Jiangsu", 16, 140, False),
    ("Wuxi Rural Commercial Bank", "rural commercial", "Jiangsu", 16, 130, False),
    ("Jiangyin Rural Commercial Bank", "rural commercial", "Jiangsu", 12, 90, False),
    ("Tianjin Binhai Rural Commercial Bank", "rural commercial", "Tianjin", 10, 80, False),
    ("WeBank", "online-only", "Guangdong", 38, 260, True),
    ("MYbank", "online-only", "Zhejiang", 30, 160, True),
    ("XW Bank", "online-only", "Sichuan", 8, 20, True),
    ("aiBank", "online-only", "Beijing", 9, 80, True),
    ("Suning Bank", "online-only", "Jiangsu", 4, 30, True),
]
PLATFORM_LENDERS = sorted({lender for lenders in OWN_LENDER.values() for lender, _ in lenders} - {b[0] for b in BANKS})

# Pairings pinned as a fraction of the partner-funded balance, so that small banks show real dependence.
PINNED = {
    "Ant Group": {"Tianjin Binhai Rural Commercial Bank": 0.0019, "Bank of Lanzhou": 0.0042,
                  "Jiangyin Rural Commercial Bank": 0.0016, "MYbank": 0.0040, "XW Bank": 0.00142,
                  "Zhangjiagang Rural Commercial Bank": 0.0008},
    "360 DigiTech": {"Zhangjiagang Rural Commercial Bank": 0.035, "XW Bank": 0.023, "Bank of Jinzhou": 0.05},
    "Du Xiaoman": {"XW Bank": 0.0149, "aiBank": 0.020, "Bank of Guiyang": 0.04},
    "Meituan": {"XW Bank": 0.089, "Suning Bank": 0.040},
    "JD Technology": {"Suning Bank": 0.007, "Bank of Tianjin": 0.04, "XW Bank": 0.0125},
    "Xiaomi Finance": {"XW Bank": 0.052},
    "Lexin": {"XW Bank": 0.017},
}
# Which banks each group works with (besides pins): the big ones for the big platforms, fewer for small ones.
PARTNER_TIERS = {
    "Ant Group": ["state-owned", "joint-stock", "city commercial", "rural commercial", "online-only"],
    "WeBank (Tencent)": ["state-owned", "joint-stock", "city commercial", "rural commercial"],
    "JD Technology": ["state-owned", "joint-stock", "city commercial", "rural commercial"],
    "Du Xiaoman": ["state-owned", "joint-stock", "city commercial"],
    "360 DigiTech": ["joint-stock", "city commercial", "rural commercial"],
    "Lufax": ["state-owned", "joint-stock", "city commercial"],
    "Meituan": ["joint-stock", "online-only"],
    "Xiaomi Finance": ["city commercial", "rural commercial"],
    "Lexin": ["city commercial", "rural commercial"],
    "FinVolution": ["city commercial", "rural commercial"],
    "Qudian": ["city commercial"],
    "Yiren Digital": ["city commercial"],
}
# Banks that a national platform would not co-lend through in these sample data (online-only banks fund few).
EXCLUDED_PARTNERS = {"WeBank"}


def partner_weights(group, rng):
    tiers = PARTNER_TIERS[group]
    banks = [b for b in BANKS if b[1] in tiers and b[0] not in EXCLUDED_PARTNERS and b[0] not in PINNED.get(group, {})]
    if group != "Ant Group":
        rng.shuffle(banks)
        banks = banks[: max(6, len(banks) * 2 // 3)]
    weights = {}
    for name, _type, _region, tier1, _loans, _online in banks:
        weights[name] = tier1 ** 0.8 * rng.uniform(0.6, 1.4)
    return weights


def allocate(total_units, weights):
    """Splits an integer total over weights by the largest-remainder method, so rows sum exactly."""
    total_weight = sum(weights.values())
    raw = {k: total_units * w / total_weight for k, w in weights.items()}
    floors = {k: int(v) for k, v in raw.items()}
    left = total_units - sum(floors.values())
    for k in sorted(raw, key=lambda k: (raw[k] - floors[k], k), reverse=True)[:left]:
        floors[k] += 1
    return floors


def balances():
    rows = []
    for group, series in GROUP_BALANCES.items():
        rng = random.Random(f"lendscope:{group}")
        weights = partner_weights(group, rng)
        products = PRODUCTS[group]
        for qi, quarter in enumerate(QUARTERS):
            total_units = round(series[qi] * 10_000)  # units of CNY 0.1 m
            note = SOURCED.get((group, quarter))
            source = (note + "; split across banks estimated") if note else "estimate: group trajectory and bank split"
            own_units = round(total_units * OWN_FRACTION[group])
            partner_units = total_units - own_units
            pins = PINNED.get(group, {})
            pinned_units = {bank: round(partner_units * f) for bank, f in pins.items()}
            # Gently vary each pairing over time so that trends move.
            drift = {k: w * (1 + 0.04 * ((qi * 7 + len(k)) % 5 - 2)) for k, w in weights.items()}
            spread = allocate(partner_units - sum(pinned_units.values()), drift)
            per_bank = {**spread, **pinned_units}
            product_shares = {p: s for p, s in products}
            own_lenders = OWN_LENDER[group]
            # Each bank's funding is split over the group's products in proportion to product shares.
            cells = {}
            for bank, units in per_bank.items():
                for product, amount in allocate(units, product_shares).items():
                    if amount:
                        cells[(product, bank)] = cells.get((product, bank), 0) + amount
            own_split = allocate(own_units, {lender: product_shares.get(product, 1.0) if product else 1.0
                                             for lender, product in own_lenders})
            for lender, product in own_lenders:
                for p, amount in allocate(own_split[lender], {product: 1.0} if product else product_shares).items():
                    if amount:
                        cells[(p, lender)] = cells.get((p, lender), 0) + amount
            for (product, bank), units in sorted(cells.items()):
                # A sourced total split by estimate: the row's flag is the split's (E), total_flag the total's.
                total_flag = note[-2] if note else ""
                rows.append((quarter, product, bank, f"{units / 10:.1f}", "E", total_flag, source))
    return rows


MARKET = [
    # household-short-term-consumer, CNY tn; 2020Q2 derived from the 21% in the founding example.
    ("household-short-term-consumer", [8.95, 9.20, 9.45, 9.90, 8.80, 8.2476, 8.70, 9.10, 9.25, 9.50, 9.70, 9.90]),
    ("consumer-credit-ex-mortgage", [12.6, 13.1, 13.6, 14.1, 13.6, 13.9, 14.5, 15.1, 15.4, 15.9, 16.3, 16.6]),
]


def market_rows():
    rows = []
    for definition, series in MARKET:
        for quarter, tn in zip(QUARTERS, series):
            if definition == "household-short-term-consumer" and quarter == "2020Q2":
                flag, source = "D", "derived: Ant Group RMB 1,732.0 bn is about 21% of this total (founding example)"
            elif definition == "consumer-credit-ex-mortgage" and quarter == "2021Q4":
                flag, source = "S", "RMB 16.6 tn consumer loans (cards and non-mortgage), end-2021"
            elif definition == "household-short-term-consumer":
                flag, source = "E", "estimate; PBoC household short-term consumer loans were RMB 8.8 tn at end-2018 [S]"
            else:
                flag, source = "E", "estimate interpolated towards the end-2021 figure"
            rows.append((quarter, definition, f"{tn * 1000:.1f}", flag, source))
    return rows


FX = [
    ("2019-03-31", "6.7335", "period end", "R", "recalled period-end rate"),
    ("2019-06-30", "6.8650", "period end", "S", "Federal Reserve H.10"),
    ("2019-09-30", "7.1386", "period end", "R", "recalled period-end rate"),
    ("2019-12-31", "6.9618", "period end", "S", "Federal Reserve H.10"),
    ("2020-03-31", "7.0808", "period end", "R", "recalled period-end rate"),
    ("2020-06-30", "7.0651", "period end", "S", "Federal Reserve H.10"),
    ("2020-09-30", "6.7898", "period end", "R", "recalled period-end rate"),
    ("2020-11-03", "6.66", "as reported", "D", "rate implied by the 'about US$260 bn' reports of early November 2020"),
    ("2020-12-31", "6.5250", "period end", "R", "recalled period-end rate"),
    ("2021-03-31", "6.5518", "period end", "E", "approximate period-end rate"),
    ("2021-06-30", "6.4566", "period end", "E", "approximate period-end rate"),
    ("2021-09-30", "6.4447", "period end", "E", "approximate period-end rate"),
    ("2021-12-31", "6.3726", "period end", "E", "approximate period-end rate"),
]


def write(name, header, rows):
    with open(os.path.join(HERE, name), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


# Groups whose pricing ran high before the 2020-21 rules (cash-loan lenders): their rates reach
# past 24%, a few past 36%, until 2021.
HIGH_PRICED = {"Qudian", "FinVolution", "Lexin", "360 DigiTech", "Yiren Digital"}
RULES_PUBLISHED = datetime.date(2021, 2, 20)


def loans(rows=20000, borrowers=5200):
    """Synthetic loan records (flag E: none of these loans exist).

    Each borrower has a home group and a habit of borrowing elsewhere, drawn so that about 44% of
    borrowers take loans from two or more groups over 2019-2021: the calibration point is the
    Beijing Internet Finance Industry Association's finding that 44% of the customers of 61 online
    lenders borrowed from multiple sources [E: a survey share, not these loans]. Terms run 30 days
    to two years, so loans overlap; repaid loans carry the day they closed (`closed_on`), often
    before the term ends. Each loan says how much of it the platform funded itself
    (`platform_funded_cny`): before the February 2021 notice often a few percent, after it mostly
    30% or more, with a few loans still below."""
    rng = random.Random("lendscope:loans:2")
    products = [(p, g, s * GROUP_BALANCES[g][5]) for g, ps in PRODUCTS.items() for p, s in ps]
    by_group = {}
    for product, group, weight in products:
        by_group.setdefault(group, []).append((product, weight))
    groups = sorted(by_group)
    group_weights = [sum(w for _, w in by_group[g]) for g in groups]
    bank_names = [b[0] for b in BANKS if b[0] not in EXCLUDED_PARTNERS]
    # Borrowers: a home group (by the groups' size) and how often they borrow elsewhere.
    people = []
    for _ in range(borrowers):
        home = rng.choices(groups, group_weights)[0]
        people.append((home, 0.0 if rng.random() < 0.30 else rng.uniform(0.3, 0.9)))
    activity = [rng.paretovariate(2.5) for _ in range(borrowers)]
    start = datetime.date(2019, 1, 1)
    out = []
    for i in range(rows):
        b = rng.choices(range(borrowers), activity)[0] if i >= borrowers else i
        home, elsewhere = people[b]
        group = home if rng.random() >= elsewhere else rng.choices(groups, group_weights)[0]
        product = rng.choices([p for p, _ in by_group[group]], [w for _, w in by_group[group]])[0]
        originated = start + datetime.timedelta(days=rng.randrange(1096))
        term = rng.choice((30, 90, 90, 180, 180, 360, 360, 720))
        bank = rng.choice(bank_names[:20]) if rng.random() < 0.7 else rng.choice(bank_names)
        amount = round(rng.lognormvariate(8.5, 0.9), 2)
        cents = round(amount * 100)
        # Status as of the end of 2021: loans whose term ended are mostly repaid.
        ended = originated + datetime.timedelta(days=term) <= datetime.date(2021, 12, 31)
        u = rng.random()
        if u < 0.05:
            status = "overdue"
        elif u < 0.07:
            status = "default"
        elif u < 0.08:
            status = "written_off"
        else:
            status = "repaid" if ended or rng.random() < 0.25 else "current"
        closed = ""
        if status == "repaid":
            days = term if rng.random() < 0.6 else rng.randrange(1, term + 1)
            closed_on = originated + datetime.timedelta(days=days)
            closed = min(closed_on, datetime.date(2021, 12, 31)).isoformat()
        high = group in HIGH_PRICED and originated < datetime.date(2021, 1, 1)
        rate = rng.uniform(0.18, 0.40) if high else rng.uniform(0.07, 0.24)
        if originated < RULES_PUBLISHED:
            part = rng.uniform(0.01, 0.10) if rng.random() < 0.6 else rng.uniform(0.30, 0.50)
        else:
            part = rng.uniform(0.10, 0.29) if rng.random() < 0.03 else rng.uniform(0.30, 0.50)
        funded = round(cents * part)
        out.append((f"L{i + 1:07d}", product, bank, f"B{b:06d}", f"{amount:.2f}", term, originated.isoformat(),
                    f"{rate:.4f}", status, closed, f"{funded // 100}.{funded % 100:02d}"))
    return out


def main():
    write("balances.csv", ["period", "platform", "bank", "balance_cny_mn", "flag", "total_flag", "source"], balances())
    write("market.csv", ["period", "definition", "total_cny_bn", "flag", "source"], market_rows())
    write("fx.csv", ["date", "usd_cny", "basis", "flag", "source"], FX)
    write("platforms.csv", ["platform", "group", "flag", "source"],
          [(p, g, "S", "product of the group (public company information)") for g, ps in PRODUCTS.items() for p, _ in ps])
    owner = {lender: group for group, lenders in OWN_LENDER.items() for lender, _ in lenders}
    # Capital and loans by year end (annual reports), each from that quarter on; the undated row
    # serves the quarters before the first (2019Q1-Q3). End-2020 is the scale given in BANKS;
    # the other years scale it (flag E: estimates, not audited figures).
    years = [("", 1 / 1.15, "approximate end-2018 scale (end-2020 scale / 1.15), not audited figures"),
             ("2019Q4", 1 / 1.07, "approximate end-2019 scale (end-2020 scale / 1.07), not audited figures"),
             ("2020Q4", 1.0, "approximate end-2020 scale, not audited figures"),
             ("2021Q4", 1.08, "approximate end-2021 scale (end-2020 scale x 1.08), not audited figures")]
    bank_rows = [(n, period, t, r, f"{tier1 * k:.1f}", f"{loans * k:.0f}", "true" if online else "false", owner.get(n, ""),
                  "E", note) for n, t, r, tier1, loans, online in BANKS for period, k, note in years]
    bank_rows += [(n, "", "platform lender", "", "", "", "false", owner[n], "E",
                   "a platform's own lending arm; capital not modelled") for n in PLATFORM_LENDERS]
    write("banks.csv", ["bank", "period", "type", "region", "tier1_capital_cny_bn", "total_loans_cny_bn", "online_only",
                        "owner_group", "flag", "source"], bank_rows)
    # Public ownership links between banks and platform groups (the 25% cap counts related parties).
    write("related_parties.csv", ["party", "related_party", "relation", "flag", "source"], [
        ("MYbank", "Ant Group", "shareholder: Ant Group holds about 30%", "R",
         "MYbank annual reports (shareholding recalled; verify the exact stake)"),
        ("XW Bank", "Xiaomi Finance", "shareholder: Xiaomi holds about 29.5%", "R",
         "XW Bank shareholder disclosures (shareholding recalled; verify the exact stake)"),
    ])
    os.makedirs(os.path.join(HERE, "loans"), exist_ok=True)
    with open(os.path.join(HERE, "loans", "loans.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        w.writerow(["loan_id", "platform", "bank", "borrower_id", "amount_cny", "term_days", "originated", "rate_apr", "status",
                    "closed_on", "platform_funded_cny"])
        for row in loans():
            # Quote some bank names, as extracts do, to exercise quoted fields.
            w.writerow(row)


if __name__ == "__main__":
    main()
