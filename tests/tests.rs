mod read_errors;
mod read_fixtures;
mod read_scale;
mod read_support;
