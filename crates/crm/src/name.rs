//! The one rule that splits a display name into a given name and a family name, used by every
//! save path (LinkedIn pages, Gmail, manual and CSV entry): content scripts send the name as
//! the page shows it, and this rule decides `FirstName` / `LastName` (Salesforce's `LastName`
//! is what reps sort and dedupe by, so it must hold the whole family name).
//!
//! The rule, in order:
//! 1. What follows a comma, `|` or `(` is dropped ("Ada Lovelace, PhD", "Ada (she/her)"), and so
//!    are emoji; when nothing is left, the name is used as it came.
//! 2. A single word is the family name (`LastName` is required; the given name stays empty).
//! 3. The family name starts at the first surname particle that has a word after it, looking
//!    from the second word on ("Siobhán **Ní Bhriain**", "Johann Wolfgang **von Goethe**",
//!    "Juan Carlos **de la Cruz**"); a Spanish `y` joins two surnames, so the family name starts
//!    one word before it ("Juan Carlos **Ortega y Gasset**").
//! 4. Otherwise the first word is the given name and the rest the family name
//!    ("Ada **King Lovelace**").

/// Words that start a family name (compared lower-case), by tradition: Irish (Ní, Nic, Mac, Ó,
/// Ua, Uí, Mhic), Dutch (van, van der, van den, de, ter, ten), German (von, zu, vom, zum),
/// Spanish (de, de la, del, de los), Portuguese (da, das, do, dos, de), French (de, du, des,
/// le, la), Italian (di, da, della, dello, degli, dei, del), Arabic (al, el, bin, ibn, bint).
/// Later words of a multi-word particle ("der" in "van der") follow the first one.
const PARTICLES: &[&str] = &[
    "ní", "nic", "mac", "ó", "ua", "uí", "mhic", // Irish
    "van", "de", "ter", "ten", // Dutch
    "von", "zu", "vom", "zum", // German
    "del", "la", "las", "los", // Spanish
    "da", "das", "do", "dos", // Portuguese
    "du", "des", "le", // French
    "di", "della", "dello", "degli", "dei", // Italian
    "al", "el", "bin", "ibn", "bint", // Arabic
];

/// The Spanish conjunction between two surnames ("Ortega y Gasset").
const SURNAME_JOIN: &str = "y";

/// Splits a display name into `(given, family)`; see the module docs for the rule. The family
/// name is empty only when the name has no word at all.
pub fn split_full_name(full_name: &str) -> (Option<String>, String) {
    let kept: String = full_name
        .split([',', '|', '('])
        .next()
        .unwrap_or_default()
        .chars()
        .filter(|c| !is_emoji(*c))
        .collect();
    let mut words: Vec<&str> = kept.split_whitespace().collect();
    if words.is_empty() {
        words = full_name.split_whitespace().collect();
    }
    match words.as_slice() {
        [] => (None, String::new()),
        [only] => (None, (*only).to_owned()),
        _ => {
            let cut = family_start(&words);
            (Some(words[..cut].join(" ")), words[cut..].join(" "))
        }
    }
}

/// Where the family name starts in `words` (two or more): at index 1 at the earliest, before
/// the last word at the latest.
fn family_start(words: &[&str]) -> usize {
    let last = words.len() - 1;
    (1..last)
        .find_map(|i| {
            let word = words[i].to_lowercase();
            if PARTICLES.contains(&word.as_str()) {
                Some(i)
            } else if word == SURNAME_JOIN && i >= 2 {
                Some(i - 1)
            } else {
                None
            }
        })
        .unwrap_or(1)
}

/// Emoji and the characters that join or style them (no display name needs them in the CRM).
fn is_emoji(c: char) -> bool {
    matches!(u32::from(c),
        0x1F000..=0x1FAFF // pictographs, emoticons, symbols, flags
        | 0x2600..=0x27BF // miscellaneous symbols, dingbats
        | 0x2B00..=0x2BFF // arrows and stars (⭐)
        | 0x200D | 0xFE0E | 0xFE0F | 0x20E3 // zero-width joiner, variation selectors, keycap
        | 0xE0020..=0xE007F // tag characters (subdivision flags)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One row per situation: the name as a page shows it → (given name, family name).
    #[test]
    fn name_table() {
        let rows: &[(&str, Option<&str>, &str)] = &[
            // No particle: the first word is the given name.
            ("Ada Lovelace", Some("Ada"), "Lovelace"),
            ("Ada King Lovelace", Some("Ada"), "King Lovelace"),
            ("Nguyễn Thị Minh Khai", Some("Nguyễn"), "Thị Minh Khai"),
            // Single names: the family name holds it (LastName is required).
            ("Madonna", None, "Madonna"),
            ("  Plato  ", None, "Plato"),
            ("", None, ""),
            ("   ", None, ""),
            // Extra spaces, tabs and line breaks.
            ("  Ada   King \t Lovelace \n", Some("Ada"), "King Lovelace"),
            ("Siobhán  Ní   Bhriain", Some("Siobhán"), "Ní Bhriain"),
            // Credentials, pronouns, taglines and emoji.
            ("Ada Lovelace, PhD 🚀", Some("Ada"), "Lovelace"),
            ("Grace Hopper 🚀", Some("Grace"), "Hopper"),
            ("Jane Doe, PhD", Some("Jane"), "Doe"),
            ("Ada Lovelace (she/her)", Some("Ada"), "Lovelace"),
            ("Ada Lovelace | Analytical Engines", Some("Ada"), "Lovelace"),
            ("👩‍💻 Ada ⭐ Lovelace", Some("Ada"), "Lovelace"),
            ("🚀", None, "🚀"),
            // Irish.
            ("Siobhán Ní Bhriain", Some("Siobhán"), "Ní Bhriain"),
            (
                "Máire Nic Giolla Phádraig",
                Some("Máire"),
                "Nic Giolla Phádraig",
            ),
            ("Seán Mac Giolla", Some("Seán"), "Mac Giolla"),
            ("Pádraig Ó Sé", Some("Pádraig"), "Ó Sé"),
            ("Mícheál Ua Buachalla", Some("Mícheál"), "Ua Buachalla"),
            ("Mary Kate Ní Bhriain", Some("Mary Kate"), "Ní Bhriain"),
            // Dutch.
            ("Jan van der Berg", Some("Jan"), "van der Berg"),
            (
                "Anna Maria van den Broek",
                Some("Anna Maria"),
                "van den Broek",
            ),
            ("Ludwig van Beethoven", Some("Ludwig"), "van Beethoven"),
            ("Pieter de Vries", Some("Pieter"), "de Vries"),
            // German.
            (
                "Johann Wolfgang von Goethe",
                Some("Johann Wolfgang"),
                "von Goethe",
            ),
            (
                "Karl Theodor zu Guttenberg",
                Some("Karl Theodor"),
                "zu Guttenberg",
            ),
            // Spanish.
            ("Juan Carlos de la Cruz", Some("Juan Carlos"), "de la Cruz"),
            ("Pedro del Valle", Some("Pedro"), "del Valle"),
            ("Ana María del Río", Some("Ana María"), "del Río"),
            ("José Ortega y Gasset", Some("José"), "Ortega y Gasset"),
            (
                "Juan Carlos Ortega y Gasset",
                Some("Juan Carlos"),
                "Ortega y Gasset",
            ),
            ("Gabriel García Márquez", Some("Gabriel"), "García Márquez"),
            // Portuguese.
            ("João Pedro dos Santos", Some("João Pedro"), "dos Santos"),
            ("Maria das Dores", Some("Maria"), "das Dores"),
            ("Ana Paula da Silva", Some("Ana Paula"), "da Silva"),
            (
                "Luiz Inácio do Nascimento",
                Some("Luiz Inácio"),
                "do Nascimento",
            ),
            // French.
            ("Jean Pierre de Gaulle", Some("Jean Pierre"), "de Gaulle"),
            ("Marie Anne du Pont", Some("Marie Anne"), "du Pont"),
            ("Jean Marie Le Pen", Some("Jean Marie"), "Le Pen"),
            // Italian.
            ("Leonardo di Caprio", Some("Leonardo"), "di Caprio"),
            (
                "Anna Maria della Rovere",
                Some("Anna Maria"),
                "della Rovere",
            ),
            ("Maria Grazia da Ponte", Some("Maria Grazia"), "da Ponte"),
            // Arabic.
            (
                "Mohammed bin Rashid Al Maktoum",
                Some("Mohammed"),
                "bin Rashid Al Maktoum",
            ),
            ("Omar Abdel al-Farouk", Some("Omar"), "Abdel al-Farouk"),
            ("Ahmad Khalid ibn Saud", Some("Ahmad Khalid"), "ibn Saud"),
            // A particle as the last word is a surname of its own, not the start of one.
            ("Anna Maria Van", Some("Anna"), "Maria Van"),
            ("Tom De", Some("Tom"), "De"),
            // Particles compare without case.
            ("Vincent VAN Gogh", Some("Vincent"), "VAN Gogh"),
        ];
        for (full, given, family) in rows {
            let (g, f) = split_full_name(full);
            assert_eq!((g.as_deref(), f.as_str()), (*given, *family), "{full:?}");
        }
    }

    #[test]
    fn the_family_name_is_never_empty_when_the_name_has_a_word() {
        for name in ["a", "a b", "de", "de la", "y y y", ", PhD", "(x)", "🚀 🚀"] {
            let (_, family) = split_full_name(name);
            assert!(!family.trim().is_empty(), "{name:?}");
        }
    }
}
