//! 大清查 census rows → [`CensusRec`]: one listing of one child.

use crate::text::Text;
use chrono::NaiveDate;

use super::row::Columns;
use super::Rejects;
use crate::normalize::address::{self, Address};
use crate::normalize::id_number::{IdNumber, Sex};
use crate::normalize::values::{self, SchoolClaim, ValueConfig};
use crate::table::{Prov, RawTable};

/// One child as listed in a census sheet.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct CensusRec {
    pub prov: Prov,
    /// 区县 of the listing: the district column, else the source's declaration, else (in a
    /// run of several districts) a region code ([`crate::sources::district`]).
    pub district: Text,
    /// Canonical town (镇街) of the listing.
    pub town: Text,
    /// Canonical village (村/社区) of the listing.
    pub village: Text,
    /// 社 / 组 as written, and as a number when it parses.
    pub group_text: Text,
    pub group: Option<u32>,
    pub householder: Text,
    pub name: Text,
    /// Stated sex, else derived from the ID.
    pub sex: Option<Sex>,
    pub id: IdNumber,
    /// From a valid ID, else the 出生日期 column, else a wrong-check ID's date part.
    #[serde(with = "crate::normalize::date::as_day")]
    pub birth: Option<NaiveDate>,
    pub relation: Text,
    pub hukou: Address,
    pub hukou_text: Text,
    pub poverty: Option<bool>,
    pub disabled: Option<bool>,
    pub disability_category: Option<u8>,
    pub disability_grade: Option<u8>,
    /// What the household says about schooling, and the text it said.
    pub claim: Option<SchoolClaim>,
    pub claim_text: Text,
    pub school: Text,
    pub grade: Text,
    pub note: Text,
}

impl CensusRec {
    /// Whether the listing declares the child disabled.
    pub fn declares_disabled(&self) -> bool {
        self.disabled == Some(true) || self.disability_category.is_some()
    }

    /// Whether this listing is in the village of the child's household registration. The
    /// town must agree too where both are known: two towns often have villages of the same
    /// name (新峰村 and 新峰社区 share a stem).
    pub fn is_registration_listing(&self) -> bool {
        let same_town = match &self.hukou.town {
            Some(t) if !self.town.is_empty() => address::same_town(t, &self.town),
            _ => true,
        };
        match &self.hukou.village {
            Some(v) => same_town && address::village_stem(v) == address::village_stem(&self.village),
            None => false,
        }
    }
}

/// Builds census records; rows with neither a name nor an ID are rejected.
pub fn extract(table: &RawTable, inputs: &mut Rejects, values: &ValueConfig, as_of: NaiveDate) -> Vec<CensusRec> {
    let cols = Columns::new(table, as_of);
    let mut out = Vec::with_capacity(table.rows.len());
    for raw in &table.rows {
        let r = cols.row(raw);
        let id = r.id("id_number");
        let name = r.name("name");
        if name.is_empty() && id.status == crate::normalize::id_number::IdStatus::Missing {
            inputs.reject(r.prov(), None, "姓名和身份证号均为空 (no name and no ID)");
            continue;
        }
        let group_text = r.text("group");
        let hukou_text = r.text("hukou_address");
        // 现居住地址 is recognised (so that it is not an unknown column) but nothing in the
        // census rules uses it: it is not kept.
        let mut hukou = r.hukou(&hukou_text);
        let district = r.district("district");
        let town = r.town("town");
        let village = r.village("village");
        // A bare 户籍地址 such as "3社" leaves town and village to the listing itself.
        if hukou.town.is_none() && hukou.village.is_none() && hukou.group.is_some() {
            hukou.town = Some(town.clone());
            hukou.village = Some(village.clone());
        }
        let claim_text = r.text("school_status");
        let category_text = r.text("disability_category");
        out.push(CensusRec {
            prov: r.prov(),
            group: address::parse_group(&group_text),
            group_text,
            householder: r.name("householder"),
            sex: r.sex("sex", values).or_else(|| id.sex()),
            birth: id.valid().and(id.birth()).or_else(|| r.date("birth_date")).or_else(|| id.birth()),
            relation: r.text("relation"),
            hukou,
            hukou_text,
            poverty: r.yes_no("poverty", values),
            disabled: r.yes_no("disabled", values),
            disability_category: if category_text.is_empty() || values.yes_no(&category_text) == Some(false) {
                None
            } else {
                values::disability_category(&category_text)
            },
            disability_grade: values::disability_grade(&r.text("disability_grade")),
            claim: if claim_text.is_empty() { None } else { values.school_claim(&claim_text) },
            claim_text,
            school: r.text("school"),
            grade: r.text("grade"),
            note: r.text("note"),
            district,
            town,
            village,
            name,
            id,
        });
    }
    out
}
