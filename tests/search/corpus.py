"""A bilingual fixture catalogue for the search engine tests: enterprises and their exhibits."""

from __future__ import annotations

from catalogue.search import crosslang

PARENTS = {
    "semiconductors": None,
    "integrated-circuits": "semiconductors",
    "chips": "integrated-circuits",
    "power-devices": "semiconductors",
    "automotive": None,
    "sensors": "automotive",
    "batteries": "automotive",
    "communications": None,
    "5g": "communications",
    "smart-city": None,
    "software": None,
    "medical": None,
}


# slug: (name, name_zh)
CATEGORY_NAMES = {
    "semiconductors": ("Semiconductors", "半导体"),
    "integrated-circuits": ("Integrated circuits", "集成电路"),
    "chips": ("Chips", "芯片"),
    "power-devices": ("Power devices", "功率器件"),
    "automotive": ("Automotive electronics", "汽车电子"),
    "sensors": ("Sensors", "传感器"),
    "batteries": ("Power batteries", "动力电池"),
    "communications": ("Communications", "通信"),
    "5g": ("5G", "5G"),
    "smart-city": ("Smart city", "智慧城市"),
    "software": ("Software", "软件"),
    "medical": ("Medical devices", "医疗器械"),
}


def lineage(slug: str) -> list[str]:
    """slug and all its ancestors."""
    chain = []
    while slug:
        chain.append(slug)
        slug = PARENTS[slug]
    return chain


# id: (name, name_zh, hall, booth, description, description_zh)
ENTERPRISES = {
    1: ("Chongqing Xinlian Microelectronics Co., Ltd.", "重庆芯联微电子有限公司", "N1", "N1-A03",
        "Designs automotive-grade microcontrollers and power management ICs.",
        "专注车规级微控制器与电源管理芯片的设计。"),
    2: ("Guangyu LiDAR Technology", "光宇激光雷达科技有限公司", "N2", "N2-B01",
        "Solid-state and mechanical LiDAR for autonomous driving and robotics.",
        "面向自动驾驶与机器人的固态和机械式激光雷达。"),
    3: ("Huayang Power Battery Co.", "华阳动力电池股份有限公司", "N3", "N3-C02",
        "Lithium iron phosphate and ternary cells for electric vehicles.",
        "为新能源汽车提供磷酸铁锂与三元电芯。"),
    4: ("Xinyuan SiC Semiconductor", "芯源碳化硅半导体有限公司", "N1", "N1-A07",
        "Silicon carbide wafers, MOSFETs and diodes for power electronics.",
        "碳化硅衬底、外延及功率器件。"),
    5: ("Tongxin 5G Communications", "通芯五G通信技术有限公司", "S1", "S1-D04",
        "5G baseband, small cells and industrial modules.",
        "5G基带、小基站与工业通信模组。"),
    6: ("Zhicheng Smart City Solutions", "智城科技有限公司", "S2", "S2-E01",
        "Urban operations platforms, smart lighting and traffic management.",
        "城市运营平台、智慧照明与交通管理。"),
    7: ("Yunqi Software", "云启软件有限公司", "S2", "S2-E05",
        "Industrial software, digital twins and data platforms.",
        "工业软件、数字孪生与数据平台。"),
    8: ("Kangning Medical Devices", "康宁医疗器械有限公司", "S3", "S3-F02",
        "Medical imaging, patient monitoring and surgical robots.",
        "医学影像、病人监护与手术机器人。"),
    9: ("Bosheng Radar", "博晟毫米波雷达有限公司", "N2", "N2-B09",
        "Millimeter wave radar for vehicles and traffic monitoring.",
        "车载与交通监测用毫米波雷达。"),
    10: ("Shanhe Auto Electronics", "重庆山河汽车电子有限公司", "N2", "N2-B12",
         "Body controllers, gateways and sensors for vehicles.",
         "车身控制器、网关与车载传感器。"),
    11: ("Mingde Consulting", "明德咨询有限公司", None, None,
         "Market research on the electronics industry. <script>alert(1)</script>",
         "电子行业市场研究。"),
}

# id: (enterprise, category, name, name_zh, tags, description, description_zh)
EXHIBITS = {
    1: (1, "chips", "Automotive MCU chip", "车规级MCU芯片", ["MCU", "车规级", "automotive"],
        "A 32-bit microcontroller qualified to AEC-Q100 for body and chassis electronics.",
        "符合AEC-Q100的32位微控制器，用于车身与底盘电子。"),
    2: (1, "chips", "Power management IC", "电源管理芯片", ["PMIC", "power"],
        "Multi-rail power management for domain controllers.",
        "面向域控制器的多路电源管理。"),
    3: (1, "chips", "Motor driver chip", "电机驱动芯片", ["driver", "motor"],
        "Three-phase motor driver with integrated protection.",
        "集成保护功能的三相电机驱动。"),
    4: (1, "integrated-circuits", "CAN transceiver", "CAN收发器", ["CAN", "bus"],
        "A CAN FD transceiver for in-vehicle networks.",
        "用于车内网络的CAN FD收发器。"),
    5: (1, "chips", "Battery management chip", "电池管理芯片", ["BMS", "battery"],
        "Cell monitoring and balancing for battery packs.",
        "电池包的电芯监测与均衡。"),
    6: (2, "sensors", "Solid-state LiDAR", "固态激光雷达", ["LiDAR", "激光雷达", "solid-state"],
        "A solid-state LiDAR sensor with 120 degree field of view for passenger cars.",
        "面向乘用车的120度视场角固态激光雷达。"),
    7: (2, "sensors", "Mechanical LiDAR", "机械式激光雷达", ["LiDAR", "激光雷达", "360"],
        "A 128-line mechanical LiDAR for robotaxis.",
        "用于自动驾驶出租车的128线机械式激光雷达。"),
    8: (2, "sensors", "LiDAR for robots", "机器人激光雷达", ["robot", "激光雷达"],
        "A compact LiDAR for service robots and AGVs.",
        "用于服务机器人和AGV的小型激光雷达。"),
    9: (2, "software", "Point cloud perception software", "点云感知软件", ["perception", "AI"],
        "Object detection on point clouds from LiDAR sensors.",
        "基于激光雷达点云的目标检测。"),
    10: (3, "batteries", "LFP battery cell", "磷酸铁锂电芯", ["LFP", "电芯", "battery"],
         "A 280 Ah lithium iron phosphate cell for energy storage and buses.",
         "用于储能和客车的280安时磷酸铁锂电芯。"),
    11: (3, "batteries", "Power battery pack", "动力电池包", ["动力电池", "pack", "EV"],
         "A battery pack for electric vehicles with liquid cooling.",
         "带液冷的新能源汽车动力电池包。"),
    12: (3, "batteries", "Solid-state battery", "固态电池", ["solid-state", "固态电池"],
         "A sulfide solid-state battery prototype with high energy density.",
         "高能量密度的硫化物固态电池样品。"),
    13: (3, "batteries", "Battery management system", "电池管理系统", ["BMS", "电池管理"],
         "Pack-level BMS with state of charge estimation.",
         "具备荷电状态估计的电池管理系统。"),
    14: (4, "power-devices", "SiC MOSFET", "碳化硅MOSFET", ["SiC", "碳化硅", "MOSFET"],
         "A 1200 V silicon carbide MOSFET for traction inverters.",
         "用于主驱逆变器的1200伏碳化硅MOSFET。"),
    15: (4, "power-devices", "SiC wafer", "碳化硅衬底", ["SiC", "wafer", "衬底"],
         "Six-inch silicon carbide substrates for power semiconductors.",
         "用于功率半导体的六英寸碳化硅衬底。"),
    16: (4, "power-devices", "SiC Schottky diode", "碳化硅肖特基二极管", ["SiC", "diode"],
         "Schottky diodes for on-board chargers.",
         "用于车载充电机的肖特基二极管。"),
    17: (4, "semiconductors", "Power module", "功率模块", ["module", "IGBT"],
         "A half-bridge power module for inverters.",
         "用于逆变器的半桥功率模块。"),
    18: (5, "5g", "5G baseband chip", "5G基带芯片", ["5G", "baseband", "基带"],
         "A 5G baseband chip for industrial terminals.",
         "面向工业终端的5G基带芯片。"),
    19: (5, "5g", "5G industrial module", "5G 工业模组", ["5G", "module", "模组"],
         "An industrial 5G module with 5G 芯片 inside and rugged housing.",
         "内置5G 芯片的加固型工业模组。"),
    20: (5, "5g", "5G small cell", "5G小基站", ["5G", "small cell", "基站"],
         "An indoor small cell for factories.",
         "面向工厂的室内小基站。"),
    21: (5, "communications", "Industrial router", "工业路由器", ["router", "4G"],
         "A dual-SIM industrial router with VPN, also used for telematics.",
         "双卡工业路由器，支持VPN。"),
    22: (6, "smart-city", "Smart city operations platform", "智慧城市运营平台",
         ["smart city", "智慧城市", "platform"],
         "A city operations centre dashboard joining traffic, lighting and emergency data.",
         "融合交通、照明与应急数据的城市运营中心。"),
    23: (6, "smart-city", "Smart street light", "智慧路灯", ["lighting", "路灯"],
         "A street light with cameras, environmental sensors and 5G small cell mounting.",
         "集成摄像头、环境传感器并可挂载5G小基站的路灯。"),
    24: (6, "smart-city", "Traffic signal controller", "交通信号控制机", ["traffic", "信号"],
         "Adaptive traffic signal control for intersections.",
         "路口自适应信号控制。"),
    25: (6, "smart-city", "Parking guidance system", "停车诱导系统", ["parking", "停车"],
         "Guides drivers to free parking spaces.",
         "引导车主找到空闲车位。"),
    26: (7, "software", "Digital twin platform", "数字孪生平台", ["digital twin", "数字孪生"],
         "A digital twin platform for factories and cities.",
         "面向工厂和城市的数字孪生平台。"),
    27: (7, "software", "Industrial data platform", "工业数据平台", ["data", "platform"],
         "Collects and analyses machine data.",
         "采集与分析设备数据。"),
    28: (7, "software", "MES software", "制造执行系统", ["MES", "manufacturing"],
         "Manufacturing execution software for electronics plants.",
         "电子工厂的制造执行系统软件。"),
    29: (7, "software", "Edge gateway", "边缘网关", ["edge", "IoT"],
         "An edge computing box for machine connectivity.",
         "用于设备联网的边缘计算盒子。"),
    30: (8, "medical", "CT scanner", "CT扫描仪", ["CT", "imaging", "影像"],
         "A 64-slice CT scanner for medical imaging with low dose.",
         "低剂量64排医学影像CT。"),
    31: (8, "medical", "Patient monitor", "病人监护仪", ["monitor", "监护"],
         "A bedside patient monitor with ECG and SpO2.",
         "带心电与血氧的床旁监护仪。"),
    32: (8, "medical", "Surgical robot", "手术机器人", ["robot", "手术"],
         "A laparoscopic surgical robot.",
         "腹腔镜手术机器人。"),
    33: (8, "medical", "Ultrasound system", "超声诊断系统", ["ultrasound", "imaging"],
         "A portable ultrasound system for point of care.",
         "便携式超声诊断系统。"),
    34: (9, "sensors", "77 GHz millimeter wave radar", "77GHz毫米波雷达",
         ["radar", "毫米波雷达", "ADAS"],
         "A forward radar sensor for adaptive cruise control.",
         "用于自适应巡航的前向毫米波雷达。"),
    35: (9, "sensors", "Corner radar", "角雷达", ["radar", "毫米波"],
         "Corner radar for blind spot detection.",
         "用于盲区监测的角雷达。"),
    36: (9, "smart-city", "Traffic radar", "交通雷达", ["radar", "traffic"],
         "A radar that counts vehicles at intersections.",
         "统计路口车流的交通雷达。"),
    37: (10, "automotive", "Body control module", "车身控制器", ["BCM", "body"],
         "Controls lighting, doors and wipers.",
         "控制灯光、车门与雨刮。"),
    38: (10, "automotive", "Vehicle gateway", "车载网关", ["gateway", "网关", "CAN", "telematics"],
         "A central gateway routing CAN and Ethernet traffic.",
         "路由CAN与以太网的中央网关。"),
    39: (10, "sensors", "Tire pressure sensor", "胎压传感器", ["TPMS", "传感器"],
         "A tire pressure monitoring sensor.",
         "胎压监测传感器。"),
    40: (10, "sensors", "Rain and light sensor", "雨量光照传感器", ["sensor", "rain"],
         "Detects rain and ambient light for automatic wipers and headlights.",
         "检测雨量与环境光，控制自动雨刮和大灯。"),
    41: (1, "chips", "AI vision chip", "AI视觉芯片", ["AI", "vision", "视觉"],
         "An image signal processor and neural accelerator for cameras.",
         "面向摄像头的图像处理与神经网络加速芯片。"),
    42: (4, "semiconductors", "Semiconductor test equipment", "半导体测试设备", ["test", "ATE"],
         "Wafer-level reliability test equipment for power semiconductors.",
         "功率半导体的晶圆级可靠性测试设备。"),
    43: (6, "smart-city", "Environmental monitoring station", "环境监测站",
         ["environment", "sensor"],
         "Measures air quality, noise and weather. <b>Solar</b> powered.",
         "监测空气质量、噪声和气象。"),
    44: (7, "software", "Sensor data gateway", "传感器数据网关", ["gateway", "sensor", "data"],
         "Collects sensor data over Modbus and MQTT.",
         "通过Modbus和MQTT采集传感器数据。"),
    45: (3, "batteries", "Battery swap station", "换电站", ["swap", "换电"],
         "An automated battery swap station for electric taxis.",
         "面向电动出租车的自动换电站。"),
    46: (2, "sensors", "4D imaging radar", "4D成像雷达", ["radar", "4D", "imaging"],
         "A 4D imaging radar that complements LiDAR.",
         "与激光雷达互补的4D成像雷达。"),
    47: (8, "medical", "Medical image AI software", "医学影像AI软件", ["AI", "影像", "software"],
         "Assists radiologists reading CT and X-ray images.",
         "辅助医生阅读CT与X光影像。"),
    48: (5, "5g", "5G CPE", "5G客户终端", ["5G", "CPE"],
         "A 5G customer premises equipment for enterprises.",
         "面向企业的5G客户终端设备。"),
    49: (1, "chips", "Automotive SoC", "车规级SoC芯片", ["SoC", "车规级", "cockpit"],
         "A cockpit system on chip with GPU and NPU.",
         "集成GPU与NPU的智能座舱芯片。"),
    50: (10, "automotive", "Domain controller", "域控制器", ["controller", "ADAS"],
         "An ADAS domain controller that fuses camera, radar and LiDAR.",
         "融合摄像头、雷达与激光雷达的智驾域控制器。"),
    51: (9, "sensors", "In-cabin radar", "舱内雷达", ["radar", "cabin", "60GHz"],
         "A 60 GHz radar that detects children left in the car.",
         "检测车内遗留儿童的60GHz雷达。"),
    52: (4, "power-devices", "GaN power transistor", "氮化镓功率晶体管", ["GaN", "氮化镓"],
         "A gallium nitride transistor for fast chargers.",
         "用于快充的氮化镓晶体管。"),
    53: (6, "smart-city", "Smart waste bin", "智能垃圾桶", ["waste", "IoT"],
         "A fill-level sensing bin that schedules collection.",
         "感知满溢并调度清运的垃圾桶。"),
    54: (7, "software", "Chip design EDA tool", "芯片设计EDA工具", ["EDA", "chip design"],
         "Place-and-route software for chip designers.",
         "面向芯片设计人员的布局布线软件。"),
    55: (3, "batteries", "Sodium-ion battery", "钠离子电池", ["sodium", "钠电"],
         "A low-cost sodium-ion battery for two-wheelers.",
         "用于两轮车的低成本钠离子电池。"),
    56: (10, "automotive", "Telematics box", "车载通信终端", ["T-Box", "车联网"],
         "Connects the vehicle to the cloud over 4G and 5G.",
         "通过4G与5G将车辆连接到云端。"),
}


def exhibit_doc(exhibit_id: int) -> dict:
    enterprise_id, category, name, name_zh, tags, description, description_zh = EXHIBITS[exhibit_id]
    enterprise = ENTERPRISES[enterprise_id]
    return {
        "id": f"exhibit:{exhibit_id}", "type": "exhibit", "db_id": exhibit_id,
        "fingerprint": f"fp-exhibit-{exhibit_id}",
        "name": name, "name_zh": name_zh,
        "enterprise_name": f"{enterprise[0]} {enterprise[1]}",
        "tags": tags, "description": description, "description_zh": description_zh,
        "category_slugs": lineage(category), "category_slug": category,
        "category_names": category_names(lineage(category)),
        "category_labels": [n for slug in lineage(category) for n in CATEGORY_NAMES[slug]],
        "translations": crosslang.translations([name, name_zh, *tags]),
        "codes": [exhibit_code(exhibit_id), enterprise[3]],
        "hall": enterprise[2], "booth": enterprise[3],
    }


def exhibit_code(exhibit_id: int) -> str:
    return f"SC-2024-{exhibit_id:03d}"


def credit_code(enterprise_id: int) -> str:
    """An 18-character unified social credit code (made up)."""
    return f"91500000MA{enterprise_id:06d}X1"


def category_names(slugs: list[str]) -> str:
    """The names of categories, both languages, root first."""
    return " ".join(n for slug in reversed(slugs) for n in CATEGORY_NAMES[slug])


def enterprise_doc(enterprise_id: int) -> dict:
    name, name_zh, hall, booth, description, description_zh = ENTERPRISES[enterprise_id]
    slugs: list[str] = []
    for exhibit in EXHIBITS.values():
        if exhibit[0] == enterprise_id:
            slugs += [s for s in lineage(exhibit[1]) if s not in slugs]
    return {
        "id": f"enterprise:{enterprise_id}", "type": "enterprise", "db_id": enterprise_id,
        "fingerprint": f"fp-enterprise-{enterprise_id}",
        "name": name, "name_zh": name_zh, "enterprise_name": "",
        "tags": [], "description": description, "description_zh": description_zh,
        "category_slugs": slugs, "category_slug": None, "category_names": category_names(slugs),
        "translations": crosslang.translations([name, name_zh]),
        "codes": [credit_code(enterprise_id), booth], "hall": hall, "booth": booth,
    }


def documents() -> list[dict]:
    """Every enterprise and exhibit of the fixture catalogue."""
    return [enterprise_doc(i) for i in ENTERPRISES] + [exhibit_doc(i) for i in EXHIBITS]


def words() -> list[str]:
    """The catalogue's own names and tags, for the segmenter's user dictionary."""
    found = []
    for doc in documents():
        found += [doc["name"], doc["name_zh"], *doc["tags"]]
    found += [name for names in CATEGORY_NAMES.values() for name in names]
    return [w for w in found if w]
