//! The journal: what a save leaves behind for the rep and the worker. [`records`]: the
//! per-prospect results, the recent-saves list and the error log ([`records::Journal`]), with
//! their CSV export (`csv`: one formula-safe cell per value); [`recent`]: the HubSpot contacts
//! this browser created minutes ago, kept in the same journal against search lag.

pub(crate) mod csv;
pub mod recent;
pub mod records;
