"""The cross-language relevance suite: the fixture catalogue plus one-language entries (Chinese
only, English only, traditional only, Chinese only in a tag), and the queries a visitor types with
the entries that must come first. Shared by tests/search/test_crosslang.py and bench/relevance.py."""

from __future__ import annotations

import math

from catalogue.search import crosslang
from tests.search import corpus

# slug: (parent, name, name_zh)
EXTRA_CATEGORIES = {
    "icv": (None, "Intelligent connected new energy vehicles", "智能网联新能源汽车"),
    "robotics": (None, "Robotics", "机器人"),
}

# id: (name, name_zh) of enterprises with one language only, or a misleading name
EXTRA_ENTERPRISES = {
    20: (None, "深圳光感科技有限公司"),
    21: ("Suzhou Chip Bio", "苏州芯片生物科技有限公司"),  # biochips: "芯片" only in its name
    22: (None, "蓝天新能源科技有限公司"),
    23: ("Nordic Robotics AB", None),
    24: (None, "华东汽车服务有限公司"),
    25: (None, "台北電子股份有限公司"),  # traditional characters only
}

# id: (enterprise, category, name, name_zh, tags, description, description_zh)
EXTRA_EXHIBITS = {
    101: (20, "sensors", None, "固态激光雷达", [], None, "面向乘用车的前向感知。"),
    102: (20, "power-devices", None, "碳化硅功率模块", ["车规级"], None, "用于主驱逆变器。"),
    103: (20, "medical", None, "腔镜手术机器人", [], None, "微创外科手术。"),
    104: (23, "robotics", "Collaborative robot arm", None, ["cobot"], "A six-axis arm for assembly.", None),
    105: (23, "robotics", "Autonomous mobile robot", None, ["AMR"], "Moves carts around plants.", None),
    106: (23, "robotics", "Warehouse AGV X3", None, ["机器人", "AGV"], "Carries shelves.", None),
    107: (25, "chips", None, "車規級晶片", [], None, "符合車規的微控制器。"),
    108: (25, "batteries", None, "電池管理系統", ["BMS"], None, "電池組監測。"),
    109: (21, "medical", "Microfluidic test card", "微流控检测卡", ["POCT"],
          "A disposable cartridge.", "一次性检测卡。"),
    110: (21, "medical", "Blood gas analyser", "血气分析仪", ["IVD"], "Bedside blood gas tests.", "床旁血气检测。"),
    111: (20, "icv", None, "智能座舱域控制器", ["座舱"], None, "一芯多屏。"),
    112: (20, "icv", None, "800V高压电池包", ["电池包"], None, "支持超充。"),
    113: (20, "icv", None, "线控制动系统", [], None, "电子液压制动。"),
    114: (1, "chips", "BLE SoC", "低功耗蓝牙芯片", ["BLE", "蓝牙"], "A Bluetooth LE chip.", "蓝牙低功耗芯片。"),
    115: (22, "power-devices", None, "光伏逆变器", [], None, "组串式逆变器。"),
    116: (24, "software", None, "二手车评估系统", [], None, "车况评估。"),
    117: (23, "robotics", "Surgical robot arm", None, ["medical"], "A robot arm for surgeons.", None),
    118: (25, "sensors", None, "雷射雷達", [], None, "車用光達。"),
}


def _names(slug: str) -> list[str]:
    if slug in EXTRA_CATEGORIES:
        return [n for n in EXTRA_CATEGORIES[slug][1:]]
    return [n for s in corpus.lineage(slug) for n in corpus.CATEGORY_NAMES[s]]


def _slugs(slug: str) -> list[str]:
    return [slug] if slug in EXTRA_CATEGORIES else corpus.lineage(slug)


def extra_exhibit_doc(exhibit_id: int) -> dict:
    enterprise_id, category, name, name_zh, tags, description, description_zh = EXTRA_EXHIBITS[exhibit_id]
    enterprise = EXTRA_ENTERPRISES.get(enterprise_id) or corpus.ENTERPRISES[enterprise_id][:2]
    names = _names(category)
    return {
        "id": f"exhibit:{exhibit_id}", "type": "exhibit", "db_id": exhibit_id,
        "fingerprint": f"fp-exhibit-{exhibit_id}", "name": name, "name_zh": name_zh,
        "enterprise_name": " ".join(n for n in enterprise if n), "tags": tags,
        "description": description, "description_zh": description_zh,
        "category_slugs": _slugs(category), "category_slug": category,
        "category_names": " ".join(names), "category_labels": names,
        "translations": crosslang.translations([name, name_zh, *tags]),
        "codes": [f"X-{exhibit_id}"], "hall": "X1", "booth": f"X1-{exhibit_id}",
    }


def extra_enterprise_doc(enterprise_id: int) -> dict:
    name, name_zh = EXTRA_ENTERPRISES[enterprise_id]
    return {
        "id": f"enterprise:{enterprise_id}", "type": "enterprise", "db_id": enterprise_id,
        "fingerprint": f"fp-enterprise-{enterprise_id}", "name": name, "name_zh": name_zh,
        "enterprise_name": "", "tags": [], "description": None, "description_zh": None,
        "category_slugs": [], "category_slug": None, "category_names": "",
        "translations": crosslang.translations([name, name_zh]),
        "codes": [f"E-{enterprise_id}"], "hall": "X1", "booth": None,
    }


def documents() -> list[dict]:
    """The fixture catalogue and the one-language entries."""
    return [*corpus.documents(), *(extra_enterprise_doc(i) for i in EXTRA_ENTERPRISES),
            *(extra_exhibit_doc(i) for i in EXTRA_EXHIBITS)]


def words() -> list[str]:
    found = corpus.words()
    for doc in documents()[len(corpus.documents()):]:
        found += [w for w in (doc["name"], doc["name_zh"], *doc["tags"]) if w]
    return found + [n for c in EXTRA_CATEGORIES.values() for n in c[1:]]


def x(*numbers: int) -> list[str]:
    return [f"exhibit:{n}" for n in numbers]


# (kind, query, ids that must all be in the top k, k)
CASES: list[tuple[str, str, list[str], int]] = [
    # English finds Chinese-only entries
    ("en->zh", "lidar", x(101), 10),
    ("en->zh", "solid-state lidar", x(101), 3),
    ("en->zh", "silicon carbide", x(102), 5),
    ("en->zh", "SiC", x(102), 10),
    ("en->zh", "power module", x(102, 17), 3),
    ("en->zh", "silicon carbide power module", x(102), 1),
    ("en->zh", "robot", x(103), 10),
    ("en->zh", "surgical robot", x(103, 32), 4),
    ("en->zh", "cockpit", x(111), 3),
    ("en->zh", "domain controller", x(111, 50), 3),
    ("en->zh", "brake by wire", x(113), 1),
    ("en->zh", "battery pack", x(112, 11), 4),
    ("en->zh", "high voltage battery pack", x(112), 1),
    ("en->zh", "laparoscopic", x(103, 32), 3),
    ("en->zh", "photovoltaic inverter", x(115), 1),
    ("en->zh", "solar", x(115), 3),
    ("en->zh", "used car", x(116), 3),
    ("en->zh", "automotive grade", x(102, 107), 5),
    ("en->zh", "bluetooth low energy", x(114), 1),
    ("en->zh", "battery management system", x(13, 108), 3),
    # Chinese finds English-only entries
    ("zh->en", "协作机器人", x(104), 1),
    ("zh->en", "机械臂", x(104, 117), 3),
    ("zh->en", "自主移动机器人", x(105), 1),
    ("zh->en", "机器人", x(104, 105, 106), 8),
    ("zh->en", "手术机器人", x(32, 117, 103), 4),
    ("zh->en", "自动导引车", x(106), 3),
    ("zh->en", "微流控", x(109), 1),
    ("zh->en", "血气分析仪", x(110), 1),
    # traditional characters, both ways
    ("traditional", "晶片", x(107), 10),
    ("traditional", "車規級晶片", x(107), 1),
    ("traditional", "车规级芯片", x(107, 1), 4),
    ("traditional", "機器人", x(103, 32, 8), 10),
    ("traditional", "電池管理系統", x(13, 108), 2),
    ("traditional", "电池管理系统", x(13, 108), 2),
    ("traditional", "雷射雷達", x(118, 6), 5),
    ("traditional", "激光雷达", x(118, 101), 10),
    ("traditional", "碳化矽", x(14, 15, 102), 5),
    ("traditional", "軟體", x(9, 28), 10),
    ("traditional", "智慧城市", x(22), 3),
    ("traditional", "動力電池", x(11), 3),
    # pinyin over tags, category names and enterprise names
    ("pinyin", "jqr", x(106, 103, 8, 32), 10),
    ("pinyin", "jiqiren", x(106, 103), 10),
    ("pinyin", "xinpian", x(1, 2, 3, 5, 18), 10),
    ("pinyin", "chuanganqi", x(39, 40, 44), 10),
    ("pinyin", "cgq", x(39, 40), 10),
    ("pinyin", "dongli dianchi", x(11), 3),
    ("pinyin", "zhihui chengshi", x(22), 5),
    ("pinyin", "yiliaoqixie", x(30, 31, 32, 33), 10),
    ("pinyin", "ylqx", x(30, 31), 10),
    ("pinyin", "guangyu", x(6, 7, 8), 10),
    ("pinyin", "bosheng", x(34, 35), 10),
    ("pinyin", "tanhuagui", x(14, 15, 102), 5),
    ("pinyin", "thg", x(14, 15), 8),
    ("pinyin", "jiguangleida", x(6, 7, 101), 8),
    ("pinyin", "lanya", x(114), 3),
    # ranking: own name and category above enterprise name and description
    ("ranking", "芯片", x(1, 114, 41, 49), 8),
    ("ranking", "智能网联新能源汽车", x(111, 112, 113), 3),
    ("ranking", "新能源汽车", x(111, 112, 113), 3),
    ("ranking", "new energy vehicles", x(111, 112, 113), 3),
    ("ranking", "机器人", x(104, 105, 106), 8),
    ("ranking", "Robotics", x(104, 105, 106), 4),
    ("ranking", "医疗器械", x(30, 31, 32, 33), 6),
    ("ranking", "传感器", x(39, 40), 5),
    ("ranking", "power devices", x(14, 15, 16, 52), 6),
    ("ranking", "lidar", x(6, 7, 8), 3),
    ("ranking", "robot", x(32, 104, 105, 117), 8),
]

# Entries that must NOT be in the top k of a query (matched only through their enterprise name).
NOT_IN_TOP = [
    ("芯片", x(109, 110), 8),
    ("新能源汽车", ["enterprise:22", "enterprise:24"], 3),
]


def ndcg(ranked: list[str], relevant: set[str], k: int = 10) -> float:
    """NDCG@k with binary relevance."""
    gain = sum(1 / math.log2(i + 2) for i, doc in enumerate(ranked[:k]) if doc in relevant)
    ideal = sum(1 / math.log2(i + 2) for i in range(min(k, len(relevant))))
    return gain / ideal if ideal else 0.0


def recall(ranked: list[str], relevant: set[str], k: int = 10) -> float:
    return len(set(ranked[:k]) & relevant) / len(relevant) if relevant else 0.0
