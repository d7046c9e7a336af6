//! Users of nido: the centre's team and its administration.

use std::fmt;

use chrono::{DateTime, Utc};

use uuid::Uuid;

use crate::{Invalid, Refusal};

/// A user account as nido knows it. The password hash never leaves the
/// persistence layer in this type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: Uuid,
    pub email: Email,
    pub display_name: DisplayName,
    pub role: Role,
    pub profession: Profession,
    /// A disabled user cannot log in and loses every session.
    pub active: bool,
    /// The password was set by someone else (an admin, or at installation):
    /// until its owner changes it, the account can do nothing else.
    pub must_change_password: bool,
    /// The account has a confirmed second factor (TOTP): a right password
    /// alone opens no session.
    pub mfa_enrolled: bool,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// An account to create, checked; the password is already hashed.
#[derive(Debug)]
pub struct NewUser {
    pub email: Email,
    pub display_name: DisplayName,
    pub role: Role,
    pub profession: Profession,
    pub password_hash: String,
    /// Set by someone other than its owner: to be changed at first login.
    pub must_change_password: bool,
    /// The sites she belongs to: one at least.
    pub site_ids: Vec<Uuid>,
}

/// The changes to an account, checked (a new password already hashed);
/// `None` leaves a field alone.
#[derive(Debug, Default)]
pub struct UserChanges {
    pub email: Option<Email>,
    pub display_name: Option<DisplayName>,
    pub role: Option<Role>,
    pub profession: Option<Profession>,
    pub active: Option<bool>,
    pub password_hash: Option<String>,
    /// With `password_hash`: whether its owner must change it (it was set
    /// by an admin) or not (she set it herself).
    pub must_change_password: bool,
    /// The sites she belongs to from now on (one at least, checked).
    pub site_ids: Option<Vec<Uuid>>,
}

/// An account as an admin types it: checked, and its password hashed,
/// by the use case (`nido_cases::users::create`).
pub struct UserInput {
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub profession: Profession,
    /// The one-time password, in clear: its owner replaces it at her
    /// first sign-in.
    pub password: String,
    /// The sites she belongs to; absent, the admin's own when she has one.
    pub site_ids: Option<Vec<Uuid>>,
}

// Never print a password.
impl fmt::Debug for UserInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserInput")
            .field("email", &self.email)
            .finish_non_exhaustive()
    }
}

/// The changes to an account as an admin types them; `None` leaves a field
/// alone. Checked, and a new password hashed, by the use case
/// (`nido_cases::users::change`).
#[derive(Default)]
pub struct UserEdit {
    pub email: Option<String>,
    pub display_name: Option<String>,
    pub role: Option<Role>,
    pub profession: Option<Profession>,
    /// `false` disables the account and ends its sessions.
    pub active: Option<bool>,
    /// A new one-time password, in clear; ends the user's sessions.
    pub password: Option<String>,
    /// The sites she belongs to from now on, all of them.
    pub site_ids: Option<Vec<Uuid>>,
}

// Never print a password.
impl fmt::Debug for UserEdit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserEdit")
            .field("email", &self.email)
            .finish_non_exhaustive()
    }
}

string_enum! {
    /// What a user may do. Least privilege: staff see only their own families.
    Role {
        /// Social workers, educators, the psychologist, the technical agent.
        Staff => "staff",
        /// The head of service (*chef de service*).
        Coordinator => "coordinator",
        /// Director and administration.
        Admin => "admin",
        /// The association's head office (*siège*): reads every site's
        /// families, due dates and reports, and writes nothing.
        HeadOffice => "head_office",
    }
}

string_enum! {
    /// A user's trade in the centre (*métier*).
    Profession {
        /// *Assistante sociale*.
        SocialWorker => "social_worker",
        /// *Éducatrice spécialisée*.
        SpecializedEducator => "specialized_educator",
        /// *Éducatrice de jeunes enfants*.
        EarlyChildhoodEducator => "early_childhood_educator",
        /// *Auxiliaire de puériculture*.
        ChildcareAssistant => "childcare_assistant",
        Psychologist => "psychologist",
        /// *Agent technique*.
        TechnicalAgent => "technical_agent",
        /// *Chef de service*.
        Coordinator => "coordinator",
        Director => "director",
        Other => "other",
    }
}

/// The longest email address (in characters) a login or an account takes.
pub const EMAIL_MAX: u64 = 254;

/// The longest password (in characters) typed to prove who one is: at a
/// login, to change one's password or to remove one's second factor. A
/// bound on the work of hashing, not the policy (that is [`NewPassword`]).
pub const TYPED_PASSWORD_MAX: u64 = 1024;

/// The longest second factor's code (in characters) typed: the
/// authenticator's 6 digits, or a recovery code.
pub const CODE_MAX: u64 = 64;

/// The longest login challenge (in characters) sent back with a code.
pub const CHALLENGE_MAX: u64 = 128;

/// An email address, trimmed and lower-cased so that one person has one account.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let email = raw.trim().to_lowercase();
        let invalid = || Invalid::new(Refusal::Email);
        if email.len() > 254 || email.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(invalid());
        }
        let (local, domain) = email.split_once('@').ok_or_else(invalid)?;
        let domain_ok = !domain.is_empty()
            && !domain.contains('@')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..");
        if local.is_empty() || local.len() > 64 || !domain_ok {
            return Err(invalid());
        }
        Ok(Self(email))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Email {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The name shown for a user: 1 to 100 characters once trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayName(String);

impl DisplayName {
    pub const MAX_CHARS: usize = 100;

    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let name = raw.trim();
        let chars = name.chars().count();
        if chars == 0 || chars > Self::MAX_CHARS {
            return Err(Invalid::new(Refusal::Length { min: 1, max: 100 }));
        }
        if name.chars().any(char::is_control) {
            return Err(Invalid::new(Refusal::ControlCharacter));
        }
        Ok(Self(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Why a new password was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{}", Refusal::from(*self))]
pub enum PasswordError {
    Length,
    Weak,
}

impl From<PasswordError> for Refusal {
    fn from(error: PasswordError) -> Self {
        match error {
            PasswordError::Length => Refusal::PasswordLength {
                min: NewPassword::MIN_CHARS as u64,
                max: NewPassword::MAX_CHARS as u64,
            },
            PasswordError::Weak => Refusal::PasswordTooEasy,
        }
    }
}

/// A password that meets the policy: 12 to 128 characters and a zxcvbn score of
/// at least 3, judged also against the user's own email and name. It is never
/// printed: `Debug` hides it.
#[derive(Clone)]
pub struct NewPassword(String);

impl NewPassword {
    pub const MIN_CHARS: usize = 12;
    pub const MAX_CHARS: usize = 128;
    const MIN_SCORE: zxcvbn::Score = zxcvbn::Score::Three;

    /// `user_inputs` are words the user's own details give away (email, name).
    pub fn parse(raw: &str, user_inputs: &[&str]) -> Result<Self, PasswordError> {
        let chars = raw.chars().count();
        if !(Self::MIN_CHARS..=Self::MAX_CHARS).contains(&chars) {
            return Err(PasswordError::Length);
        }
        // zxcvbn matches whole dictionary words: give it the words of the
        // user's details too, not only the details as one string.
        let words: Vec<String> = user_inputs
            .iter()
            .flat_map(|input| input.split(|c: char| !c.is_alphanumeric()))
            .filter(|word| word.chars().count() >= 3)
            .map(str::to_lowercase)
            .collect();
        let mut inputs: Vec<&str> = user_inputs.to_vec();
        inputs.extend(words.iter().map(String::as_str));
        if zxcvbn::zxcvbn(raw, &inputs).score() < Self::MIN_SCORE {
            return Err(PasswordError::Weak);
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewPassword(**redacted**)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_and_professions_round_trip_through_their_names() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(*role));
        }
        for profession in Profession::ALL {
            assert_eq!(profession.as_str().parse::<Profession>(), Ok(*profession));
        }
        assert!("root".parse::<Role>().is_err());
        assert!("Staff".parse::<Role>().is_err());
        assert!("nurse".parse::<Profession>().is_err());
    }

    #[test]
    fn emails_are_normalised() {
        let email = Email::parse("  Claire.Martin@Nido.Example ").expect("valid");
        assert_eq!(email.as_str(), "claire.martin@nido.example");
        assert_eq!(email.as_ref(), "claire.martin@nido.example");
        assert_eq!(email.to_string(), "claire.martin@nido.example");
    }

    #[test]
    fn malformed_emails_are_refused() {
        for raw in [
            "",
            "claire",
            "@nido.example",
            "claire@",
            "claire@@nido.example",
            "claire@nido..example",
            "claire@.nido",
            "claire martin@nido.example",
            "claire@nido.example.",
        ] {
            assert!(Email::parse(raw).is_err(), "{raw:?} should be refused");
        }
        let long_local = format!("{}@nido.example", "a".repeat(65));
        assert!(Email::parse(&long_local).is_err());
        // At the bounds: a local part of 64 bytes, an address of 254.
        let longest_local = format!("{}@nido.example", "a".repeat(64));
        assert!(Email::parse(&longest_local).is_ok());
        let address = |length: usize| format!("claire@{}.fr", "n".repeat(length - 10));
        assert_eq!(address(254).len(), 254);
        assert!(Email::parse(&address(254)).is_ok());
        assert!(Email::parse(&address(255)).is_err());
        assert!(Email::parse(&address(256)).is_err());
    }

    #[test]
    fn display_names_are_trimmed_and_bounded() {
        assert_eq!(
            DisplayName::parse("  Inès  ").expect("valid").as_str(),
            "Inès"
        );
        assert!(DisplayName::parse("   ").is_err());
        assert!(DisplayName::parse(&"é".repeat(100)).is_ok());
        assert!(DisplayName::parse(&"é".repeat(101)).is_err());
        assert!(DisplayName::parse("a\u{0}b").is_err());
    }

    #[test]
    fn passwords_must_be_12_to_128_characters() {
        assert_eq!(
            NewPassword::parse("Xq7#vL2!pZ", &[]).err(),
            Some(PasswordError::Length)
        );
        let too_long = "Xq7#vL2!pZ-".repeat(12);
        assert_eq!(too_long.chars().count(), 132);
        assert_eq!(
            NewPassword::parse(&too_long, &[]).err(),
            Some(PasswordError::Length)
        );
        // 12 characters counted as characters, not bytes.
        assert!(NewPassword::parse("éàçùœ-Ğ7#qLz", &[]).is_ok());
    }

    #[test]
    fn weak_passwords_are_refused() {
        for weak in [
            "password1234",
            "aaaaaaaaaaaa",
            "123456789012",
            "azertyuiopqs",
        ] {
            assert_eq!(
                NewPassword::parse(weak, &[]).err(),
                Some(PasswordError::Weak),
                "{weak}"
            );
        }
        assert!(NewPassword::parse("lanterne-violon-gravier-47", &[]).is_ok());
        // zxcvbn scores it 3 of 4: the lowest score taken.
        assert!(NewPassword::parse("marmotte-2019", &[]).is_ok());
    }

    #[test]
    fn passwords_built_from_the_users_own_details_are_weak() {
        // Strong for a stranger, weak for the person it names.
        let password = "kowalczykzephyrine";
        assert!(NewPassword::parse(password, &[]).is_ok());
        let inputs = ["zephyrine.kowalczyk@nido.example", "Zéphyrine Kowalczyk"];
        assert_eq!(
            NewPassword::parse(password, &inputs).err(),
            Some(PasswordError::Weak)
        );
    }

    #[test]
    fn passwords_never_print() {
        let password = NewPassword::parse("lanterne-violon-gravier-47", &[]).expect("strong");
        assert_eq!(format!("{password:?}"), "NewPassword(**redacted**)");
        assert_eq!(password.expose(), "lanterne-violon-gravier-47", "to hash");
    }
}
