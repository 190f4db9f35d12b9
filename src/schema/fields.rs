//! The header-name tables: for each source kind, its canonical fields, the Chinese label the
//! README and messages use, and the header texts that real files put above them.
//!
//! This is the single place that knows what a column is called. The read stage matches
//! headers against these aliases (after [`crate::read::header::normalize_header`]); a
//! pipeline's `[sources.columns]` table can name a different header for any field.

use super::SourceKind;

/// One canonical field of a source kind.
#[derive(Debug)]
pub struct FieldSpec {
    /// Canonical name, as used in pipeline files and code (`id_number`).
    pub name: &'static str,
    /// Chinese label for messages and the README.
    pub label: &'static str,
    /// Known header texts, most specific first. Compared after header normalisation.
    pub aliases: &'static [&'static str],
    /// Whether a sheet without this column cannot be used.
    pub required: bool,
    /// Grouping columns (镇街, 村, 学区 …) are filled down over merged or blank cells.
    pub grouping: bool,
}

const fn f(name: &'static str, label: &'static str, aliases: &'static [&'static str]) -> FieldSpec {
    FieldSpec { name, label, aliases, required: false, grouping: false }
}

const fn req(name: &'static str, label: &'static str, aliases: &'static [&'static str]) -> FieldSpec {
    FieldSpec { name, label, aliases, required: true, grouping: false }
}

const fn grp(name: &'static str, label: &'static str, aliases: &'static [&'static str]) -> FieldSpec {
    FieldSpec { name, label, aliases, required: false, grouping: true }
}

const ID_ALIASES: &[&str] = &[
    "身份证号",
    "公民身份号码",
    "身份证号码",
    "身份证件号",
    "身份证件号码",
    "证件号码",
    "证件号",
    "居民身份证号",
    "居民身份证号码",
    "学生身份证号",
    "儿童身份证号",
    "身份证",
];
const NAME_ALIASES: &[&str] = &["姓名", "学生姓名", "儿童姓名", "儿童少年姓名", "适龄儿童姓名", "残疾人姓名", "名字"];
const SEX_ALIASES: &[&str] = &["性别"];
const BIRTH_ALIASES: &[&str] = &["出生日期", "出生年月", "出生年月日", "生日"];
/// The town column, in every way exports head it (full-width brackets become half-width
/// before comparison): 乡(镇), 镇(乡), 乡镇, 镇乡, 乡镇(街道), 街道(乡镇) …
const TOWN_ALIASES: &[&str] = &[
    "镇街",
    "乡镇街道",
    "乡镇(街道)",
    "街道(乡镇)",
    "镇(街道)",
    "镇街道",
    "乡镇",
    "镇乡",
    "乡(镇)",
    "镇(乡)",
    "乡(镇、街道)",
    "镇(乡、街道)",
    "镇",
    "街道",
    "所属镇街",
    "所在镇街",
];
/// The district column (区县), as census templates and exports head it; full-width brackets
/// and the 、 become half-width / plain before comparison. A bare 县 is only the poverty
/// register's (its export heads the column 县(市、区)).
const DISTRICT_ALIASES: &[&str] =
    &["区县", "县(市、区)", "县(市区)", "县(区)", "区(县)", "县区", "县(市)", "所属区县", "所在区县", "区县名称"];
const VILLAGE_ALIASES: &[&str] =
    &["村(社区)", "村社区", "村(居)", "村居", "行政村", "村", "社区", "所属村(社区)", "所在村(社区)"];
const GROUP_ALIASES: &[&str] = &["社", "组", "社(组)", "社/组", "村民小组", "组(社)", "自然村"];
const HUKOU_ALIASES: &[&str] = &["户籍地址", "户口所在地", "户籍所在地", "户籍地", "户口地址"];
const CURRENT_ALIASES: &[&str] = &["现居住地址", "现住址", "居住地址", "现居住地", "家庭地址", "家庭住址"];

/// Fields of a 大清查 census sheet (one row per child).
pub const CENSUS: &[FieldSpec] = &[
    grp("district", "区县", DISTRICT_ALIASES),
    grp("town", "镇街", TOWN_ALIASES),
    grp("village", "村(社区)", VILLAGE_ALIASES),
    grp("group", "社", GROUP_ALIASES),
    f("householder", "户主", &["户主姓名", "户主"]),
    req("name", "姓名", NAME_ALIASES),
    f("sex", "性别", SEX_ALIASES),
    req("id_number", "身份证号", ID_ALIASES),
    f("birth_date", "出生日期", BIRTH_ALIASES),
    f("relation", "与户主关系", &["与户主关系", "与户主关系(儿童)"]),
    f("hukou_address", "户籍地址", HUKOU_ALIASES),
    f("current_address", "现居住地址", CURRENT_ALIASES),
    f("poverty", "是否建档立卡", &["是否建档立卡", "是否建卡", "建档立卡", "是否建档立卡户", "是否脱贫户"]),
    f("disabled", "是否残疾", &["是否残疾", "是否残疾儿童"]),
    f("disability_category", "残疾类别", &["残疾类别", "残疾类型"]),
    f("disability_grade", "残疾等级", &["残疾等级", "残疾级别"]),
    f("school_status", "就学状态", &["就学状态", "就读状态", "在校情况", "就学情况", "在校状态", "就学现状"]),
    f("school", "就读学校", &["就读学校", "学校名称", "就读学校名称", "学校"]),
    f("grade", "年级", &["年级", "就读年级"]),
    f("note", "备注", &["备注"]),
    f("surveyor", "排查人", &["排查人", "排查人员"]),
    f("phone", "联系电话", &["联系电话", "电话"]),
];

/// Fields of a 学籍 export (one row per student or per status change).
pub const ENROLLMENT: &[FieldSpec] = &[
    grp("district", "区县", DISTRICT_ALIASES),
    grp("school", "学校名称", &["学校名称", "学校", "所在学校", "就读学校"]),
    req("name", "姓名", NAME_ALIASES),
    f("sex", "性别", SEX_ALIASES),
    f("birth_date", "出生日期", BIRTH_ALIASES),
    f("id_type", "身份证件类型", &["身份证件类型", "证件类型"]),
    f("id_number", "身份证件号", ID_ALIASES),
    f("student_no", "全国学籍号", &["全国学籍号", "学籍号", "个人标识码"]),
    f("grade", "年级", &["年级"]),
    f("class", "班级", &["班级", "班级名称"]),
    f("entry", "入学年月", &["入学年月", "入学时间", "入学日期"]),
    f("attend_mode", "就读方式", &["就读方式"]),
    f("hukou_address", "户口所在地", HUKOU_ALIASES),
    f("current_address", "现住址", CURRENT_ALIASES),
    f("inclusive", "随班就读", &["随班就读", "是否随班就读"]),
    f("disability_type", "残疾人类型", &["残疾人类型", "残疾类型", "残疾类别"]),
    f("status", "学籍状态", &["学籍状态", "学生状态", "在籍状态"]),
    f("change_type", "异动类型", &["异动类型", "变动类型", "异动类别"]),
    f("change_date", "异动日期", &["异动日期", "异动时间", "变动日期"]),
];

/// Fields that make a sheet usable for a kind beyond `required`: at least one of these must be
/// found (an ID or a 学籍号 for 学籍).
pub fn any_of(kind: SourceKind) -> &'static [&'static str] {
    match kind {
        SourceKind::Enrollment => &["id_number", "student_no"],
        _ => &[],
    }
}

/// The field table of a source kind.
pub fn table(kind: SourceKind) -> &'static [FieldSpec] {
    match kind {
        SourceKind::Census => CENSUS,
        SourceKind::Enrollment => ENROLLMENT,
        SourceKind::Poverty => POVERTY,
        SourceKind::Disability => DISABILITY,
        SourceKind::HomeTeaching => HOME_TEACHING,
        SourceKind::Exemption => EXEMPTION,
        SourceKind::Roster => ROSTER,
        SourceKind::Verification => VERIFICATION,
        SourceKind::Attendance => ATTENDANCE,
        SourceKind::Persuasion => PERSUASION,
    }
}

/// Looks up a field of a kind by canonical name.
pub fn field(kind: SourceKind, name: &str) -> Option<&'static FieldSpec> {
    table(kind).iter().find(|f| f.name == name)
}

/// Fields of the 建档立卡 poverty register export.
pub const POVERTY: &[FieldSpec] = &[
    // The district (区县); named `county` since the first pipelines (kept for them).
    grp("county", "县(市、区)", &["县(市、区)", "县(市区)", "县", "区县", "县(区)", "区(县)", "县区"]),
    grp("town", "乡(镇)", TOWN_ALIASES),
    grp("village", "行政村", &["行政村", "村", "村(社区)"]),
    grp("group", "自然村", &["自然村", "社", "组", "村民小组"]),
    f("household_no", "户编号", &["户编号", "户码"]),
    f("person_no", "人编号", &["人编号", "人码"]),
    req("name", "姓名", NAME_ALIASES),
    f("sex", "性别", SEX_ALIASES),
    req("id_number", "证件号码", ID_ALIASES),
    f("household_size", "人数", &["人数", "家庭人数"]),
    f("relation", "与户主关系", &["与户主关系"]),
    f("education", "文化程度", &["文化程度", "文化程度(学历)", "学历", "受教育程度", "文化水平", "最高学历"]),
    f("school_status", "在校生状况", &["在校生状况", "在校生情况", "在校状况"]),
    f("health", "健康状况", &["健康状况"]),
    f("out_reason", "义务教育阶段未上学原因", &["义务教育阶段未上学原因", "未上学原因"]),
    f("exit_year", "脱贫年度", &["脱贫年度", "脱贫年份"]),
    f("household_type", "户类型", &["户类型", "贫困户属性"]),
];

/// Fields of the disability federation list.
pub const DISABILITY: &[FieldSpec] = &[
    grp("district", "区县", DISTRICT_ALIASES),
    grp("town", "镇街", TOWN_ALIASES),
    grp("village", "村(社区)", VILLAGE_ALIASES),
    req("name", "姓名", NAME_ALIASES),
    f("sex", "性别", SEX_ALIASES),
    f("id_number", "身份证号", ID_ALIASES),
    f("cert_no", "残疾人证号", &["残疾人证号", "残疾证号", "残疾人证号码", "残疾证号码"]),
    f("category", "残疾类别", &["残疾类别", "残疾类型"]),
    f("grade", "残疾等级", &["残疾等级", "残疾级别"]),
    f("address", "住址", &["住址", "户籍地址", "家庭住址", "现住址", "地址"]),
];

/// Fields of the 送教上门 roster; one row per child, or one per visit.
pub const HOME_TEACHING: &[FieldSpec] = &[
    grp("school", "送教学校", &["送教学校", "学校名称", "学校", "学籍学校"]),
    req("name", "姓名", &["学生姓名", "姓名", "送教对象", "儿童姓名"]),
    f("sex", "性别", SEX_ALIASES),
    f("id_number", "身份证号", ID_ALIASES),
    f("student_no", "学籍号", &["全国学籍号", "学籍号"]),
    f("district", "区县", DISTRICT_ALIASES),
    f("town", "镇街", TOWN_ALIASES),
    f("village", "村(社区)", VILLAGE_ALIASES),
    f("visit_date", "送教日期", &["送教日期", "送教时间", "日期"]),
    f("hours", "学时", &["学时", "送教学时", "课时", "送教课时"]),
    f("teacher", "送教教师", &["送教教师", "送教老师", "教师"]),
    f("content", "送教内容", &["送教内容", "内容"]),
];

/// Fields of the approved 缓学 / 免学 list.
pub const EXEMPTION: &[FieldSpec] = &[
    grp("district", "区县", DISTRICT_ALIASES),
    grp("town", "镇街", TOWN_ALIASES),
    grp("village", "村(社区)", VILLAGE_ALIASES),
    req("name", "姓名", NAME_ALIASES),
    f("sex", "性别", SEX_ALIASES),
    f("id_number", "身份证号", ID_ALIASES),
    req("kind", "类型", &["类型", "缓免学类型", "申请类型", "缓学/免学", "缓免类型"]),
    f("approved", "批准日期", &["批准日期", "审批日期", "批准时间"]),
    f("valid_from", "起始日期", &["起始日期", "开始日期", "缓学起始日期"]),
    f("valid_until", "有效期至", &["有效期至", "截止日期", "到期日期", "缓学截止日期"]),
    f("reason", "原因", &["原因", "缓免学原因", "申请原因"]),
    f("approver", "审批单位", &["审批单位", "批准单位"]),
];

/// Fields of the 包片包校责任人名单 (attachment 4 of the notice).
pub const ROSTER: &[FieldSpec] = &[
    grp("unit", "单位", &["单位", "学区", "单位/学区", "所属学区"]),
    req("school", "学校名称", &["学校名称", "学校"]),
    grp("leader", "教委包干领导", &["教委包干领导", "包干领导"]),
    grp("area_person", "包片人员姓名", &["教委科室包片人员/姓名", "包片人员/姓名", "包片人员姓名", "包片人员"]),
    grp("area_phone", "包片人员联系电话", &["教委科室包片人员/联系电话", "包片人员/联系电话", "包片人员联系电话"]),
    f(
        "school_person",
        "包校人员姓名",
        &["教委学区督导责任区包校人员/姓名", "包校人员/姓名", "包校人员姓名", "包校人员"],
    ),
    f(
        "school_phone",
        "包校人员联系电话",
        &["教委学区督导责任区包校人员/联系电话", "包校人员/联系电话", "包校人员联系电话"],
    ),
    f("note", "备注", &["备注"]),
];

/// Fields of a returned 问题台账 (verification round trip).
pub const VERIFICATION: &[FieldSpec] = &[
    f("case_id", "case_id", &["case_id", "案件编号", "问题编号"]),
    // A returned ledger has no 区县 column of its own; one added by hand (or the source's
    // `district` declaration) keeps a name-and-place match within its district.
    f("district", "区县", DISTRICT_ALIASES),
    f("town", "镇街", &["镇街"]),
    f("village", "村(社区)", &["村(社区)"]),
    f("name", "姓名", &["姓名"]),
    f("id_number", "身份证号", ID_ALIASES),
    f("problem_label", "问题类型", &["问题类型"]),
    req("outcome", "核实结果", &["核实结果"]),
    f("outcome_note", "核实说明", &["核实说明"]),
    f("rectification", "整改情况", &["整改情况"]),
    f("note", "备注", &["备注"]),
    // Which issue of the ledger a returned row comes from (see verify::apply_outcomes).
    f("times_returned", "反馈次数", &["反馈次数"]),
];

/// Fields of an attendance sheet: the actual number of students in school, per school.
pub const ATTENDANCE: &[FieldSpec] = &[
    req("school", "学校名称", &["学校名称", "学校"]),
    req("present", "实际在校学生数", &["本月实际在校学生数", "实际在校学生数", "在校学生数", "实际在校人数"]),
];

/// Fields of the daily 劝返 records.
pub const PERSUASION: &[FieldSpec] = &[
    grp("school", "学校", &["学校", "学校名称"]),
    req("name", "姓名", NAME_ALIASES),
    f("id_number", "身份证号", ID_ALIASES),
    f("student_no", "学籍号", &["全国学籍号", "学籍号"]),
    req("date", "劝返日期", &["劝返日期", "日期"]),
    req("outcome", "劝返情况", &["劝返情况", "劝返结果", "结果"]),
    f("staff", "劝返人员", &["劝返人员", "劝返人"]),
];
