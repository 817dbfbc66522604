//! The emulated objects and their fields (types, lengths, create/update rules), from which
//! validation, describe and SOQL field checks all read.

use std::sync::OnceLock;

/// A field's data type as describe reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The record id.
    Id,
    /// Plain text.
    Text,
    /// Long text.
    TextArea,
    /// E-mail address.
    Email,
    /// Phone number.
    Phone,
    /// URL.
    Url,
    /// Picklist.
    Picklist,
    /// Lookup to another record.
    Reference,
    /// Checkbox.
    Boolean,
    /// `YYYY-MM-DD`.
    Date,
    /// Timestamp.
    DateTime,
}

impl Kind {
    /// describe's `type`.
    pub fn describe_type(self) -> &'static str {
        match self {
            Kind::Id => "id",
            Kind::Text => "string",
            Kind::TextArea => "textarea",
            Kind::Email => "email",
            Kind::Phone => "phone",
            Kind::Url => "url",
            Kind::Picklist => "picklist",
            Kind::Reference => "reference",
            Kind::Boolean => "boolean",
            Kind::Date => "date",
            Kind::DateTime => "datetime",
        }
    }

    /// describe's `soapType`.
    pub fn soap_type(self) -> &'static str {
        match self {
            Kind::Id | Kind::Reference => "tns:ID",
            Kind::Boolean => "xsd:boolean",
            Kind::Date => "xsd:date",
            Kind::DateTime => "xsd:dateTime",
            _ => "xsd:string",
        }
    }

    /// Whether values are strings with a maximum length.
    pub fn is_text(self) -> bool {
        matches!(
            self,
            Kind::Text | Kind::TextArea | Kind::Email | Kind::Phone | Kind::Url | Kind::Picklist
        )
    }
}

/// One field.
#[derive(Debug, Clone)]
pub struct FieldDef {
    /// API name.
    pub name: &'static str,
    /// Label (used in error messages).
    pub label: &'static str,
    /// Data type.
    pub kind: Kind,
    /// Maximum length for text.
    pub length: u32,
    /// Must be given on create.
    pub required: bool,
    /// Settable on create.
    pub createable: bool,
    /// Settable on update.
    pub updateable: bool,
    /// Filled by the system when not given.
    pub defaulted: bool,
    /// Lookup targets.
    pub reference_to: &'static [&'static str],
    /// Relationship name for `X.Field` paths (`Owner`).
    pub relationship: Option<&'static str>,
    /// Picklist values (first is the default when defaulted).
    pub picklist: &'static [&'static str],
    /// A custom field (`__c`).
    pub custom: bool,
}

impl FieldDef {
    fn new(name: &'static str, label: &'static str, kind: Kind, length: u32) -> Self {
        FieldDef {
            name,
            label,
            kind,
            length,
            required: false,
            createable: true,
            updateable: true,
            defaulted: false,
            reference_to: &[],
            relationship: None,
            picklist: &[],
            custom: name.ends_with("__c"),
        }
    }
    fn required(mut self) -> Self {
        self.required = true;
        self
    }
    fn readonly(mut self) -> Self {
        self.createable = false;
        self.updateable = false;
        self
    }
    fn create_only(mut self) -> Self {
        self.updateable = false;
        self
    }
    fn defaulted(mut self) -> Self {
        self.defaulted = true;
        self
    }
    fn lookup(mut self, to: &'static [&'static str], relationship: &'static str) -> Self {
        self.reference_to = to;
        self.relationship = Some(relationship);
        self
    }
    fn values(mut self, values: &'static [&'static str]) -> Self {
        self.picklist = values;
        self
    }
}

/// One object.
#[derive(Debug, Clone)]
pub struct ObjectDef {
    /// API name.
    pub name: &'static str,
    /// Label.
    pub label: &'static str,
    /// Plural label.
    pub label_plural: &'static str,
    /// The 3-character id prefix.
    pub key_prefix: &'static str,
    /// Whether the API may create/update/delete it at all.
    pub writable: bool,
    /// Fields.
    pub fields: Vec<FieldDef>,
}

impl ObjectDef {
    /// A field by name (case-insensitive).
    pub fn field(&self, name: &str) -> Option<&FieldDef> {
        self.fields
            .iter()
            .find(|f| f.name.eq_ignore_ascii_case(name))
    }

    /// The field whose relationship name is `relationship` (case-insensitive).
    pub fn relationship(&self, relationship: &str) -> Option<&FieldDef> {
        self.fields.iter().find(|f| {
            f.relationship
                .is_some_and(|r| r.eq_ignore_ascii_case(relationship))
        })
    }
}

const LEAD_SOURCES: &[&str] = &[
    "Web",
    "Phone Inquiry",
    "Partner Referral",
    "Purchased List",
    "Other",
];

fn system_fields(owned: bool) -> Vec<FieldDef> {
    let mut fields = vec![
        FieldDef::new("Id", "Record ID", Kind::Id, 18).readonly(),
        FieldDef::new("IsDeleted", "Deleted", Kind::Boolean, 0).readonly(),
        FieldDef::new("CreatedDate", "Created Date", Kind::DateTime, 0).readonly(),
        FieldDef::new("CreatedById", "Created By ID", Kind::Reference, 18)
            .readonly()
            .lookup(&["User"], "CreatedBy"),
        FieldDef::new("LastModifiedDate", "Last Modified Date", Kind::DateTime, 0).readonly(),
        FieldDef::new(
            "LastModifiedById",
            "Last Modified By ID",
            Kind::Reference,
            18,
        )
        .readonly()
        .lookup(&["User"], "LastModifiedBy"),
        FieldDef::new("SystemModstamp", "System Modstamp", Kind::DateTime, 0).readonly(),
    ];
    if owned {
        fields.push(
            FieldDef::new("OwnerId", "Owner ID", Kind::Reference, 18)
                .defaulted()
                .lookup(&["User"], "Owner"),
        );
    }
    fields
}

fn person_fields() -> Vec<FieldDef> {
    vec![
        FieldDef::new("FirstName", "First Name", Kind::Text, 40),
        FieldDef::new("LastName", "Last Name", Kind::Text, 80).required(),
        FieldDef::new("Name", "Full Name", Kind::Text, 121).readonly(),
        FieldDef::new("Salutation", "Salutation", Kind::Picklist, 40)
            .values(&["Mr.", "Ms.", "Mrs.", "Dr.", "Prof."]),
        FieldDef::new("Email", "Email", Kind::Email, 80),
        FieldDef::new("Title", "Title", Kind::Text, 128),
        FieldDef::new("Phone", "Phone", Kind::Phone, 40),
        FieldDef::new("MobilePhone", "Mobile Phone", Kind::Phone, 40),
        FieldDef::new("LeadSource", "Lead Source", Kind::Picklist, 255).values(LEAD_SOURCES),
        FieldDef::new("Description", "Description", Kind::TextArea, 32000),
        FieldDef::new("LinkedIn_URL__c", "LinkedIn URL", Kind::Url, 255),
    ]
}

fn build() -> Vec<ObjectDef> {
    let mut contact = system_fields(true);
    contact.extend(person_fields());
    contact.extend([
        FieldDef::new("AccountId", "Account ID", Kind::Reference, 18)
            .lookup(&["Account"], "Account"),
        FieldDef::new("Department", "Department", Kind::Text, 80),
        FieldDef::new("MailingCity", "Mailing City", Kind::Text, 40),
        FieldDef::new("MailingState", "Mailing State/Province", Kind::Text, 80),
        FieldDef::new("MailingCountry", "Mailing Country", Kind::Text, 80),
    ]);
    let mut lead = system_fields(true);
    lead.extend(person_fields());
    lead.extend([
        FieldDef::new("Company", "Company", Kind::Text, 255).required(),
        FieldDef::new("Status", "Lead Status", Kind::Picklist, 255)
            .defaulted()
            .values(&[
                "Open - Not Contacted",
                "Working - Contacted",
                "Closed - Converted",
                "Closed - Not Converted",
            ]),
        FieldDef::new("Website", "Website", Kind::Url, 255),
        FieldDef::new("Industry", "Industry", Kind::Picklist, 255),
        FieldDef::new("City", "City", Kind::Text, 40),
        FieldDef::new("Country", "Country", Kind::Text, 80),
        FieldDef::new("IsConverted", "Converted", Kind::Boolean, 0).readonly(),
    ]);
    let mut account = system_fields(true);
    account.extend([
        FieldDef::new("Name", "Account Name", Kind::Text, 255).required(),
        FieldDef::new("Website", "Website", Kind::Url, 255),
        FieldDef::new("Phone", "Account Phone", Kind::Phone, 40),
        FieldDef::new("Industry", "Industry", Kind::Picklist, 255),
        FieldDef::new("Description", "Account Description", Kind::TextArea, 32000),
        FieldDef::new("BillingCity", "Billing City", Kind::Text, 40),
        FieldDef::new("BillingCountry", "Billing Country", Kind::Text, 80),
    ]);
    let mut task = system_fields(true);
    task.extend([
        FieldDef::new("WhoId", "Name ID", Kind::Reference, 18).lookup(&["Contact", "Lead"], "Who"),
        FieldDef::new("WhatId", "Related To ID", Kind::Reference, 18).lookup(&["Account"], "What"),
        FieldDef::new("Subject", "Subject", Kind::Text, 255),
        FieldDef::new("ActivityDate", "Due Date Only", Kind::Date, 0),
        FieldDef::new("Status", "Status", Kind::Picklist, 255)
            .defaulted()
            .values(&[
                "Not Started",
                "In Progress",
                "Completed",
                "Waiting on someone else",
                "Deferred",
            ]),
        FieldDef::new("Priority", "Priority", Kind::Picklist, 40)
            .defaulted()
            .values(&["Normal", "High", "Low"]),
        FieldDef::new("TaskSubtype", "Task Subtype", Kind::Picklist, 40)
            .create_only()
            .defaulted()
            .values(&["Task", "Email", "ListEmail", "Cadence", "Call", "LinkedIn"]),
        FieldDef::new("Type", "Type", Kind::Picklist, 40)
            .values(&["Call", "Email", "Meeting", "Other"]),
        FieldDef::new("Description", "Comments", Kind::TextArea, 32000),
        FieldDef::new("CallDurationInSeconds", "Call Duration", Kind::Text, 10),
        FieldDef::new("CallType", "Call Type", Kind::Picklist, 40)
            .values(&["Internal", "Inbound", "Outbound"]),
    ]);
    let mut user = system_fields(false);
    user.extend([
        FieldDef::new("Username", "Username", Kind::Text, 80),
        FieldDef::new("Email", "Email", Kind::Email, 128),
        FieldDef::new("FirstName", "First Name", Kind::Text, 40),
        FieldDef::new("LastName", "Last Name", Kind::Text, 80),
        FieldDef::new("Name", "Full Name", Kind::Text, 121).readonly(),
        FieldDef::new("Alias", "Alias", Kind::Text, 8),
        FieldDef::new("Title", "Title", Kind::Text, 80),
        FieldDef::new("IsActive", "Active", Kind::Boolean, 0),
        FieldDef::new("UserType", "User Type", Kind::Picklist, 40).readonly(),
        FieldDef::new("ProfileId", "Profile ID", Kind::Reference, 18)
            .lookup(&["Profile"], "Profile"),
    ]);
    let permission_flags = || {
        vec![
            FieldDef::new(
                "PermissionsModifyAllData",
                "Modify All Data",
                Kind::Boolean,
                0,
            ),
            FieldDef::new("PermissionsViewAllData", "View All Data", Kind::Boolean, 0),
            FieldDef::new("PermissionsApiEnabled", "API Enabled", Kind::Boolean, 0),
            FieldDef::new(
                "PermissionsTransferAnyLead",
                "Transfer Leads",
                Kind::Boolean,
                0,
            ),
        ]
    };
    let mut profile = system_fields(false);
    profile.push(FieldDef::new("Name", "Name", Kind::Text, 255));
    profile.push(FieldDef::new(
        "UserLicenseId",
        "User License ID",
        Kind::Reference,
        18,
    ));
    profile.extend(permission_flags());
    let mut permission_set = system_fields(false);
    permission_set.extend([
        FieldDef::new("Name", "Name", Kind::Text, 80),
        FieldDef::new("Label", "Label", Kind::Text, 80),
        FieldDef::new("IsOwnedByProfile", "Is Owned By Profile", Kind::Boolean, 0),
        FieldDef::new("ProfileId", "Profile ID", Kind::Reference, 18)
            .lookup(&["Profile"], "Profile"),
    ]);
    permission_set.extend(permission_flags());
    let mut assignment = system_fields(false);
    assignment.extend([
        FieldDef::new("AssigneeId", "Assignee ID", Kind::Reference, 18)
            .lookup(&["User"], "Assignee"),
        FieldDef::new("PermissionSetId", "Permission Set ID", Kind::Reference, 18)
            .lookup(&["PermissionSet"], "PermissionSet"),
    ]);
    let obj = |name, label, label_plural, key_prefix, writable, fields| ObjectDef {
        name,
        label,
        label_plural,
        key_prefix,
        writable,
        fields,
    };
    vec![
        obj("Contact", "Contact", "Contacts", "003", true, contact),
        obj("Lead", "Lead", "Leads", "00Q", true, lead),
        obj("Account", "Account", "Accounts", "001", true, account),
        obj("Task", "Task", "Tasks", "00T", true, task),
        obj("User", "User", "Users", "005", false, user),
        obj("Profile", "Profile", "Profiles", "00e", false, profile),
        obj(
            "PermissionSet",
            "Permission Set",
            "Permission Sets",
            "0PS",
            false,
            permission_set,
        ),
        obj(
            "PermissionSetAssignment",
            "Permission Set Assignment",
            "Permission Set Assignments",
            "0Pa",
            false,
            assignment,
        ),
    ]
}

/// All emulated objects.
pub fn objects() -> &'static [ObjectDef] {
    static OBJECTS: OnceLock<Vec<ObjectDef>> = OnceLock::new();
    OBJECTS.get_or_init(build)
}

/// An object by API name (case-insensitive).
pub fn object(name: &str) -> Option<&'static ObjectDef> {
    objects().iter().find(|o| o.name.eq_ignore_ascii_case(name))
}

/// The object an id belongs to, by key prefix.
pub fn object_for_id(id: &str) -> Option<&'static ObjectDef> {
    objects().iter().find(|o| id.starts_with(o.key_prefix))
}
