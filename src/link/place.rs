//! Placing people whose records name a village but no town (镇街): a village name that
//! belongs to exactly one town of the district — in the census or any other list that gives
//! both — places the person in that town, and the cases say so in their 匹配依据
//! (`镇街按村名推定：清江镇`). A village that two towns have (东坝村 in two towns) places
//! nobody: a wrong town is worse than none. Cases still without a town are a data fault
//! that [`crate::report::town_unknown`] counts by the file, sheet and column they came from.
//!
//! Pipeline position: read → sources → **link** (people, then place) → rules → report.

use std::collections::{BTreeSet, HashMap};

use crate::link::people::Person;
use crate::sources::Data;

/// (District, village) → the towns that list it, from every record that gives both (the
/// district is empty in a district run: villages of two districts never place each other).
#[derive(Debug, Default)]
pub struct VillageTowns {
    towns: HashMap<(String, String), BTreeSet<String>>,
}

impl VillageTowns {
    /// Collects the (village, town) pairs of the census, the poverty register, the
    /// disability list, the 送教上门 roster and the exemption list.
    pub fn of(data: &Data) -> Self {
        let mut towns: HashMap<(String, String), BTreeSet<String>> = HashMap::new();
        let pairs = data
            .census
            .iter()
            .map(|r| (&r.district, &r.village, &r.town))
            .chain(data.poverty.iter().map(|r| (&r.district, &r.village, &r.town)))
            .chain(data.disability.iter().map(|r| (&r.district, &r.village, &r.town)))
            .chain(data.visits.iter().map(|r| (&r.district, &r.village, &r.town)))
            .chain(data.exemptions.iter().map(|r| (&r.district, &r.village, &r.town)));
        let mut last: Option<(&str, &str, &str)> = None;
        for (district, village, town) in pairs {
            if village.is_empty() || town.is_empty() {
                continue;
            }
            // Rows come village by village: one look-up per run of rows.
            let here = Some((district.as_str(), village.as_str(), town.as_str()));
            if last == here {
                continue;
            }
            last = here;
            towns.entry((district.to_string(), village.to_string())).or_default().insert(town.to_string());
        }
        VillageTowns { towns }
    }

    /// The one town of the district that has this village; None when no town or several
    /// have it.
    pub fn town_of(&self, district: &str, village: &str) -> Option<&str> {
        let set = self.towns.get(&(district.to_string(), village.to_string()))?;
        (set.len() == 1).then(|| set.iter().next().map(String::as_str)).flatten()
    }
}

/// Places every person with a village but no town in the village's one town; returns how
/// many were placed. The person's `town_from_village` is set, for the evidence.
pub fn infer_towns(persons: &mut [Person], data: &Data) -> usize {
    let map = VillageTowns::of(data);
    let mut placed = 0;
    for p in persons.iter_mut().filter(|p| p.town.is_empty() && !p.village.is_empty()) {
        if let Some(town) = map.town_of(&p.district, &p.village) {
            p.town = town.into();
            p.town_from_village = true;
            placed += 1;
        }
    }
    placed
}

/// The evidence sentence of a placed person.
pub fn evidence(town: &str) -> String {
    format!("镇街按村名推定：{town}")
}
