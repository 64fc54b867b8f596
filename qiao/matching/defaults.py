"""The taxonomy of fields and industries Qiao starts with: the Greater Bay Area's industries as the
offices name them (the "20+8" clusters of Guangdong, Huizhou's petrochemicals and electronics,
Hong Kong's finance and professional services). Offices edit it afterwards.

Each row: code, parent code, 简体, 繁體, English, synonyms (any script; Traditional forms that OpenCC
folds to the Simplified name need not be listed, but Hong Kong and Taiwan words that differ do).
"""

FIELDS = [
    # 新能源
    ("new-energy", None, "新能源", "新能源", "New energy", "清洁能源\nclean energy\nrenewable energy"),
    ("energy-storage", "new-energy", "储能", "儲能", "Energy storage", "储能系统\nenergy storage system\nESS"),
    (
        "lithium-battery",
        "energy-storage",
        "锂电池",
        "鋰電池",
        "Lithium battery",
        "锂离子电池\n鋰離子電池\nlithium-ion battery\nli-ion\n动力电池\n動力電池\n电芯",
    ),
    ("hydrogen", "energy-storage", "氢能", "氫能", "Hydrogen energy", "燃料电池\n燃料電池\nfuel cell\nhydrogen"),
    ("photovoltaic", "new-energy", "光伏", "光伏", "Photovoltaics", "太阳能\n太陽能\nsolar\nsolar power\nPV"),
    ("wind-power", "new-energy", "风电", "風電", "Wind power", "风力发电\n風力發電\nwind energy"),
    (
        "new-energy-vehicles",
        "new-energy",
        "新能源汽车",
        "新能源汽車",
        "New energy vehicles",
        "电动汽车\n電動車\n电动车\nelectric vehicle\nEV\n智能网联汽车",
    ),
    # 电子信息
    ("electronics", None, "电子信息", "電子資訊", "Electronics and information", "电子\n電子\nelectronics"),
    (
        "semiconductors",
        "electronics",
        "半导体与集成电路",
        "半導體與集成電路",
        "Semiconductors and ICs",
        "半导体\n芯片\n晶片\n集成电路\n積體電路\nsemiconductor\nchip\nIC design\n芯片设计",
    ),
    (
        "displays",
        "electronics",
        "超高清视频显示",
        "超高清視頻顯示",
        "Ultra-HD displays",
        "显示面板\n顯示屏\nOLED\nLCD\ndisplay panel",
    ),
    (
        "communications",
        "electronics",
        "5G与通信",
        "5G與通訊",
        "5G and communications",
        "通信\n通訊\n电信\n電訊\ntelecommunications\n5G\n物联网\n物聯網\nIoT\ninternet of things",
    ),
    (
        "smart-terminals",
        "electronics",
        "智能终端",
        "智能終端",
        "Smart devices",
        "消费电子\n消費電子\nconsumer electronics\n智能手机\n智能手機\nsmartphone\n可穿戴设备",
    ),
    # 人工智能与软件
    (
        "digital",
        None,
        "数字经济",
        "數字經濟",
        "Digital economy",
        "数字化\n數碼化\ndigitalisation\ndigital transformation\n数字化转型",
    ),
    (
        "ai",
        "digital",
        "人工智能",
        "人工智能",
        "Artificial intelligence",
        "人工智慧\nAI\nartificial intelligence\n机器学习\n機器學習\nmachine learning\n深度学习\n深度學習\ndeep learning\n大模型\nLLM\n计算机视觉\n電腦視覺\ncomputer vision",
    ),
    (
        "software",
        "digital",
        "软件与信息服务",
        "軟件與資訊服務",
        "Software and IT services",
        "软件开发\n軟件開發\n軟體\nsoftware\nsoftware engineering\n程序员\n程式設計\nprogramming\n信息技术\n資訊科技\nIT",
    ),
    (
        "data",
        "digital",
        "大数据与云计算",
        "大數據與雲端運算",
        "Big data and cloud",
        "大数据\n大數據\nbig data\n云计算\n雲計算\ncloud computing\n数据分析\n數據分析\ndata analysis\ndata science",
    ),
    (
        "cybersecurity",
        "digital",
        "网络安全",
        "網絡安全",
        "Cybersecurity",
        "信息安全\n資訊保安\ninformation security\ncyber security",
    ),
    (
        "robotics",
        "digital",
        "机器人与智能制造",
        "機械人與智能製造",
        "Robotics and smart manufacturing",
        "机器人\n機械人\n機器人\nrobot\nrobotics\n智能制造\nsmart manufacturing\n工业自动化\n工業自動化\nautomation",
    ),
    # 生物医药
    (
        "biomedicine",
        None,
        "生物医药",
        "生物醫藥",
        "Biomedicine",
        "生物医药与健康\nbiopharma\nlife sciences\n生命科学\n生命科學",
    ),
    (
        "pharmaceuticals",
        "biomedicine",
        "创新药",
        "創新藥",
        "Pharmaceuticals",
        "药物研发\n藥物研發\ndrug discovery\npharmaceutical\n制药\n製藥",
    ),
    (
        "medical-devices",
        "biomedicine",
        "医疗器械",
        "醫療器械",
        "Medical devices",
        "医疗设备\n醫療設備\nmedical device\nmedical equipment",
    ),
    (
        "tcm",
        "biomedicine",
        "中医药",
        "中醫藥",
        "Traditional Chinese medicine",
        "中医\n中醫\n中药\n中藥\nTCM\nChinese medicine",
    ),
    (
        "health-care",
        "biomedicine",
        "医疗健康服务",
        "醫療健康服務",
        "Health care",
        "医疗\n醫療\nhealthcare\n护理\n護理\nnursing\n养老\n安老\nelderly care",
    ),
    # 新材料与化工
    ("materials", None, "新材料", "新材料", "Advanced materials", "材料科学\n材料科學\nmaterials science"),
    (
        "petrochemicals",
        "materials",
        "绿色石化",
        "綠色石化",
        "Petrochemicals",
        "石化\n石油化工\npetrochemical\n化工\nchemical engineering\n精细化工",
    ),
    (
        "advanced-materials",
        "materials",
        "先进材料",
        "先進材料",
        "High-performance materials",
        "高分子材料\npolymer\n复合材料\n複合材料\ncomposites\n纳米材料\n納米材料\nnanomaterials",
    ),
    # 高端装备
    (
        "equipment",
        None,
        "高端装备制造",
        "高端裝備製造",
        "Advanced equipment manufacturing",
        "装备制造\n裝備製造\n先进制造\n先進製造\nadvanced manufacturing\n机械工程\n機械工程\nmechanical engineering",
    ),
    (
        "precision-instruments",
        "equipment",
        "精密仪器",
        "精密儀器",
        "Precision instruments",
        "仪器仪表\n儀器儀表\ninstrumentation\n传感器\n感測器\nsensor",
    ),
    (
        "aerospace",
        "equipment",
        "低空经济与航空航天",
        "低空經濟與航空航天",
        "Low-altitude economy and aerospace",
        "无人机\n無人機\ndrone\nUAV\n航空\naviation\n航天\naerospace",
    ),
    # 金融
    ("finance", None, "金融", "金融", "Finance", "金融服务\n金融服務\nfinancial services"),
    (
        "fintech",
        "finance",
        "金融科技",
        "金融科技",
        "Fintech",
        "fintech\n数字金融\n區塊鏈\n区块链\nblockchain\n支付\npayment",
    ),
    (
        "investment",
        "finance",
        "投资与资产管理",
        "投資與資產管理",
        "Investment and asset management",
        "投资\n投資\ninvestment\n风险投资\n風險投資\nventure capital\nVC\n私募股权\nprivate equity\n资产管理\nasset management",
    ),
    (
        "banking",
        "finance",
        "银行与保险",
        "銀行與保險",
        "Banking and insurance",
        "银行\n銀行\nbanking\n保险\n保險\ninsurance",
    ),
    (
        "accounting",
        "finance",
        "会计与审计",
        "會計與審計",
        "Accounting and audit",
        "会计\n會計\naccounting\n审计\n審計\naudit\n税务\n稅務\ntaxation\nCPA",
    ),
    # 专业服务
    ("professional-services", None, "专业服务", "專業服務", "Professional services", "professional services"),
    (
        "law",
        "professional-services",
        "法律",
        "法律",
        "Law",
        "律师\n律師\nlawyer\nlegal\n法务\n法務\n仲裁\narbitration\n知识产权\n知識產權\nintellectual property\nIP",
    ),
    (
        "consulting",
        "professional-services",
        "管理咨询",
        "管理諮詢",
        "Management consulting",
        "咨询\n諮詢\n顧問\nconsulting\nconsultancy",
    ),
    (
        "architecture",
        "professional-services",
        "建筑与工程设计",
        "建築與工程設計",
        "Architecture and engineering",
        "建筑设计\n建築設計\narchitecture\n土木工程\ncivil engineering\n工程测量\n測量\nsurveying\n城市规划\n城市規劃\nurban planning",
    ),
    (
        "logistics",
        "professional-services",
        "现代物流与供应链",
        "現代物流與供應鏈",
        "Logistics and supply chain",
        "物流\nlogistics\n供应链\n供應鏈\nsupply chain\n跨境电商\n跨境電商\ncross-border e-commerce\n贸易\n貿易\ntrade",
    ),
    # 文化、教育、旅游
    (
        "culture",
        None,
        "文化创意与旅游",
        "文化創意與旅遊",
        "Culture, creative industries and tourism",
        "文创\n文創\ncreative industries",
    ),
    (
        "design",
        "culture",
        "设计",
        "設計",
        "Design",
        "工业设计\n工業設計\nindustrial design\n平面设计\n平面設計\ngraphic design\nUI设计\nUX",
    ),
    (
        "media",
        "culture",
        "传媒与数字内容",
        "傳媒與數碼內容",
        "Media and digital content",
        "传媒\n傳媒\nmedia\n影视\n影視\nfilm\n游戏\n遊戲\ngame\n电竞\n電競\nesports\n动漫\n動漫\nanimation",
    ),
    (
        "tourism",
        "culture",
        "文旅与会展",
        "文旅與會展",
        "Tourism and exhibitions",
        "旅游\n旅遊\ntourism\n酒店\nhotel\nhospitality\n会展\n會展\nMICE\nexhibition",
    ),
    (
        "education",
        "culture",
        "教育培训",
        "教育培訓",
        "Education and training",
        "教育\neducation\n培训\n培訓\ntraining\n教师\n教師\nteacher\n职业教育\n職業教育",
    ),
    # 现代农业与食品
    (
        "agriculture",
        None,
        "现代农业与食品",
        "現代農業與食品",
        "Modern agriculture and food",
        "农业\n農業\nagriculture\n食品\nfood\n预制菜\n預製菜\n水产\n水產\naquaculture",
    ),
]


def ensure(field_model=None) -> None:
    """Add the missing default fields (a migration passes its historical model)."""
    from qiao.core.models import place_in_tree

    if field_model is None:
        from .models import Field as field_model
    by_code = {}
    for position, (code, parent, name, name_hant, name_en, synonyms) in enumerate(FIELDS):
        node = field_model.objects.filter(code=code).first()
        if node is None:
            node = field_model(
                code=code,
                parent=by_code.get(parent),
                name=name,
                name_hant=name_hant,
                name_en=name_en,
                synonyms=synonyms,
                position=position,
            )
            node.save()
            place_in_tree(node, 8)  # a historical model's save does not set the path
        by_code[code] = node
