//! The Salesforce emulation: OAuth and identity, then the REST API under
//! `/services/data/vNN.0/`. `api` is the entry point; `context` what every data handler runs
//! with; `rest` routes data requests to the resource handlers.

mod api;
mod apps;
mod collections;
mod composite;
mod context;
mod describe;
mod errors;
mod identity;
mod oauth;
mod oidc;
mod query;
mod records;
mod rest;
mod schema;
mod soql;
mod validate;

pub use api::handle;
pub use apps::{https_url, redirect_allowed};
pub use errors::not_found_value;
