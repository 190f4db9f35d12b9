//! duplicate_registration — 重复登记.
//!
//! Rule: a census person listed more than once (same valid ID, or a fuzzy match within the
//! census at or above the accept threshold). Counted once; the case names every listing.

use super::{Case, Ctx, Problem};
use crate::link::people::Origin;

pub fn check(ctx: &Ctx, out: &mut Vec<Case>) {
    for (i, p) in ctx.people.persons.iter().enumerate() {
        if p.origin != Origin::Census || p.listings.len() < 2 {
            continue;
        }
        let places: Vec<String> = p
            .listings
            .iter()
            .map(|&l| {
                let r = &ctx.data.census[l];
                format!("{}{}{}（{}）", r.town, r.village, r.group_text, ctx.inputs.describe_short(r.prov))
            })
            .collect();
        let mut description = format!("清查表中登记{}次：{}", p.listings.len(), places.join("；"));
        if let Some(e) = &p.duplicate_evidence {
            description.push_str(&format!("；判定依据：{e}"));
        }
        out.push(ctx.person_case(Problem::DuplicateRegistration, i, description));
    }
}
