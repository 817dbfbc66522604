//! The header row: which column holds which field of a person, whatever the spelling
//! ("First Name", "first_name", "Given name", "E-mail", "Job Title", "Organization", ...).

use serde::Serialize;

/// A field of a person a CSV column can fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// Given name.
    FirstName,
    /// Family name.
    LastName,
    /// The whole name in one cell.
    FullName,
    /// Email address.
    Email,
    /// Job title.
    Title,
    /// Company or organisation.
    Company,
    /// Phone number.
    Phone,
    /// LinkedIn profile URL.
    LinkedinUrl,
    /// City or region.
    Location,
    /// A LinkedIn-style headline.
    Headline,
}

impl Field {
    /// The words a rep sees for this field ("First name", "LinkedIn URL").
    pub fn label(self) -> &'static str {
        match self {
            Self::FirstName => "First name",
            Self::LastName => "Last name",
            Self::FullName => "Name",
            Self::Email => "Email",
            Self::Title => "Title",
            Self::Company => "Company",
            Self::Phone => "Phone",
            Self::LinkedinUrl => "LinkedIn URL",
            Self::Location => "Location",
            Self::Headline => "Headline",
        }
    }
}

/// Header spellings, folded (lower case, letters and digits only), and the field each names.
const SPELLINGS: &[(&str, Field)] = &[
    ("firstname", Field::FirstName),
    ("first", Field::FirstName),
    ("givenname", Field::FirstName),
    ("forename", Field::FirstName),
    ("prenom", Field::FirstName),
    ("vorname", Field::FirstName),
    ("lastname", Field::LastName),
    ("last", Field::LastName),
    ("surname", Field::LastName),
    ("familyname", Field::LastName),
    ("nachname", Field::LastName),
    ("nom", Field::LastName),
    ("name", Field::FullName),
    ("fullname", Field::FullName),
    ("contactname", Field::FullName),
    ("personname", Field::FullName),
    ("displayname", Field::FullName),
    ("email", Field::Email),
    ("emailaddress", Field::Email),
    ("mail", Field::Email),
    ("workemail", Field::Email),
    ("businessemail", Field::Email),
    ("primaryemail", Field::Email),
    ("emailaddress1", Field::Email),
    ("title", Field::Title),
    ("jobtitle", Field::Title),
    ("position", Field::Title),
    ("role", Field::Title),
    ("designation", Field::Title),
    ("company", Field::Company),
    ("companyname", Field::Company),
    ("organization", Field::Company),
    ("organisation", Field::Company),
    ("organizationname", Field::Company),
    ("employer", Field::Company),
    ("account", Field::Company),
    ("accountname", Field::Company),
    ("phone", Field::Phone),
    ("phonenumber", Field::Phone),
    ("telephone", Field::Phone),
    ("tel", Field::Phone),
    ("mobile", Field::Phone),
    ("mobilephone", Field::Phone),
    ("workphone", Field::Phone),
    ("linkedin", Field::LinkedinUrl),
    ("linkedinurl", Field::LinkedinUrl),
    ("linkedinprofile", Field::LinkedinUrl),
    ("linkedinprofileurl", Field::LinkedinUrl),
    ("profileurl", Field::LinkedinUrl),
    ("url", Field::LinkedinUrl),
    ("location", Field::Location),
    ("city", Field::Location),
    ("headline", Field::Headline),
];

/// A header folded for matching: lower case, letters and digits only, accents of the common
/// Latin letters dropped ("E-mail" → "email", "Prénom" → "prenom").
fn fold(header: &str) -> String {
    header
        .chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'á' | 'à' | 'â' | 'ä' => 'a',
            'ó' | 'ò' | 'ô' | 'ö' => 'o',
            'ú' | 'ù' | 'û' | 'ü' => 'u',
            'í' | 'ì' | 'î' | 'ï' => 'i',
            c => c,
        })
        .filter(char::is_ascii_alphanumeric)
        .collect()
}

/// The field a header names, if any.
pub fn field_of(header: &str) -> Option<Field> {
    let folded = fold(header);
    SPELLINGS
        .iter()
        .find(|(spelling, _)| *spelling == folded)
        .map(|(_, field)| *field)
}

/// The header row read: the field of each column (`None`: not imported). When two columns
/// name the same field, the first one is used.
pub fn map_header(cells: &[String]) -> Vec<Option<Field>> {
    let mut seen = Vec::new();
    cells
        .iter()
        .map(|cell| {
            let field = field_of(cell).filter(|f| !seen.contains(f))?;
            seen.push(field);
            Some(field)
        })
        .collect()
}

/// True when the mapped columns can give a person a name (a full name or a last name).
pub fn has_name(columns: &[Option<Field>]) -> bool {
    columns
        .iter()
        .any(|c| matches!(c, Some(Field::FullName | Field::LastName)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_spellings_table() {
        let rows: &[(&str, Option<Field>)] = &[
            ("First Name", Some(Field::FirstName)),
            ("first_name", Some(Field::FirstName)),
            ("Given name", Some(Field::FirstName)),
            ("Prénom", Some(Field::FirstName)),
            ("Last Name", Some(Field::LastName)),
            ("SURNAME", Some(Field::LastName)),
            ("Name", Some(Field::FullName)),
            ("Full name", Some(Field::FullName)),
            ("E-mail", Some(Field::Email)),
            ("Email Address", Some(Field::Email)),
            ("Job Title", Some(Field::Title)),
            ("Organization", Some(Field::Company)),
            ("Company Name", Some(Field::Company)),
            ("Phone Number", Some(Field::Phone)),
            ("LinkedIn URL", Some(Field::LinkedinUrl)),
            ("URL", Some(Field::LinkedinUrl)),
            (" Location ", Some(Field::Location)),
            ("Notes", None),
            ("Connected On", None),
            ("", None),
        ];
        for (header, want) in rows {
            assert_eq!(field_of(header), *want, "{header:?}");
        }
    }

    #[test]
    fn first_column_of_a_field_wins() {
        let header: Vec<String> = ["Email", "Name", "E-mail", "Notes"]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        assert_eq!(
            map_header(&header),
            vec![Some(Field::Email), Some(Field::FullName), None, None]
        );
        assert!(has_name(&map_header(&header)));
        assert!(!has_name(&[Some(Field::FirstName), Some(Field::Email)]));
    }
}
