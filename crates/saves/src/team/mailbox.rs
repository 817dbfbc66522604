//! "Is this Gmail mailbox the CRM user a Gmail save is Created By?" (issue 17).
//!
//! Gmail saves go under the rep's own connection, so Salesforce records its CRM user as
//! Created By. When the rep reads mail as another address, the panel and the options page say
//! so before a save. Two addresses are the same mailbox when they deliver to the same inbox:
//! case never matters, a `+tag` after the local part is a sub-address of the same inbox
//! (Google Workspace, Gmail and Microsoft 365 all deliver it there), and on Gmail's own domains
//! dots in the local part do not count and `googlemail.com` is `gmail.com`. Anything else
//! (another domain, another local part) is another mailbox unless the rep lists it among their
//! other addresses ([`super::config::TeamConfig::mailbox_aliases`]): the rep decides, we never
//! block.

/// The most other addresses a rep may list.
pub const MAX_ALIASES: usize = 10;

/// An address's inbox: lowercase, without a `+tag`, and on Gmail's domains without dots;
/// `None` when it is not `local@domain`.
pub fn inbox(address: &str) -> Option<String> {
    let address = address.trim().to_lowercase();
    let (local, domain) = address.rsplit_once('@')?;
    if local.is_empty() || !is_domain(domain) || local.contains(char::is_whitespace) {
        return None;
    }
    let local = local.split('+').next().unwrap_or_default();
    let (local, domain) = match domain {
        "gmail.com" | "googlemail.com" => (local.replace('.', ""), "gmail.com"),
        _ => (local.to_owned(), domain),
    };
    (!local.is_empty()).then(|| format!("{local}@{domain}"))
}

/// A domain as mail servers route it: dot-separated labels, none empty, no `@` or space.
fn is_domain(domain: &str) -> bool {
    domain.contains('.')
        && domain.len() <= 253
        && domain
            .split('.')
            .all(|l| !l.is_empty() && l.chars().all(|c| c.is_alphanumeric() || c == '-'))
}

/// True when `mailbox` delivers to the same inbox as the CRM user's `crm_email` or one of the
/// rep's other addresses.
pub fn is_crm_user(mailbox: &str, crm_email: &str, aliases: &[String]) -> bool {
    let Some(mailbox) = inbox(mailbox) else {
        return false;
    };
    std::iter::once(crm_email)
        .chain(aliases.iter().map(String::as_str))
        .filter_map(inbox)
        .any(|known| known == mailbox)
}

/// Reads the options page's "other addresses" field: addresses separated by commas,
/// semicolons, spaces or line breaks, lowercased, without repeats. An entry that is not an
/// address refuses the whole field with its words (nothing is saved half).
pub fn parse_aliases(text: &str) -> Result<Vec<String>, String> {
    let mut aliases: Vec<String> = Vec::new();
    for entry in text
        .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .filter(|e| !e.is_empty())
    {
        if entry.chars().count() > 254 || inbox(entry).is_none() {
            let shown: String = entry.chars().take(60).collect();
            return Err(format!("“{shown}” is not an email address."));
        }
        let entry = entry.to_lowercase();
        if !aliases.contains(&entry) {
            aliases.push(entry);
        }
    }
    if aliases.len() > MAX_ALIASES {
        return Err(format!(
            "At most {MAX_ALIASES} other addresses, not {}.",
            aliases.len()
        ));
    }
    Ok(aliases)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn one_inbox_whatever_the_spelling() {
        for (a, b) in [
            ("Rep@Acme.Example", "rep@acme.example"),
            ("rep+crm@acme.example", "rep@acme.example"),
            ("ada.lovelace@gmail.com", "adalovelace@googlemail.com"),
            ("Ada.Love.Lace+news@GMail.com", "adalovelace@gmail.com"),
        ] {
            assert_eq!(inbox(a), inbox(b), "{a} and {b}");
            assert!(inbox(a).is_some());
        }
    }

    #[test]
    fn other_inboxes_stay_other() {
        for (a, b) in [
            ("rep@acme.example", "rep2@acme.example"),
            ("rep@acme.example", "rep@acme.example.org"),
            ("ada.lovelace@acme.example", "adalovelace@acme.example"), // dots count off Gmail
            ("rep@sub.acme.example", "rep@acme.example"),
        ] {
            assert_ne!(inbox(a), inbox(b), "{a} and {b}");
        }
    }

    #[test]
    fn non_addresses_have_no_inbox() {
        for bad in [
            "",
            "rep",
            "@acme.example",
            "rep@",
            "rep@acme",
            "rep@acme..example",
            "a b@acme.example",
            "+tag@acme.example",
        ] {
            assert_eq!(inbox(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn the_crm_user_or_a_listed_alias_is_the_mailbox() {
        let aliases = vec!["ada@personal.example".to_owned()];
        assert!(is_crm_user("Rep+x@acme.example", "rep@acme.example", &[]));
        assert!(is_crm_user(
            "ada@personal.example",
            "rep@acme.example",
            &aliases
        ));
        assert!(!is_crm_user(
            "ada@personal.example",
            "rep@acme.example",
            &[]
        ));
        assert!(!is_crm_user("not an address", "rep@acme.example", &aliases));
        assert!(!is_crm_user("rep@acme.example", "", &[]));
    }

    #[test]
    fn aliases_field_reads_any_separator_and_refuses_whole() {
        assert_eq!(
            parse_aliases(" Ada@Acme.example,ada@home.example;\nada@acme.example  ").unwrap(),
            vec!["ada@acme.example", "ada@home.example"]
        );
        assert_eq!(parse_aliases("   ").unwrap(), Vec::<String>::new());
        assert_eq!(
            parse_aliases("ada@acme.example, ada at home").unwrap_err(),
            "“ada” is not an email address."
        );
        // An address is at most 254 characters (RFC 5321's path limit): one that long is
        // kept, one longer refused.
        let address = |len: usize| {
            let domain = format!("{}.{}.example", "d".repeat(60), "e".repeat(60));
            format!("{}@{domain}", "a".repeat(len - domain.len() - 1))
        };
        assert_eq!(address(254).len(), 254);
        assert_eq!(parse_aliases(&address(254)).unwrap(), vec![address(254)]);
        assert!(parse_aliases(&address(255))
            .unwrap_err()
            .ends_with("is not an email address."));
        let many: Vec<String> = (0..=MAX_ALIASES)
            .map(|i| format!("a{i}@x.example"))
            .collect();
        assert!(parse_aliases(&many.join(","))
            .unwrap_err()
            .starts_with("At most 10"));
    }
}
