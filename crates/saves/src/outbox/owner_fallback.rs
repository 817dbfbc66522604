//! When the CRM refuses the owner a decision chose: spec rules 4 and 6. An owner Salesforce
//! refuses (`INACTIVE_OWNER_OR_USER`, or `INVALID_CROSS_REFERENCE_KEY` on `OwnerId`) counts as
//! inactive, and rule 4 moves on to its next step: the rep's personal CRM user, then the
//! pushing connection's user. The attribution core is asked again with the refused user marked
//! inactive, so the fallback follows its rules instead of a second copy of them.

use crm::CrmUser;

use crate::decision::decide_person;
use crate::inbound::message::{PageSource, Push};
use crate::journal::records::Party;
use crate::outbox::PersonSave;
use crate::team::LocalTeam;

/// Is this CRM refusal about the owner? A reference error on another field (an `AccountId`,
/// a `WhoId`) is not.
pub(crate) fn is_owner_refusal(code: &str, fields: &[String]) -> bool {
    match code {
        "INACTIVE_OWNER_OR_USER" => true,
        "INVALID_CROSS_REFERENCE_KEY" => fields.is_empty() || fields.iter().any(|f| f == "OwnerId"),
        _ => false,
    }
}

/// Gives `entry` the owner it gets after the CRM refused its current one (with `code`), with
/// the reason and the `owner_fallback` warning. The first refusal follows the rules
/// ([`next_owner`]); a second one (the fallback refused too), or rules that end at the refused
/// user, give the pushing user. The caller checks the refused owner is not the pushing user.
pub(crate) fn fall_back(team: &LocalTeam, entry: &mut PersonSave, push: Push, code: &str) {
    let refused = entry.spec.owner_id.clone().unwrap_or_default();
    let fell_back = entry.warnings.iter().any(|w| w == "owner_fallback");
    let by_rules = (!fell_back)
        .then(|| next_owner(team, entry.source, push, &refused, code))
        .flatten();
    let (owner, reason) = by_rules.unwrap_or_else(|| {
        (
            entry.created_by.id.clone().unwrap_or_default(),
            format!("The CRM refused owner {refused} ({code}), so the record is owned by the user who pushed it."),
        )
    });
    entry.owner = Party {
        name: team.user_name(&owner),
        id: Some(owner.clone()),
    };
    entry.spec.owner_id = Some(owner);
    entry.warnings.push("owner_fallback".into());
    entry.reasons.push(reason);
}

/// The owner after `refused` was refused, and the reason to show: the decision asked again
/// with `refused` inactive. `None` when the rules end at the refused user itself (it pushes).
fn next_owner(
    team: &LocalTeam,
    source: PageSource,
    push: Push,
    refused: &str,
    code: &str,
) -> Option<(String, String)> {
    let mut without = team.clone();
    match without.crm_users.iter_mut().find(|u| u.id == refused) {
        Some(user) => user.active = false,
        None => without.crm_users.push(CrmUser {
            id: refused.to_owned(),
            email: None,
            name: None,
            active: false,
        }),
    }
    let owner = decide_person(&without, source, push).ok()?.owner;
    if owner == refused {
        return None;
    }
    let name = team.user_name(&owner).unwrap_or_else(|| owner.clone());
    Some((
        owner,
        format!(
            "The CRM refused owner {refused} ({code}), so the record is owned by {name}, the next owner by the rules."
        ),
    ))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn only_owner_errors_count() {
        assert!(is_owner_refusal("INACTIVE_OWNER_OR_USER", &[]));
        assert!(is_owner_refusal(
            "INVALID_CROSS_REFERENCE_KEY",
            &["OwnerId".into()]
        ));
        assert!(is_owner_refusal("INVALID_CROSS_REFERENCE_KEY", &[]));
        assert!(!is_owner_refusal(
            "INVALID_CROSS_REFERENCE_KEY",
            &["AccountId".into()]
        ));
        assert!(!is_owner_refusal("DUPLICATES_DETECTED", &[]));
    }
}
