//! What arrives at the worker, checked before anything else sees it: [`message`], the messages
//! from content scripts, the options page, the popup and the rep's own pages, read into typed
//! enums; [`prospect`], a page's person checked and cleaned; [`card`], a list page's card read
//! into the person to look up or why it is skipped (private, no name); [`import`], a CSV file a rep
//! imports, read into the people to save and the rows skipped with their reasons.

pub mod card;
pub mod import;
pub mod message;
pub mod prospect;
