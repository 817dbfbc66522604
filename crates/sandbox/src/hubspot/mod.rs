//! The HubSpot emulation: OAuth (`/oauth/...`), CRM objects, search, batch and owners under
//! both `/crm/v3/...` and the date-versioned `/crm/objects/2026-03/...` paths. `api` is the
//! entry point; `caller` and `errors` are what every handler shares.

mod api;
mod batch;
mod caller;
mod errors;
mod input;
mod oauth;
mod objects;
mod owners;
mod properties;
mod render;
mod search;

pub use api::handle_api;
pub use oauth::handle as handle_oauth;
pub use properties::OBJECT_TYPES;
