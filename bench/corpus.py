"""A realistic bilingual catalogue of N exhibits (N/4 enterprises) for the benchmarks, and queries.

Deterministic for a seed: every draw comes from a private random.Random(seed) (never the global
`random`, which Whoosh uses to name its segments). Words are drawn Zipf-like, so a few product
words are very common and most are rare, as in a real exhibitor list.

Also the searches: distinct visitor queries (queries()) and a Zipf-distributed stream of them
(zipf_stream(): what an expo's visitors type, the popular queries over and over).

Usage: python bench/corpus.py --exhibits 1000 --out /tmp/catalogue.xlsx [--queries 1000]
"""

from __future__ import annotations

import argparse
import bisect
import csv
import itertools
import random
from collections.abc import Iterator, Sequence
from pathlib import Path

from catalogue.imports.headers import EXPORT_HEADERS, FIELDS

CATEGORIES_CSV = Path(__file__).resolve().parent.parent / "catalogue" / "demo" / "categories.csv"

# (English, Chinese) products, by the category slug they are exhibited under.
PRODUCTS: dict[str, list[tuple[str, str]]] = {
    "chips": [("chip", "芯片"), ("MCU chip", "MCU芯片"), ("5G chip", "5G芯片"),
              ("microcontroller", "微控制器"), ("SoC", "SoC芯片"), ("FPGA", "FPGA芯片"),
              ("AI accelerator", "AI加速芯片"), ("baseband chip", "基带芯片"), ("memory chip", "存储芯片")],
    "ic-design": [("power management IC", "电源管理芯片"), ("SerDes IP", "SerDes接口IP"),
                  ("EDA software", "EDA软件"), ("analog front end", "模拟前端")],
    "packaging-testing": [("wafer-level package", "晶圆级封装"), ("probe card", "探针卡"),
                          ("test socket", "测试座"), ("chiplet package", "芯粒封装")],
    "integrated-circuits": [("integrated circuit", "集成电路"), ("wafer", "晶圆")],
    "sensors": [("image sensor", "图像传感器"), ("pressure sensor", "压力传感器"),
                ("MEMS microphone", "MEMS麦克风"), ("gas sensor", "气体传感器"),
                ("temperature sensor", "温度传感器"), ("inertial measurement unit", "惯性测量单元")],
    "power-devices": [("power semiconductor", "功率半导体"), ("IGBT module", "IGBT模块"),
                      ("SiC MOSFET", "碳化硅MOSFET"), ("GaN transistor", "氮化镓晶体管"),
                      ("power module", "功率模块"), ("inverter", "逆变器")],
    "displays": [("OLED display", "OLED显示屏"), ("Micro LED panel", "Micro LED面板"),
                 ("LCD module", "液晶模组"), ("head-up display", "抬头显示器")],
    "optoelectronics": [("laser diode", "激光二极管"), ("photodetector", "光电探测器"),
                        ("optical transceiver", "光模块"), ("infrared camera", "红外热像仪")],
    "core-components": [("connector", "连接器"), ("capacitor", "电容器"), ("relay", "继电器")],
    "autonomous-driving": [("lidar", "激光雷达"), ("millimeter wave radar", "毫米波雷达"),
                           ("domain controller", "域控制器"), ("autonomous driving platform", "自动驾驶平台"),
                           ("surround view camera", "环视摄像头")],
    "batteries": [("power battery", "动力电池"), ("battery pack", "电池包"),
                  ("battery management system", "电池管理系统"), ("solid-state battery", "固态电池"),
                  ("charging pile", "充电桩")],
    "vehicle-electronics": [("body controller", "车身控制器"), ("vehicle gateway", "车载网关"),
                            ("T-Box", "车载T-Box"), ("motor controller", "电机控制器")],
    "intelligent-cockpit": [("smart cockpit", "智能座舱"), ("voice assistant", "语音助手"),
                            ("instrument cluster", "液晶仪表"), ("infotainment system", "车载信息娱乐系统")],
    "intelligent-vehicles": [("electric vehicle", "新能源汽车"), ("drive motor", "驱动电机")],
    "smart-city": [("smart streetlight", "智慧路灯"), ("city operations platform", "城市运营平台"),
                   ("traffic signal controller", "交通信号控制机"), ("smart parking", "智慧停车"),
                   ("drone", "无人机"), ("surveillance camera", "监控摄像机")],
    "industrial-software": [("digital twin", "数字孪生"), ("MES", "制造执行系统"),
                            ("industrial internet platform", "工业互联网平台"), ("CAD software", "CAD软件"),
                            ("PLC", "可编程控制器")],
    "artificial-intelligence": [("large language model", "大语言模型"), ("machine vision", "机器视觉"),
                                ("speech recognition", "语音识别"), ("knowledge graph", "知识图谱"),
                                ("edge computing box", "边缘计算盒子")],
    "software": [("operating system", "操作系统"), ("database", "数据库"), ("cloud platform", "云平台"),
                 ("security gateway", "网络安全网关")],
    "medical-devices": [("surgical robot", "手术机器人"), ("patient monitor", "病人监护仪"),
                        ("ultrasound scanner", "超声诊断仪"), ("ventilator", "呼吸机")],
    "in-vitro-diagnostics": [("PCR analyzer", "PCR分析仪"), ("test kit", "检测试剂盒"),
                             ("immunoassay analyzer", "免疫分析仪")],
    "biopharma": [("monoclonal antibody", "单克隆抗体"), ("vaccine", "疫苗"), ("cell therapy", "细胞治疗")],
    "life-health": [("health wearable", "健康手环"), ("rehabilitation robot", "康复机器人")],
}
QUALIFIERS = [("automotive-grade", "车规级"), ("industrial", "工业级"), ("low-power", "低功耗"),
              ("high-precision", "高精度"), ("smart", "智能"), ("high-voltage", "高压"),
              ("compact", "紧凑型"), ("wireless", "无线"), ("high-speed", "高速"), ("portable", "便携式"),
              ("rugged", "加固型"), ("modular", "模块化"), ("AI-powered", "AI赋能"),
              ("next-generation", "新一代"), ("multi-channel", "多通道"), ("32-bit", "32位"),
              ("solid-state", "固态"), ("medical-grade", "医疗级")]
COMPONENTS = [("controller", "控制器"), ("sensor", "传感器"), ("module", "模组"), ("processor", "处理器"),
              ("antenna", "天线"), ("camera", "摄像头"), ("motor", "电机"), ("gateway", "网关"),
              ("memory", "存储器"), ("driver chip", "驱动芯片"), ("transceiver", "收发器"),
              ("amplifier", "放大器"), ("firmware", "固件"), ("algorithm", "算法"), ("interface", "接口"),
              ("power supply", "电源")]
MATERIALS = [("silicon carbide", "碳化硅"), ("gallium nitride", "氮化镓"), ("silicon", "硅基"),
             ("lithium iron phosphate", "磷酸铁锂"), ("graphene", "石墨烯"), ("ceramic", "陶瓷"),
             ("copper", "铜材"), ("aluminium alloy", "铝合金"), ("sapphire", "蓝宝石"),
             ("polymer", "聚合物"), ("carbon fiber", "碳纤维"), ("indium phosphide", "磷化铟")]
APPLICATIONS = [("autonomous driving", "自动驾驶"), ("smart manufacturing", "智能制造"),
                ("new energy vehicles", "新能源汽车"), ("industrial IoT", "工业物联网"),
                ("smart home", "智能家居"), ("medical imaging", "医学影像"), ("robotics", "机器人"),
                ("data centers", "数据中心"), ("consumer electronics", "消费电子"),
                ("rail transit", "轨道交通"), ("energy storage", "储能"), ("smart grid", "智能电网"),
                ("security surveillance", "安防监控"), ("telecommunications", "通信"),
                ("agriculture", "智慧农业"), ("logistics", "智慧物流"), ("aerospace", "航空航天"),
                ("healthcare", "医疗健康")]
SYLLABLES = [("xin", "芯"), ("yun", "云"), ("hua", "华"), ("lan", "岚"), ("guang", "光"), ("tong", "通"),
             ("zhi", "智"), ("chuang", "创"), ("rui", "睿"), ("heng", "恒"), ("tian", "天"), ("hai", "海"),
             ("shan", "山"), ("jing", "晶"), ("wei", "微"), ("da", "达"), ("sheng", "晟"), ("kang", "康"),
             ("ning", "宁"), ("bo", "博"), ("yu", "宇"), ("feng", "峰"), ("chen", "辰"), ("xing", "星"),
             ("ming", "明"), ("yuan", "源"), ("teng", "腾"), ("fei", "飞"), ("long", "龙"), ("jia", "嘉"),
             ("an", "安"), ("tai", "泰"), ("hong", "鸿"), ("jun", "骏"), ("li", "力"), ("qi", "启"),
             ("rong", "荣"), ("song", "嵩"), ("zhong", "中"), ("mei", "美")]
INDUSTRIES = [("Microelectronics", "微电子"), ("Semiconductor", "半导体"), ("Technology", "科技"),
              ("Intelligent Technology", "智能科技"), ("Electronics", "电子"), ("Optoelectronics", "光电"),
              ("Automotive Electronics", "汽车电子"), ("Medical Devices", "医疗器械"), ("Software", "软件"),
              ("Information Technology", "信息技术"), ("Robotics", "机器人"), ("New Energy", "新能源"),
              ("Biotechnology", "生物科技"), ("Communication", "通信"), ("Sensing Technology", "传感技术"),
              ("Precision Instruments", "精密仪器")]
CITIES = [("Chongqing", "重庆"), ("Chengdu", "成都"), ("Xi'an", "西安"), ("Shenzhen", "深圳"),
          ("Suzhou", "苏州"), ("Wuhan", "武汉"), ("Hefei", "合肥"), ("Shanghai", "上海"),
          ("Beijing", "北京"), ("Hangzhou", "杭州")]
SUFFIXES = [("Co., Ltd.", "有限公司"), ("Group", "集团"), ("Corporation", "股份有限公司")]
HALLS = ["N1", "N2", "N3", "N4", "N5", "S1", "S2", "S3", "S4", "S5"]
BOOTH_ROWS = "ABCDEFGHJKLMNPQRSTUV"
BOOTH_PLACES = 150
CHINESE_EXTRA = ["激光雷达", "功率半导体", "车规级", "5G芯片", "MCU芯片", "碳化硅", "智能座舱", "工业物联网"]


class Zipf:
    """Draws items with weight 1/rank**s (the first item is the most common)."""

    def __init__(self, rng: random.Random, items: Sequence, s: float = 1.07):
        self.rng, self.items = rng, list(items)
        self.cumulative = list(itertools.accumulate(1 / (rank + 1) ** s for rank in range(len(items))))

    def __call__(self):
        point = self.rng.random() * self.cumulative[-1]
        return self.items[min(bisect.bisect(self.cumulative, point), len(self.items) - 1)]


def categories() -> list[dict]:
    """The demo category tree: slug, name, name_zh, parent_slug, path (English names, '>' joined)."""
    with CATEGORIES_CSV.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    names = {r["slug"]: r for r in rows}
    for row in rows:
        parent = names.get(row["parent_slug"])
        row["path"] = f"{parent['name']} > {row['name']}" if parent else row["name"]
    return rows


class Catalogue:
    """The word lists, shuffled into a Zipf rank order for this seed."""

    def __init__(self, seed: int):
        self.rng = rng = random.Random(seed)
        self.categories = {c["slug"]: c for c in categories()}
        slugs = [s for s in PRODUCTS if s in self.categories]
        rng.shuffle(slugs)
        self.category = Zipf(rng, slugs, s=0.8)
        self.products = {s: Zipf(rng, rng.sample(PRODUCTS[s], len(PRODUCTS[s]))) for s in slugs}
        self.any_product = Zipf(rng, rng.sample(_all_products(), len(_all_products())))
        self.qualifier = Zipf(rng, rng.sample(QUALIFIERS, len(QUALIFIERS)))
        self.component = Zipf(rng, rng.sample(COMPONENTS, len(COMPONENTS)))
        self.material = Zipf(rng, rng.sample(MATERIALS, len(MATERIALS)))
        self.application = Zipf(rng, rng.sample(APPLICATIONS, len(APPLICATIONS)))
        self.industry = Zipf(rng, rng.sample(INDUSTRIES, len(INDUSTRIES)), s=0.7)
        self.city = Zipf(rng, CITIES, s=0.9)
        self.suffix = Zipf(rng, SUFFIXES, s=1.5)
        self.brands = list(itertools.permutations(SYLLABLES, 2))
        self.used: set[str] = set()

    def enterprise(self, number: int) -> dict:
        rng = self.rng
        while True:
            (p1, h1), (p2, h2) = rng.choice(self.brands)
            city, industry, suffix = self.city(), self.industry(), self.suffix()
            name = f"{city[0]} {(p1 + p2).title()} {industry[0]} {suffix[0]}"
            if name not in self.used:
                self.used.add(name)
                break
        focus = self.category()
        hall = HALLS[number % len(HALLS)]
        slot = number // len(HALLS)
        row, place = BOOTH_ROWS[slot // BOOTH_PLACES % len(BOOTH_ROWS)], slot % BOOTH_PLACES + 1
        made = list(dict.fromkeys(self.products[focus]() for _ in range(3)))[:2]
        made = made * (3 - len(made))
        uses = [self.application() for _ in range(2)]
        brand = (p1 + p2).title()
        return {
            "enterprise_name": name,
            "enterprise_name_zh": f"{city[1]}{h1}{h2}{industry[1]}{suffix[1]}",
            "credit_code": "",
            "hall": hall,
            "booth": f"{hall}-{row}{place:03d}",
            "website": f"https://www.{p1}{p2}{number}.example.cn",
            "enterprise_description": f"{brand} develops {made[0][0]} and {made[1][0]} products for "
                                      f"{uses[0][0]} and {uses[1][0]}, based in {city[0]}.",
            "enterprise_description_zh": f"{city[1]}{h1}{h2}专注{made[0][1]}与{made[1][1]}的研发，"
                                         f"产品面向{uses[0][1]}和{uses[1][1]}。",
            "focus": focus,
            "names": set(),
        }

    def exhibit(self, enterprise: dict, number: int) -> dict:
        rng = self.rng
        slug = enterprise["focus"] if rng.random() < 0.7 else self.category()
        product = self.products[slug]()
        qualifier = self.qualifier() if rng.random() < 0.65 else None
        component, material = self.component(), self.material()
        uses = [self.application() for _ in range(2)]
        model = f"{rng.choice('ACDEGHKMPRSTX')}{rng.choice('ACDEGHKMPRSTX')}-{rng.randrange(100, 9999)}"
        name = " ".join(w for w in ((qualifier or ("", ""))[0], product[0], model) if w)
        name_zh = f"{(qualifier or ('', ''))[1]}{product[1]}{model if rng.random() < 0.5 else ''}"
        if name_zh in enterprise["names"]:  # one enterprise does not list the same name twice
            name_zh += model
        enterprise["names"].update((name, name_zh))
        roll = rng.random()
        if roll < 0.04:
            name = ""  # Chinese-only entries...
        elif roll < 0.08:
            name_zh = ""  # ...and English-only ones, as real lists have
        tag_pool = [product[1], product[0], uses[0][1], component[0], material[1], uses[0][0]]
        if qualifier:
            tag_pool.append(qualifier[1])
        tags = list(dict.fromkeys(rng.sample(tag_pool, rng.randint(2, 4))))
        description = (f"A {qualifier[0] + ' ' if qualifier else ''}{product[0]} with an integrated "
                       f"{component[0]} and {material[0]} parts, designed for {uses[0][0]} and "
                       f"{uses[1][0]}. Model {model}.")
        description_zh = (f"采用{material[1]}{component[1]}的{(qualifier or ('', ''))[1]}{product[1]}，"
                          f"适用于{uses[0][1]}与{uses[1][1]}等场景，型号{model}。")
        return {
            **{k: v for k, v in enterprise.items() if k not in ("focus", "names")},
            "exhibit_code": f"EX-{number:07d}",
            "exhibit_name": name,
            "exhibit_name_zh": name_zh,
            "category": self.categories[slug]["path"],
            "exhibit_description": description,
            "exhibit_description_zh": description_zh,
            "tags": ", ".join(tags),
        }


def _all_products() -> list[tuple[str, str]]:
    return [p for group in PRODUCTS.values() for p in group]


def exhibit_rows(exhibits: int, seed: int = 2022) -> Iterator[dict]:
    """One dict per exhibit (keys: the import FIELDS), grouped by enterprise, exhibits/4 enterprises."""
    catalogue = Catalogue(seed)
    enterprises = max(1, exhibits // 4)
    base, extra = divmod(exhibits, enterprises)
    number = 0
    for e in range(enterprises):
        enterprise = catalogue.enterprise(e)
        for _ in range(base + (1 if e < extra else 0)):
            number += 1
            yield catalogue.exhibit(enterprise, number)


def write_xlsx(path: str | Path, rows: Iterator[dict]) -> int:
    """Write rows as an exhibitor list (openpyxl write-only, EXPORT_HEADERS); returns the count."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append([EXPORT_HEADERS[f] for f in FIELDS])
    count = 0
    for row in rows:
        sheet.append([row[f] or None for f in FIELDS])
        count += 1
    workbook.save(str(path))
    return count


def write_csv(path: str | Path, rows: Iterator[dict]) -> int:
    """Write rows as a UTF-8 CSV exhibitor list; returns the count."""
    count = 0
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([EXPORT_HEADERS[f] for f in FIELDS])
        for row in rows:
            writer.writerow([row[f] for f in FIELDS])
            count += 1
    return count


# --- Queries --------------------------------------------------------------------------------


def _typo(rng: random.Random, word: str) -> str:
    """One character-level edit after the first letter: substitute, drop, double or swap."""
    i = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(4)
    if kind == 0:
        return word[:i] + rng.choice("aeiourstnl".replace(word[i], "")) + word[i + 1:]
    if kind == 1:
        return word[:i] + word[i + 1:]
    if kind == 2:
        return word[:i] + word[i] + word[i:]
    return word[:i] + word[i + 1] + word[i] + word[i + 2:] if word[i] != word[i + 1] else word[:i] + word[i + 1:]


def queries(count: int = 1000, seed: int = 2022) -> list[str]:
    """Distinct visitor queries from the corpus vocabulary: English words and pairs, Chinese,
    mixed Latin/Chinese, pinyin, and a few typos (share in KINDS)."""
    catalogue = Catalogue(seed)
    rng = random.Random(seed + 1)
    english_words = sorted({w for p in _all_products() + COMPONENTS + APPLICATIONS + MATERIALS
                            for w in p[0].lower().split() if len(w) >= 5 and w.isalpha()})
    words = Zipf(rng, rng.sample(english_words, len(english_words)))

    def english():
        return rng.choice([catalogue.any_product()[0], catalogue.component()[0],
                           catalogue.application()[0], catalogue.material()[0], words()]).lower()

    def two_words():
        first = rng.choice([catalogue.qualifier()[0], catalogue.material()[0], words()])
        return f"{first} {rng.choice([catalogue.any_product(), catalogue.component()])[0]}".lower()

    def chinese():
        return rng.choice([
            catalogue.any_product()[1], catalogue.application()[1], rng.choice(CHINESE_EXTRA),
            catalogue.qualifier()[1] + catalogue.any_product()[1],
            catalogue.material()[1] + catalogue.component()[1],
            f"{catalogue.any_product()[1]} {catalogue.application()[1]}",
        ])

    def mixed():
        latin = rng.choice(["5G", "MCU", "AI", "SiC", "IGBT", "GaN", "MEMS", "OLED", "PCR", "PLC"])
        return rng.choice([f"{latin}{catalogue.component()[1]}", f"{latin}芯片",
                           f"{latin} {catalogue.any_product()[1]}", f"{catalogue.qualifier()[1]}{latin}"])

    def pinyin():
        (p1, _h1), (p2, _h2) = rng.choice(catalogue.brands)
        return p1 + p2

    def typo():
        return _typo(rng, words())

    kinds = [(english, 0.30), (two_words, 0.22), (chinese, 0.25), (mixed, 0.10), (pinyin, 0.05),
             (typo, 0.08)]
    found: dict[str, None] = {}
    attempts = 0
    while len(found) < count and attempts < count * 200:
        attempts += 1
        make = rng.choices([k for k, _w in kinds], [w for _k, w in kinds])[0]
        query = make().strip()
        if query:
            found.setdefault(query)
    return list(found)


ZIPF_EXPONENT = 1.0  # the classic Zipf law for query popularity (issue 13 asks for a Zipf stream)


def zipf_stream(items: Sequence[str], count: int = 20_000, seed: int = 2022,
                s: float = ZIPF_EXPONENT) -> list[str]:
    """count searches drawn from items with weight 1/rank**s, seeded. Rank 1 is the first item:
    queries() lists roughly the commonest first (it keeps the order in which its Zipf-weighted
    word draws first produced each query), so popular words are also the popular searches."""
    draw = Zipf(random.Random(seed + 3), items, s)
    return [draw() for _ in range(count)]


def repeat_share(stream: Sequence[str]) -> float:
    """The share of a stream's searches that repeat an earlier one (what an unbounded result
    cache could answer)."""
    return 1 - len(set(stream)) / len(stream) if stream else 0.0


def prefixes(seed: int = 2022) -> dict[str, list[str]]:
    """Name prefixes of 1 to 3 characters a visitor types into the search box, by language."""
    catalogue = Catalogue(seed)
    rng = random.Random(seed + 2)
    latin = sorted({p[0].lower()[:n] for p in _all_products() for n in (1, 2, 3)} |
                   {c[0].lower()[:n] for c in CITIES for n in (1, 2, 3)})
    chinese = sorted({p[1][:n] for p in _all_products() for n in (1, 2, 3) if not p[1][0].isascii()} |
                     {c[1][:n] for c in CITIES for n in (1, 2)})
    pinyin = sorted({(a + b)[:n] for (a, _), (b, _) in rng.sample(catalogue.brands, 60) for n in (1, 2, 3)} |
                    {w[:n] for w in ("jiguang", "xinpian", "chuanganqi", "gonglv", "zhineng") for n in (2, 3)})
    return {"en": latin, "zh": chinese, "pinyin": pinyin}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exhibits", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=2022)
    parser.add_argument("--out", help="a .xlsx or .csv path to write the exhibitor list to")
    parser.add_argument("--queries", type=int, default=0, help="print this many distinct queries")
    args = parser.parse_args()
    if args.out:
        rows = exhibit_rows(args.exhibits, args.seed)
        count = (write_csv if args.out.endswith(".csv") else write_xlsx)(args.out, rows)
        print(f"wrote {count:,} exhibits to {args.out}")
    for query in queries(args.queries, args.seed) if args.queries else []:
        print(query)


if __name__ == "__main__":
    main()
