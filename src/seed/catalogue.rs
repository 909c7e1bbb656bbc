//! The reference data `medcard seed` draws its demo persons, employers, addresses and institutions
//! from: plain tables and a few pure helpers, no I/O.
//!
//! The tables lean towards what a Zhengzhou back office actually sees (Henan surnames, the city's
//! districts and roads, its issuing banks) so that a seeded database reads like a real one in a
//! demo. Every name here is invented or generic; none of it describes a real person or company.
//! The walkthrough in the README registers its own institutions and uses 13x phones, so nothing
//! here may collide with those.

/// Surnames with rough relative weights (per mille of Henan's population, rounded).
///
/// Henan is heavier than the national average on 王, 李, 张, 刘, 陈, 杨, 赵 and 郭; the compound
/// surnames are kept, at the smallest weight, so that a name of three or four characters with a
/// two-character surname turns up now and then.
pub(crate) const SURNAMES: [(&str, u32); 104] = [
    ("王", 90),
    ("李", 80),
    ("张", 80),
    ("刘", 60),
    ("陈", 40),
    ("杨", 35),
    ("赵", 30),
    ("郭", 28),
    ("孙", 20),
    ("马", 20),
    ("朱", 16),
    ("周", 15),
    ("高", 15),
    ("徐", 14),
    ("宋", 13),
    ("黄", 12),
    ("吴", 12),
    ("韩", 12),
    ("胡", 10),
    ("冯", 10),
    ("曹", 10),
    ("许", 10),
    ("程", 9),
    ("何", 8),
    ("崔", 8),
    ("任", 8),
    ("田", 8),
    ("魏", 8),
    ("邓", 7),
    ("袁", 7),
    ("于", 7),
    ("贾", 7),
    ("付", 7),
    ("杜", 7),
    ("董", 7),
    ("谢", 6),
    ("牛", 6),
    ("段", 6),
    ("薛", 6),
    ("丁", 6),
    ("苏", 6),
    ("侯", 6),
    ("梁", 6),
    ("吕", 6),
    ("白", 6),
    ("范", 6),
    ("孟", 6),
    ("常", 6),
    ("姚", 5),
    ("秦", 5),
    ("石", 5),
    ("郑", 5),
    ("史", 5),
    ("闫", 5),
    ("彭", 4),
    ("罗", 4),
    ("潘", 4),
    ("卢", 4),
    ("申", 4),
    ("雷", 4),
    ("乔", 4),
    ("蔡", 4),
    ("郝", 4),
    ("武", 4),
    ("叶", 3),
    ("林", 3),
    ("方", 3),
    ("蒋", 3),
    ("沈", 3),
    ("司", 3),
    ("耿", 3),
    ("尚", 3),
    ("翟", 3),
    ("靳", 3),
    ("焦", 3),
    ("岳", 3),
    ("路", 3),
    ("樊", 3),
    ("齐", 3),
    ("葛", 3),
    ("邢", 3),
    ("毛", 3),
    ("姜", 3),
    ("余", 3),
    ("康", 3),
    ("穆", 2),
    ("兰", 2),
    ("纪", 2),
    ("聂", 2),
    ("钱", 2),
    ("汪", 2),
    ("陶", 2),
    ("房", 2),
    ("霍", 2),
    ("左", 2),
    ("鲁", 2),
    ("楚", 1),
    ("党", 1),
    ("宁", 1),
    ("柴", 1),
    ("欧阳", 1),
    ("司马", 1),
    ("上官", 1),
    ("诸葛", 1),
];

/// Characters common in men's given names; a given name is one or two of them (or of
/// [`GIVEN_NEUTRAL`]).
pub(crate) const GIVEN_MALE: [&str; 122] = [
    "伟", "强", "磊", "军", "洋", "勇", "杰", "涛", "明", "超", "浩", "鹏", "辉", "刚", "健", "斌", "波", "峰", "亮",
    "飞", "鑫", "林", "平", "东", "龙", "海", "俊", "彬", "志", "宏", "建", "国", "新", "庆", "兵", "锋", "博", "旭",
    "阳", "帅", "凯", "坤", "昊", "毅", "睿", "航", "泽", "轩", "瑞", "豪", "铭", "哲", "诚", "硕", "达", "振", "威",
    "虎", "彪", "松", "柏", "山", "岩", "峻", "成", "德", "胜", "福", "贵", "利", "永", "金", "中", "民", "学", "义",
    "忠", "良", "荣", "祥", "发", "兴", "康", "栋", "森", "光", "耀", "鸿", "钢", "友", "全", "卫", "江", "宝", "喜",
    "武", "骏", "骁", "晟", "煜", "炜", "琛", "皓", "翔", "景", "迪", "程", "鹤", "麟", "冠", "昌", "政", "勋", "奇",
    "卓", "尧", "恒", "晖", "锐", "川", "广", "朋",
];

/// Characters common in women's given names; a given name is one or two of them (or of
/// [`GIVEN_NEUTRAL`]).
pub(crate) const GIVEN_FEMALE: [&str; 120] = [
    "芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "秀", "婷", "雪", "玲", "燕", "红", "梅", "莉", "兰", "英", "慧",
    "萍", "洁", "琳", "颖", "倩", "璐", "瑶", "琪", "佳", "悦", "蕾", "薇", "茜", "蓉", "菲", "妍", "娇", "媛", "莹",
    "露", "晶", "丹", "凤", "翠", "珍", "琴", "彤", "怡", "婕", "岚", "雯", "嫣", "姗", "婉", "淑", "贞", "惠", "香",
    "桂", "菊", "莲", "荷", "萌", "晴", "月", "玥", "瑾", "璇", "珊", "瑜", "琼", "美", "娅", "婧", "姝", "妮", "娥",
    "诗", "梦", "萱", "蕊", "芸", "芬", "苗", "冰", "爽", "秋", "彩", "素", "巧", "玉", "珠", "钰", "锦", "茹", "馨",
    "靖", "娴", "歆", "黛", "曼", "蓓", "蔚", "紫", "佩", "欢", "甜", "琦", "婵", "雅", "灵", "凝", "沁", "溪", "潇",
    "澜", "春", "花", "云", "霏", "琬",
];

/// Characters given to boys and girls alike, mixed into either list so that names are less
/// predictable from the sex alone (as they are in the real registry).
pub(crate) const GIVEN_NEUTRAL: [&str; 42] = [
    "文", "宇", "嘉", "子", "欣", "一", "晓", "安", "乐", "心", "思", "雨", "涵", "然", "宁", "晨", "若", "可", "亦",
    "沐", "言", "知", "书", "恩", "悠", "逸", "辰", "星", "楠", "初", "晗", "昕", "艺", "家", "天", "华", "方", "清",
    "远", "韵", "语", "熙",
];

/// Zhengzhou's county-level codes with the district name as it is written in a postal address.
///
/// The functional zones drop the leading 郑州 of their official names (see `domain::region`),
/// because an address already says 郑州市 before them.
const DISTRICTS: [(&str, &str); 15] = [
    ("410102", "中原区"),
    ("410103", "二七区"),
    ("410104", "管城回族区"),
    ("410105", "金水区"),
    ("410106", "上街区"),
    ("410108", "惠济区"),
    ("410122", "中牟县"),
    ("410171", "经济技术开发区"),
    ("410172", "高新技术产业开发区"),
    ("410173", "航空港经济综合实验区"),
    ("410181", "巩义市"),
    ("410182", "荥阳市"),
    ("410183", "新密市"),
    ("410184", "新郑市"),
    ("410185", "登封市"),
];

/// The region codes a seeded person lives and is insured in, weighted roughly by resident
/// population (in ten thousands); 郑东新区 is counted in 金水区 here, as it has no code of its own.
pub(crate) const REGION_WEIGHTS: [(&str, u32); 15] = [
    ("410105", 220),
    ("410103", 120),
    ("410102", 115),
    ("410184", 95),
    ("410173", 90),
    ("410104", 85),
    ("410122", 70),
    ("410172", 65),
    ("410108", 60),
    ("410181", 60),
    ("410171", 55),
    ("410182", 55),
    ("410183", 55),
    ("410185", 45),
    ("410106", 15),
];

/// Roads of each district, as (region code, road); [`address`] picks among a region's own.
pub(crate) const STREETS: [(&str, &str); 100] = [
    ("410102", "建设西路"),
    ("410102", "中原西路"),
    ("410102", "桐柏路"),
    ("410102", "秦岭路"),
    ("410102", "棉纺路"),
    ("410102", "伊河路"),
    ("410102", "工人路"),
    ("410102", "冉屯路"),
    ("410103", "大学路"),
    ("410103", "京广中路"),
    ("410103", "航海中路"),
    ("410103", "陇海中路"),
    ("410103", "嵩山南路"),
    ("410103", "政通路"),
    ("410103", "长江中路"),
    ("410103", "德化街"),
    ("410104", "城东路"),
    ("410104", "商城路"),
    ("410104", "东大街"),
    ("410104", "北下街"),
    ("410104", "南关街"),
    ("410104", "紫荆山南路"),
    ("410104", "航海东路"),
    ("410104", "郑汴路"),
    ("410105", "花园路"),
    ("410105", "农业路"),
    ("410105", "经三路"),
    ("410105", "文化路"),
    ("410105", "纬五路"),
    ("410105", "东风路"),
    ("410105", "金水东路"),
    ("410105", "商务外环路"),
    ("410106", "中心路"),
    ("410106", "济源路"),
    ("410106", "新安路"),
    ("410106", "许昌路"),
    ("410106", "登封路"),
    ("410106", "汝南路"),
    ("410108", "开元路"),
    ("410108", "天河路"),
    ("410108", "英才街"),
    ("410108", "迎宾路"),
    ("410108", "江山路"),
    ("410108", "长兴路"),
    ("410108", "清华园路"),
    ("410122", "青年路"),
    ("410122", "官渡大道"),
    ("410122", "商都大道"),
    ("410122", "广惠街"),
    ("410122", "解放路"),
    ("410122", "文化路"),
    ("410171", "第八大街"),
    ("410171", "第九大街"),
    ("410171", "第十五大街"),
    ("410171", "经北一路"),
    ("410171", "经南三路"),
    ("410171", "航海东路"),
    ("410172", "科学大道"),
    ("410172", "长椿路"),
    ("410172", "翠竹街"),
    ("410172", "莲花街"),
    ("410172", "枫杨街"),
    ("410172", "合欢街"),
    ("410172", "瑞达路"),
    ("410172", "红松路"),
    ("410173", "新港大道"),
    ("410173", "华夏大道"),
    ("410173", "迎宾大道"),
    ("410173", "郑港四路"),
    ("410173", "凌空街"),
    ("410173", "四港联动大道"),
    ("410181", "杜甫路"),
    ("410181", "新兴路"),
    ("410181", "紫荆路"),
    ("410181", "桐本路"),
    ("410181", "嵩山路"),
    ("410181", "永安路"),
    ("410182", "索河路"),
    ("410182", "京城路"),
    ("410182", "郑上路"),
    ("410182", "演武路"),
    ("410182", "中原路"),
    ("410182", "塔山路"),
    ("410183", "青屏大街"),
    ("410183", "开阳路"),
    ("410183", "长乐路"),
    ("410183", "溱水路"),
    ("410183", "嵩山大道"),
    ("410183", "西大街"),
    ("410184", "轩辕路"),
    ("410184", "人民路"),
    ("410184", "中华北路"),
    ("410184", "新华路"),
    ("410184", "郑韩路"),
    ("410184", "双湖大道"),
    ("410185", "少林大道"),
    ("410185", "中岳大街"),
    ("410185", "嵩阳路"),
    ("410185", "大禹路"),
    ("410185", "崇高路"),
];

/// The district name of a region code as an address writes it (金水区, 巩义市, 经济技术开发区).
///
/// # Panics
///
/// On a code outside [`REGION_WEIGHTS`]: the seed only draws regions from there, so another code
/// is a bug in the caller, not data to tolerate.
pub(crate) fn district_name(region_code: &str) -> &'static str {
    match DISTRICTS.iter().find(|(code, _)| *code == region_code) {
        Some((_, name)) => name,
        None => panic!("{region_code} is not a Zhengzhou district of the seed catalogue"),
    }
}

/// A postal address in `region_code`, e.g. 河南省郑州市金水区花园路88号院3号楼.
///
/// `street_index` wraps around the region's roads, so any roll will do; `number` and `building`
/// are printed as given (the caller picks their ranges), and a `building` of 0 leaves out the
/// 院…号楼 part, for a house that fronts the road.
///
/// # Panics
///
/// On a code outside [`REGION_WEIGHTS`], as [`district_name`].
pub(crate) fn address(region_code: &str, street_index: u64, number: u64, building: u64) -> String {
    let district = district_name(region_code);
    let roads: Vec<&str> = STREETS.iter().filter(|(code, _)| *code == region_code).map(|(_, road)| *road).collect();
    let road = pick(&roads, street_index);
    if building == 0 {
        format!("河南省郑州市{district}{road}{number}号")
    } else {
        format!("河南省郑州市{district}{road}{number}号院{building}号楼")
    }
}

/// Middles of employer names; [`employer_name`] puts 郑州 or 河南 before and a kind after.
///
/// Invented or generic words (places, rivers, mountains, lucky pairs). Stems of famous Henan
/// companies are left out on purpose, so that no seeded employer reads as a real one.
pub(crate) const EMPLOYER_STEMS: [&str; 60] = [
    "中原", "绿城", "豫商", "嵩山", "黄河", "商都", "郑东", "二七", "天地", "华信", "恒泰", "金鼎", "鼎盛", "博远",
    "瑞丰", "德润", "鸿运", "盛世", "汇通", "聚源", "宏图", "腾跃", "启航", "明德", "豫通", "中州", "郑韩", "轩辕",
    "嵩岳", "伏牛", "太行", "淮源", "洛水", "溱洧", "管城", "龙湖", "如意", "金水", "紫荆", "须水", "索河", "邙山",
    "凯润", "晟达", "安和", "泰和", "永信", "正通", "易达", "华豫", "同创", "凌云", "长青", "益康", "百草", "杏林",
    "天衡", "坤元", "蓝海", "丰禾",
];

/// Ends of employer names: the line of business and the legal form.
pub(crate) const EMPLOYER_KINDS: [&str; 26] = [
    "科技有限公司",
    "物流有限公司",
    "建设工程有限公司",
    "餐饮管理有限公司",
    "医药连锁有限公司",
    "商贸有限公司",
    "电子商务有限公司",
    "置业有限公司",
    "教育咨询有限公司",
    "物业服务有限公司",
    "机械制造有限公司",
    "食品有限公司",
    "纺织有限公司",
    "汽车销售服务有限公司",
    "信息技术有限公司",
    "广告传媒有限公司",
    "人力资源服务有限公司",
    "装饰工程有限公司",
    "农业发展有限公司",
    "环保科技有限公司",
    "新材料有限公司",
    "酒店管理有限公司",
    "供应链管理有限公司",
    "建材有限公司",
    "家政服务有限公司",
    "文化传播有限公司",
];

/// An employer's name: 郑州 (or 河南, when `provincial`) + stem + kind; both rolls wrap.
pub(crate) fn employer_name(stem_roll: u64, kind_roll: u64, provincial: bool) -> String {
    let place = if provincial { "河南" } else { "郑州" };
    format!("{place}{}{}", pick(&EMPLOYER_STEMS, stem_roll), pick(&EMPLOYER_KINDS, kind_roll))
}

/// Whether a designated institution treats patients or sells medicines; stored as its
/// [`as_str`](InstitutionKind::as_str), which is what `institutions.kind` accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum InstitutionKind {
    Hospital,
    Pharmacy,
}

impl InstitutionKind {
    /// `hospital` or `pharmacy`, as `institution create --kind` and the table take it.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Hospital => "hospital",
            Self::Pharmacy => "pharmacy",
        }
    }
}

/// A designated institution (定点医药机构) the seed registers.
///
/// The code is `H` or `P`, the region code and a five-digit serial from 10001, so that it stays
/// clear of the walkthrough's `…00001` codes and of what `institution create` refuses (2 to 20
/// letters and digits).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Institution {
    pub(crate) code: &'static str,
    pub(crate) name: &'static str,
    pub(crate) kind: InstitutionKind,
    /// 1, 2 or 3 (一级, 二级, 三级).
    pub(crate) level: u8,
    pub(crate) region: &'static str,
    pub(crate) offers_activation: bool,
}

/// Shorthand for the table below: a hospital.
const fn hospital(code: &'static str, name: &'static str, level: u8, region: &'static str, act: bool) -> Institution {
    Institution { code, name, kind: InstitutionKind::Hospital, level, region, offers_activation: act }
}

/// Shorthand for the table below: a pharmacy, which never activates cards.
const fn pharmacy(code: &'static str, name: &'static str, level: u8, region: &'static str) -> Institution {
    Institution { code, name, kind: InstitutionKind::Pharmacy, level, region, offers_activation: false }
}

/// The designated institutions of a seeded Zhengzhou: the big provincial and city hospitals,
/// district and county hospitals, community health centres and township clinics, and branches of
/// a few invented pharmacy chains (named after roads in [`STREETS`] of their own region).
///
/// Leaves out what the README walkthrough registers itself (郑州市第一人民医院 H41010001,
/// 郑州大学第一附属医院 H41010200001, 张仲景大药房（金水店） P41010500001).
pub(crate) const INSTITUTIONS: [Institution; 42] = [
    hospital("H41010510001", "河南省人民医院", 3, "410105", true),
    hospital("H41010510002", "郑州大学第二附属医院", 3, "410105", false),
    hospital("H41010510003", "河南省中医院", 3, "410105", true),
    hospital("H41010510004", "河南中医药大学第一附属医院", 3, "410105", false),
    hospital("H41010510005", "河南省肿瘤医院", 3, "410105", false),
    hospital("H41010510006", "郑州人民医院", 3, "410105", true),
    hospital("H41010510007", "河南省胸科医院", 3, "410105", false),
    hospital("H41010310001", "郑州大学第三附属医院", 3, "410103", true),
    hospital("H41010310002", "河南省儿童医院", 3, "410103", true),
    hospital("H41010310003", "郑州市第七人民医院", 3, "410103", false),
    hospital("H41010310004", "郑州大学第五附属医院", 3, "410103", false),
    hospital("H41010310005", "郑州市中医院", 3, "410103", false),
    hospital("H41010210001", "郑州市中心医院", 3, "410102", true),
    hospital("H41010410001", "郑州市第三人民医院", 3, "410104", true),
    hospital("H41010210002", "郑州市中原区中医院", 2, "410102", false),
    hospital("H41010310006", "郑州市二七区人民医院", 2, "410103", false),
    hospital("H41010410002", "郑州市管城回族区中医院", 2, "410104", false),
    hospital("H41010610001", "郑州市上街区人民医院", 2, "410106", false),
    hospital("H41010810001", "郑州市惠济区人民医院", 2, "410108", false),
    hospital("H41012210001", "中牟县人民医院", 2, "410122", false),
    hospital("H41018110001", "巩义市人民医院", 2, "410181", false),
    hospital("H41018410001", "新郑市人民医院", 2, "410184", false),
    hospital("H41010510008", "郑州市金水区丰产路街道社区卫生服务中心", 1, "410105", false),
    hospital("H41010210003", "郑州市中原区林山寨街道社区卫生服务中心", 1, "410102", false),
    hospital("H41017110001", "郑州经济技术开发区明湖街道社区卫生服务中心", 1, "410171", false),
    hospital("H41017210001", "郑州高新技术产业开发区石佛社区卫生服务中心", 1, "410172", false),
    hospital("H41017310001", "郑州航空港经济综合实验区八千卫生院", 1, "410173", false),
    hospital("H41018210001", "荥阳市高村乡卫生院", 1, "410182", false),
    hospital("H41018310001", "新密市超化镇卫生院", 1, "410183", false),
    hospital("H41018510001", "登封市大金店镇卫生院", 1, "410185", false),
    pharmacy("P41010510001", "康源大药房（花园路旗舰店）", 2, "410105"),
    pharmacy("P41010510002", "康源大药房（经三路店）", 1, "410105"),
    pharmacy("P41010510003", "豫康堂大药房（东风路店）", 1, "410105"),
    pharmacy("P41010310001", "豫康堂大药房（德化街店）", 2, "410103"),
    pharmacy("P41010310002", "豫康堂大药房（大学路店）", 1, "410103"),
    pharmacy("P41010210001", "杏林春大药房（建设西路店）", 1, "410102"),
    pharmacy("P41010410001", "杏林春大药房（城东路店）", 1, "410104"),
    pharmacy("P41017110001", "康源大药房（第八大街店）", 1, "410171"),
    pharmacy("P41017210001", "百顺堂大药房（科学大道店）", 1, "410172"),
    pharmacy("P41017310001", "百顺堂大药房（新港大道店）", 1, "410173"),
    pharmacy("P41010810001", "惠仁大药房（开元路店）", 1, "410108"),
    pharmacy("P41018410001", "嵩康大药房（轩辕路店）", 1, "410184"),
];

/// Card-issuing banks (the codes the migrations insert into `banks`) weighted by their rough
/// share of the social-security cards issued in Zhengzhou: the big four lead, and the two local
/// banks, which sit in every township, issue more than their size suggests.
pub(crate) const CARD_BANKS: [(&str, u32); 7] =
    [("ICBC", 22), ("CCB", 20), ("ABC", 18), ("BOC", 12), ("ZZBANK", 12), ("BOCOM", 8), ("ZYBANK", 8)];

/// Mobile prefixes a seeded phone starts with; eight digits follow.
///
/// No 13x prefix: the README walkthrough uses 136/137/138 numbers, and a seeded person must never
/// own a phone a walkthrough step binds or logs in with.
pub(crate) const MOBILE_PREFIXES: [&str; 26] = [
    "150", "151", "152", "155", "156", "157", "158", "159", "166", "175", "176", "177", "180", "181", "182", "183",
    "185", "186", "187", "188", "189", "191", "193", "195", "198", "199",
];

/// An 11-digit mobile number: a prefix from [`MOBILE_PREFIXES`] and the low eight digits of
/// `subscriber_roll`.
pub(crate) fn mobile(prefix_roll: u64, subscriber_roll: u64) -> String {
    format!("{}{:08}", pick(&MOBILE_PREFIXES, prefix_roll), subscriber_roll % 100_000_000)
}

/// Picks an item by weight: `roll` (uniform over `u64`) is taken modulo the total weight and
/// walked through the items, so an item of weight 3 answers three times as many rolls as one of
/// weight 1, and an item of weight 0 none.
///
/// # Panics
///
/// When the weights add up to 0 (an empty table): there is nothing to pick.
pub(crate) fn weighted<T>(items: &[(T, u32)], roll: u64) -> &T {
    let total: u64 = items.iter().map(|(_, weight)| u64::from(*weight)).sum();
    assert!(total > 0, "weighted needs an item of positive weight");
    let mut left = roll % total;
    for (item, weight) in items {
        let weight = u64::from(*weight);
        if left < weight {
            return item;
        }
        left -= weight;
    }
    unreachable!("left starts below the total, so some item takes it")
}

/// Picks uniformly from a non-empty list; `roll` wraps.
fn pick<'a>(items: &[&'a str], roll: u64) -> &'a str {
    items[(roll % items.len() as u64) as usize]
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    /// The codes the README walkthrough registers.
    const WALKTHROUGH_CODES: [&str; 3] = ["H41010001", "H41010200001", "P41010500001"];

    /// The names of those institutions.
    const WALKTHROUGH_NAMES: [&str; 3] = ["郑州市第一人民医院", "郑州大学第一附属医院", "张仲景大药房（金水店）"];

    /// Whether a character is a CJK unified ideograph (the common block, where every name
    /// character here belongs).
    fn is_cjk(c: char) -> bool {
        ('\u{4E00}'..='\u{9FFF}').contains(&c)
    }

    #[test]
    fn institution_codes_are_unique_and_leave_the_walkthrough_codes_free() {
        let mut seen = HashSet::new();
        for institution in &INSTITUTIONS {
            assert!(seen.insert(institution.code), "{} twice", institution.code);
            assert!(!WALKTHROUGH_CODES.contains(&institution.code), "{} is the walkthrough's", institution.code);
        }
        let names: HashSet<&str> = INSTITUTIONS.iter().map(|i| i.name).collect();
        assert_eq!(names.len(), INSTITUTIONS.len(), "two institutions share a name");
        for taken in WALKTHROUGH_NAMES {
            assert!(!names.contains(taken), "{taken} is the walkthrough's");
        }
    }

    #[test]
    fn institutions_are_what_institution_create_accepts() {
        let regions: HashSet<&str> = REGION_WEIGHTS.iter().map(|(code, _)| *code).collect();
        for i in &INSTITUTIONS {
            assert!((2..=20).contains(&i.code.len()), "{}", i.code);
            assert!(i.code.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()), "{}", i.code);
            assert_eq!(i.code.len(), 12, "{}", i.code);
            let letter = if i.kind == InstitutionKind::Hospital { "H" } else { "P" };
            let serial: u32 = i.code[7..].parse().expect("a five-digit serial");
            assert_eq!(&i.code[..1], letter, "{} is a {}", i.code, i.kind.as_str());
            assert_eq!(&i.code[1..7], i.region, "{} is not coded for its region", i.code);
            assert!(serial >= 10001, "{} may meet a walkthrough code", i.code);
            assert!(regions.contains(i.region), "{} is in {}", i.code, i.region);
            assert!((1..=3).contains(&i.level), "{} has level {}", i.code, i.level);
            assert!(!i.name.trim().is_empty() && i.name.chars().count() <= 100, "{}", i.name);
            assert!(i.kind == InstitutionKind::Hospital || !i.offers_activation, "{} activates", i.code);
        }
    }

    #[test]
    fn half_the_level_three_hospitals_offer_activation_and_no_other_institution_does() {
        let top: Vec<&Institution> = INSTITUTIONS.iter().filter(|i| i.level == 3).collect();
        let activating = top.iter().filter(|i| i.offers_activation).count();
        assert_eq!(activating * 2, top.len());
        assert!(INSTITUTIONS.iter().filter(|i| i.level < 3).all(|i| !i.offers_activation));
    }

    #[test]
    fn every_name_part_is_chinese_and_of_the_right_length() {
        for (surname, weight) in &SURNAMES {
            assert!(*weight > 0, "{surname}");
            assert!((1..=2).contains(&surname.chars().count()), "{surname}");
            assert!(surname.chars().all(is_cjk), "{surname}");
        }
        for given in GIVEN_MALE.iter().chain(&GIVEN_FEMALE).chain(&GIVEN_NEUTRAL) {
            assert_eq!(given.chars().count(), 1, "{given}");
            assert!(given.chars().all(is_cjk), "{given}");
        }
    }

    #[test]
    fn no_surname_or_given_character_is_listed_twice() {
        let surnames: HashSet<&str> = SURNAMES.iter().map(|(surname, _)| *surname).collect();
        assert_eq!(surnames.len(), SURNAMES.len());
        let given: HashSet<&str> = GIVEN_MALE.iter().chain(&GIVEN_FEMALE).chain(&GIVEN_NEUTRAL).copied().collect();
        assert_eq!(given.len(), GIVEN_MALE.len() + GIVEN_FEMALE.len() + GIVEN_NEUTRAL.len());
    }

    #[test]
    fn weighted_respects_the_boundaries_of_each_weight() {
        let items = [("a", 1), ("b", 3), ("skipped", 0), ("c", 2)];
        let picks: Vec<&str> = (0..7).map(|roll| *weighted(&items, roll)).collect();
        assert_eq!(picks, ["a", "b", "b", "b", "c", "c", "a"]);
        assert_eq!(*weighted(&items, u64::MAX), ["a", "b", "b", "b", "c", "c"][(u64::MAX % 6) as usize]);
    }

    #[test]
    fn weighted_picks_every_item_of_every_table() {
        fn each_is_picked(items: &[(&str, u32)]) {
            let mut start = 0;
            for (item, weight) in items {
                assert_eq!(weighted(items, start), item, "at the first roll of {item}");
                assert_eq!(weighted(items, start + u64::from(*weight) - 1), item, "at the last roll of {item}");
                start += u64::from(*weight);
            }
        }
        each_is_picked(&SURNAMES);
        each_is_picked(&REGION_WEIGHTS);
        each_is_picked(&CARD_BANKS);
    }

    #[test]
    fn every_region_has_a_district_name_and_streets_and_every_street_a_weighted_region() {
        let weighted_regions: HashSet<&str> = REGION_WEIGHTS.iter().map(|(code, _)| *code).collect();
        assert_eq!(weighted_regions.len(), REGION_WEIGHTS.len());
        for (region, road) in STREETS {
            assert!(weighted_regions.contains(region), "{road} is in {region}");
        }
        for region in &weighted_regions {
            let roads = STREETS.iter().filter(|(code, _)| code == region).count();
            assert!((5..=8).contains(&roads), "{region} has {roads} roads");
            assert!(!district_name(region).is_empty());
        }
    }

    #[test]
    fn an_address_names_its_province_city_district_and_one_of_its_roads() {
        let line = address("410105", 0, 88, 3);
        assert_eq!(line, "河南省郑州市金水区花园路88号院3号楼");
        assert_eq!(address("410181", 0, 12, 0), "河南省郑州市巩义市杜甫路12号");
        for (region, _) in REGION_WEIGHTS {
            for roll in [0, 1, 7, u64::MAX] {
                let line = address(region, roll, 1, 1);
                assert!(line.starts_with("河南省郑州市"), "{line}");
                assert!(line.contains(district_name(region)), "{line}");
                let on_own_road = STREETS.iter().any(|(code, road)| *code == region && line.contains(*road));
                assert!(on_own_road, "{line}");
            }
        }
    }

    #[test]
    fn seeded_phones_are_eleven_digit_mobiles_outside_13x() {
        for (roll, prefix) in MOBILE_PREFIXES.iter().enumerate() {
            let phone = mobile(roll as u64, 1_234);
            assert_eq!(phone, format!("{prefix}00001234"));
            // What `Phone::parse` accepts: 11 digits, `1`, then 3 to 9.
            let b = phone.as_bytes();
            assert!(b.len() == 11 && b.iter().all(u8::is_ascii_digit) && b[0] == b'1', "{phone}");
            assert!((b'5'..=b'9').contains(&b[1]), "{phone} is 13x or not a mobile");
        }
        assert_eq!(mobile(0, u64::MAX).len(), 11);
        let prefixes: HashSet<&str> = MOBILE_PREFIXES.iter().copied().collect();
        assert_eq!(prefixes.len(), MOBILE_PREFIXES.len());
    }

    #[test]
    fn employer_names_are_a_place_a_stem_and_a_kind() {
        assert_eq!(employer_name(0, 0, false), "郑州中原科技有限公司");
        assert_eq!(employer_name(60, 27, true), "河南中原物流有限公司");
        let stems: HashSet<&str> = EMPLOYER_STEMS.iter().copied().collect();
        let kinds: HashSet<&str> = EMPLOYER_KINDS.iter().copied().collect();
        assert_eq!((stems.len(), kinds.len()), (EMPLOYER_STEMS.len(), EMPLOYER_KINDS.len()));
        assert!(EMPLOYER_KINDS.iter().all(|kind| kind.ends_with("有限公司")));
    }

    #[test]
    fn card_banks_are_the_banks_the_migrations_insert() {
        let codes: HashSet<&str> = CARD_BANKS.iter().map(|(code, _)| *code).collect();
        let inserted: HashSet<&str> = ["ICBC", "CCB", "ABC", "BOC", "BOCOM", "ZZBANK", "ZYBANK"].into_iter().collect();
        assert_eq!(codes, inserted);
    }
}
