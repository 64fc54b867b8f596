"""About 80 organisations: a federation with member associations, universities, enterprises,
institutes and government bodies, in the scripts they use."""

FEDERATION = ("香港廣東社團總會", "Federation of Hong Kong Guangdong Community Organisations", "HK")
MEMBER_ASSOCIATIONS = [
    ("香港惠州社團聯合總會", "HK"), ("香港惠陽同鄉會", "HK"), ("香港博羅同鄉會", "HK"), ("香港惠東同鄉會", "HK"),
    ("香港龍門同鄉會", "HK"), ("香港惠州青年聯會", "HK"), ("香港客家聯誼會", "HK"), ("香港惠州工商聯合會", "HK"),
    ("香港大亞灣同鄉聯誼會", "HK"), ("香港仲愷鄉親會", "HK"),
]
OTHER_ASSOCIATIONS = [
    ("澳門惠州同鄉會", "MO"), ("澳門廣東青年聯合會", "MO"), ("澳門中華學生聯合總會", "MO"), ("台灣惠州同鄉會", "TW"),
    ("台灣客家青年交流協會", "TW"), ("馬來西亞惠州會館聯合會", "OVERSEAS"), ("新加坡惠州會館", "OVERSEAS"),
    ("广东欧美同学会（广东留学人员联谊会）", "MAINLAND"), ("惠州市归国华侨联合会", "MAINLAND"),
    ("香港專業人士協會", "HK"), ("香港青年創業家協會", "HK"), ("印尼惠州同乡会", "OVERSEAS"),
]
UNIVERSITIES = [
    ("香港大學", "The University of Hong Kong", "HK"), ("香港中文大學", "The Chinese University of Hong Kong", "HK"),
    ("香港科技大學", "The Hong Kong University of Science and Technology", "HK"),
    ("香港理工大學", "The Hong Kong Polytechnic University", "HK"), ("香港城市大學", "City University of Hong Kong", "HK"),
    ("澳門大學", "University of Macau", "MO"), ("澳門科技大學", "Macau University of Science and Technology", "MO"),
    ("國立臺灣大學", "National Taiwan University", "TW"), ("國立成功大學", "National Cheng Kung University", "TW"),
    ("新加坡国立大学", "National University of Singapore", "OVERSEAS"), ("惠州学院", "Huizhou University", "MAINLAND"),
    ("中山大学", "Sun Yat-sen University", "MAINLAND"),
]
ENTERPRISES = [
    ("菲奧娜諮詢（廣州）有限公司", "HK", "咨询服务"), ("港惠新能源科技有限公司", "HK", "新能源"),
    ("灣區智聯科技（惠州）有限公司", "HK", "电子信息"), ("德賽西威汽車電子", "MAINLAND", "汽车电子"),
    ("亿纬锂能股份有限公司", "MAINLAND", "储能"), ("TCL科技集团股份有限公司", "MAINLAND", "电子信息"),
    ("惠州华星光电技术有限公司", "MAINLAND", "半导体显示"), ("澳惠中醫藥科技有限公司", "MO", "生物医药"),
    ("澳門跨境電商服務有限公司", "MO", "跨境电商"), ("台惠精密機械股份有限公司", "TW", "智能制造"),
    ("鴻惠光電科技有限公司", "TW", "光电"), ("南洋惠商贸易有限公司", "OVERSEAS", "国际贸易"),
    ("星惠金融科技私人有限公司", "OVERSEAS", "金融科技"), ("香港灣區青年創業孵化器有限公司", "HK", "孵化服务"),
    ("惠港通物流有限公司", "HK", "物流"), ("大亞灣石化港資企業有限公司", "HK", "石油化工"),
    ("博羅綠美農業科技有限公司", "HK", "现代农业"), ("惠陽港青文創有限公司", "HK", "文化创意"),
    ("仲愷智能駕駛科技有限公司", "HK", "无人驾驶"), ("惠州港澳醫療器械有限公司", "MO", "医疗器械"),
    ("台商惠州電子有限公司", "TW", "电子信息"), ("惠东鞋业国际有限公司", "OVERSEAS", "制造业"),
    ("粤港澳大湾区储能研究院有限公司", "MAINLAND", "储能"), ("惠州市跨境电商产业园有限公司", "MAINLAND", "跨境电商"),
    ("香港人才集團有限公司", "HK", "人力资源"), ("港澳青年創新創業基地運營有限公司", "HK", "孵化服务"),
    ("惠州港资生物制药有限公司", "HK", "生物医药"), ("澳門惠澳投資有限公司", "MO", "投资"),
]
INSTITUTES = [
    ("惠州仲恺高新区港澳科技研究院", "MAINLAND"), ("香港應用科技研究院", "HK"), ("澳門中醫藥科技研究院", "MO"),
    ("粤港澳大湾区（惠州）新能源研究院", "MAINLAND"), ("東江創新發展研究院", "MAINLAND"),
]
GOVERNMENT = [
    "惠州市人民政府港澳事务局", "中共惠州市委统战部", "惠州市人力资源和社会保障局", "惠州市商务局", "惠州仲恺高新区管委会",
    "惠州大亚湾经济技术开发区管委会", "惠阳区人民政府", "香港特別行政區政府駐粵經濟貿易辦事處",
]
