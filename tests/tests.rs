mod link_data;
mod link_quality;
mod link_tiers;
