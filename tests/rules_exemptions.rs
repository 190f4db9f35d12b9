//! Census claims and the 缓学/免学 list: a claim without approval is no evidence (flagged,
//! the claim quoted); an approval valid on as_of clears the child; one that ended the day
//! before as_of is exemption_expired (in place of not_enrolled / disabled_unplaced /
//! out_of_area_unverified); a renewed approval clears it; one that starts after as_of is
//! not yet in force.

use crate::builder::*;
use crate::util::Workdir;

#[test]
fn claims_need_approval_and_exemptions_count_on_as_of() {
    let wd = Workdir::new("rules-exemptions");
    let claim_only = child("唐诗雨", "2012-02-02", 51).status("缓学", "");
    let approved = child("冯一鸣", "2011-03-03", 53).status("缓学", "");
    let expired = child("邓欣然", "2010-04-04", 54);
    let ends_today = child("曾子涵", "2012-05-05", 55);
    let renewed = child("彭宇航", "2011-06-06", 57);
    let expired_disabled = child("蒋雅婷", "2009-07-07", 58).status("免学", "").disabled("精神");
    let expired_away = child("蔡俊熙", "2010-08-08", 59).status("县外就读", "");
    let not_yet = child("余思彤", "2012-01-09", 60).status("缓学", "");
    let home_claim = child("杜明轩", "2009-10-10", 61).status("送教上门", "");
    let pupil = child("金一帆", "2010-11-11", 63);
    let set = Set {
        students: vec![student(&pupil, "荣隆镇中心小学", "四年级")],
        exemptions: vec![
            exemption(&approved, "缓学", "2019-09-01", "2020-08-31"),
            exemption(&expired, "缓学", "2019-05-14", "2020-05-13"),
            exemption(&ends_today, "缓学", "2019-05-15", "2020-05-14"),
            exemption(&renewed, "缓学", "2018-09-01", "2019-08-31"),
            exemption(&renewed, "缓学", "2019-09-01", "2020-08-31"),
            exemption(&expired_disabled, "免学", "2017-09-01", "2019-08-31"),
            exemption(&expired_away, "缓学", "2018-09-01", "2019-08-31"),
            exemption(&not_yet, "缓学", "2020-06-01", "2021-05-31"),
        ],
        census: vec![
            claim_only,
            approved,
            expired,
            ends_today,
            renewed,
            expired_disabled,
            expired_away,
            not_yet,
            home_claim,
            pupil,
        ],
        ..Default::default()
    };
    let cases = set.cases(&wd);
    assert_eq!(
        flagged(&cases),
        pairs(&[
            ("not_enrolled", "唐诗雨"),
            ("exemption_expired", "邓欣然"),
            ("exemption_expired", "蒋雅婷"),
            ("exemption_expired", "蔡俊熙"),
            ("not_enrolled", "余思彤"),
            ("not_enrolled", "杜明轩"),
        ])
    );
    let quoted = |name: &str, claim: &str| {
        let c = case(&cases, "not_enrolled", name);
        assert!(
            c["description"].contains(&format!("清查表填报“{claim}”，但无审批或送教记录，不予采信")),
            "{name}: {}",
            c["description"]
        );
    };
    quoted("唐诗雨", "缓学");
    quoted("余思彤", "缓学");
    quoted("杜明轩", "送教上门");
    let c = case(&cases, "exemption_expired", "邓欣然");
    assert!(c["description"].starts_with("缓学有效期至2020-05-13，已过期"), "{}", c["description"]);
    assert!(c["source"].contains("缓学免学.xlsx"), "the approval row is among the sources: {}", c["source"]);
    let c = case(&cases, "exemption_expired", "蒋雅婷");
    assert!(c["description"].starts_with("免学有效期至2019-08-31"), "{}", c["description"]);
    assert_eq!(c["disability"], "精神残疾");
}
