"""Realistic names per region, with the romanisation each place puts on documents."""

# (traditional surname, HK spelling, Macao spelling, Taiwan Wade-Giles, simplified, pinyin)
SURNAMES = [
    ("陳", "CHAN", "CHAN", "CHEN", "陈", "Chen"), ("黃", "WONG", "VONG", "HUANG", "黄", "Huang"),
    ("李", "LEE", "LEI", "LI", "李", "Li"), ("張", "CHEUNG", "CHEONG", "CHANG", "张", "Zhang"),
    ("梁", "LEUNG", "LEONG", "LIANG", "梁", "Liang"), ("林", "LAM", "LAM", "LIN", "林", "Lin"),
    ("劉", "LAU", "LAO", "LIU", "刘", "Liu"), ("吳", "NG", "NG", "WU", "吴", "Wu"),
    ("何", "HO", "HO", "HO", "何", "He"), ("鄭", "CHENG", "CHEANG", "CHENG", "郑", "Zheng"),
    ("楊", "YEUNG", "IEONG", "YANG", "杨", "Yang"), ("周", "CHOW", "CHAO", "CHOU", "周", "Zhou"),
    ("曾", "TSANG", "CHANG", "TSENG", "曾", "Zeng"), ("謝", "TSE", "CHE", "HSIEH", "谢", "Xie"),
    ("馮", "FUNG", "FONG", "FENG", "冯", "Feng"), ("蔡", "CHOI", "CHOI", "TSAI", "蔡", "Cai"),
    ("郭", "KWOK", "KUOK", "KUO", "郭", "Guo"), ("羅", "LAW", "LO", "LO", "罗", "Luo"),
    ("葉", "YIP", "IP", "YEH", "叶", "Ye"), ("麥", "MAK", "MAK", "MAI", "麦", "Mai"),
    ("許", "HUI", "HOI", "HSU", "许", "Xu"), ("歐陽", "AU YEUNG", "AO IEONG", "OU-YANG", "欧阳", "Ouyang"),
    ("司徒", "SZETO", "SITU", "SZU-TU", "司徒", "Situ"), ("區", "AU", "AO", "OU", "区", "Ou"),
]

# (traditional given name, HK, Macao, Taiwan, simplified, pinyin)
GIVEN = [
    ("大文", "Tai Man", "Tai Man", "Ta-wen", "大文", "Dawen"), ("嘉欣", "Ka Yan", "Ka Ian", "Chia-hsin", "嘉欣", "Jiaxin"),
    ("志明", "Chi Ming", "Chi Meng", "Chih-ming", "志明", "Zhiming"), ("美玲", "Mei Ling", "Mei Leng", "Mei-ling", "美玲", "Meiling"),
    ("家豪", "Ka Ho", "Ka Hou", "Chia-hao", "家豪", "Jiahao"), ("詠詩", "Wing Sze", "Weng Si", "Yung-shih", "咏诗", "Yongshi"),
    ("子軒", "Tsz Hin", "Chi Hin", "Tzu-hsuan", "子轩", "Zixuan"), ("浩然", "Ho Yin", "Hou In", "Hao-jan", "浩然", "Haoran"),
    ("俊傑", "Chun Kit", "Chon Kit", "Chun-chieh", "俊杰", "Junjie"), ("偉強", "Wai Keung", "Wai Keong", "Wei-chiang", "伟强", "Weiqiang"),
    ("淑儀", "Suk Yee", "Sok I", "Shu-yi", "淑仪", "Shuyi"), ("凱琳", "Hoi Lam", "Hoi Lam", "Kai-lin", "凯琳", "Kailin"),
    ("國華", "Kwok Wah", "Kuok Va", "Kuo-hua", "国华", "Guohua"), ("麗華", "Lai Wah", "Lai Va", "Li-hua", "丽华", "Lihua"),
    ("小明", "Siu Ming", "Sio Meng", "Hsiao-ming", "小明", "Xiaoming"), ("家樂", "Ka Lok", "Ka Lok", "Chia-le", "家乐", "Jiale"),
    ("曉彤", "Hiu Tung", "Hio Tong", "Hsiao-tung", "晓彤", "Xiaotong"), ("靜怡", "Ching Yi", "Cheng I", "Ching-yi", "静怡", "Jingyi"),
    ("文傑", "Man Kit", "Man Kit", "Wen-chieh", "文杰", "Wenjie"), ("志偉", "Chi Wai", "Chi Wai", "Chih-wei", "志伟", "Zhiwei"),
    ("永康", "Wing Hong", "Weng Hong", "Yung-kang", "永康", "Yongkang"), ("穎欣", "Wing Yan", "Weng Ian", "Ying-hsin", "颖欣", "Yingxin"),
    ("思穎", "Sze Wing", "Si Weng", "Szu-ying", "思颖", "Siying"), ("建華", "Kin Wah", "Kin Va", "Chien-hua", "建华", "Jianhua"),
    ("雅婷", "Nga Ting", "Nga Teng", "Ya-ting", "雅婷", "Yating"), ("宗翰", "Chung Hon", "Chong Hon", "Tsung-han", "宗翰", "Zonghan"),
    ("冠宇", "Kwun Yu", "Kun U", "Kuan-yu", "冠宇", "Guanyu"), ("佩珊", "Pui Shan", "Pui San", "Pei-shan", "佩珊", "Peishan"),
    ("淑君", "Suk Kwan", "Sok Kuan", "Shu-chun", "淑君", "Shujun"), ("俊宏", "Chun Wang", "Chon Wang", "Chun-hung", "俊宏", "Junhong"),
    ("曉晴", "Hiu Ching", "Hio Cheng", "Hsiao-ching", "晓晴", "Xiaoqing"), ("卓賢", "Cheuk Yin", "Cheok In", "Cho-hsien", "卓贤", "Zhuoxian"),
    ("樂瑤", "Lok Yiu", "Lok Io", "Le-yao", "乐瑶", "Leyao"), ("振邦", "Chun Bong", "Chan Pong", "Chen-pang", "振邦", "Zhenbang"),
    ("慧敏", "Wai Man", "Wai Man", "Hui-min", "慧敏", "Huimin"), ("天佑", "Tin Yau", "Tin Iao", "Tien-yu", "天佑", "Tianyou"),
]

# Overseas Chinese as they write their names: (name as written, Latin as on passport, country)
OVERSEAS = [
    ("陈伟明", "TAN Wei Ming", "马来西亚"), ("林美玲", "LIM Mei Ling", "马来西亚"), ("王家成", "ONG Kah Seng", "新加坡"),
    ("吴秀兰", "GOH Siew Lan", "新加坡"), ("黄志强", "WEE Chee Keong", "马来西亚"), ("李国华", "LEE Kok Wah", "新加坡"),
    ("張家樂", "Jason CHEUNG Ka Lok", "加拿大"), ("陳詠詩", "Vivian CHAN Wing Sze", "英国"), ("劉浩然", "Howard LAU Ho Yin", "澳大利亚"),
    ("何思穎", "Cindy HO Sze Wing", "美国"), ("梁振邦", "Ben LEUNG Chun Bong", "英国"), ("郭建華", "Kenneth KWOK Kin Wah", "加拿大"),
    ("许志伟", "KHOO Chee Wai", "马来西亚"), ("蔡慧敏", "CHUA Hui Min", "新加坡"), ("林天佑", "LIM Thian Yew", "印度尼西亚"),
    ("郑雅婷", "TAY Ya Ting", "新加坡"), ("陈国华", "Somchai TAN", "泰国"), ("周文杰", "ZHOU Wenjie", "美国"),
    ("杨晓彤", "YANG Xiaotong", "德国"), ("谢宗翰", "XIE Zonghan", "法国"),
]

EMPLOYERS = {
    "HK": ["香港科技園公司", "港鐵公司", "匯豐銀行", "香港大學", "菲奧娜諮詢（廣州）有限公司", "新鴻基地產", "電訊盈科", "香港貿易發展局"],
    "MO": ["澳門大學", "澳門旅遊學院", "澳門電力股份有限公司", "大豐銀行", "澳門科技大學"],
    "TW": ["台積電", "鴻海精密", "國立臺灣大學", "宏碁股份有限公司", "聯發科技"],
    "OVERSEAS": ["Grab Holdings", "新加坡国立大学", "马来亚大学", "Shopify", "伦敦大学学院"],
    "MAINLAND": ["TCL科技集团", "德赛西威", "亿纬锂能", "华为技术有限公司", "中山大学", "惠州学院"],
}
TITLES = ["工程师", "经理", "研究员", "创始人", "总监", "讲师", "分析师", "律师", "设计师", "学生", "会长", "理事"]
TAGS = ["人工智能", "新能源", "储能", "锂电池", "生物医药", "电子信息", "金融科技", "法律", "跨境电商", "文化创意",
        "智能制造", "半导体", "大数据", "教育", "建筑设计", "会计", "无人驾驶", "医疗器械"]
INSTITUTIONS = {
    "HK": [("香港大學", "中国香港"), ("香港中文大學", "中国香港"), ("香港科技大學", "中国香港"), ("香港理工大學", "中国香港"),
           ("香港城市大學", "中国香港")],
    "MO": [("澳門大學", "中国澳门"), ("澳門科技大學", "中国澳门"), ("澳門理工大學", "中国澳门")],
    "TW": [("國立臺灣大學", "中国台湾"), ("國立清華大學", "中国台湾"), ("國立成功大學", "中国台湾")],
    "OVERSEAS": [("新加坡国立大学", "新加坡"), ("马来亚大学", "马来西亚"), ("多伦多大学", "加拿大"), ("墨尔本大学", "澳大利亚")],
    "MAINLAND": [("伦敦大学学院", "英国"), ("悉尼大学", "澳大利亚"), ("哥伦比亚大学", "美国"), ("慕尼黑工业大学", "德国"),
                 ("东京大学", "日本")],
}
FIELDS = ["计算机科学", "金融", "电子工程", "法学", "工商管理", "生物医学", "化学工程", "建筑学", "会计", "新闻传播"]
